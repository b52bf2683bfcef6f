import path from 'node:path';

// What `npm run seed:scale` creates and `npm run bench` looks for.
//
// The scale org has its own appid, so it can live in the same database as the demo org and the
// bench signs in to it through the real /api/auth/wx-login: the bench starts the app with
// WECHAT_APPID set to this appid, the simulator mints codes for any openid, and wx_sign_in
// finds the org by appid and the account by (org, openid).
export const SCALE_APPID = 'wx5ca1e00000000001';
export const SCALE_ORG_NAME = '规模测试服饰 Scale Apparel';

// The people the bench signs in as. The associate and the manager work in the largest store
// (the worst case for store-scoped searches); the associate owns the most customers there.
export const SCALE_LOGINS = {
  associate: 'scale-associate',
  manager: 'scale-manager',
  operator: 'scale-operator',
  admin: 'scale-admin',
} as const;
export type ScaleLogin = keyof typeof SCALE_LOGINS;

// "Now" for the generated history. Fixed, so that one --seed always produces the same data.
export const SCALE_DEFAULT_AS_OF = '2026-11-22T12:00:00+08:00';

// Phones are encrypted with the keys in .data/secrets.json (the same file `npm start` uses),
// so the app started by the bench reads what the generator wrote. Environment variables win.
export const rootDir = path.resolve(__dirname, '..');
export const SCALE_SECRETS_DIR = path.join(rootDir, '.data');
