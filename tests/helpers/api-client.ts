import { startApp, type StartedApp } from '../../server/start-app';

// Real HTTP against the app started in-process (functions + WeChat simulator + demo data).
export type ApiResponse<T = Record<string, unknown>> = { status: number; body: T };

export const startTestApp = (demoMembers = 200): Promise<StartedApp> =>
  startApp({ port: 0, freshDatabase: true, dataDir: null, demoMembers });

export const api = async <T = Record<string, unknown>>(
  app: StartedApp,
  path: string,
  init: { method?: string; token?: string; body?: unknown; headers?: Record<string, string> } = {},
): Promise<ApiResponse<T>> => {
  const r = await fetch(app.url + path, {
    method: init.method ?? (init.body === undefined ? 'GET' : 'POST'),
    headers: {
      ...(init.body === undefined ? {} : { 'content-type': 'application/json' }),
      ...(init.token ? { authorization: `Bearer ${init.token}` } : {}),
      ...init.headers,
    },
    body: init.body === undefined ? undefined : typeof init.body === 'string' ? init.body : JSON.stringify(init.body),
  });
  const text = await r.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // not JSON: keep the text
  }
  return { status: r.status, body: body as T };
};

// Signs in through the simulator exactly as the app does: mint a wx.login code, exchange it.
export const loginAs = async (app: StartedApp, openid: string): Promise<string> => {
  const code = await api<{ code: string }>(app, '/wx-sim/dev/login-code', { body: { appid: app.demo.appId, openid } });
  const login = await api<{ token: string }>(app, '/api/auth/wx-login', { body: { code: code.body.code, appId: app.demo.appId } });
  if (login.status !== 200) throw new Error(`login failed: ${login.status} ${JSON.stringify(login.body)}`);
  return login.body.token;
};

export const phoneCode = async (app: StartedApp, phoneNumber: string): Promise<string> =>
  (await api<{ code: string }>(app, '/wx-sim/dev/phone-code', { body: { appid: app.demo.appId, phoneNumber } })).body.code;
