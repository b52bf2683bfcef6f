import { dashboardGrowthInputSchema, dashboardGrowthSchema } from '../../../shared/schemas/dashboard-charts.schema';
import { brandCalendar, int, monthsEnding, requireConsoleReader } from '../../_lib/dashboards';
import { person, route } from '../../_lib/handler';

// GET /api/console/dashboard-growth?months=12: new members per month (brand time zone) by join
// channel and by store. Read from the growth counters (migration 20261201003100), a few
// thousand rows whatever the number of members; a cell's members are
// /api/console/dashboard-members?kind=growth&month=…(&channel=…)(&storeId=…).
export default route({
  GET: person({
    input: dashboardGrowthInputSchema,
    output: dashboardGrowthSchema,
    run: ({ input, inTx }) =>
      inTx(async (tx) => {
        await requireConsoleReader(tx);
        const { today } = await brandCalendar(tx);
        const months = monthsEnding(today, input.months);
        const rows = await tx<{ month: string; join_channel: string; store_id: string | null; n: string }[]>`
          select to_char(c.month, 'YYYY-MM') as month, c.join_channel, c.store_id, sum(c.n) as n
          from public.member_growth_counts c
          where c.org_id = (select private.jwt_org_id()) and c.month >= ${`${months[0]}-01`}::date
          group by c.month, c.join_channel, c.store_id
          having sum(c.n) <> 0`;
        const byChannel = new Map<string, { month: string; channel: string; n: number }>();
        const byStore = new Map<string, { month: string; storeId: string | null; n: number }>();
        for (const r of rows) {
          const n = int(r.n);
          const ck = `${r.month}|${r.join_channel}`;
          byChannel.set(ck, { month: r.month, channel: r.join_channel, n: (byChannel.get(ck)?.n ?? 0) + n });
          const sk = `${r.month}|${r.store_id ?? ''}`;
          byStore.set(sk, { month: r.month, storeId: r.store_id, n: (byStore.get(sk)?.n ?? 0) + n });
        }
        const stores = await tx<{ id: string; code: string; name: string }[]>`
          select id, code, name from public.stores where org_id = (select private.jwt_org_id()) order by code`;
        return {
          months,
          byChannel: [...byChannel.values()].filter((c) => c.n !== 0),
          byStore: [...byStore.values()].filter((c) => c.n !== 0),
          stores: stores.map((s) => ({ id: s.id, code: s.code, name: s.name })),
        };
      }),
  }),
});
