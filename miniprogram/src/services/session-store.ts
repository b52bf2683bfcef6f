import Taro from '@tarojs/taro';

// Taro storage is wx storage in the mini-program and localStorage in H5: the session survives a
// restart of the app, and each browser profile (or WeChat user) has its own.
const TOKEN_KEY = 'siyu.token';
const STORE_CODE_KEY = 'siyu.pendingStoreCode';

const read = (key: string): string | null => {
  try {
    const value: unknown = Taro.getStorageSync(key);
    return typeof value === 'string' && value !== '' ? value : null;
  } catch {
    return null;
  }
};

const write = (key: string, value: string | null): void => {
  try {
    if (value === null) Taro.removeStorageSync(key);
    else Taro.setStorageSync(key, value);
  } catch {
    // Storage full or unavailable (private mode): the session then lasts as long as the page.
  }
};

export const getToken = (): string | null => read(TOKEN_KEY);
export const setToken = (token: string): void => write(TOKEN_KEY, token);
export const clearToken = (): void => write(TOKEN_KEY, null);

// The store a member arrived from (QR code scene / ?store=) has to outlive the login step, which
// may reload the page in H5, so it is parked in storage until the member has joined.
export const getPendingStoreCode = (): string | null => read(STORE_CODE_KEY);
export const setPendingStoreCode = (code: string | null): void => write(STORE_CODE_KEY, code);
