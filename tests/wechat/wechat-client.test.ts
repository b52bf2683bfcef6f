import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import {
  classifyWechatError,
  createMemoryTokenStore,
  createWechatClient,
  WechatApiError,
  nextWechatQuotaReset,
  type TokenStore,
  type WechatClient,
  type WechatClientOptions,
  type WechatErrorCode,
  type WechatErrorDisposition,
} from '../../functions/_lib/wechat/wechat-client';
import { startWechatSimulatorServer, type WechatSimulatorServer } from '../../simulator/wechat-simulator';

const APPID = 'wx1234567890abcdef';
const SECRET = 'secret-0123456789abcdef';
const TEMPLATE = 'TPL_birthday_greeting_01';

let clock = Date.parse('2026-11-22T02:00:00Z');
let server: WechatSimulatorServer;
let sleeps: number[];

beforeAll(async () => {
  server = await startWechatSimulatorServer({ port: 0, apps: { [APPID]: SECRET }, now: () => clock });
});

afterAll(async () => {
  await server.close();
});

beforeEach(() => {
  clock = Date.parse('2026-11-22T02:00:00Z');
  sleeps = [];
  server.simulator.reset();
});

function client(overrides: Partial<WechatClientOptions> = {}): WechatClient {
  return createWechatClient({
    baseUrl: server.url,
    appId: APPID,
    secret: SECRET,
    tokenStore: createMemoryTokenStore(),
    now: () => clock,
    sleep: async (ms) => {
      sleeps.push(ms);
    },
    ...overrides,
  });
}

async function failure(promise: Promise<unknown>): Promise<WechatApiError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof WechatApiError) return error;
    throw error;
  }
  throw new Error('expected a WechatApiError');
}

const greeting = { toUser: 'o-alice', templateId: TEMPLATE, data: { thing1: '生日快乐', date2: '2026-11-22' } };

describe('classifyWechatError', () => {
  it.each<[WechatErrorCode, WechatErrorDisposition]>([
    [40001, 'refresh_token'],
    [40014, 'refresh_token'],
    [42001, 'refresh_token'],
    [-1, 'retry'],
    [45009, 'quota'],
    [45011, 'retry'],
    ['timeout', 'retry'],
    ['network', 'retry'],
    ['server_error', 'retry'],
    ['bad_response', 'permanent'],
    [40002, 'permanent'],
    [40003, 'permanent'],
    [40013, 'permanent'],
    [40029, 'permanent'],
    [40037, 'permanent'],
    [40125, 'permanent'],
    [40163, 'permanent'],
    [41001, 'permanent'],
    [43101, 'permanent'],
    [47001, 'permanent'],
    [47003, 'permanent'],
    [99999, 'permanent'],
  ])('%s → %s', (errcode, disposition) => {
    expect(classifyWechatError(errcode)).toBe(disposition);
  });
});

describe('code2Session', () => {
  it('returns openid, sessionKey and unionid', async () => {
    const code = server.simulator.mintLoginCode({ appid: APPID, openid: 'o-alice', unionid: 'u-alice' });
    expect(await client().code2Session(code)).toEqual({ openid: 'o-alice', unionid: 'u-alice', sessionKey: expect.any(String) });
  });

  it('omits unionid when WeChat gives none', async () => {
    const code = server.simulator.mintLoginCode({ appid: APPID, openid: 'o-bob' });
    const session = await client().code2Session(code);
    expect(session).not.toHaveProperty('unionid');
  });

  it('a login code works once: the second exchange is a permanent 40163', async () => {
    const c = client();
    const code = server.simulator.mintLoginCode({ appid: APPID, openid: 'o-alice' });
    await c.code2Session(code);
    const error = await failure(c.code2Session(code));
    expect(error).toMatchObject({ endpoint: 'jscode2session', errcode: 40163, disposition: 'permanent' });
    expect(server.simulator.calls('jscode2session')).toBe(2);
  });

  it('a wrong secret is permanent, not retried, and the secret appears in no error text', async () => {
    const wrongSecret = 'wrong-secret-abcdef0123456789';
    const code = server.simulator.mintLoginCode({ appid: APPID, openid: 'o-alice' });
    const error = await failure(client({ secret: wrongSecret }).code2Session(code));
    expect(error).toMatchObject({ errcode: 40125, disposition: 'permanent' });
    expect(server.simulator.calls('jscode2session')).toBe(1);
    expect(`${error.message} ${error.errmsg} ${error.stack ?? ''}`).not.toContain(wrongSecret);
  });

  it('an empty code fails locally without calling WeChat', async () => {
    expect(await failure(client().code2Session(''))).toMatchObject({ errcode: 41008, disposition: 'permanent' });
    expect(server.simulator.calls('jscode2session')).toBe(0);
  });
});

describe('getPhoneNumber', () => {
  it('exchanges a phone code, once', async () => {
    const c = client();
    const code = server.simulator.mintPhoneCode({ appid: APPID, phoneNumber: '13800138000' });
    expect(await c.getPhoneNumber(code)).toEqual({ phoneNumber: '13800138000', purePhoneNumber: '13800138000', countryCode: '86' });
    expect(await failure(c.getPhoneNumber(code))).toMatchObject({ errcode: 40029, disposition: 'permanent' });
  });

  it('caches the access token: many calls, one stable_token call', async () => {
    const c = client();
    for (let i = 0; i < 3; i += 1) {
      await c.getPhoneNumber(server.simulator.mintPhoneCode({ appid: APPID, phoneNumber: `1380013800${i}` }));
    }
    expect(server.simulator.calls('stable_token')).toBe(1);
  });
});

describe('access token', () => {
  it('token expiry mid-run: 42001 → one extra stable_token call → the call succeeds', async () => {
    const c = client();
    await c.getPhoneNumber(server.simulator.mintPhoneCode({ appid: APPID, phoneNumber: '13800138000' }));
    expect(server.simulator.calls('stable_token')).toBe(1);

    server.simulator.expireAccessTokens();
    const phone = await c.getPhoneNumber(server.simulator.mintPhoneCode({ appid: APPID, phoneNumber: '13900139000' }));
    expect(phone.purePhoneNumber).toBe('13900139000');
    expect(server.simulator.calls('stable_token')).toBe(2);
    expect(server.simulator.calls('getuserphonenumber')).toBe(3);
    expect(sleeps).toEqual([]);
  });

  it('a token invalidated elsewhere (40001) is replaced and the send goes through once', async () => {
    const store = createMemoryTokenStore();
    const c = client({ tokenStore: store });
    server.simulator.grantSubscription({ appid: APPID, openid: 'o-alice', templateId: TEMPLATE, count: 2 });
    await c.sendSubscribeMessage(greeting);
    // Someone outside this deployment force-refreshes the app's token.
    await client().getAccessToken({ forceRefresh: true });
    await c.sendSubscribeMessage(greeting);
    expect(server.simulator.sentMessages()).toHaveLength(2);
    expect(server.simulator.calls('subscribe_send')).toBe(3);
    expect(server.simulator.calls('stable_token')).toBe(3);
  });

  it('refreshes ahead of expiry (5 minutes before), without any rejected call', async () => {
    const c = client();
    const first = await c.getAccessToken();
    clock += (7200 - 301) * 1000;
    expect(await c.getAccessToken()).toBe(first);
    clock += 2000;
    const second = await c.getAccessToken();
    expect(second).not.toBe(first);
    expect(server.simulator.calls('stable_token')).toBe(2);
    await c.getPhoneNumber(server.simulator.mintPhoneCode({ appid: APPID, phoneNumber: '13800138000' }));
    expect(server.simulator.calls('getuserphonenumber')).toBe(1);
  });

  it('forceRefresh gets a new token and the old one stops working', async () => {
    const c = client();
    const first = await c.getAccessToken();
    const forced = await c.getAccessToken({ forceRefresh: true });
    expect(forced).not.toBe(first);
    expect(await c.getAccessToken()).toBe(forced);
  });

  it('two clients sharing one token store refresh once, also after expiry', async () => {
    const store = createMemoryTokenStore();
    const a = client({ tokenStore: store });
    const b = client({ tokenStore: store });
    server.simulator.grantSubscription({ appid: APPID, openid: 'o-alice', templateId: TEMPLATE, count: 20 });

    await Promise.all([a, b, a, b, a, b].map((c) => c.sendSubscribeMessage(greeting)));
    expect(server.simulator.calls('stable_token')).toBe(1);

    server.simulator.expireAccessTokens();
    await Promise.all([a, b, a, b, a, b].map((c) => c.sendSubscribeMessage(greeting)));
    expect(server.simulator.calls('stable_token')).toBe(2);
    expect(server.simulator.sentMessages()).toHaveLength(12);
  });

  it('a token endpoint failure surfaces as such (wrong secret → 40125 from stable_token)', async () => {
    const error = await failure(client({ secret: 'nope-nope-nope-nope' }).getPhoneNumber('any'));
    expect(error).toMatchObject({ endpoint: 'stable_token', errcode: 40125, disposition: 'permanent' });
    expect(error.message).not.toContain('nope-nope-nope-nope');
  });
});

describe('retries', () => {
  it.each([
    ['jscode2session', -1],
    ['jscode2session', 45011],
    ['stable_token', -1],
    ['stable_token', 45011],
    ['getuserphonenumber', -1],
    ['subscribe_send', -1],
    ['subscribe_send', 45011],
  ] as const)('%s: %i twice, then success', async (endpoint, errcode) => {
    const c = client();
    server.simulator.grantSubscription({ appid: APPID, openid: 'o-alice', templateId: TEMPLATE });
    const code = server.simulator.mintLoginCode({ appid: APPID, openid: 'o-alice' });
    const phoneCode = server.simulator.mintPhoneCode({ appid: APPID, phoneNumber: '13800138000' });
    server.simulator.injectFault({ endpoint, errcode, times: 2 });

    if (endpoint === 'jscode2session') expect((await c.code2Session(code)).openid).toBe('o-alice');
    if (endpoint === 'stable_token') expect(await c.getAccessToken()).toEqual(expect.any(String));
    if (endpoint === 'getuserphonenumber') expect((await c.getPhoneNumber(phoneCode)).purePhoneNumber).toBe('13800138000');
    if (endpoint === 'subscribe_send') expect(await c.sendSubscribeMessage(greeting)).toEqual({ msgid: expect.stringMatching(/^\d+$/) });

    expect(server.simulator.calls(endpoint)).toBe(3);
    expect(sleeps).toHaveLength(2);
    if (endpoint === 'subscribe_send') expect(server.simulator.sentMessages()).toHaveLength(1);
  });

  it("a spent daily quota (45009) is not repeated: nothing passes before WeChat's reset", async () => {
    server.simulator.grantSubscription({ appid: APPID, openid: 'o-alice', templateId: TEMPLATE });
    server.simulator.injectFault({ endpoint: 'subscribe_send', errcode: 45009, times: 5 });
    const error = await failure(client().sendSubscribeMessage(greeting));
    expect(error).toMatchObject({ errcode: 45009, disposition: 'quota' });
    expect(server.simulator.calls('subscribe_send')).toBe(1);
    expect(sleeps).toHaveLength(0);
  });

  it.each([
    ['2026-12-01T02:30:00Z', '2026-12-01T16:00:00.000Z'],
    ['2026-12-01T15:59:59Z', '2026-12-01T16:00:00.000Z'],
    ['2026-12-01T16:00:00Z', '2026-12-02T16:00:00.000Z'],
    ['2026-12-31T23:00:00Z', '2027-01-01T16:00:00.000Z'],
  ])('the quota resets at midnight China time: after %s comes %s', (now, reset) => {
    expect(nextWechatQuotaReset(new Date(now)).toISOString()).toBe(reset);
  });

  it('is bounded: maxRetries extra attempts, then the retry error is thrown', async () => {
    server.simulator.injectFault({ endpoint: 'jscode2session', errcode: -1, times: 10 });
    const code = server.simulator.mintLoginCode({ appid: APPID, openid: 'o-alice' });
    const error = await failure(client({ maxRetries: 2 }).code2Session(code));
    expect(error).toMatchObject({ errcode: -1, disposition: 'retry' });
    expect(server.simulator.calls('jscode2session')).toBe(3);
  });

  it('backs off exponentially with jitter, capped', async () => {
    server.simulator.injectFault({ endpoint: 'stable_token', errcode: -1, times: 10 });
    await failure(client({ maxRetries: 7, random: () => 0 }).getAccessToken());
    expect(sleeps).toEqual([100, 200, 400, 800, 1600, 2500, 2500]);
    sleeps = [];
    server.simulator.reset();
    server.simulator.injectFault({ endpoint: 'stable_token', errcode: -1, times: 3 });
    await client({ random: () => 0.999999 }).getAccessToken();
    expect(sleeps).toEqual([200, 400, 800]);
  });

  it('retries a timed-out token fetch', async () => {
    server.simulator.injectFault({ endpoint: 'stable_token', errcode: 0, delayMs: 1000 });
    expect(await client({ timeoutMs: 100 }).getAccessToken()).toEqual(expect.any(String));
    expect(server.simulator.calls('stable_token')).toBe(2);
  });

  it('does not repeat a timed-out send (WeChat may have delivered it): ambiguous retry error', async () => {
    server.simulator.grantSubscription({ appid: APPID, openid: 'o-alice', templateId: TEMPLATE, count: 2 });
    server.simulator.injectFault({ endpoint: 'subscribe_send', errcode: 0, delayMs: 300 });
    const error = await failure(client({ timeoutMs: 100 }).sendSubscribeMessage(greeting));
    expect(error).toMatchObject({ endpoint: 'subscribe_send', errcode: 'timeout', disposition: 'retry', ambiguous: true });
    expect(server.simulator.calls('subscribe_send')).toBe(1);
    // The slow send did go out: repeating it would have sent the greeting twice.
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect(server.simulator.sentMessages()).toHaveLength(1);
  });

  it('retries when WeChat cannot be reached at all, then reports a network error without the URL', async () => {
    const port = await closedPort();
    const error = await failure(client({ baseUrl: `http://127.0.0.1:${port}`, maxRetries: 2 }).code2Session('abc'));
    expect(error).toMatchObject({ errcode: 'network', errmsg: 'ECONNREFUSED', disposition: 'retry', ambiguous: false });
    expect(sleeps).toHaveLength(2);
    expect(error.message).not.toContain(SECRET);
  });
});

describe('subscribe messages', () => {
  it('N credits → exactly N messages; then 43101, permanent and not retried', async () => {
    const c = client();
    server.simulator.grantSubscription({ appid: APPID, openid: 'o-alice', templateId: TEMPLATE, count: 3 });
    const outcomes: Array<string | WechatErrorCode> = [];
    for (let i = 0; i < 5; i += 1) {
      try {
        outcomes.push((await c.sendSubscribeMessage(greeting)).msgid);
      } catch (error) {
        if (!(error instanceof WechatApiError)) throw error;
        expect(error.disposition).toBe('permanent');
        outcomes.push(error.errcode);
      }
    }
    expect(outcomes.slice(3)).toEqual([43101, 43101]);
    expect(server.simulator.sentMessages()).toHaveLength(3);
    expect(server.simulator.calls('subscribe_send')).toBe(5);
    expect(sleeps).toEqual([]);
  });

  it('47003 for a thing longer than 20 characters: permanent, not retried, nothing sent', async () => {
    server.simulator.grantSubscription({ appid: APPID, openid: 'o-alice', templateId: TEMPLATE });
    const error = await failure(
      client().sendSubscribeMessage({ ...greeting, data: { thing1: '亲爱的会员，祝您生日快乐，本月到店消费可享双倍积分' } }),
    );
    expect(error).toMatchObject({ errcode: 47003, disposition: 'permanent' });
    expect(error.errmsg).toContain('thing1');
    expect(server.simulator.calls('subscribe_send')).toBe(1);
    expect(server.simulator.sentMessages()).toHaveLength(0);
  });

  it('passes page, state, lang and pre-wrapped values through', async () => {
    server.simulator.grantSubscription({ appid: APPID, openid: 'o-alice', templateId: TEMPLATE });
    await client().sendSubscribeMessage({
      toUser: 'o-alice',
      templateId: TEMPLATE,
      page: 'pages/member/index?from=greeting',
      data: { thing1: { value: '会员日' }, amount2: '¥20' },
      miniprogramState: 'trial',
      lang: 'en_US',
    });
    expect(server.simulator.sentMessages()[0]).toMatchObject({
      page: 'pages/member/index?from=greeting',
      data: { thing1: { value: '会员日' }, amount2: { value: '¥20' } },
      miniprogramState: 'trial',
      lang: 'en_US',
    });
  });

  it.each([
    ['an unknown openid', { toUser: 'o-nobody' }, 40003],
    ['a malformed template id', { templateId: 'x' }, 40037],
  ])('%s: %j → %i, permanent', async (_name, overrides, errcode) => {
    server.simulator.grantSubscription({ appid: APPID, openid: 'o-alice', templateId: TEMPLATE });
    expect(await failure(client().sendSubscribeMessage({ ...greeting, ...overrides }))).toMatchObject({ errcode, disposition: 'permanent' });
  });
});

describe('responses that are not what WeChat promises', () => {
  function stubbed(respond: () => Response): WechatClient {
    const fetchImpl: typeof fetch = async () => respond();
    return client({ fetchImpl, maxRetries: 1 });
  }

  it.each([
    ['HTTP 502 HTML page', 'server_error', 'retry', 2, () => new Response('<html>bad gateway</html>', { status: 502 })],
    ['HTTP 200 HTML page', 'bad_response', 'permanent', 1, () => new Response('<html>hello</html>', { status: 200 })],
    ['a JSON array', 'bad_response', 'permanent', 1, () => Response.json([1, 2])],
    ['missing fields', 'bad_response', 'permanent', 1, () => Response.json({ openid: 'o' })],
  ] as const)('%s → %s (%s, %i calls)', async (_name, errcode, disposition, calls, respond) => {
    let count = 0;
    const error = await failure(
      stubbed(() => {
        count += 1;
        return respond();
      }).code2Session('code'),
    );
    expect(error).toMatchObject({ errcode, disposition });
    expect(count).toBe(calls);
  });

  it('accepts countryCode as a number and msgid as a string or number', async () => {
    const tokenStore: TokenStore = createMemoryTokenStore();
    await tokenStore.refresh(APPID, async () => ({ accessToken: 'T', expiresAt: new Date(clock + 7_200_000) }), () => false);
    const answers = [
      { errcode: 0, errmsg: 'ok', phone_info: { phoneNumber: '13800138000', purePhoneNumber: '13800138000', countryCode: 86, watermark: { timestamp: 1, appid: APPID } } },
      { errcode: 0, errmsg: 'ok', msgid: '2262146893433716737' },
    ];
    const fetchImpl: typeof fetch = async () => Response.json(answers.shift());
    const c = client({ fetchImpl, tokenStore });
    expect((await c.getPhoneNumber('p')).countryCode).toBe('86');
    expect(await c.sendSubscribeMessage(greeting)).toEqual({ msgid: '2262146893433716737' });
  });

  it('rejects a phone number watermarked for another app', async () => {
    const tokenStore = createMemoryTokenStore();
    await tokenStore.refresh(APPID, async () => ({ accessToken: 'T', expiresAt: new Date(clock + 7_200_000) }), () => false);
    const fetchImpl: typeof fetch = async () =>
      Response.json({ errcode: 0, errmsg: 'ok', phone_info: { phoneNumber: '1', purePhoneNumber: '1', countryCode: '86', watermark: { timestamp: 1, appid: 'wxother' } } });
    expect(await failure(client({ fetchImpl, tokenStore }).getPhoneNumber('p'))).toMatchObject({ errcode: 'bad_response', disposition: 'permanent' });
  });
});

describe('createMemoryTokenStore', () => {
  it('serialises refreshes: concurrent stale readers fetch once', async () => {
    const store = createMemoryTokenStore();
    let fetched = 0;
    const fetchNew = async (): Promise<{ accessToken: string; expiresAt: Date }> => {
      fetched += 1;
      await new Promise((resolve) => setTimeout(resolve, 20));
      return { accessToken: `T${fetched}`, expiresAt: new Date(clock + 7_200_000) };
    };
    const isStillValid = (t: { expiresAt: Date }): boolean => t.expiresAt.getTime() > clock;
    const tokens = await Promise.all(Array.from({ length: 5 }, () => store.refresh(APPID, fetchNew, isStillValid)));
    expect(fetched).toBe(1);
    expect(new Set(tokens.map((t) => t.accessToken))).toEqual(new Set(['T1']));
  });

  it('a failed fetch leaves the previous token and releases the lock', async () => {
    const store = createMemoryTokenStore();
    await store.refresh(APPID, async () => ({ accessToken: 'A', expiresAt: new Date(0) }), () => false);
    await expect(store.refresh(APPID, async () => Promise.reject(new Error('boom')), () => false)).rejects.toThrow('boom');
    expect((await store.get(APPID))?.accessToken).toBe('A');
    expect((await store.refresh(APPID, async () => ({ accessToken: 'B', expiresAt: new Date(0) }), () => false)).accessToken).toBe('B');
  });
});

async function closedPort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
}
