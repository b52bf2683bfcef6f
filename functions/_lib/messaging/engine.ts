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
import { evaluated, inQuietHours, isBudgetExempt, readSettings, type CampaignRow, type Settings } from './audience';
import { campaignColumns } from './campaigns';
import type { Channel } from './channel';
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

/** Counts who will receive an occasion and why the others won't, plus a rendered preview. */
export const dryRun = async (q: Tx, c: CampaignRow, occasion: Occasion, settings: Settings): Promise<DryRun> => {
  const problem = templateProblem(c.data, await templateKeys(q, c.org_id, c.template_id));
  const quiet = inQuietHours(localHHMM(occasion.sendAt, settings.timeZone), settings);
  const ev = evaluated(q, { campaign: c, occasionDate: occasion.occasionDate, settings, quiet, lengthRules: lengthRules(c.data, { date: occasion.occasionDate, holiday: occasion.holidayName }) });
  const counts = await q<{ reason: string | null; n: number }[]>`with ev as (${ev}) select reason, count(*)::int as n from ev group by reason`;
  const sample = await q<{ member_name: string | null; store_name: string | null; years: number | null }[]>`
    with ev as (${ev}) select member_name, store_name, years from ev where reason is null limit 3`;
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
      data: renderData(c.data, { name: m.member_name, store: m.store_name, date: occasion.occasionDate, holiday: occasion.holidayName, years: m.years }),
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
  const ev = evaluated(q, { campaign: c, occasionDate: occasion.occasionDate, settings, quiet: false, lengthRules: lengthRules(c.data, { date: occasion.occasionDate, holiday: occasion.holidayName }) });
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

export type DispatchReport = { claimed: number; sent: number; failed: number; retrying: number; unknown: number; skipped: number; deferred: number };

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

/** One batch: claim, check again, take credits; all in one service transaction. */
const claimBatch = async (sql: Sql, token: string, batchSize: number, now: Date, report: DispatchReport, onlyIds?: string[]): Promise<Claimed[]> =>
  withServiceTx(sql, async (tx) => {
    const rows = await tx<ClaimRow[]>`
      select s.org_id, s.id::text as id, s.member_id, s.template_id, s.campaign_id, s.occasion_date::text as occasion_date, s.data, s.budget_exempt, s.attempts
      from public.greeting_sends s
      where s.status in ('queued', 'retrying') and s.not_before <= ${now}
        ${onlyIds ? tx`and s.id = any (${onlyIds}::bigint[])` : tx``}
      order by s.not_before, s.org_id, s.id
      limit ${batchSize}
      for update skip locked`;
    const settingsByOrg = new Map<string, Settings>();
    const out: Claimed[] = [];
    for (const r of rows) {
      let settings = settingsByOrg.get(r.org_id);
      if (!settings) {
        settings = await readSettings(tx, r.org_id);
        settingsByOrg.set(r.org_id, settings);
      }
      const hhmm = localHHMM(now, settings.timeZone);
      if (inQuietHours(hhmm, settings)) {
        // Deferred, not skipped: try again when the quiet hours end (the next cron after that).
        report.deferred += 1;
        await tx`update public.greeting_sends set not_before = ${new Date(now.getTime() + 15 * 60_000)}, updated_at = now() where org_id = ${r.org_id} and id = ${r.id}`;
        continue;
      }
      // Serialise decisions per member (budget) across concurrent dispatchers until commit.
      await tx`select pg_advisory_xact_lock(hashtextextended(${`greeting:${r.org_id}:${r.member_id}`}, 0))`;
      const [m] = await tx<{ deleted: boolean; openid: string | null; name: string | null; store: string | null; granted: boolean | null; credits: number | null; used: number; external_id: string; page: string | null; active: boolean; c_data: TemplateData | null; holiday_key: string | null; c_kind: CampaignRow['kind'] | null; store_opened_on: string | null; joined_at: Date }[]>`
        select m.deleted_at is not null as deleted, a.wx_openid as openid, m.name, st.name as store,
          c.kind as c_kind, st.opened_on::text as store_opened_on, m.joined_at,
          (select cn.granted from public.consents cn where cn.org_id = m.org_id and cn.member_id = m.id and cn.purpose = 'marketing'
             and cn.channel in ('all', 'wechat_subscribe') order by cn.created_at desc, cn.id desc limit 1) as granted,
          (select sc.credits from public.subscription_credits sc where sc.org_id = m.org_id and sc.member_id = m.id and sc.template_id = ${r.template_id}) as credits,
          (select count(*)::int from public.greeting_sends s where s.org_id = m.org_id and s.member_id = m.id
             and s.status in ('claimed', 'sending', 'sent', 'unknown') and not s.budget_exempt
             and s.claimed_at > ${now}::timestamptz - make_interval(days => ${settings.budgetDays})) as used,
          t.external_id, t.page, t.active, c.data as c_data, c.holiday_key
        from public.members m
        left join public.accounts a on a.org_id = m.org_id and a.id = m.account_id
        left join public.stores st on st.org_id = m.org_id and st.id = m.store_id
        join public.message_templates t on t.org_id = m.org_id and t.id = ${r.template_id}
        left join public.greeting_campaigns c on c.org_id = m.org_id and c.id = ${r.campaign_id}
        where m.org_id = ${r.org_id} and m.id = ${r.member_id}`;
      const template = (r.data ?? m?.c_data ?? {}) as TemplateData;
      const holiday = m?.holiday_key ? holidayName(m.holiday_key as HolidayKey) : null;
      const years = m ? yearsOf(m.c_kind, r.occasion_date, { storeOpenedOn: m.store_opened_on, joinedAt: m.joined_at, timeZone: settings.timeZone }) : null;
      const data = renderData(template, { name: m?.name ?? null, store: m?.store ?? null, date: r.occasion_date, holiday, years });
      const reason = !m
        ? 'deleted'
        : m.deleted
          ? 'deleted'
          : !m.openid
            ? 'no_openid'
            : m.granted === null
              ? 'no_consent'
              : !m.granted
                ? 'consent_withdrawn'
                : (m.credits ?? 0) < 1
                  ? 'no_credit'
                  : !r.budget_exempt && m.used >= settings.budgetMax
                    ? 'frequency_budget'
                    : !m.active
                      ? 'template_inactive'
                      : checkTemplateValues(data) !== null
                        ? 'invalid_template_data'
                        : null;
      if (reason !== null || !m || !m.openid) {
        report.skipped += 1;
        await tx`update public.greeting_sends set status = 'skipped', reason = ${reason ?? 'deleted'}, updated_at = now() where org_id = ${r.org_id} and id = ${r.id}`;
        continue;
      }
      await tx`update public.subscription_credits set credits = credits - 1
        where org_id = ${r.org_id} and member_id = ${r.member_id} and template_id = ${r.template_id}`;
      await tx`update public.greeting_sends set status = 'claimed', claim_token = ${token}, claimed_at = ${now}, attempts = attempts + 1, updated_at = now()
        where org_id = ${r.org_id} and id = ${r.id}`;
      out.push({ id: r.id, delivery: { toUser: m.openid, externalTemplateId: m.external_id, page: m.page, data } });
      report.claimed += 1;
    }
    return out;
  });

const refundCredit = (tx: Tx, id: string) => tx`
  update public.subscription_credits sc set credits = sc.credits + 1
  from public.greeting_sends s
  where s.id = ${id} and sc.org_id = s.org_id and sc.member_id = s.member_id and sc.template_id = s.template_id`;

/** Sends one claimed row and stores the outcome. */
const deliverOne = async (sql: Sql, token: string, item: Claimed, opts: DispatchOptions, report: DispatchReport, now: Date): Promise<void> => {
  // Committed before the call: from here on a crash leaves "sending", which is never resent.
  const started = await withServiceTx(sql, (tx) => tx`update public.greeting_sends set status = 'sending', sending_at = now(), updated_at = now()
    where id = ${item.id} and claim_token = ${token} and status = 'claimed' returning id`);
  if (started.length === 0) return;
  const result = await opts.channel.deliver(item.delivery);
  opts.afterDeliver?.(item.id);
  const maxAttempts = opts.maxAttempts ?? 5;
  await withServiceTx(sql, async (tx) => {
    const guard = tx`id = ${item.id} and claim_token = ${token} and status in ('sending', 'unknown')`;
    if (result.outcome === 'sent') {
      report.sent += 1;
      await tx`update public.greeting_sends set status = 'sent', reason = null, msgid = ${result.msgid}, sent_at = now(), updated_at = now() where ${guard}`;
    } else if (result.outcome === 'unknown') {
      report.unknown += 1;
      await tx`update public.greeting_sends set status = 'unknown', reason = ${result.reason}, updated_at = now() where ${guard}`;
    } else if (result.outcome === 'permanent') {
      report.failed += 1;
      const [row] = await tx<{ id: string }[]>`update public.greeting_sends set status = 'failed', reason = ${result.reason}, updated_at = now() where ${guard} returning id::text as id`;
      // WeChat did not take a credit for a refused or rejected send: give ours back, except when
      // WeChat says the member has none (43101): then ours is wrong and is zeroed.
      if (row && result.noCredit) {
        await tx`update public.subscription_credits sc set credits = 0 from public.greeting_sends s
          where s.id = ${item.id} and sc.org_id = s.org_id and sc.member_id = s.member_id and sc.template_id = s.template_id`;
      } else if (row) await refundCredit(tx, item.id);
    } else {
      const [row] = await tx<{ attempts: number }[]>`select attempts from public.greeting_sends where ${guard}`;
      if (!row) return;
      await refundCredit(tx, item.id);
      if (row.attempts >= maxAttempts) {
        report.failed += 1;
        await tx`update public.greeting_sends set status = 'failed', reason = ${`retries_exhausted_${result.reason}`.slice(0, 80)}, updated_at = now() where ${guard}`;
      } else {
        report.retrying += 1;
        await tx`update public.greeting_sends set status = 'retrying', reason = ${result.reason}, claim_token = null,
          not_before = ${now}::timestamptz + make_interval(secs => ${backoffMs(row.attempts) / 1000}), updated_at = now() where ${guard}`;
      }
    }
  });
};

/** Claims and sends due rows in batches until none is left (or maxBatches). */
export const dispatch = async (sql: Sql, opts: DispatchOptions): Promise<DispatchReport> => {
  const report: DispatchReport = { claimed: 0, sent: 0, failed: 0, retrying: 0, unknown: 0, skipped: 0, deferred: 0 };
  const token = randomUUID();
  const now = opts.now ?? (() => new Date());
  const deadline = Date.now() + (opts.budgetMs ?? Number.POSITIVE_INFINITY);
  const width = Math.max(1, opts.concurrency ?? 1);
  for (let batch = 0; batch < (opts.maxBatches ?? 100) && Date.now() < deadline; batch += 1) {
    const claimed = await claimBatch(sql, token, opts.batchSize ?? 50, now(), report, opts.onlyIds);
    if (claimed.length === 0) break;
    // A few workers drain the batch; a failure (crash) stops this run, the sweep resolves it.
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < claimed.length) {
        const item = claimed[next];
        next += 1;
        if (item) await deliverOne(sql, token, item, opts, report, now());
      }
    };
    await Promise.all(Array.from({ length: Math.min(width, claimed.length) }, worker));
  }
  return report;
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
    for (const r of requeued) await refundCredit(tx, r.id);
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
