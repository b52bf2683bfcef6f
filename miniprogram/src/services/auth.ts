import Taro from '@tarojs/taro';
import type { AppConfigOutput, MeOutput } from '@shared/schemas/auth-login.schema';
import { authLoginInputSchema } from '@shared/schemas/auth-login.schema';
import { api } from './api';
import { ApiError } from './api-client';
import { isWeapp } from './platform';
import { clearToken, setToken } from './session-store';

let configPromise: Promise<AppConfigOutput> | null = null;

// /api/config does not change while the app runs; fetch it once (and again after a failure).
export const loadAppConfig = (): Promise<AppConfigOutput> => {
  if (!configPromise) {
    configPromise = api.config().catch((error: unknown) => {
      configPromise = null;
      throw error;
    });
  }
  return configPromise;
};

// In the mini-program WeChat knows which app is running; elsewhere (H5 demo, tests) the server's
// configured app id is the one the simulator issues codes for.
const currentAppId = (config: AppConfigOutput): string => {
  if (isWeapp) {
    try {
      const appId = Taro.getAccountInfoSync().miniProgram.appId;
      if (authLoginInputSchema.shape.appId.safeParse(appId).success) return appId;
    } catch {
      // Not available (old base library, test harness): fall back to the server's app id.
    }
  }
  return config.appId;
};

const exchangeCode = async (config: AppConfigOutput, code: string): Promise<void> => {
  const input = authLoginInputSchema.parse({ code, appId: currentAppId(config) });
  const session = await api.login(input);
  setToken(session.token);
};

export const loginWithWeChat = async (config: AppConfigOutput): Promise<void> => {
  const { code } = await Taro.login();
  if (!code) throw new ApiError(0, 'wx_login', '微信登录失败，请重试');
  await exchangeCode(config, code);
};

// H5 demo only: the simulator issues a login code for the chosen openid, exactly as WeChat would
// after wx.login in that user's mini-program; the rest of the login is the real one.
export const loginAsDemoUser = async (config: AppConfigOutput, openid: string): Promise<void> => {
  const { code } = await api.simLoginCode(config.appId, openid);
  await exchangeCode(config, code);
};

// A never-seen openid: a brand-new WeChat user who has not joined yet.
export const newDemoOpenid = (): string =>
  `demo-new-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 10)}`;

export const logout = (): void => {
  clearToken();
  void Taro.reLaunch({ url: '/pages/index/index' });
};

export const ROUTES = {
  start: '/pages/index/index',
  join: '/pages/member/join/index',
  memberCard: '/pages/member/card/index',
  customers: '/staff/customers/index',
  customer: (id: string): string => `/staff/customer/index?id=${encodeURIComponent(id)}`,
} as const;

// Where a signed-in person belongs: associates to their customers, members to their card,
// everyone else to the membership sign-up.
export const homeRouteFor = (me: MeOutput): string => {
  if (me.staff) return ROUTES.customers;
  if (me.member) return ROUTES.memberCard;
  return ROUTES.join;
};
