import type { Tx } from '../../functions/_lib/db';
import type { Actor, RlsWorld } from '../helpers/rls-fixtures';
import { DENIED, NO_ROWS, ONE_ROW, firstId, forged, outcomeAs, setupWorld, type Outcome, type Row } from './rls-helpers';

// 20261201004000_greetings_brand_dates.sql: stores.opened_on (admins set it) and the recurrence
// columns of greeting_campaigns (operators write them), attacked by every actor. The world adds
// a message template per org; store A1 opened on 2020-02-29.
let tplA = '';
const ctx = setupWorld(async (sql, w) => {
  await sql`update public.stores set opened_on = '2020-02-29' where id = ${w.stores.a1}`;
  tplA = await firstId(sql<Row[]>`
    insert into public.message_templates (org_id, external_id, name, purpose, fields) values (${w.orgA}, 'TPL_rls_brand_dates', '活动', 'campaign', '[{"key":"thing1","label":"活动"}]') returning id`);
});

const setOpening = (store: (w: RlsWorld) => string, date: string | null) => (tx: Tx) =>
  tx`update public.stores set opened_on = ${date}::date where id = ${store(ctx().w)} returning id`;

describe('stores.opened_on: who may set it', () => {
  test.each<[string, (w: RlsWorld) => Actor | null, (w: RlsWorld) => string, Outcome]>([
    ['admin A sets store A1', (w) => w.actors.adminA, (w) => w.stores.a1, ONE_ROW],
    ['admin A sets store A2', (w) => w.actors.adminA, (w) => w.stores.a2, ONE_ROW],
    ['admin A cannot touch org B\'s store', (w) => w.actors.adminA, (w) => w.stores.b1, NO_ROWS],
    ['admin A with a token forged for org B', (w) => forged(w, 'adminA'), (w) => w.stores.b1, NO_ROWS],
    ['operator A (reads, does not write)', (w) => w.actors.operatorA, (w) => w.stores.a1, NO_ROWS],
    ['manager A1, own store', (w) => w.actors.managerA1, (w) => w.stores.a1, NO_ROWS],
    ['associate A1, own store', (w) => w.actors.associateA1, (w) => w.stores.a1, NO_ROWS],
    ['removed staff of A1', (w) => w.actors.removedA1, (w) => w.stores.a1, NO_ROWS],
    ['associate B1 (other org) on store A1', (w) => w.actors.associateB1, (w) => w.stores.a1, NO_ROWS],
    ['member m1', (w) => w.actors.memberM1, (w) => w.stores.a1, NO_ROWS],
    ['anon', () => null, (w) => w.stores.a1, DENIED],
  ])('%s', async (_name, who, store, expected) => {
    const { sql, w } = ctx();
    expect(await outcomeAs(sql, who(w), setOpening(store, '2019-05-01'))).toEqual(expected);
  });

  test('nothing above changed the stored date (every write was rolled back or refused)', async () => {
    const { sql, w } = ctx();
    const [s] = await sql<{ d: string }[]>`select opened_on::text as d from public.stores where id = ${w.stores.a1}`;
    expect(s?.d).toBe('2020-02-29');
  });

  test.each<[string, (w: RlsWorld) => Actor, string[]]>([
    ['operator A reads every store of org A', (w) => w.actors.operatorA, ['2020-02-29', 'none']],
    // An opening date is no secret: everyone of the org reads the active stores (members too).
    ['associate A1 reads the org\'s active stores', (w) => w.actors.associateA1, ['2020-02-29', 'none']],
    ['member m1 reads the org\'s active stores', (w) => w.actors.memberM1, ['2020-02-29', 'none']],
    ['associate B1 reads only org B', (w) => w.actors.associateB1, ['none']],
  ])('%s with its opening date', async (_name, who, expected) => {
    const { sql, w } = ctx();
    const { asPerson } = await import('../helpers/rls-fixtures');
    const rows = await asPerson(sql, who(w), (tx) => tx<{ d: string }[]>`select coalesce(opened_on::text, 'none') as d from public.stores order by code`);
    expect(rows.map((r) => r.d)).toEqual(expected);
  });

  test('an out-of-range date is refused by the table itself', async () => {
    const { sql, w } = ctx();
    expect(await outcomeAs(sql, w.actors.adminA, setOpening((x) => x.stores.a1, '1800-01-01'))).toEqual({ error: '23514' });
  });
});

describe('greeting_campaigns recurrence columns', () => {
  const recurring = (org: (w: RlsWorld) => string, by: (w: RlsWorld) => string, repeat: { every: string; weekdays?: number[]; day?: number; until?: string }) => (tx: Tx) => {
    const { w } = ctx();
    return tx`
      insert into public.greeting_campaigns (org_id, name, kind, template_id, data, scheduled_on, repeat_every, repeat_weekdays, repeat_month_day, repeat_until, created_by)
      values (${org(w)}, '每周', 'segment', ${tplA}, '{"thing1":"上新"}', '2026-12-01', ${repeat.every}, ${repeat.weekdays ?? null}::smallint[],
        ${repeat.day ?? null}, ${repeat.until ?? null}, ${by(w)})
      returning id`;
  };
  test.each<[string, (w: RlsWorld) => Actor | null, (tx: Tx) => Promise<{ count: number }>, Outcome]>([
    ['operator A creates a weekly campaign', (w) => w.actors.operatorA, recurring((w) => w.orgA, (w) => w.staff.operatorA, { every: 'week', weekdays: [1, 4] }), ONE_ROW],
    ['operator A creates a monthly campaign with an end', (w) => w.actors.operatorA, recurring((w) => w.orgA, (w) => w.staff.operatorA, { every: 'month', day: 31, until: '2027-06-30' }), ONE_ROW],
    ['associate A1 cannot', (w) => w.actors.associateA1, recurring((w) => w.orgA, (w) => w.staff.associateA1, { every: 'week', weekdays: [1] }), DENIED],
    ['manager A1 cannot', (w) => w.actors.managerA1, recurring((w) => w.orgA, (w) => w.staff.managerA1, { every: 'week', weekdays: [1] }), DENIED],
    ['associate B1 cannot create one in org A', (w) => w.actors.associateB1, recurring((w) => w.orgA, (w) => w.staff.associateB1, { every: 'week', weekdays: [1] }), DENIED],
    ['operator A with a forged org-B token', (w) => forged(w, 'operatorA'), recurring((w) => w.orgB, (w) => w.staff.operatorA, { every: 'week', weekdays: [1] }), DENIED],
    ['anon', () => null, recurring((w) => w.orgA, (w) => w.staff.operatorA, { every: 'week', weekdays: [1] }), DENIED],
    ['weekday 8 is refused', (w) => w.actors.operatorA, recurring((w) => w.orgA, (w) => w.staff.operatorA, { every: 'week', weekdays: [8] }), { error: '23514' }],
    ['weekly without weekdays is refused', (w) => w.actors.operatorA, recurring((w) => w.orgA, (w) => w.staff.operatorA, { every: 'week' }), { error: '23514' }],
    ['monthly on day 32 is refused', (w) => w.actors.operatorA, recurring((w) => w.orgA, (w) => w.staff.operatorA, { every: 'month', day: 32 }), { error: '23514' }],
    ['an end before the start is refused', (w) => w.actors.operatorA, recurring((w) => w.orgA, (w) => w.staff.operatorA, { every: 'month', day: 1, until: '2026-11-30' }), { error: '23514' }],
  ])('%s', async (_name, who, run, expected) => {
    const { sql, w } = ctx();
    expect(await outcomeAs(sql, who(w), run)).toEqual(expected);
  });

  test('only segment campaigns recur; a store anniversary is a kind of its own', async () => {
    const { sql, w } = ctx();
    const make = (kind: string, repeat: boolean) => (tx: Tx) => tx`
      insert into public.greeting_campaigns (org_id, name, kind, template_id, data, repeat_every, repeat_month_day, created_by)
      values (${w.orgA}, '周年', ${kind}, ${tplA}, '{"thing1":"周年"}', ${repeat ? 'month' : null}, ${repeat ? 1 : null}, ${w.staff.operatorA}) returning id`;
    expect(await outcomeAs(sql, w.actors.operatorA, make('store_anniversary', false))).toEqual(ONE_ROW);
    expect(await outcomeAs(sql, w.actors.operatorA, make('store_anniversary', true))).toEqual({ error: '23514' });
    expect(await outcomeAs(sql, w.actors.operatorA, make('birthday', true))).toEqual({ error: '23514' });
  });
});
