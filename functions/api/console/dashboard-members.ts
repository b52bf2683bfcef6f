import type { PendingQuery, Row as PgRow } from 'postgres';
import {
  dashboardMembersInputSchema,
  dashboardMembersOutputSchema,
  type DashboardMembersInput,
  type DashboardMembersOutput,
} from '../../../shared/schemas/dashboard-members.schema';
import type { Tx } from '../../_lib/db';
import { brandCalendar, decodeCursor, encodeCursor, int, requireConsoleReader, windowStart } from '../../_lib/dashboards';
import { notFound } from '../../_lib/errors';
import { iso, person, route } from '../../_lib/handler';

// GET /api/console/dashboard-members?kind=…: the members behind one number of the dashboards or
// of the data quality report (shared/schemas/dashboard-members.schema.ts), masked phones only,
// keyset-paged. `total` is the number itself, from the same counters the chart read, so the
// list and the number agree; the list reads members through RLS (operators and admins see
// their org), each page one index range:
//   growth, rfm, churn, tier → members newest first (org/store + column, joined_at indexes);
//   associate                 → the associate's customers by latest contact (associate index);
//   greeting                  → the outbox rows of the campaign and day, in send order;
//   quality                   → the latest audit run's findings, by member number.

type Frag = PendingQuery<PgRow[]>;
type Row = {
  id: string; member_no: string; name: string | null; phone_masked: string | null; store_name: string | null;
  associate_name: string | null; joined_at: Date; last_purchase_at: Date | null; lifetime_spend_fen: string;
  last_contact_at: Date | null; tier: string | null; rfm_class: string | null; churn_state: string;
  detail: Record<string, unknown> | null; k: string; kid: string;
};

// A list: the FROM/WHERE after the member columns, its order key (as text, for the cursor),
// and its total.
type ListPlan = { from: Frag; key: Frag; keyCast: (k: string) => Frag; idExpr: Frag; idCast: (id: string) => Frag; total: number };

const org = (tx: Tx): Frag => tx`(select private.jwt_org_id())`;

const monthRange = (tx: Tx, month: string, timeZone: string): Frag => tx`
  m.joined_at >= (${`${month}-01`}::date::timestamp at time zone ${timeZone})
  and m.joined_at < ((${`${month}-01`}::date + interval '1 month')::timestamp at time zone ${timeZone})`;

const sumOf = async (tx: Tx, q: Frag): Promise<number> => {
  const [r] = await tx<{ n: string | null }[]>`${q}`;
  return int(r?.n);
};

const newestFirst = (tx: Tx): Pick<ListPlan, 'key' | 'keyCast' | 'idExpr' | 'idCast'> => ({
  key: tx`m.joined_at`,
  keyCast: (k) => tx`${k}::text::timestamptz`,
  idExpr: tx`m.id`,
  idCast: (id) => tx`${id}::uuid`,
});

const nullable = (tx: Tx, col: string, v: string | undefined): Frag => (v === undefined ? tx`${tx(col)} is null` : tx`${tx(col)} = ${v}`);

const planFor = async (tx: Tx, input: DashboardMembersInput): Promise<ListPlan> => {
  const members = (where: Frag): Frag => tx`from public.members m where m.org_id = ${org(tx)} and m.deleted_at is null and ${where}`;
  switch (input.kind) {
    case 'growth': {
      const { timeZone } = await brandCalendar(tx);
      const store = input.storeId === undefined ? null : input.storeId === 'none' ? tx`store_id is null` : tx`store_id = ${input.storeId}`;
      const where = tx`${monthRange(tx, input.month, timeZone)}
        ${input.channel ? tx`and m.join_channel = ${input.channel}` : tx``}
        ${store ? tx`and m.${store}` : tx``}`;
      const total = await sumOf(tx, tx`select sum(n) as n from public.member_growth_counts
        where org_id = ${org(tx)} and month = ${`${input.month}-01`}::date
          ${input.channel ? tx`and join_channel = ${input.channel}` : tx``} ${store ? tx`and ${store}` : tx``}`);
      return { from: members(where), total, ...newestFirst(tx) };
    }
    case 'rfm':
    case 'churn':
    case 'tier': {
      const cond =
        input.kind === 'rfm' ? nullable(tx, 'rfm_class', input.rfmClass) : input.kind === 'tier' ? nullable(tx, 'tier', input.tier) : tx`churn_state = ${input.churnState}`;
      const store = input.storeId ? tx`and store_id = ${input.storeId}` : tx``;
      const total = await sumOf(tx, tx`select sum(n) as n from public.member_counts where org_id = ${org(tx)} and ${cond} ${store}`);
      return { from: members(tx`m.${cond} ${input.storeId ? tx`and m.store_id = ${input.storeId}` : tx``}`), total, ...newestFirst(tx) };
    }
    case 'associate': {
      const { today, timeZone } = await brandCalendar(tx);
      const since = windowStart(today, input.days);
      const sinceTs = tx`(${since}::date::timestamp at time zone ${timeZone})`;
      const key = tx`coalesce(m.last_contact_at, '-infinity'::timestamptz)`;
      const all = await sumOf(tx, tx`select sum(n) as n from public.member_counts where org_id = ${org(tx)} and associate_id = ${input.staffId}`);
      const yes = await sumOf(tx, tx`select sum(n) as n from public.member_contact_counts
        where org_id = ${org(tx)} and associate_id = ${input.staffId} and contact_day >= ${since}::date`);
      const where = tx`m.associate_id = ${input.staffId}
        ${input.contacted === 'yes' ? tx`and ${key} >= ${sinceTs}` : input.contacted === 'no' ? tx`and ${key} < ${sinceTs}` : tx``}`;
      return {
        from: members(where),
        total: input.contacted === 'yes' ? yes : input.contacted === 'no' ? all - yes : all,
        key,
        keyCast: (k) => tx`${k}::text::timestamptz`,
        idExpr: tx`m.id`,
        idCast: (id) => tx`${id}::uuid`,
      };
    }
    case 'greeting': {
      if (input.campaignId) {
        const [c] = await tx`select 1 from public.greeting_campaigns where org_id = ${org(tx)} and id = ${input.campaignId}`;
        if (!c) throw notFound('That campaign');
      }
      // The buckets of the statistics: 'queued' is every status not final yet, a missing reason
      // is counted as 'unknown'.
      const status =
        input.status === 'queued' ? tx`s.status in ('queued', 'claimed', 'sending', 'retrying')` : tx`s.status = ${input.status}`;
      const reason =
        input.reason === undefined || (input.status !== 'failed' && input.status !== 'skipped')
          ? tx``
          : input.reason === 'unknown'
            ? tx`and (s.reason is null or s.reason = 'unknown')`
            : tx`and s.reason = ${input.reason}`;
      const sends = tx`s.org_id = ${org(tx)} and ${input.campaignId ? tx`s.campaign_id = ${input.campaignId}` : tx`s.campaign_id is null`}
        and s.occasion_date = ${input.date}::date and ${status} ${reason}`;
      const [t] = await tx<{ n: number }[]>`select count(*)::int as n from public.greeting_sends s where ${sends}`;
      return {
        from: tx`from public.greeting_sends s join public.members m on m.org_id = s.org_id and m.id = s.member_id
          where ${sends} and m.deleted_at is null`,
        total: t?.n ?? 0,
        key: tx`s.id`,
        keyCast: (k) => tx`${k}::text::bigint`,
        idExpr: tx`s.id`,
        idCast: (id) => tx`${id}::text::bigint`,
      };
    }
    case 'quality': {
      const [run] = await tx<{ id: string; counts: Record<string, number> }[]>`
        select id, counts from public.data_quality_runs where org_id = ${org(tx)} order by finished_at desc limit 1`;
      if (!run) return { from: tx`from public.members m where false`, total: 0, ...newestFirst(tx) };
      return {
        from: tx`from public.data_quality_findings f join public.members m on m.org_id = f.org_id and m.member_no = f.member_no
          where f.org_id = ${org(tx)} and f.run_id = ${run.id} and f.issue = ${input.issue} and m.deleted_at is null`,
        total: run.counts[input.issue] ?? 0,
        key: tx`f.member_no`,
        keyCast: (k) => tx`${k}::text::bigint`,
        idExpr: tx`f.member_no`,
        idCast: (id) => tx`${id}::text::bigint`,
      };
    }
  }
};

const detailOf = (tx: Tx, input: DashboardMembersInput): Frag =>
  input.kind === 'quality'
    ? tx`f.detail`
    : input.kind === 'greeting'
      ? tx`jsonb_build_object('status', s.status, 'reason', s.reason, 'sentAt', s.sent_at)`
      : tx`null::jsonb`;

export const listDrillMembers = async (tx: Tx, input: DashboardMembersInput): Promise<DashboardMembersOutput> => {
  await requireConsoleReader(tx);
  const plan = await planFor(tx, input);
  const after = input.cursor ? decodeCursor(input.cursor, input.kind) : null;
  const rows = await tx<Row[]>`
    select m.id, m.member_no::text as member_no, m.name, m.phone_masked,
           (select st.name from public.stores st where st.org_id = m.org_id and st.id = m.store_id) as store_name,
           (select sf.name from public.staff sf where sf.org_id = m.org_id and sf.id = m.associate_id) as associate_name,
           m.joined_at, m.last_purchase_at, m.lifetime_spend_fen, m.last_contact_at, m.tier, m.rfm_class, m.churn_state,
           ${detailOf(tx, input)} as detail, (${plan.key})::text as k, (${plan.idExpr})::text as kid
    ${plan.from}
    ${after ? tx`and (${plan.key}, ${plan.idExpr}) < (${plan.keyCast(after.key)}, ${plan.idCast(after.id)})` : tx``}
    order by ${plan.key} desc, ${plan.idExpr} desc
    limit ${input.limit + 1}`;
  const page = rows.slice(0, input.limit);
  const last = page[page.length - 1];
  return {
    total: plan.total,
    items: page.map((r) => ({
      id: r.id,
      memberNo: r.member_no,
      name: r.name,
      phoneMasked: r.phone_masked,
      storeName: r.store_name,
      associateName: r.associate_name,
      joinedAt: iso(r.joined_at),
      lastPurchaseAt: r.last_purchase_at ? iso(r.last_purchase_at) : null,
      lifetimeSpendFen: int(r.lifetime_spend_fen),
      lastContactAt: r.last_contact_at ? iso(r.last_contact_at) : null,
      tier: r.tier,
      rfmClass: r.rfm_class,
      churnState: r.churn_state,
      detail: r.detail,
    })),
    nextCursor: rows.length > input.limit && last ? encodeCursor(input.kind, last.k, last.kid) : null,
  };
};

export default route({
  GET: person({
    input: dashboardMembersInputSchema,
    output: dashboardMembersOutputSchema,
    run: ({ input, inTx }) => inTx((tx) => listDrillMembers(tx, input)),
  }),
});
