import { checkSubscribeData, startWechatSimulatorServer, type WechatSimulatorServer } from '../../simulator/wechat-simulator';

const APPID = 'wx1234567890abcdef';
const SECRET = 'secret-0123456789abcdef';
const OTHER_APPID = 'wxfedcba0987654321';
const OTHER_SECRET = 'other-secret-0123456789';
const TEMPLATE = 'TPL_birthday_greeting_01';

type Json = Record<string, unknown>;

let clock = Date.parse('2026-11-22T02:00:00Z');
let server: WechatSimulatorServer;

beforeAll(async () => {
  server = await startWechatSimulatorServer({ port: 0, apps: { [APPID]: SECRET, [OTHER_APPID]: OTHER_SECRET }, now: () => clock });
});

afterAll(async () => {
  await server.close();
});

beforeEach(() => {
  clock = Date.parse('2026-11-22T02:00:00Z');
  server.simulator.reset();
});

async function get(path: string): Promise<{ status: number; body: Json; contentType: string | null }> {
  const res = await fetch(`${server.url}${path}`);
  return { status: res.status, body: (await res.json()) as Json, contentType: res.headers.get('content-type') };
}

async function post(path: string, body: unknown): Promise<{ status: number; body: Json }> {
  const res = await fetch(`${server.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as Json };
}

function sessionPath(params: Record<string, string>): string {
  return `/sns/jscode2session?${new URLSearchParams(params).toString()}`;
}

function login(code: string, overrides: Record<string, string> = {}): Promise<{ status: number; body: Json; contentType: string | null }> {
  return get(sessionPath({ appid: APPID, secret: SECRET, js_code: code, grant_type: 'authorization_code', ...overrides }));
}

async function token(forceRefresh?: boolean, appid = APPID, secret = SECRET): Promise<Json> {
  const { body } = await post('/cgi-bin/stable_token', { grant_type: 'client_credential', appid, secret, force_refresh: forceRefresh });
  return body;
}

async function accessToken(): Promise<string> {
  const body = await token();
  return String(body.access_token);
}

async function sendMessage(at: string, body: Json): Promise<Json> {
  return (await post(`/cgi-bin/message/subscribe/send?access_token=${at}`, body)).body;
}

describe('jscode2session', () => {
  it('exchanges a login code for openid, session_key and unionid (JSON labelled text/plain, as WeChat does)', async () => {
    const code = server.simulator.mintLoginCode({ appid: APPID, openid: 'o-alice', unionid: 'u-alice' });
    const { status, body, contentType } = await login(code);
    expect(status).toBe(200);
    expect(contentType).toMatch(/^text\/plain/);
    expect(body).toEqual({ openid: 'o-alice', unionid: 'u-alice', session_key: expect.stringMatching(/^[A-Za-z0-9+/]{22}==$/) });
  });

  it('omits unionid when the user has none', async () => {
    const code = server.simulator.mintLoginCode({ appid: APPID, openid: 'o-bob' });
    const { body } = await login(code);
    expect(body).not.toHaveProperty('unionid');
    expect(body.openid).toBe('o-bob');
  });

  it('accepts a code once', async () => {
    const code = server.simulator.mintLoginCode({ appid: APPID, openid: 'o-alice' });
    expect((await login(code)).body.openid).toBe('o-alice');
    expect((await login(code)).body).toMatchObject({ errcode: 40163, errmsg: expect.stringContaining('code been used') });
  });

  it('rejects a code after five minutes', async () => {
    const code = server.simulator.mintLoginCode({ appid: APPID, openid: 'o-alice' });
    clock += 5 * 60 * 1000 + 1;
    expect((await login(code)).body.errcode).toBe(40029);
  });

  it.each([
    ['unknown appid', { appid: 'wx0000000000000000' }, 40013],
    ['wrong secret', { secret: 'not-the-secret' }, 40125],
    ['secret of another app', { secret: OTHER_SECRET }, 40125],
    ['unknown code', { js_code: 'no-such-code' }, 40029],
    ['missing appid', { appid: '' }, 41002],
    ['missing secret', { secret: '' }, 41004],
    ['missing code', { js_code: '' }, 41008],
    ['wrong grant_type', { grant_type: 'client_credential' }, 40002],
  ])('%s: %j → %i', async (_name, overrides, errcode) => {
    const code = server.simulator.mintLoginCode({ appid: APPID, openid: 'o-alice' });
    const { status, body } = await login(code, overrides);
    expect(status).toBe(200);
    expect(body.errcode).toBe(errcode);
    expect(typeof body.errmsg).toBe('string');
  });

  it("rejects another app's code", async () => {
    const code = server.simulator.mintLoginCode({ appid: OTHER_APPID, openid: 'o-alice' });
    expect((await login(code)).body.errcode).toBe(40029);
  });
});

describe('stable_token', () => {
  it('returns the same token until it nears expiry, with the remaining lifetime', async () => {
    const first = await token();
    expect(first).toEqual({ access_token: expect.any(String), expires_in: 7200 });
    clock += 1000 * 1000;
    expect(await token()).toEqual({ access_token: first.access_token, expires_in: 6200 });
  });

  it('hands out a new token in the last five minutes while the old one keeps working', async () => {
    const first = await token();
    clock += (7200 - 299) * 1000;
    const second = await token();
    expect(second.access_token).not.toBe(first.access_token);
    expect(second.expires_in).toBe(7200);
    server.simulator.grantSubscription({ appid: APPID, openid: 'o-alice', templateId: TEMPLATE });
    const sent = await sendMessage(String(first.access_token), { touser: 'o-alice', template_id: TEMPLATE, data: { thing1: { value: 'hi' } } });
    expect(sent.errcode).toBe(0);
  });

  it('force_refresh issues a new token and invalidates the previous one', async () => {
    const first = String((await token()).access_token);
    const forced = String((await token(true)).access_token);
    expect(forced).not.toBe(first);
    const phoneCode = server.simulator.mintPhoneCode({ appid: APPID, phoneNumber: '13800138000' });
    expect((await post(`/wxa/business/getuserphonenumber?access_token=${first}`, { code: phoneCode })).body.errcode).toBe(40001);
    expect((await post(`/wxa/business/getuserphonenumber?access_token=${forced}`, { code: phoneCode })).body.errcode).toBe(0);
  });

  it('issues a new token after expireAccessTokens()', async () => {
    const first = await token();
    server.simulator.expireAccessTokens();
    expect((await token()).access_token).not.toBe(first.access_token);
  });

  it.each([
    ['unknown appid', { grant_type: 'client_credential', appid: 'wx0000000000000000', secret: SECRET }, 40013],
    ['wrong secret', { grant_type: 'client_credential', appid: APPID, secret: 'wrong' }, 40125],
    ['wrong grant_type', { grant_type: 'authorization_code', appid: APPID, secret: SECRET }, 40002],
    ['missing appid', { grant_type: 'client_credential', secret: SECRET }, 41002],
    ['missing secret', { grant_type: 'client_credential', appid: APPID }, 41004],
    ['bad JSON', '{"grant_type": "client_credential",', 47001],
    ['JSON that is not an object', '[1,2]', 47001],
    ['empty body', '', 44002],
  ])('%s: %j → %i', async (_name, body, errcode) => {
    const res = await post('/cgi-bin/stable_token', body);
    expect(res.status).toBe(200);
    expect(res.body.errcode).toBe(errcode);
  });

  it('requires POST', async () => {
    expect((await get('/cgi-bin/stable_token')).body.errcode).toBe(43002);
  });
});

describe('getuserphonenumber', () => {
  it('exchanges a phone code once, with a watermark of the app', async () => {
    const at = await accessToken();
    const code = server.simulator.mintPhoneCode({ appid: APPID, phoneNumber: '13800138000' });
    const first = await post(`/wxa/business/getuserphonenumber?access_token=${at}`, { code });
    expect(first.body).toEqual({
      errcode: 0,
      errmsg: 'ok',
      phone_info: {
        phoneNumber: '13800138000',
        purePhoneNumber: '13800138000',
        countryCode: '86',
        watermark: { timestamp: Math.floor(clock / 1000), appid: APPID },
      },
    });
    const again = await post(`/wxa/business/getuserphonenumber?access_token=${at}`, { code });
    expect(again.body.errcode).toBe(40029);
  });

  it('gives foreign numbers with their country code', async () => {
    const at = await accessToken();
    const code = server.simulator.mintPhoneCode({ appid: APPID, phoneNumber: '+85291234567' });
    const { body } = await post(`/wxa/business/getuserphonenumber?access_token=${at}`, { code });
    expect(body.phone_info).toMatchObject({ phoneNumber: '+85291234567', purePhoneNumber: '91234567', countryCode: '852' });
  });

  it.each([
    ['unknown token', 'no-such-token', 40001],
    ['missing token', '', 41001],
  ])('%s: %j → %i', async (_name, at, errcode) => {
    const code = server.simulator.mintPhoneCode({ appid: APPID, phoneNumber: '13800138000' });
    expect((await post(`/wxa/business/getuserphonenumber?access_token=${at}`, { code })).body.errcode).toBe(errcode);
  });

  it('42001 for an expired token', async () => {
    const at = await accessToken();
    server.simulator.expireAccessTokens();
    const code = server.simulator.mintPhoneCode({ appid: APPID, phoneNumber: '13800138000' });
    expect((await post(`/wxa/business/getuserphonenumber?access_token=${at}`, { code })).body.errcode).toBe(42001);
  });

  it.each([
    ['unknown code', { code: 'nope' }, 40029],
    ['missing code', {}, 47001],
    ['bad JSON', '{code:', 47001],
  ])('%s: %j → %i', async (_name, body, errcode) => {
    const at = await accessToken();
    expect((await post(`/wxa/business/getuserphonenumber?access_token=${at}`, body)).body.errcode).toBe(errcode);
  });

  it("rejects another app's phone code", async () => {
    const at = await accessToken();
    const code = server.simulator.mintPhoneCode({ appid: OTHER_APPID, phoneNumber: '13800138000' });
    expect((await post(`/wxa/business/getuserphonenumber?access_token=${at}`, { code })).body.errcode).toBe(40029);
  });
});

describe('subscribe/send', () => {
  const message = (overrides: Json = {}): Json => ({
    touser: 'o-alice',
    template_id: TEMPLATE,
    page: 'pages/member/index',
    data: { thing1: { value: '生日快乐' }, date2: { value: '2026年11月22日' }, name3: { value: '张三' } },
    miniprogram_state: 'formal',
    lang: 'zh_CN',
    ...overrides,
  });

  it('sends one message per credit, then 43101, and records exactly the successful sends', async () => {
    const at = await accessToken();
    expect(server.simulator.grantSubscription({ appid: APPID, openid: 'o-alice', templateId: TEMPLATE, count: 3 })).toBe(3);
    const results = [];
    for (let i = 0; i < 5; i += 1) results.push(await sendMessage(at, message()));
    expect(results.map((r) => r.errcode)).toEqual([0, 0, 0, 43101, 43101]);
    expect(results[0]).toEqual({ errcode: 0, errmsg: 'ok', msgid: expect.any(Number) });
    expect(new Set(results.slice(0, 3).map((r) => r.msgid)).size).toBe(3);
    const sent = server.simulator.sentMessages();
    expect(sent).toHaveLength(3);
    expect(sent[0]).toMatchObject({
      appid: APPID,
      toUser: 'o-alice',
      templateId: TEMPLATE,
      page: 'pages/member/index',
      data: { thing1: { value: '生日快乐' } },
      miniprogramState: 'formal',
      lang: 'zh_CN',
    });
  });

  it('credits are per template and per user', async () => {
    const at = await accessToken();
    server.simulator.grantSubscription({ appid: APPID, openid: 'o-alice', templateId: TEMPLATE });
    server.simulator.mintLoginCode({ appid: APPID, openid: 'o-bob' });
    expect((await sendMessage(at, message({ touser: 'o-bob' }))).errcode).toBe(43101);
    expect((await sendMessage(at, message({ template_id: 'TPL_other_template_02' }))).errcode).toBe(43101);
    expect((await sendMessage(at, message())).errcode).toBe(0);
  });

  it.each([
    ['an openid this app never saw', { touser: 'o-stranger' }, 40003],
    ['a malformed template_id', { template_id: 'short' }, 40037],
    ['a thing longer than 20 characters', { data: { thing1: { value: '一二三四五六七八九十一二三四五六七八九十一' } } }, 47003],
    ['a value that is not {value: string}', { data: { thing1: '生日快乐' } }, 47003],
    ['empty data', { data: {} }, 47003],
    ['an unknown keyword type', { data: { colour1: { value: 'red' } } }, 47003],
    ['a bad miniprogram_state', { miniprogram_state: 'production' }, 47003],
    ['a bad lang', { lang: 'fr_FR' }, 47003],
  ])('%s: %j → %i, and no credit is used', async (_name, overrides, errcode) => {
    const at = await accessToken();
    server.simulator.grantSubscription({ appid: APPID, openid: 'o-alice', templateId: TEMPLATE });
    expect((await sendMessage(at, message(overrides))).errcode).toBe(errcode);
    expect(server.simulator.sentMessages()).toHaveLength(0);
    expect((await sendMessage(at, message())).errcode).toBe(0);
  });

  it('40003 for an openid known only to another app', async () => {
    const at = await accessToken();
    server.simulator.grantSubscription({ appid: OTHER_APPID, openid: 'o-carol', templateId: TEMPLATE });
    expect((await sendMessage(at, message({ touser: 'o-carol' }))).errcode).toBe(40003);
  });

  it('checks the token before the body', async () => {
    expect((await post('/cgi-bin/message/subscribe/send?access_token=bogus', '{not json')).body.errcode).toBe(40001);
    const at = await accessToken();
    expect((await post(`/cgi-bin/message/subscribe/send?access_token=${at}`, '{not json')).body.errcode).toBe(47001);
    server.simulator.expireAccessTokens();
    expect((await sendMessage(at, message())).errcode).toBe(42001);
  });
});

describe('keyword rules', () => {
  it.each([
    ['thing1', '一二三四五六七八九十一二三四五六七八九十', true],
    ['thing1', '一二三四五六七八九十一二三四五六七八九十一', false],
    ['thing1', 'Happy birthday, Alice!', false],
    ['thing1', '   ', false],
    ['phrase2', '配送中', true],
    ['phrase2', '一二三四五', true],
    ['phrase2', '一二三四五六', false],
    ['phrase2', 'ok', false],
    ['name3', '欧阳娜娜', true],
    ['name3', '一二三四五六七八九十', true],
    ['name3', '一二三四五六七八九十一', false],
    ['name3', 'Alice Smith-Jones', true],
    ['name3', 'Abcdefghijklmnopqrstu', false],
    ['name3', 'R2D2', false],
    ['number4', '12345', true],
    ['number4', '3.14', true],
    ['number4', '1'.repeat(33), false],
    ['number4', '12a', false],
    ['date5', '2026-11-22', true],
    ['date5', '2026年11月22日', true],
    ['date5', '2026年11月22日 15:01', true],
    ['date5', '2026-11-22 15:01:30', true],
    ['date5', '2026-11-22 ~ 2026-11-30', true],
    ['date5', '2026-02-29', false],
    ['date5', '2028-02-29', true],
    ['date5', '22/11/2026', false],
    ['date5', 'tomorrow', false],
    ['time6', '15:01', true],
    ['time6', '2026年11月22日 15:01', true],
    ['time6', '09:00~18:00', true],
    ['time6', '25:00', false],
    ['time6', '2026-11-22', false],
    ['amount7', '¥100.00', true],
    ['amount7', '100元', true],
    ['amount7', '12345678901', false],
    ['amount7', 'CNY 100', false],
    ['character_string8', 'SO-2026-000123', true],
    ['character_string8', 'A'.repeat(33), false],
    ['character_string8', '订单123', false],
    ['letter9', 'VIP', true],
    ['letter9', 'VIP1', false],
    ['symbol10', '★', true],
    ['symbol10', '★★★★★★', false],
    ['phone_number11', '+86-0766-66888866', true],
    ['phone_number11', '+86-0766-668888661', false],
    ['phone_number11', 'call me', false],
    ['car_number12', '粤A8Z888挂', true],
    ['car_number12', '粤A8Z888挂挂挂', false],
  ])('%s = %j → valid %s', (key, value, valid) => {
    const problem = checkSubscribeData({ [key]: { value } });
    if (valid) expect(problem).toBeNull();
    else expect(problem).toMatch(/^argument invalid!/);
  });
});

describe('faults', () => {
  it('answers the next N calls with the injected errcode, then behaves normally; calls() counts all', async () => {
    server.simulator.injectFault({ endpoint: 'stable_token', errcode: -1, times: 2 });
    expect((await token()).errcode).toBe(-1);
    expect((await token()).errcode).toBe(-1);
    expect((await token()).access_token).toEqual(expect.any(String));
    expect(server.simulator.calls('stable_token')).toBe(3);
    expect(server.simulator.calls('jscode2session')).toBe(0);
  });

  it.each([
    ['jscode2session', 45011],
    ['getuserphonenumber', -1],
    ['subscribe_send', 45009],
  ] as const)('%s fault %i comes before any validation', async (endpoint, errcode) => {
    server.simulator.injectFault({ endpoint, errcode, errmsg: 'injected' });
    const at = await accessToken();
    const res =
      endpoint === 'jscode2session'
        ? (await login('whatever')).body
        : endpoint === 'getuserphonenumber'
          ? (await post(`/wxa/business/getuserphonenumber?access_token=${at}`, { code: 'x' })).body
          : await sendMessage(at, {});
    expect(res).toMatchObject({ errcode, errmsg: expect.stringMatching(/^injected rid: /) });
  });

  it('delays an answer to simulate a slow WeChat (errcode 0: then normal behaviour)', async () => {
    server.simulator.injectFault({ endpoint: 'stable_token', errcode: 0, delayMs: 300 });
    const started = Date.now();
    const body = await token();
    expect(Date.now() - started).toBeGreaterThanOrEqual(280);
    expect(body.access_token).toEqual(expect.any(String));
  });

  it('answers every API call after the configured latency, and reset() restores none', async () => {
    server.simulator.configure({ latencyMs: 150 });
    let started = Date.now();
    expect((await token()).access_token).toEqual(expect.any(String));
    expect(Date.now() - started).toBeGreaterThanOrEqual(140);
    server.simulator.reset();
    started = Date.now();
    await token();
    expect(Date.now() - started).toBeLessThan(140);
  });

  it('daily quota: 45009 once the day is spent (failed sends do not count), a new China day resets it', async () => {
    const at = await accessToken();
    const message = { touser: 'o-alice', template_id: TEMPLATE, data: { thing1: { value: '生日快乐' } } };
    server.simulator.grantSubscription({ appid: APPID, openid: 'o-alice', templateId: TEMPLATE, count: 10 });
    server.simulator.configure({ dailyQuota: { subscribe_send: 2 } });
    expect((await sendMessage(at, { ...message, touser: 'o-nobody' })).errcode).toBe(40003);
    const codes = [];
    for (let i = 0; i < 4; i += 1) codes.push((await sendMessage(at, message)).errcode);
    expect(codes).toEqual([0, 0, 45009, 45009]);
    expect(server.simulator.sentMessages()).toHaveLength(2);
    // 2026-11-22T02:00Z is 10:00 in China; 16:00Z is the next midnight there.
    clock = Date.parse('2026-11-22T16:00:00Z');
    const fresh = await accessToken();
    expect((await sendMessage(fresh, message)).errcode).toBe(0);
  });

  it('reset() clears faults, codes, credits, messages and counts', async () => {
    const code = server.simulator.mintLoginCode({ appid: APPID, openid: 'o-alice' });
    server.simulator.injectFault({ endpoint: 'jscode2session', errcode: -1, times: 5 });
    await login(code);
    server.simulator.reset();
    expect(server.simulator.calls('jscode2session')).toBe(0);
    expect((await login(code)).body.errcode).toBe(40029);
  });
});

describe('dev endpoints and routing', () => {
  it('mints codes, grants credit, injects faults, lists messages and resets over HTTP', async () => {
    const { body: loginCode } = await post('/dev/login-code', { appid: APPID, openid: 'o-dave', unionid: 'u-dave' });
    expect((await login(String(loginCode.code))).body).toMatchObject({ openid: 'o-dave', unionid: 'u-dave' });

    const { body: phoneCode } = await post('/dev/phone-code', { appid: APPID, phoneNumber: '13900139000' });
    const at = await accessToken();
    const phone = await post(`/wxa/business/getuserphonenumber?access_token=${at}`, { code: phoneCode.code });
    expect(phone.body.phone_info).toMatchObject({ purePhoneNumber: '13900139000' });

    expect((await post('/dev/subscribe', { appid: APPID, openid: 'o-dave', templateId: TEMPLATE, count: 2 })).body).toEqual({ remaining: 2 });
    expect((await post('/dev/faults', { endpoint: 'subscribe_send', errcode: 45009, times: 1 })).body).toEqual({ ok: true });
    const data = { thing1: { value: '会员日' } };
    expect((await sendMessage(at, { touser: 'o-dave', template_id: TEMPLATE, data })).errcode).toBe(45009);
    expect((await sendMessage(at, { touser: 'o-dave', template_id: TEMPLATE, data })).errcode).toBe(0);

    const { body: listed } = await get('/dev/messages');
    expect(listed.messages).toEqual([expect.objectContaining({ toUser: 'o-dave', sentAt: new Date(clock).toISOString() })]);
    expect((await get('/dev/calls')).body).toEqual({ jscode2session: 1, stable_token: 1, getuserphonenumber: 1, subscribe_send: 2, msg_sec_check: 0 });

    expect((await post('/dev/reset', {})).body).toEqual({ ok: true });
    expect(server.simulator.sentMessages()).toHaveLength(0);
  });

  it.each([
    ['/dev/login-code', { appid: 'wx0000000000000000', openid: 'o' }],
    ['/dev/login-code', { appid: APPID }],
    ['/dev/phone-code', { appid: APPID, phoneNumber: 'not a phone' }],
    ['/dev/subscribe', { appid: APPID, openid: 'o', templateId: 'bad' }],
    ['/dev/faults', { endpoint: 'nope', errcode: -1 }],
    ['/dev/faults', '{oops'],
  ])('%s rejects %j with 400', async (path, body) => {
    const res = await post(path, body);
    expect(res.status).toBe(400);
    expect(res.body.error).toEqual(expect.any(String));
  });

  it('POST /dev/config sets latency and quotas, and refuses unknown settings', async () => {
    expect((await post('/dev/config', { latencyMs: 120, dailyQuota: { subscribe_send: 5 } })).status).toBe(200);
    const started = Date.now();
    await token();
    expect(Date.now() - started).toBeGreaterThanOrEqual(110);
    expect((await post('/dev/config', { latency: 5 })).status).toBe(400);
    expect((await post('/dev/config', { dailyQuota: { nope: 1 } })).status).toBe(400);
  });

  it('serves under the /wx-sim prefix too, and 404s unknown paths', async () => {
    const code = server.simulator.mintLoginCode({ appid: APPID, openid: 'o-erin' });
    const prefixed = await get(`/wx-sim${sessionPath({ appid: APPID, secret: SECRET, js_code: code, grant_type: 'authorization_code' })}`);
    expect(prefixed.body.openid).toBe('o-erin');
    expect((await get('/cgi-bin/token')).status).toBe(404);
    expect((await get('/dev/nothing')).status).toBe(404);
  });
});
