import type { Sql, Tx } from '../../functions/_lib/db';
import { asAnon, asPerson, buildRlsWorld, type Actor, type RlsWorld } from '../helpers/rls-fixtures';
import { createTestDb, type TestDb } from '../helpers/test-db';

// greeting_settings, greeting_campaigns, greeting_sends. World: a template and a birthday
// campaign per org; outbox rows for m1 (store A1), m2 (store A2) and mb (org B).
let db: TestDb;
let sql: Sql;
let w: RlsWorld;
let x: { tplA: string; tplB: string; campA: string; campB: string; sendM1: string; sendM2: string; sendMB: string };

const one = async (q: Promise<{ id: string }[]>): Promise<string> => {
  const [r] = await q;
  if (!r) throw new Error('fixture insert returned nothing');
  return r.id;
};

beforeAll(async () => {
  db = await createTestDb();
  sql = db.sql;
  w = await buildRlsWorld(sql);
  const tpl = (org: string) => one(sql<{ id: string }[]>`
    insert into public.message_templates (org_id, external_id, name, purpose, fields) values (${org}, 'TPL_rls_greeting_1', '生日', 'birthday', '[{"key":"thing1","label":"祝福"}]') returning id`);
  const tplA = await tpl(w.orgA);
  const tplB = await tpl(w.orgB);
  const camp = (org: string, t: string) => one(sql<{ id: string }[]>`
    insert into public.greeting_campaigns (org_id, name, kind, template_id, data) values (${org}, '生日', 'birthday', ${t}, '{"thing1":"生日快乐"}') returning id`);
  const campA = await camp(w.orgA, tplA);
  const campB = await camp(w.orgB, tplB);
  const send = (org: string, member: string, c: string, t: string) => one(sql<{ id: string }[]>`
    insert into public.greeting_sends (org_id, member_id, occasion_key, occasion_date, campaign_id, template_id)
    values (${org}, ${member}, ${c}, '2026-12-01', ${c}, ${t}) returning id::text as id`);
  x = {
    tplA, tplB, campA, campB,
    sendM1: await send(w.orgA, w.members.m1, campA, tplA),
    sendM2: await send(w.orgA, w.members.m2, campA, tplA),
    sendMB: await send(w.orgB, w.members.mb, campB, tplB),
  };
  await sql`insert into public.greeting_settings (org_id) values (${w.orgA}), (${w.orgB})`;
}, 180_000);

afterAll(async () => {
  await db?.close();
});

const ids = async (actor: Actor, q: (tx: Tx) => Promise<{ id: string }[]>): Promise<string[]> =>
  (await asPerson(sql, actor, async (tx) => (await q(tx)).map((r) => r.id))).sort();
const campaigns = (tx: Tx) => tx<{ id: string }[]>`select id::text as id from public.greeting_campaigns`;
const sends = (tx: Tx) => tx<{ id: string }[]>`select id::text as id from public.greeting_sends`;
const settings = (tx: Tx) => tx<{ id: string }[]>`select org_id::text as id from public.greeting_settings`;

type Outcome = 'ok' | 'denied' | 'none';
const attempt = async (actor: Actor, fn: (tx: Tx) => PromiseLike<{ length: number }>): Promise<Outcome> => {
  try {
    const n = await asPerson(sql, actor, async (tx) => (await fn(tx)).length);
    return n > 0 ? 'ok' : 'none';
  } catch (e) {
    const code = (e as { code?: string }).code;
    if (code === '42501') return 'denied';
    throw e;
  }
};
const manualSend = (member: string, staff: string, tpl: string, org: string) => (tx: Tx) => tx`
  insert into public.greeting_sends (org_id, member_id, occasion_key, occasion_date, template_id, staff_id, data)
  values (${org}, ${member}, ${`manual:${tpl}`}, '2026-12-02', ${tpl}, ${staff}, '{"thing1":"你好"}') returning id`;
// status is not insertable (a campaign starts as a draft); passing it at all is refused.
const newCampaign = (org: string, tpl: string, createdBy: string, status?: string) => (tx: Tx) =>
  status === undefined
    ? tx`insert into public.greeting_campaigns (org_id, name, kind, template_id, data, created_by)
         values (${org}, '新活动', 'birthday', ${tpl}, '{"thing1":"你好"}', ${createdBy}) returning id`
    : tx`insert into public.greeting_campaigns (org_id, name, kind, template_id, data, created_by, status)
         values (${org}, '新活动', 'birthday', ${tpl}, '{"thing1":"你好"}', ${createdBy}, ${status}) returning id`;

describe('operator of org A', () => {
  const me = () => w.actors.operatorA;
  test('sees the org A campaigns, all its sends and settings, nothing of org B', async () => {
    expect(await ids(me(), campaigns)).toEqual([x.campA]);
    expect(await ids(me(), sends)).toEqual([x.sendM1, x.sendM2].sort());
    expect(await ids(me(), settings)).toEqual([w.orgA]);
  });
  test('creates a draft campaign as themselves only', async () => {
    expect(await attempt(me(), newCampaign(w.orgA, x.tplA, w.staff.operatorA))).toBe('ok');
    expect(await attempt(me(), newCampaign(w.orgA, x.tplA, w.staff.adminA))).toBe('denied');
    expect(await attempt(me(), newCampaign(w.orgA, x.tplA, w.staff.operatorA, 'active'))).toBe('denied');
    expect(await attempt(me(), newCampaign(w.orgB, x.tplB, w.staff.operatorA))).toBe('denied');
  });
  test("cannot touch org B's campaign", async () => {
    expect(await attempt(me(), (tx) => tx`update public.greeting_campaigns set status = 'active' where id = ${x.campB} returning id`)).toBe('none');
  });
  test('cannot write or read the dispatcher bookkeeping', async () => {
    expect(await attempt(me(), (tx) => tx`update public.greeting_sends set status = 'sent' where id = ${x.sendM1} returning id`)).toBe('denied');
    expect(await attempt(me(), (tx) => tx`select claim_token from public.greeting_sends`)).toBe('denied');
    expect(await attempt(me(), (tx) => tx`delete from public.greeting_sends returning id`)).toBe('denied');
  });
});

describe('associate A1 (store A1)', () => {
  const me = () => w.actors.associateA1;
  test('sees no campaigns or settings; sees only the sends of members of store A1', async () => {
    expect(await ids(me(), campaigns)).toEqual([]);
    expect(await ids(me(), settings)).toEqual([]);
    expect(await ids(me(), sends)).toEqual([x.sendM1]);
  });
  test('queues a 1:1 greeting as themselves to a member they can see, and nothing else', async () => {
    expect(await attempt(me(), manualSend(w.members.m1, w.staff.associateA1, x.tplA, w.orgA))).toBe('ok');
    expect(await attempt(me(), manualSend(w.members.m2, w.staff.associateA1, x.tplA, w.orgA))).toBe('denied');
    expect(await attempt(me(), manualSend(w.members.m1, w.staff.associateA2, x.tplA, w.orgA))).toBe('denied');
    expect(await attempt(me(), manualSend(w.members.mb, w.staff.associateA1, x.tplB, w.orgB))).toBe('denied');
  });
  test('cannot queue a row already "sent", or a campaign row', async () => {
    expect(await attempt(me(), (tx) => tx`
      insert into public.greeting_sends (org_id, member_id, occasion_key, occasion_date, template_id, staff_id, status)
      values (${w.orgA}, ${w.members.m1}, ${`manual:${x.tplA}`}, '2026-12-03', ${x.tplA}, ${w.staff.associateA1}, 'sent') returning id`)).toBe('denied');
    expect(await attempt(me(), (tx) => tx`
      insert into public.greeting_sends (org_id, member_id, occasion_key, occasion_date, template_id, staff_id)
      values (${w.orgA}, ${w.members.m1}, ${x.campA}, '2026-12-03', ${x.tplA}, ${w.staff.associateA1}) returning id`)).toBe('denied');
  });
  test('cannot create or change campaigns or settings', async () => {
    expect(await attempt(me(), newCampaign(w.orgA, x.tplA, w.staff.associateA1))).toBe('denied');
    expect(await attempt(me(), (tx) => tx`update public.greeting_campaigns set status = 'active' where id = ${x.campA} returning id`)).toBe('none');
    expect(await attempt(me(), (tx) => tx`update public.greeting_settings set budget_max = 99 returning org_id`)).toBe('none');
  });
});

describe('associate B1 (org B)', () => {
  const me = () => w.actors.associateB1;
  test("sees only org B's member's send; cannot greet org A's members", async () => {
    expect(await ids(me(), sends)).toEqual([x.sendMB]);
    expect(await ids(me(), campaigns)).toEqual([]);
    expect(await attempt(me(), manualSend(w.members.m1, w.staff.associateB1, x.tplA, w.orgA))).toBe('denied');
  });
});

describe('removed associate of store A1', () => {
  const me = () => w.actors.removedA1;
  test('sees nothing and cannot queue a greeting', async () => {
    expect(await ids(me(), sends)).toEqual([]);
    expect(await attempt(me(), manualSend(w.members.m1, w.staff.removedA1, x.tplA, w.orgA))).toBe('denied');
  });
});

describe('member m1', () => {
  const me = () => w.actors.memberM1;
  test('sees only their own sends, no campaigns, and cannot queue anything', async () => {
    expect(await ids(me(), sends)).toEqual([x.sendM1]);
    expect(await ids(me(), campaigns)).toEqual([]);
    expect(await attempt(me(), manualSend(w.members.m1, w.staff.associateA1, x.tplA, w.orgA))).toBe('denied');
  });
});

describe('anon', () => {
  test.each(['greeting_settings', 'greeting_campaigns', 'greeting_sends'])('has no access to %s', async (table) => {
    await expect(asAnon(sql, (tx) => tx.unsafe(`select 1 from public.${table}`))).rejects.toMatchObject({ code: '42501' });
  });
});
