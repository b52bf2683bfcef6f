import { z } from 'zod';
import { dashboardGreetingsInputSchema, dashboardGreetingsSchema, greetingDaySchema } from '../../../shared/schemas/dashboard-charts.schema';
import { brandCalendar, requireConsoleReader, windowStart } from '../../_lib/dashboards';
import { person, route } from '../../_lib/handler';

type Day = z.infer<typeof greetingDaySchema>;

// GET /api/console/dashboard-greetings?days=30: per campaign and occasion day, planned, sent,
// failed and skipped by reason — counted from the outbox rows the way greetings-stats counts
// one campaign (functions/_lib/messaging/engine.ts campaignStats), here for every campaign of
// the window at once, through the (org, campaign, day) covering index. The associates' 1:1
// greetings are the entry without a campaign. A cell's members:
// /api/console/dashboard-members?kind=greeting&campaignId=…&date=…&status=…(&reason=…).
export default route({
  GET: person({
    input: dashboardGreetingsInputSchema,
    output: dashboardGreetingsSchema,
    run: ({ input, inTx }) =>
      inTx(async (tx) => {
        await requireConsoleReader(tx);
        const { today } = await brandCalendar(tx);
        const from = windowStart(today, input.days);
        const campaigns = await tx<{ id: string; name: string; kind: string; status: string }[]>`
          select id, name, kind, status from public.greeting_campaigns
          where org_id = (select private.jwt_org_id()) order by created_at desc`;
        const ids = campaigns.map((c) => c.id);
        const rows = await tx<{ campaign_id: string | null; day: string; status: string; reason: string | null; n: number }[]>`
          select s.campaign_id, s.occasion_date::text as day, s.status, s.reason, count(*)::int as n
          from public.greeting_sends s
          where s.org_id = (select private.jwt_org_id())
            and (s.campaign_id = any (${ids}::uuid[]) or s.campaign_id is null)
            and s.occasion_date between ${from}::date and ${today}::date
          group by 1, 2, 3, 4`;
        const byCampaign = new Map<string, Map<string, Day>>();
        for (const r of rows) {
          const ck = r.campaign_id ?? '';
          const days = byCampaign.get(ck) ?? new Map<string, Day>();
          byCampaign.set(ck, days);
          let d = days.get(r.day);
          if (!d) {
            d = { date: r.day, planned: 0, queued: 0, sent: 0, unknown: 0, failed: {}, skipped: {} };
            days.set(r.day, d);
          }
          const reason = r.reason ?? 'unknown';
          if (r.status !== 'skipped') d.planned += r.n;
          if (r.status === 'sent') d.sent += r.n;
          else if (r.status === 'unknown') d.unknown += r.n;
          else if (r.status === 'failed') d.failed[reason] = (d.failed[reason] ?? 0) + r.n;
          else if (r.status === 'skipped') d.skipped[reason] = (d.skipped[reason] ?? 0) + r.n;
          else d.queued += r.n;
        }
        const daysOf = (key: string): Day[] => [...(byCampaign.get(key)?.values() ?? [])].sort((a, b) => (a.date < b.date ? -1 : 1));
        const out = campaigns
          .filter((c) => byCampaign.has(c.id))
          .map((c) => ({ campaignId: c.id as string | null, name: c.name, kind: c.kind, status: c.status, days: daysOf(c.id) }));
        if (byCampaign.has('')) out.push({ campaignId: null, name: '导购一对一问候', kind: 'manual', status: 'active', days: daysOf('') });
        return { from, to: today, campaigns: out };
      }),
  }),
});
