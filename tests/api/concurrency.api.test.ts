import type { StartedApp } from '../../server/start-app';
import { api, loginAs, startTestApp } from '../helpers/api-client';
import { usingServer } from '../helpers/test-db';

// Races that need several real connections at once: only meaningful against a Postgres server
// (embedded PGlite is a single backend and serialises everything).
const describeServer = usingServer() ? describe : describe.skip;
if (!usingServer()) {
  console.warn('concurrency.api.test: skipped — set DATABASE_URL to a Postgres server to run the concurrency tests');
}

describeServer('concurrent requests (Postgres server)', () => {
  let app: StartedApp;
  beforeAll(async () => {
    app = await startTestApp(20);
  });
  afterAll(async () => {
    await app.close();
  });

  test('eight simultaneous joins of one person make one member and one set of consents', async () => {
    const token = await loginAs(app, `racer-${Date.now()}`);
    const body = { policyVersion: '2026-11-01', agreeTerms: true, agreePrivacy: true, marketing: true, storeCode: 'S001' };
    const results = await Promise.all(Array.from({ length: 8 }, () => api<{ id: string }>(app, '/api/member/join', { token, body })));
    expect(results.map((r) => r.status)).toEqual(Array(8).fill(200));
    expect(new Set(results.map((r) => r.body.id)).size).toBe(1);
    const [counts] = await app.sql<{ members: number; consents: number }[]>`
      select (select count(*) from public.members where id = ${results[0]?.body.id ?? ''})::int as members,
             (select count(*) from public.consents where member_id = ${results[0]?.body.id ?? ''})::int as consents`;
    expect(counts).toEqual({ members: 1, consents: 3 });
  });

  test('the same tag added by eight requests at once is on the member once', async () => {
    const token = await loginAs(app, 'demo-associate-a');
    const [m] = await app.sql<{ id: string }[]>`select m.id from public.members m join public.stores s on s.id = m.store_id where s.code = 'S001' limit 1`;
    const [t] = await app.sql<{ id: string }[]>`select t.id from public.tags t join public.tag_groups g on g.id = t.group_id where g.selection = 'multiple' limit 1`;
    await app.sql`delete from public.member_tags where member_id = ${m?.id ?? ''}`;
    const results = await Promise.all(
      Array.from({ length: 8 }, () => api(app, '/api/staff/member-tags', { token, body: { memberId: m?.id, tagId: t?.id } })),
    );
    expect(results.map((r) => r.status)).toEqual(Array(8).fill(200));
    const [n] = await app.sql<{ n: number }[]>`select count(*)::int as n from public.member_tags where member_id = ${m?.id ?? ''}`;
    expect(n?.n).toBe(1);
  });
});
