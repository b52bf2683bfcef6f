/// <reference types="@tarojs/taro" />

declare module '*.png';
declare module '*.svg';
declare module '*.css';
declare module '*.scss';

// Build-time constant (config/index.ts): the API origin; '' in H5 (same origin as the page).
declare const API_BASE: string;

declare namespace NodeJS {
  // Declaration merging with @types/node's ProcessEnv needs an interface.
  // eslint-disable-next-line @typescript-eslint/consistent-type-definitions
  interface ProcessEnv {
    NODE_ENV: 'development' | 'production' | 'test';
    TARO_ENV: 'weapp' | 'h5';
    TARO_APP_ID?: string;
    TARO_APP_API_BASE?: string;
  }
}
