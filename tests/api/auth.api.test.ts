import { SignJWT } from 'jose';
import type { StartedApp } from '../../server/start-app';
import { api, loginAs, startTestApp } from '../helpers/api-client';

// Attacks on the request path: forged, expired and altered tokens, removed staff, WeChat codes,
// and what an error may reveal.
let app: StartedApp;
let assocA: string;
let orgId: string;
let accountId: string;

const sign = (claims: Record<string, unknown>, secret: string, exp: number): Promise<string> =>
  new SignJWT(claims)
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setIssuedAt()
    .setExpirationTime(exp)
    .sign(new TextEncoder().encode(secret));

beforeAll(async () => {
  app = await startTestApp(50);
  assocA = await loginAs(app, 'demo-associate-a');
  const me = await api<{ accountId: string; org: { id: string } }>(app, '/api/me', { token: assocA });
  orgId = me.body.org.id;
  accountId = me.body.accountId;
});
afterAll(async () => {
  await app.close();
});

describe('tokens', () => {
  const now = () => Math.floor(Date.now() / 1000);
  const base = () => ({ sub: accountId, role: 'authenticated', aud: 'authenticated', org_id: orgId, iss: 'siyu-platform' });

  test.each([
    ['no token', async () => undefined, 'unauthenticated'],
    ['garbage', async () => 'not-a-jwt', 'invalid_token'],
    ['signed with another secret', async () => sign(base(), 'x'.repeat(48), now() + 600), 'invalid_token'],
    ['expired', async () => sign(base(), process.env.JWT_SECRET ?? '', now() - 10), 'token_expired'],
    ['wrong audience', async () => sign({ ...base(), aud: 'anon' }, process.env.JWT_SECRET ?? '', now() + 600), 'invalid_token'],
    ['role service_role', async () => sign({ ...base(), role: 'service_role' }, process.env.JWT_SECRET ?? '', now() + 600), 'invalid_token'],
    ['alg none', async () => `${Buffer.from('{"alg":"none","typ":"JWT"}').toString('base64url')}.${Buffer.from(JSON.stringify({ ...base(), exp: now() + 600 })).toString('base64url')}.`, 'invalid_token'],
  ])('%s → 401', async (_label, make, code) => {
    const token = await make();
    const r = await api<{ error: { code: string } }>(app, '/api/staff/customers', { token });
    expect(r.status).toBe(401);
    expect(r.body.error.code).toBe(code);
  });

  test('a validly signed token naming another org sees nothing of it', async () => {
    const [other] = await app.sql<{ id: string }[]>`insert into public.orgs (name, wx_appid) values ('Other brand', 'wx0ther0000000000a') returning id`;
    const forged = await sign({ ...base(), org_id: other?.id }, process.env.JWT_SECRET ?? '', now() + 600);
    // The account is staff of the demo org, not of the other org: no staff rights there.
    const r = await api(app, '/api/staff/customers', { token: forged });
    expect(r.status).toBe(403);
  });
});

describe('a removed staff member', () => {
  test('loses access on the next request, with the same token', async () => {
    const token = await loginAs(app, 'demo-associate-b');
    expect((await api(app, '/api/staff/customers', { token })).status).toBe(200);
    await app.sql`update public.staff set active = false, deactivated_at = now() where account_id = (select id from public.accounts where wx_openid = 'demo-associate-b')`;
    const r = await api(app, '/api/staff/customers', { token });
    expect(r.status).toBe(403);
    const card = await api(app, '/api/me', { token });
    expect((card.body as { staff: unknown }).staff).toBeNull();
  });
});

describe('sign-in', () => {
  test('a code works once', async () => {
    const code = await api<{ code: string }>(app, '/wx-sim/dev/login-code', { body: { appid: app.demo.appId, openid: 'someone' } });
    const first = await api(app, '/api/auth/wx-login', { body: { code: code.body.code, appId: app.demo.appId } });
    expect(first.status).toBe(200);
    const again = await api<{ error: { code: string } }>(app, '/api/auth/wx-login', { body: { code: code.body.code, appId: app.demo.appId } });
    expect(again.status).toBe(401);
    expect(again.body.error.code).toBe('invalid_code');
  });

  test('the session_key never leaves the server and is stored encrypted', async () => {
    const code = await api<{ code: string }>(app, '/wx-sim/dev/login-code', { body: { appid: app.demo.appId, openid: 'keyholder' } });
    const r = await api<Record<string, unknown>>(app, '/api/auth/wx-login', { body: { code: code.body.code, appId: app.demo.appId } });
    expect(Object.keys(r.body).sort()).toEqual(['accountId', 'expiresAt', 'orgId', 'token']);
    const payload = JSON.parse(Buffer.from(String(r.body.token).split('.')[1] ?? '', 'base64url').toString()) as Record<string, unknown>;
    expect(Object.keys(payload).sort()).toEqual(['aud', 'exp', 'iat', 'iss', 'org_id', 'role', 'sub']);
    const [row] = await app.sql<{ session_key_enc: string }[]>`select session_key_enc from private.wx_sessions where account_id = ${String(r.body.accountId)}`;
    expect(row?.session_key_enc).toMatch(/^v1:k1:/);
  });

  test('an unknown appId is a 400 naming appId', async () => {
    const r = await api<{ error: { fields: { path: string }[] } }>(app, '/api/auth/wx-login', { body: { code: 'x', appId: 'wx0000000000000000' } });
    expect(r.status).toBe(400);
    expect(r.body.error.fields[0]?.path).toBe('appId');
  });

  test('WeChat being busy is a 503, not a crash', async () => {
    app.simulator?.injectFault({ endpoint: 'jscode2session', errcode: -1, times: 10 });
    const code = await api<{ code: string }>(app, '/wx-sim/dev/login-code', { body: { appid: app.demo.appId, openid: 'busy' } });
    const r = await api(app, '/api/auth/wx-login', { body: { code: code.body.code, appId: app.demo.appId } });
    expect(r.status).toBe(503);
    app.simulator?.reset();
  });
});

describe('errors', () => {
  test.each([
    ['malformed JSON', '/api/auth/wx-login', '{"code":', 400],
    ['unknown endpoint', '/api/nope', undefined, 404],
    ['wrong method', '/api/health', '{}', 405],
  ])('%s gets its status without internals', async (_label, path, body, status) => {
    const r = await api(app, path, { method: body === undefined ? 'GET' : 'POST', body, headers: { 'content-type': 'application/json' } });
    expect(r.status).toBe(status);
    const text = JSON.stringify(r.body);
    expect(text).not.toMatch(/\bat .*\.ts:\d+|node_modules|Postgres|SELECT|select /);
  });

  test('health reports the database', async () => {
    const r = await api<{ status: string; database: { reachable: boolean; migrations: number } }>(app, '/api/health');
    expect(r.status).toBe(200);
    expect(r.body.database.reachable).toBe(true);
    expect(r.body.database.migrations).toBeGreaterThanOrEqual(7);
  });
});
