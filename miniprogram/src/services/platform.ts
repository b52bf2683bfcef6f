// Which build this is. `process.env.TARO_ENV` is replaced at build time, so the branch for the
// other platform is dropped from each bundle.
export const isWeapp = process.env.TARO_ENV === 'weapp';
export const isH5 = process.env.TARO_ENV === 'h5';

// '' in H5 (the page is served by the API server, same origin); the configured server in weapp.
export const apiBase: string = API_BASE;
