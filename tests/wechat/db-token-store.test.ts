import postgres from 'postgres';
import { createDbTokenStore } from '../../functions/_lib/wechat/db-token-store';
import { createWechatClient, type StoredToken } from '../../functions/_lib/wechat/wechat-client';
import { startWechatSimulatorServer, type WechatSimulatorServer } from '../../simulator/wechat-simulator';
import { createTestDb, usingServer, type TestDb } from '../helpers/test-db';

const APPID = 'wx1234567890abcdef';
const SECRET = 'secret-0123456789abcdef';
const TEMPLATE = 'TPL_birthday_greeting_01';

let db: TestDb;
let sim: WechatSimulatorServer;
let appSeq = 0;

beforeAll(async () => {
  db = await createTestDb();
  sim = await startWechatSimulatorServer({ port: 0, apps: { [APPID]: SECRET } });
});

afterAll(async () => {
  await sim?.close();
  await db?.close();
});

// Each test gets its own appid so rows from one test never satisfy another.
function nextAppId(): string {
  appSeq += 1;
  return `wxtest${String(appSeq).padStart(12, '0')}`;
}

function inHours(hours: number): Date {
  return new Date(Date.now() + hours * 3_600_000);
}

function fetcher(token: StoredToken, delayMs = 0): { fetchNew: () => Promise<StoredToken>; count: () => number } {
  let calls = 0;
  return {
    fetchNew: async () => {
      calls += 1;
      if (delayMs > 0) await new Promise((resolve) => setTimeout(resolve, delayMs));
      return token;
    },
    count: () => calls,
  };
}

const notExpiringSoon = (t: StoredToken): boolean => t.expiresAt.getTime() - Date.now() > 5 * 60_000;

describe('createDbTokenStore', () => {
  it('get() is null before anything is stored', async () => {
    expect(await createDbTokenStore(db.sql).get(nextAppId())).toBeNull();
  });

  it('refresh() stores the fetched token for every reader', async () => {
    const appId = nextAppId();
    const token = { accessToken: 'TOKEN-A', expiresAt: inHours(2) };
    const { fetchNew, count } = fetcher(token);
    expect(await createDbTokenStore(db.sql).refresh(appId, fetchNew, notExpiringSoon)).toEqual(token);
    expect(count()).toBe(1);
    expect(await createDbTokenStore(db.sql).get(appId)).toEqual(token);
  });

  it('refresh() returns the stored token without fetching while it is still valid', async () => {
    const appId = nextAppId();
    const store = createDbTokenStore(db.sql);
    await store.refresh(appId, fetcher({ accessToken: 'TOKEN-A', expiresAt: inHours(2) }).fetchNew, () => false);
    const second = fetcher({ accessToken: 'TOKEN-B', expiresAt: inHours(2) });
    expect((await store.refresh(appId, second.fetchNew, notExpiringSoon)).accessToken).toBe('TOKEN-A');
    expect(second.count()).toBe(0);
  });

  it('refresh() replaces a stale token', async () => {
    const appId = nextAppId();
    const store = createDbTokenStore(db.sql);
    await store.refresh(appId, fetcher({ accessToken: 'OLD', expiresAt: new Date(Date.now() + 60_000) }).fetchNew, () => false);
    const fresh = { accessToken: 'NEW', expiresAt: inHours(2) };
    expect(await store.refresh(appId, fetcher(fresh).fetchNew, notExpiringSoon)).toEqual(fresh);
    expect(await store.get(appId)).toEqual(fresh);
  });

  it('a failed fetch keeps the stored token and releases the lock', async () => {
    const appId = nextAppId();
    const store = createDbTokenStore(db.sql);
    const old = { accessToken: 'OLD', expiresAt: new Date(Date.now() + 60_000) };
    await store.refresh(appId, fetcher(old).fetchNew, () => false);
    await expect(store.refresh(appId, async () => Promise.reject(new Error('WeChat down')), notExpiringSoon)).rejects.toThrow('WeChat down');
    expect(await store.get(appId)).toEqual(old);
    const fresh = { accessToken: 'NEW', expiresAt: inHours(2) };
    expect(await store.refresh(appId, fetcher(fresh).fetchNew, notExpiringSoon)).toEqual(fresh);
  });

  it('concurrent refreshes through separate stores fetch once', async () => {
    const appId = nextAppId();
    const { fetchNew, count } = fetcher({ accessToken: 'ONLY-ONE', expiresAt: inHours(2) }, 50);
    const stores = [createDbTokenStore(db.sql), createDbTokenStore(db.sql)];
    const tokens = await Promise.all(Array.from({ length: 6 }, (_, i) => stores[i % 2]!.refresh(appId, fetchNew, notExpiringSoon)));
    expect(count()).toBe(1);
    expect(tokens.map((t) => t.accessToken)).toEqual(Array(6).fill('ONLY-ONE'));
  });

  // Two pools are two function instances; only a real server has more than one backend.
  (usingServer() ? it : it.skip)('concurrent refreshes from two connection pools fetch once (advisory lock)', async () => {
    const other = postgres(db.url, { max: 3, onnotice: () => {} });
    try {
      const appId = nextAppId();
      const { fetchNew, count } = fetcher({ accessToken: 'ONLY-ONE', expiresAt: inHours(2) }, 100);
      const stores = [createDbTokenStore(db.sql), createDbTokenStore(other)];
      const tokens = await Promise.all(Array.from({ length: 6 }, (_, i) => stores[i % 2]!.refresh(appId, fetchNew, notExpiringSoon)));
      expect(count()).toBe(1);
      expect(new Set(tokens.map((t) => t.accessToken))).toEqual(new Set(['ONLY-ONE']));
    } finally {
      await other.end({ timeout: 5 });
    }
  });

  it('the token functions belong to app_auth: a person (authenticated) cannot read the token', async () => {
    const appId = nextAppId();
    await createDbTokenStore(db.sql).refresh(appId, fetcher({ accessToken: 'SECRET-TOKEN', expiresAt: inHours(2) }).fetchNew, () => false);
    await expect(
      db.sql.begin(async (tx) => {
        await tx`select set_config('role', 'authenticated', true)`;
        return tx`select * from private.wechat_token_get(${appId})`;
      }),
    ).rejects.toThrow(/permission denied/);
  });

  it('two WeChat clients on the database store refresh once, also after the token expires', async () => {
    sim.simulator.reset();
    sim.simulator.grantSubscription({ appid: APPID, openid: 'o-alice', templateId: TEMPLATE, count: 10 });
    const clients = [0, 1].map(() =>
      createWechatClient({ baseUrl: sim.url, appId: APPID, secret: SECRET, tokenStore: createDbTokenStore(db.sql), sleep: async () => undefined }),
    );
    const greeting = { toUser: 'o-alice', templateId: TEMPLATE, data: { thing1: '生日快乐' } };

    await Promise.all([0, 1, 0, 1].map((i) => clients[i]!.sendSubscribeMessage(greeting)));
    expect(sim.simulator.calls('stable_token')).toBe(1);

    sim.simulator.expireAccessTokens();
    await Promise.all([0, 1, 0, 1].map((i) => clients[i]!.sendSubscribeMessage(greeting)));
    expect(sim.simulator.calls('stable_token')).toBe(2);
    expect(sim.simulator.sentMessages()).toHaveLength(8);
  });
});
