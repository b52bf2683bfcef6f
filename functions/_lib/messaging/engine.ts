// The greetings engine: dry run, planning into the outbox, dispatch, recovery, statistics.
//
// Never twice: the outbox's unique key (org, member, occasion, date, channel) makes planning
// idempotent; a row moves queued → claimed (credit taken, in the claim transaction, rows locked
// with FOR UPDATE SKIP LOCKED) → sending (committed just before the call) → sent / failed /
// retrying / unknown, each transition guarded by the claim token. Never lost: a claim whose
// dispatcher died before "sending" goes back to the queue; a row left "sending" (we cannot know
// whether WeChat delivered it, and WeChat offers no lookup) becomes "unknown", never resent.
import { randomUUID } from 'node:crypto';
import { localDate } from '../../../shared/domain/birthday';
import { holidayName, type HolidayKey } from '../../../shared/domain/holidays';
import { checkTemplateValues } from '../../../shared/domain/wechat-keywords';
import { withServiceTx, type Sql, type Tx } from '../db';
import { nextWechatQuotaReset } from '../wechat/wechat-client';
import { evaluated, inQuietHours, isBudgetExempt, readSettings, savedSegmentOf, type CampaignRow, type EvalOptions, type Settings } from './audience';
import { SET_BASED_FROM, type EligibilityStrategy } from './eligibility';
import { campaignColumns } from './campaigns';
import type { Channel, DeliveryResult } from './channel';
import { yearsOf } from './brand-dates';
import { campaignFinished, localHHMM, occasionsToPlan, type Occasion } from './occasions';
import { lengthRules, renderData, templateProblem, type TemplateData } from './render';

export type DryRun = {
  occasionDate: string;
  sendAt: string;
  audience: number;
  willReceive: number;
  skipped: Record<string, number>;
  templateProblem: string | null;
  preview: Array<{ memberName: string; storeName: string | null; data: TemplateData }>;
};

const templateKeys = async (q: Tx, orgId: string, templateId: string): Promise<string[]> => {
  const [t] = await q<{ fields: Array<{ key: string }> }[]>`select fields from public.message_templates where org_id = ${orgId} and id = ${templateId}`;
  return (t?.fields ?? []).map((f) => f.key);
};

// These are one-pass scans over up to every member of an org: JIT compilation costs more than it
// saves (measured at 1 M members: ~1.4 s of compiling for a 2.5 s query), so it is off for them.
const noJit = (q: Tx) => q`select set_config('jit', 'off', true)`;

/**
 * Which eligibility shape suits an occasion (eligibility.ts): a day's birthdays or anniversaries
 * are always small; for holidays and segments the planner's estimate of the audience decides.
 */
export const strategyFor = async (q: Tx, o: EvalOptions): Promise<EligibilityStrategy> => {
  if (o.campaign.kind !== 'segment' && o.campaign.kind !== 'holiday') return 'per_member';
  const [plan] = await q<{ 'QUERY PLAN': Array<{ Plan: { 'Plan Rows': number } }> }[]>`
    explain (format json) with ev as (${evaluated(q, { ...o, strategy: 'per_member' })}) select 1 from ev`;
  const rows = plan?.['QUERY PLAN'][0]?.Plan['Plan Rows'] ?? 0;
  return rows >= SET_BASED_FROM ? 'set_based' : 'per_member';
};

/** Counts who will receive an occasion and why the others won't, plus a rendered preview. */
export const dryRun = async (q: Tx, c: CampaignRow, occasion: Occasion, settings: Settings): Promise<DryRun> => {
  const problem = templateProblem(c.data, await templateKeys(q, c.org_id, c.template_id));
  const quiet = inQuietHours(localHHMM(occasion.sendAt, settings.timeZone), settings);
  await noJit(q);
  const base: EvalOptions = { campaign: c, occasionDate: occasion.occasionDate, settings, quiet, savedSegment: await savedSegmentOf(q, c), lengthRules: lengthRules(c.data, { date: occasion.occasionDate, holiday: occasion.holidayName }) };
  const ev = evaluated(q, { ...base, strategy: await strategyFor(q, base) });
  // One pass: the counts, and three of those who will receive it for the preview.
  const counts = await q<{ reason: string | null; n: number; sample: string[] | null }[]>`
    with ev as (${ev})
    select reason, count(*)::int as n, ((array_agg(member_id) filter (where reason is null))[1:3])::text[] as sample
    from ev group by reason`;
  const sampleIds = counts.find((r) => r.reason === null)?.sample ?? [];
  const sample =
    sampleIds.length === 0
      ? []
      : await q<{ member_name: string | null; store_name: string | null; store_opened_on: string | null; joined_at: Date }[]>`
          select m.name as member_name, st.name as store_name, st.opened_on::text as store_opened_on, m.joined_at
          from public.members m left join public.stores st on st.org_id = m.org_id and st.id = m.store_id
          where m.org_id = ${c.org_id} and m.id = any (${sampleIds}::uuid[])`;
  const skipped: Record<string, number> = {};
  let willReceive = 0;
  let audience = 0;
  for (const r of counts) {
    audience += r.n;
    if (r.reason === null) willReceive = problem ? 0 : r.n;
    else skipped[r.reason] = r.n;
  }
  if (problem && willReceive === 0) {
    const ok = counts.find((r) => r.reason === null)?.n ?? 0;
    if (ok > 0) skipped.invalid_template_data = (skipped.invalid_template_data ?? 0) + ok;
  }
  return {
    occasionDate: occasion.occasionDate,
    sendAt: occasion.sendAt.toISOString(),
    audience,
    willReceive,
    skipped,
    templateProblem: problem,
    preview: sample.map((m) => ({
      memberName: m.member_name ?? '会员',
      storeName: m.store_name,
      data: renderData(c.data, {
        name: m.member_name,
        store: m.store_name,
        date: occasion.occasionDate,
        holiday: occasion.holidayName,
        years: yearsOf(c.kind, occasion.occasionDate, { storeOpenedOn: m.store_opened_on, joinedAt: m.joined_at, timeZone: settings.timeZone }),
      }),
    })),
  };
};

/**
 * Plans one occasion of one campaign into the outbox. Idempotent; returns rows newly queued.
 * `reconsiderSkipped`: members skipped earlier (e.g. no credit yet) are queued when they now
 * qualify; off for a past occurrence planned on its grace day, which only fills in what is missing.
 */
export const planOccasion = async (q: Tx, c: CampaignRow, occasion: Occasion, settings: Settings, opts: { reconsiderSkipped?: boolean } = {}): Promise<number> => {
  const problem = templateProblem(c.data, await templateKeys(q, c.org_id, c.template_id));
  if (problem) return 0;
  await noJit(q);
  const base: EvalOptions = { campaign: c, occasionDate: occasion.occasionDate, settings, quiet: false, savedSegment: await savedSegmentOf(q, c), lengthRules: lengthRules(c.data, { date: occasion.occasionDate, holiday: occasion.holidayName }) };
  const ev = evaluated(q, { ...base, strategy: await strategyFor(q, base) });
  // A member skipped earlier (e.g. no credit yet) is reconsidered by later runs of the same day.
  const rows = await q<{ id: string; status: string }[]>`
    with ev as (${ev})
    insert into public.greeting_sends as g (org_id, member_id, occasion_key, occasion_date, channel, campaign_id, template_id, budget_exempt, status, reason, not_before)
    select ${c.org_id}, ev.member_id, ${c.id}::text, ${occasion.occasionDate}::date, 'wechat_subscribe', ${c.id}, ${c.template_id},
      ${isBudgetExempt(c, settings)}, case when ev.reason is null then 'queued' else 'skipped' end, ev.reason, ${occasion.sendAt}
    from ev
    on conflict (org_id, member_id, occasion_key, occasion_date, channel) do update
      set status = 'queued', reason = null, not_before = excluded.not_before, updated_at = now()
      where g.status = 'skipped' and excluded.status = 'queued' and ${opts.reconsiderSkipped ?? true}
    returning g.id::text as id, g.status`;
  return rows.filter((r) => r.status === 'queued').length;
};

/** Plans every active campaign's occasion of the local day (cron). Safe to run any number of times. */
export const planDue = async (sql: Sql, now: Date = new Date()): Promise<{ campaigns: number; queued: number }> => {
  const campaigns = await withServiceTx(sql, (tx) => tx<CampaignRow[]>`
    select ${campaignColumns(tx)} from public.greeting_campaigns c where c.status = 'active' order by c.org_id, c.id`);
  let queued = 0;
  let planned = 0;
  for (const c of campaigns) {
    await withServiceTx(sql, async (tx) => {
      const settings = await readSettings(tx, c.org_id);
      const today = localDate(now, settings.timeZone);
      // Each occurrence of a recurring campaign is its own occasion date: its own outbox keys.
      for (const occasion of occasionsToPlan(c, today, settings.timeZone)) {
        planned += 1;
        queued += await planOccasion(tx, c, occasion, settings, { reconsiderSkipped: occasion.sendDate === today });
      }
      // A segment campaign is done once its last occurrence (and that one's grace day) has passed.
      if (campaignFinished(c, today)) {
        await tx`update public.greeting_campaigns set status = 'done' where org_id = ${c.org_id} and id = ${c.id} and status = 'active'`;
      }
    });
  }
  return { campaigns: planned, queued };
};

// ---------------------------------------------------------------------------------------------
// Dispatch

export type DispatchOptions = {
  channel: Channel;
  batchSize?: number;
  maxBatches?: number;
  maxAttempts?: number;
  now?: () => Date;
  /** Deliveries in flight at once within a batch (default 1). WeChat's rate, not ours, should limit. */
  concurrency?: number;
  /** Stop claiming new batches after this many ms (a serverless function has a time limit). */
  budgetMs?: number;
  /** Only these outbox rows (an associate's 1:1 greeting, sent right after it was queued). */
  onlyIds?: string[];
  /** Tests: called after a delivery, before its result is stored; throwing simulates a crash. */
  afterDeliver?: (sendId: string) => void;
};

// quotaReached: WeChat's daily quota ran out during the run; what was left waits for the reset.
export type DispatchReport = {
  claimed: number; sent: number; failed: number; retrying: number; unknown: number; skipped: number; deferred: number; quotaReached: boolean;
};

type ClaimRow = {
  org_id: string;
  id: string;
  member_id: string;
  template_id: string;
  campaign_id: string | null;
  occasion_date: string;
  data: TemplateData | null;
  budget_exempt: boolean;
  attempts: number;
};

type Claimed = { id: string; delivery: { toUser: string; externalTemplateId: string; page: string | null; data: TemplateData } };

const backoffMs = (attempt: number): number => Math.min(30 * 60_000, 60_000 * 2 ** Math.max(0, attempt - 1)) * (0.5 + Math.random() / 2);

type Fact = {
  id: string;
  deleted: boolean;
  openid: string | null;
  name: string | null;
  store: string | null;
  granted: boolean | null;
  credits: number | null;
  used: number;
  external_id: string;
  page: string | null;
  active: boolean;
  c_data: TemplateData | null;
  holiday_key: string | null;
  c_kind: CampaignRow['kind'] | null;
  store_opened_on: string | null;
  joined_at: Date | null;
};

/**
 * One batch: claim, check again, take credits; a few set-based statements in the caller's
 * service transaction whatever the batch size (per-row queries made the database, not WeChat,
 * the limit). `due` is how many due rows were looked at (0: the queue is empty for now).
 */
const claimBatch = async (tx: Tx, token: string, batchSize: number, now: Date, report: DispatchReport, onlyIds?: string[]): Promise<{ due: number; claimed: Claimed[] }> => {
  const rows = await tx<ClaimRow[]>`
    select s.org_id, s.id::text as id, s.member_id, s.template_id, s.campaign_id, s.occasion_date::text as occasion_date, s.data, s.budget_exempt, s.attempts
    from public.greeting_sends s
    where s.status in ('queued', 'retrying') and s.not_before <= ${now}
      ${onlyIds ? tx`and s.id = any (${onlyIds}::bigint[])` : tx``}
    order by s.not_before, s.org_id, s.id
    limit ${batchSize}
    for update skip locked`;
  if (rows.length === 0) return { due: 0, claimed: [] };
  const settingsByOrg = new Map<string, Settings>();
  for (const org of new Set(rows.map((r) => r.org_id))) settingsByOrg.set(org, await readSettings(tx, org));
  const settingsOf = (org: string): Settings => settingsByOrg.get(org) as Settings;

  // Quiet hours: deferred, not skipped; tried again when they end (the next cron after that).
  const quiet = rows.filter((r) => inQuietHours(localHHMM(now, settingsOf(r.org_id).timeZone), settingsOf(r.org_id)));
  if (quiet.length > 0) {
    report.deferred += quiet.length;
    await tx`update public.greeting_sends set not_before = ${new Date(now.getTime() + 15 * 60_000)}, updated_at = now()
      where id = any (${quiet.map((r) => r.id)}::bigint[])`;
  }
  const live = rows.filter((r) => !quiet.includes(r));
  if (live.length === 0) return { due: rows.length, claimed: [] };

  // Serialise decisions per member (budget, credits) across concurrent dispatchers until
  // commit; taken in one sorted order, so two dispatchers never wait on each other in a cycle.
  const lockKeys = [...new Set(live.map((r) => `greeting:${r.org_id}:${r.member_id}`))].sort();
  await tx`select pg_advisory_xact_lock(hashtextextended(k.k, 0)) from (select k from unnest(${lockKeys}::text[]) as k order by k) k`;
  const facts = await tx<Fact[]>`
    select s.id::text as id, m.id is null or m.deleted_at is not null as deleted, a.wx_openid as openid, m.name, st.name as store,
      (select cn.granted from public.consents cn where cn.org_id = s.org_id and cn.member_id = s.member_id and cn.purpose = 'marketing'
         and cn.channel in ('all', 'wechat_subscribe') order by cn.created_at desc, cn.id desc limit 1) as granted,
      (select sc.credits from public.subscription_credits sc where sc.org_id = s.org_id and sc.member_id = s.member_id and sc.template_id = s.template_id) as credits,
      (select count(*)::int from public.greeting_sends x where x.org_id = s.org_id and x.member_id = s.member_id
         and x.status in ('claimed', 'sending', 'sent', 'unknown') and not x.budget_exempt
         and x.claimed_at > ${now}::timestamptz - make_interval(days => p.days)) as used,
      t.external_id, t.page, t.active, c.data as c_data, c.holiday_key, c.kind as c_kind, st.opened_on::text as store_opened_on, m.joined_at
    from unnest(${live.map((r) => r.id)}::bigint[], ${live.map((r) => settingsOf(r.org_id).budgetDays)}::int[]) as p(id, days)
    join public.greeting_sends s on s.id = p.id
    left join public.members m on m.org_id = s.org_id and m.id = s.member_id
    left join public.accounts a on a.org_id = m.org_id and a.id = m.account_id
    left join public.stores st on st.org_id = m.org_id and st.id = m.store_id
    join public.message_templates t on t.org_id = s.org_id and t.id = s.template_id
    left join public.greeting_campaigns c on c.org_id = s.org_id and c.id = s.campaign_id`;
  const factOf = new Map(facts.map((f) => [f.id, f]));

  // Decided in order, counting what this batch itself takes: two rows of one member (two
  // occasions) never spend one credit twice or overrun the budget together.
  const creditsLeft = new Map<string, number>();
  const usedSoFar = new Map<string, number>();
  const skipped: Array<{ id: string; reason: string }> = [];
  const taken: Array<{ row: ClaimRow; claimed: Claimed }> = [];
  for (const r of live) {
    const f = factOf.get(r.id);
    const settings = settingsOf(r.org_id);
    const creditKey = `${r.org_id}:${r.member_id}:${r.template_id}`;
    const memberKey = `${r.org_id}:${r.member_id}`;
    const credits = creditsLeft.get(creditKey) ?? f?.credits ?? 0;
    const used = usedSoFar.get(memberKey) ?? f?.used ?? 0;
    const template = (r.data ?? f?.c_data ?? {}) as TemplateData;
    const holiday = f?.holiday_key ? holidayName(f.holiday_key as HolidayKey) : null;
    const years = f ? yearsOf(f.c_kind, r.occasion_date, { storeOpenedOn: f.store_opened_on, joinedAt: f.joined_at, timeZone: settings.timeZone }) : null;
    const data = renderData(template, { name: f?.name ?? null, store: f?.store ?? null, date: r.occasion_date, holiday, years });
    const reason = !f || f.deleted
      ? 'deleted'
      : !f.openid
        ? 'no_openid'
        : f.granted === null
          ? 'no_consent'
          : !f.granted
            ? 'consent_withdrawn'
            : credits < 1
              ? 'no_credit'
              : !r.budget_exempt && used >= settings.budgetMax
                ? 'frequency_budget'
                : !f.active
                  ? 'template_inactive'
                  : checkTemplateValues(data) !== null
                    ? 'invalid_template_data'
                    : null;
    if (reason !== null || !f || !f.openid) {
      skipped.push({ id: r.id, reason: reason ?? 'deleted' });
      continue;
    }
    creditsLeft.set(creditKey, credits - 1);
    if (!r.budget_exempt) usedSoFar.set(memberKey, used + 1);
    taken.push({ row: r, claimed: { id: r.id, delivery: { toUser: f.openid, externalTemplateId: f.external_id, page: f.page, data } } });
  }
  if (skipped.length > 0) {
    report.skipped += skipped.length;
    await tx`update public.greeting_sends s set status = 'skipped', reason = v.reason, updated_at = now()
      from unnest(${skipped.map((x) => x.id)}::bigint[], ${skipped.map((x) => x.reason)}::text[]) as v(id, reason)
      where s.id = v.id`;
  }
  if (taken.length > 0) {
    report.claimed += taken.length;
    await tx`update public.subscription_credits sc set credits = sc.credits - v.n
      from (select org_id, member_id, template_id, count(*)::int as n
            from unnest(${taken.map((t) => t.row.org_id)}::uuid[], ${taken.map((t) => t.row.member_id)}::uuid[], ${taken.map((t) => t.row.template_id)}::uuid[])
              as x(org_id, member_id, template_id) group by 1, 2, 3) v
      where sc.org_id = v.org_id and sc.member_id = v.member_id and sc.template_id = v.template_id`;
    await tx`update public.greeting_sends set status = 'claimed', claim_token = ${token}, claimed_at = ${now}, attempts = attempts + 1, updated_at = now()
      where id = any (${taken.map((t) => t.row.id)}::bigint[])`;
  }
  return { due: rows.length, claimed: taken.map((t) => t.claimed) };
};

/** Gives back one credit per row (a send WeChat did not take, a claim never started). */
const refundCredits = (tx: Tx, ids: string[]) => tx`
  update public.subscription_credits sc set credits = sc.credits + v.n
  from (select org_id, member_id, template_id, count(*)::int as n from public.greeting_sends where id = any (${ids}::bigint[]) group by 1, 2, 3) v
  where sc.org_id = v.org_id and sc.member_id = v.member_id and sc.template_id = v.template_id`;

type Outcome = { id: string; result: DeliveryResult };

/** Stores the outcomes of deliveries in the caller's transaction, one statement per kind of outcome. */
const recordOutcomes = async (tx: Tx, token: string, outcomes: Outcome[], opts: DispatchOptions, report: DispatchReport, now: Date): Promise<void> => {
  const of = <K extends DeliveryResult['outcome']>(k: K) => outcomes.filter((o): o is { id: string; result: Extract<DeliveryResult, { outcome: K }> } => o.result.outcome === k);
  const sent = of('sent');
  const unknown = of('unknown');
  const permanent = of('permanent');
  const retry = of('retry').filter((o) => !o.result.quota);
  const quota = of('retry').filter((o) => o.result.quota);
  const maxAttempts = opts.maxAttempts ?? 5;
  // The claim token guards every write: a row another run has taken over is not touched.
  // (Rows are found by greeting_sends_id_key: the primary key leads with org_id.)
  const guard = tx`s.claim_token = ${token} and s.status in ('sending', 'unknown')`;
  if (sent.length > 0) {
    const done = await tx`update public.greeting_sends s set status = 'sent', reason = null, msgid = v.msgid, sent_at = now(), updated_at = now()
      from unnest(${sent.map((o) => o.id)}::bigint[], ${sent.map((o) => o.result.msgid)}::text[]) as v(id, msgid)
      where s.id = v.id and ${guard} returning s.id`;
    report.sent += done.length;
  }
  if (unknown.length > 0) {
    const done = await tx`update public.greeting_sends s set status = 'unknown', reason = v.reason, updated_at = now()
      from unnest(${unknown.map((o) => o.id)}::bigint[], ${unknown.map((o) => o.result.reason)}::text[]) as v(id, reason)
      where s.id = v.id and ${guard} returning s.id`;
    report.unknown += done.length;
  }
  if (permanent.length > 0) {
    const failed = await tx<{ id: string }[]>`update public.greeting_sends s set status = 'failed', reason = v.reason, updated_at = now()
      from unnest(${permanent.map((o) => o.id)}::bigint[], ${permanent.map((o) => o.result.reason)}::text[]) as v(id, reason)
      where s.id = v.id and ${guard} returning s.id::text as id`;
    report.failed += failed.length;
    const failedIds = new Set(failed.map((r) => r.id));
    // WeChat did not take a credit for a refused or rejected send: give ours back, except when
    // WeChat says the member has none (43101): then ours is wrong and is zeroed.
    const zero = permanent.filter((o) => o.result.noCredit && failedIds.has(o.id)).map((o) => o.id);
    const refund = permanent.filter((o) => !o.result.noCredit && failedIds.has(o.id)).map((o) => o.id);
    if (zero.length > 0) {
      await tx`update public.subscription_credits sc set credits = 0 from public.greeting_sends s
        where s.id = any (${zero}::bigint[]) and sc.org_id = s.org_id and sc.member_id = s.member_id and sc.template_id = s.template_id`;
    }
    if (refund.length > 0) await refundCredits(tx, refund);
  }
  if (quota.length > 0) {
    // The daily quota is spent: nothing was delivered and nothing will be before WeChat resets
    // it, so the rows wait for that (credits back, the attempt not counted against the member).
    const waiting = await tx<{ id: string }[]>`update public.greeting_sends s set status = 'retrying', reason = 'wechat_daily_quota', claim_token = null,
        not_before = ${nextWechatQuotaReset(now)}, attempts = greatest(s.attempts - 1, 0), updated_at = now()
      where s.id = any (${quota.map((o) => o.id)}::bigint[]) and ${guard} returning s.id::text as id`;
    if (waiting.length > 0) await refundCredits(tx, waiting.map((r) => r.id));
    report.deferred += waiting.length;
  }
  if (retry.length > 0) {
    const rows = await tx<{ id: string; attempts: number }[]>`
      select s.id::text as id, s.attempts from public.greeting_sends s where s.id = any (${retry.map((o) => o.id)}::bigint[]) and ${guard}`;
    if (rows.length === 0) return;
    await refundCredits(tx, rows.map((r) => r.id));
    const reasonOf = new Map(retry.map((o) => [o.id, o.result.reason]));
    const exhausted = rows.filter((r) => r.attempts >= maxAttempts);
    const again = rows.filter((r) => r.attempts < maxAttempts);
    if (exhausted.length > 0) {
      report.failed += exhausted.length;
      await tx`update public.greeting_sends s set status = 'failed', reason = v.reason, updated_at = now()
        from unnest(${exhausted.map((r) => r.id)}::bigint[], ${exhausted.map((r) => `retries_exhausted_${reasonOf.get(r.id) ?? ''}`.slice(0, 80))}::text[]) as v(id, reason)
        where s.id = v.id and ${guard}`;
    }
    if (again.length > 0) {
      report.retrying += again.length;
      await tx`update public.greeting_sends s set status = 'retrying', reason = v.reason, claim_token = null, not_before = v.not_before, updated_at = now()
        from unnest(${again.map((r) => r.id)}::bigint[], ${again.map((r) => reasonOf.get(r.id) ?? '')}::text[],
                    ${again.map((r) => new Date(now.getTime() + backoffMs(r.attempts)).toISOString())}::timestamptz[]) as v(id, reason, not_before)
        where s.id = v.id and ${guard}`;
    }
  }
};

/**
 * Claims and sends due rows until none is left (or maxBatches claims, or budgetMs). Up to
 * `concurrency` deliveries are in flight; the database side is one loop of transactions, each of
 * which stores every outcome that arrived since the last one, claims a batch when the claimed
 * pool runs low, and marks as many rows "sending" as there is room in flight — committed before
 * their calls start. The loop clocks itself: while it commits, calls finish, so each commit
 * carries more outcomes when the database is slower (group commit), and a call never waits for
 * the slowest of a wave. A crash leaves at most `concurrency` rows "sending" (→ unknown, never
 * resent); rows claimed but not started go back to the queue.
 *
 * Outcomes that give credits back (refused, retry) are stored in a transaction of their own
 * first: a claim takes member locks before it writes credits, and a refund written in the same
 * transaction before those locks could wait on another dispatcher in a cycle.
 */
export const dispatch = async (sql: Sql, opts: DispatchOptions): Promise<DispatchReport> => {
  const report: DispatchReport = { claimed: 0, sent: 0, failed: 0, retrying: 0, unknown: 0, skipped: 0, deferred: 0, quotaReached: false };
  const token = randomUUID();
  const now = opts.now ?? (() => new Date());
  const deadline = Date.now() + (opts.budgetMs ?? Number.POSITIVE_INFINITY);
  const width = Math.max(1, opts.concurrency ?? 1);
  const batchSize = opts.batchSize ?? 50;
  const maxBatches = opts.maxBatches ?? 100;
  let batches = 0;
  let queueEmpty = false;
  const pool: Claimed[] = [];
  let arrived: Outcome[] = [];
  let inFlight = 0;
  // Written by the delivery callbacks (an object: TypeScript does not track closures' writes).
  const failed: { crash: { error: unknown } | null } = { crash: null };
  let wake: (() => void) | null = null;
  const signal = () => {
    const w = wake;
    wake = null;
    w?.();
  };

  const start = (item: Claimed) => {
    inFlight += 1;
    void (async () => {
      try {
        const result = await opts.channel.deliver(item.delivery);
        opts.afterDeliver?.(item.id);
        arrived.push({ id: item.id, result });
      } catch (error) {
        // A failure (crash) stops this run: nothing more is stored or started; the sweep
        // resolves what it leaves ("sending" → unknown, "claimed" → queued).
        failed.crash ??= { error };
      } finally {
        inFlight -= 1;
        signal();
      }
    })();
  };

  const canClaim = () => !queueEmpty && !report.quotaReached && batches < maxBatches && Date.now() < deadline;
  const quotaAccount = opts.channel.quotaAccount;
  if (quotaAccount) {
    const [paused] = await withServiceTx(sql, (tx) => tx<{ until: Date | null }[]>`select public.channel_paused_until(${opts.channel.name}, ${quotaAccount}) as until`);
    if (paused?.until && paused.until > now()) {
      report.quotaReached = true;
      return report;
    }
  }

  for (;;) {
    if (failed.crash) throw failed.crash.error;
    if (arrived.length === 0 && (inFlight >= width || (pool.length === 0 && !canClaim()))) {
      if (inFlight === 0) break;
      // Nothing to store and nothing to start: wait for a call to finish.
      await new Promise<void>((resolve) => {
        wake = resolve;
      });
      continue;
    }
    const outcomes = arrived;
    arrived = [];
    const refunding = outcomes.filter((o) => o.result.outcome === 'permanent' || o.result.outcome === 'retry');
    // WeChat's daily quota is spent: start nothing more; the claimed rows not yet started go
    // back to wait for the reset with the ones WeChat turned away (calls in flight still land).
    const quotaNow = !report.quotaReached && outcomes.some((o) => o.result.outcome === 'retry' && o.result.quota);
    if (quotaNow) report.quotaReached = true;
    const released = quotaNow ? pool.splice(0) : [];
    if (refunding.length > 0 || released.length > 0) {
      await withServiceTx(sql, async (tx) => {
        if (refunding.length > 0) await recordOutcomes(tx, token, refunding, opts, report, now());
        if (released.length > 0) report.deferred += await releaseClaimed(tx, token, released.map((c) => c.id), nextWechatQuotaReset(now()));
        if (quotaNow && quotaAccount) {
          await tx`select public.channel_pause(${opts.channel.name}, ${quotaAccount}, ${nextWechatQuotaReset(now())}, 'daily_quota')`;
        }
      });
    }
    const plain = refunding.length > 0 ? outcomes.filter((o) => !refunding.includes(o)) : outcomes;
    const started = await withServiceTx(sql, async (tx) => {
      if (plain.length > 0) await recordOutcomes(tx, token, plain, opts, report, now());
      const room = width - inFlight;
      if (room > 0 && pool.length < room && canClaim()) {
        const { due, claimed } = await claimBatch(tx, token, batchSize, now(), report, opts.onlyIds);
        batches += 1;
        if (due === 0) queueEmpty = true;
        pool.push(...claimed);
      }
      // After a crash nothing more starts: the rows "sending" stay within `concurrency`.
      if (failed.crash) return [];
      const next = pool.splice(0, Math.max(0, room));
      if (next.length === 0) return [];
      const marked = await tx<{ id: string }[]>`
        update public.greeting_sends set status = 'sending', sending_at = now(), updated_at = now()
        where id = any (${next.map((w) => w.id)}::bigint[]) and claim_token = ${token} and status = 'claimed' returning id::text as id`;
      const go = new Set(marked.map((r) => r.id));
      return next.filter((w) => go.has(w.id));
    });
    // Committed "sending": only now may the calls go out. (A row marked "sending" is always
    // called, even when another call crashed meanwhile: never sent would mean lost, as
    // "unknown" is never resent; the room was counted with the crashed call still in flight.)
    for (const item of started) start(item);
  }
  return report;
};

/** Claimed rows that will not be started in this run go back to the queue until `notBefore`, credits returned, the attempt not counted. */
const releaseClaimed = async (tx: Tx, token: string, ids: string[], notBefore: Date): Promise<number> => {
  const back = await tx<{ id: string }[]>`update public.greeting_sends set status = 'queued', claim_token = null, not_before = ${notBefore},
      attempts = greatest(attempts - 1, 0), updated_at = now()
    where id = any (${ids}::bigint[]) and claim_token = ${token} and status = 'claimed' returning id::text as id`;
  if (back.length > 0) await refundCredits(tx, back.map((r) => r.id));
  return back.length;
};

/**
 * Resolves rows whose dispatcher died: claimed but never started → back to the queue (credit
 * returned); started ("sending") → unknown, because WeChat may have delivered it.
 */
export const recoverStale = async (sql: Sql, leaseMs = 5 * 60_000, now: Date = new Date()): Promise<{ requeued: number; unknown: number }> =>
  withServiceTx(sql, async (tx) => {
    const cutoff = new Date(now.getTime() - leaseMs);
    const requeued = await tx<{ id: string }[]>`
      update public.greeting_sends s set status = 'queued', claim_token = null, updated_at = now()
      where s.status = 'claimed' and s.claimed_at <= ${cutoff} returning s.id::text as id`;
    if (requeued.length > 0) await refundCredits(tx, requeued.map((r) => r.id));
    const unknown = await tx`
      update public.greeting_sends set status = 'unknown', reason = 'outcome_unknown_after_crash', updated_at = now()
      where status = 'sending' and coalesce(sending_at, claimed_at) <= ${cutoff} returning id`;
    return { requeued: requeued.length, unknown: unknown.length };
  });

// ---------------------------------------------------------------------------------------------
// Statistics

export type DayStats = { date: string; planned: number; queued: number; sent: number; unknown: number; failed: Record<string, number>; skipped: Record<string, number> };

export const campaignStats = async (q: Tx, orgId: string, campaignId: string): Promise<DayStats[]> => {
  const rows = await q<{ day: string; status: string; reason: string | null; n: number }[]>`
    select occasion_date::text as day, status, reason, count(*)::int as n
    from public.greeting_sends where org_id = ${orgId} and campaign_id = ${campaignId}
    group by 1, 2, 3 order by 1 desc`;
  const days = new Map<string, DayStats>();
  for (const r of rows) {
    let d = days.get(r.day);
    if (!d) {
      d = { date: r.day, planned: 0, queued: 0, sent: 0, unknown: 0, failed: {}, skipped: {} };
      days.set(r.day, d);
    }
    if (r.status !== 'skipped') d.planned += r.n;
    if (r.status === 'sent') d.sent += r.n;
    else if (r.status === 'unknown') d.unknown += r.n;
    else if (r.status === 'failed') d.failed[r.reason ?? 'unknown'] = (d.failed[r.reason ?? 'unknown'] ?? 0) + r.n;
    else if (r.status === 'skipped') d.skipped[r.reason ?? 'unknown'] = (d.skipped[r.reason ?? 'unknown'] ?? 0) + r.n;
    else d.queued += r.n;
  }
  return [...days.values()];
};
