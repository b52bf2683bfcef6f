// In the mini-program there is no file to save a CSV into: exports are made in the browser
// console (save-file.h5.ts, which Taro picks for the H5 build). The page hides the export here,
// so no audited read happens that nobody can keep.
export const canSaveFiles = false;

export const saveTextFile = (_name: string, _text: string): boolean => false;
