// The browser console saves the export as a file (UTF-8 with BOM, which Excel reads). Taro picks
// this file for the H5 build; save-file.ts is the mini-program's stand-in.
export const canSaveFiles = true;

export const saveTextFile = (name: string, text: string): boolean => {
  const url = URL.createObjectURL(new Blob([text], { type: 'text/csv;charset=utf-8' }));
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
  return true;
};
