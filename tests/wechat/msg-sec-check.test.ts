import { createServer, type AddressInfo } from 'node:net';
import { DomainError } from '../../functions/_lib/errors';
import { requireCleanText, SCENE_ASSOCIATE_MESSAGE } from '../../functions/_lib/messaging/content-security';
import { createMemoryTokenStore, createWechatClient, WechatApiError, type WechatClient, type WechatClientOptions } from '../../functions/_lib/wechat/wechat-client';
import { startWechatSimulatorServer, type WechatSimulatorServer } from '../../simulator/wechat-simulator';

// WeChat's text content security (msgSecCheck 2.0, POST /wxa/msg_sec_check) in the simulator and
// the one client, and the server-side rule built on it (requireCleanText).
const APPID = 'wxsec00000000000001';
const OTHER_APPID = 'wxsec00000000000002';
const SECRET = 'sec-secret-0123456789abcdef';
const OPENID = 'o-associate-1';

let clock = Date.parse('2026-12-01T02:00:00Z');
let server: WechatSimulatorServer;

beforeAll(async () => {
  server = await startWechatSimulatorServer({ port: 0, apps: { [APPID]: SECRET, [OTHER_APPID]: SECRET }, now: () => clock });
});

afterAll(async () => {
  await server.close();
});

beforeEach(() => {
  clock = Date.parse('2026-12-01T02:00:00Z');
  server.simulator.reset();
  // The associate opened the mini-program (wx.login) just now.
  server.simulator.recordVisit({ appid: APPID, openid: OPENID });
});

const client = (over: Partial<WechatClientOptions> = {}): WechatClient =>
  createWechatClient({
    baseUrl: server.url,
    appId: APPID,
    secret: SECRET,
    tokenStore: createMemoryTokenStore(),
    now: () => clock,
    sleep: async () => undefined,
    random: () => 0,
    ...over,
  });

const failure = async (p: Promise<unknown>): Promise<unknown> => {
  try {
    await p;
  } catch (e) {
    return e;
  }
  throw new Error('expected a failure');
};

describe('simulator and client: verdicts', () => {
  test.each([
    ['生日快乐，欢迎回店', 'pass', 100],
    ['周末赌博大优惠', 'risky', 20006],
    ['刷 单 返利', 'risky', 20008],
    ['兼职日结，私聊领取', 'review', 20008],
  ])('%s → %s (label %i)', async (content, suggest, label) => {
    const r = await client().msgSecCheck({ openid: OPENID, scene: 2, content });
    expect(r).toMatchObject({ suggest, label });
    expect(r.traceId).toEqual(expect.any(String));
    expect(server.simulator.contentChecks()).toEqual([{ appid: APPID, openid: OPENID, scene: 2, version: 2, content, suggest }]);
  });

  test('the flagged keyword is reported; the rules are configurable', async () => {
    server.simulator.setContentRules([{ word: '秒杀', suggest: 'review', label: 10001 }]);
    expect(await client().msgSecCheck({ openid: OPENID, scene: 3, content: '限时秒杀' })).toMatchObject({ suggest: 'review', label: 10001, keywords: ['秒杀'] });
    expect(await client().msgSecCheck({ openid: OPENID, scene: 3, content: '周末赌博' })).toMatchObject({ suggest: 'pass' });
  });

  test('the request is the documented v2 body', async () => {
    const token = await client().getAccessToken();
    const r = await fetch(`${server.url}/wxa/msg_sec_check?access_token=${token}`, {
      method: 'POST',
      body: JSON.stringify({ content: '代开发票', version: 2, scene: 1, openid: OPENID }),
    });
    const body = (await r.json()) as Record<string, unknown>;
    expect(body).toMatchObject({
      errcode: 0,
      errmsg: 'ok',
      result: { suggest: 'risky', label: 20006 },
      detail: [
        { strategy: 'content_model', errcode: 0, suggest: 'risky', label: 20006 },
        { strategy: 'keyword', errcode: 0, suggest: 'risky', label: 20006, keyword: '代开发票' },
      ],
    });
  });
});

describe('simulator: errors as WeChat answers them', () => {
  const raw = async (body: unknown, method = 'POST'): Promise<{ errcode: number }> => {
    const token = await client().getAccessToken();
    const r = await fetch(`${server.url}/wxa/msg_sec_check?access_token=${token}`, { method, ...(method === 'POST' ? { body: JSON.stringify(body) } : {}) });
    return (await r.json()) as { errcode: number };
  };
  test.each<[string, unknown, number]>([
    ['scene 5', { content: 'x', version: 2, scene: 5, openid: OPENID }, 40129],
    ['unknown openid', { content: 'x', version: 2, scene: 2, openid: 'o-nobody' }, 40003],
    ['missing openid', { content: 'x', version: 2, scene: 2 }, 40003],
    ['empty content', { content: '', version: 2, scene: 2, openid: OPENID }, 44002],
    ['content over 2500 characters', { content: '好'.repeat(2501), version: 2, scene: 2, openid: OPENID }, 47001],
    ['version 3', { content: 'x', version: 3, scene: 2, openid: OPENID }, 47001],
    ['v1 risky', { content: '特3456书yuuo莞6543李zxcz蒜7782法fgnv级' }, 87014],
    ['v1 fine', { content: '你好' }, 0],
  ])('%s → %i', async (_name, body, errcode) => {
    expect((await raw(body)).errcode).toBe(errcode);
  });

  test('GET is 43302; an openid of another mini-program is 43104', async () => {
    expect((await raw(null, 'GET')).errcode).toBe(43302);
    server.simulator.recordVisit({ appid: OTHER_APPID, openid: 'o-elsewhere' });
    expect((await raw({ content: 'x', version: 2, scene: 2, openid: 'o-elsewhere' })).errcode).toBe(43104);
  });

  test('a user who has not opened the mini-program for two hours: 61010 (permanent)', async () => {
    clock += 2 * 3600_000 + 1000;
    const e = await failure(client().msgSecCheck({ openid: OPENID, scene: 2, content: '你好' }));
    expect(e).toBeInstanceOf(WechatApiError);
    expect(e).toMatchObject({ errcode: 61010, disposition: 'permanent' });
    server.simulator.recordVisit({ appid: APPID, openid: OPENID });
    expect((await client().msgSecCheck({ openid: OPENID, scene: 2, content: '你好' })).suggest).toBe('pass');
  });
});

describe('client: tokens and faults', () => {
  test('token expiry mid-check: one refresh, then the verdict', async () => {
    const c = client();
    expect((await c.msgSecCheck({ openid: OPENID, scene: 2, content: '你好' })).suggest).toBe('pass');
    server.simulator.expireAccessTokens();
    expect((await c.msgSecCheck({ openid: OPENID, scene: 2, content: '赌博' })).suggest).toBe('risky');
    expect(server.simulator.calls('stable_token')).toBe(2);
    expect(server.simulator.calls('msg_sec_check')).toBe(3);
  });

  test('busy (-1) is retried with backoff; a verdict after two refusals', async () => {
    server.simulator.injectFault({ endpoint: 'msg_sec_check', errcode: -1, times: 2 });
    expect((await client().msgSecCheck({ openid: OPENID, scene: 2, content: '你好' })).suggest).toBe('pass');
    expect(server.simulator.calls('msg_sec_check')).toBe(3);
  });

  test('busy beyond the retries: a retryable failure, never a verdict', async () => {
    server.simulator.injectFault({ endpoint: 'msg_sec_check', errcode: -1, times: 10 });
    const e = await failure(client().msgSecCheck({ openid: OPENID, scene: 2, content: '你好' }));
    expect(e).toMatchObject({ endpoint: 'msg_sec_check', errcode: -1, disposition: 'retry' });
    expect(server.simulator.calls('msg_sec_check')).toBe(4);
  });

  test('a lost answer (timeout) is asked again: a check changes nothing', async () => {
    server.simulator.injectFault({ endpoint: 'msg_sec_check', errcode: 0, delayMs: 400 });
    const r = await client({ timeoutMs: 150 }).msgSecCheck({ openid: OPENID, scene: 2, content: '刷单' });
    expect(r.suggest).toBe('risky');
  });

  test('too long for WeChat: refused before any call', async () => {
    const e = await failure(client().msgSecCheck({ openid: OPENID, scene: 2, content: '好'.repeat(2501) }));
    expect(e).toMatchObject({ errcode: 47001 });
    expect(server.simulator.calls('msg_sec_check')).toBe(0);
  });
});

describe('requireCleanText: refusing risky text, never skipping the check', () => {
  const check = (c: WechatClient, texts: Record<string, string>) =>
    requireCleanText(c, { openid: OPENID, scene: SCENE_ASSOCIATE_MESSAGE, texts, refused: '问候未发送' });

  test('clean text: one call for the whole message', async () => {
    await expect(check(client(), { 'data.thing1': '店庆', 'data.thing2': '欢迎回店' })).resolves.toBeUndefined();
    expect(server.simulator.calls('msg_sec_check')).toBe(1);
  });

  test('risky: 422 naming the flagged field and the label', async () => {
    const e = await failure(check(client(), { 'data.thing1': '店庆', 'data.thing2': '周末赌博有礼' }));
    expect(e).toBeInstanceOf(DomainError);
    expect(e).toMatchObject({ status: 422, code: 'content_risky', fields: [{ path: 'data.thing2', message: '含有违规内容（违法犯罪），请修改' }] });
    expect((e as Error).message).toContain('问候未发送');
  });

  test('review: refused too, with its own code', async () => {
    const e = await failure(check(client(), { 'data.thing1': '兼职日结' }));
    expect(e).toMatchObject({ status: 422, code: 'content_review', fields: [{ path: 'data.thing1', message: expect.stringContaining('欺诈') }] });
  });

  test('WeChat busy throughout: 503, the text is not passed', async () => {
    server.simulator.injectFault({ endpoint: 'msg_sec_check', errcode: -1, times: 10 });
    await expect(check(client(), { 'data.thing1': '你好' })).rejects.toMatchObject({ status: 503, code: 'content_check_unavailable' });
  });

  test('WeChat unreachable: 503', async () => {
    const probe = createServer();
    await new Promise<void>((r) => probe.listen(0, '127.0.0.1', () => r()));
    const { port } = probe.address() as AddressInfo;
    await new Promise<void>((r) => probe.close(() => r()));
    await expect(check(client({ baseUrl: `http://127.0.0.1:${port}` }), { 'data.thing1': '你好' })).rejects.toMatchObject({ status: 503 });
  });

  test('the author has not opened the mini-program lately: 409 saying so', async () => {
    clock += 3 * 3600_000;
    await expect(check(client(), { 'data.thing1': '你好' })).rejects.toMatchObject({ status: 409, code: 'content_check_needs_recent_visit' });
  });
});
