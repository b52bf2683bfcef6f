import { dashboardSegmentsInputSchema, dashboardSegmentsSchema } from '../../../shared/schemas/dashboard-charts.schema';
import { int, requireConsoleReader } from '../../_lib/dashboards';
import { person, route } from '../../_lib/handler';

// GET /api/console/dashboard-segments(?storeId=): members by RFM class (the 8 classes, null =
// never purchased), churn state and tier, from the member counters (migration 20261201003100)
// that the triggers on members keep current as the RFM refresh, orders and profile edits change
// the columns. A cell's members: /api/console/dashboard-members?kind=rfm|churn|tier&….
export default route({
  GET: person({
    input: dashboardSegmentsInputSchema,
    output: dashboardSegmentsSchema,
    run: ({ input, inTx }) =>
      inTx(async (tx) => {
        await requireConsoleReader(tx);
        const rows = await tx<{ rfm_class: string | null; churn_state: string; tier: string | null; n: string }[]>`
          select c.rfm_class, c.churn_state, c.tier, sum(c.n) as n
          from public.member_counts c
          where c.org_id = (select private.jwt_org_id()) ${input.storeId ? tx`and c.store_id = ${input.storeId}` : tx``}
          group by c.rfm_class, c.churn_state, c.tier
          having sum(c.n) <> 0`;
        const add = <K>(m: Map<K, number>, k: K, n: number): void => {
          m.set(k, (m.get(k) ?? 0) + n);
        };
        const rfm = new Map<string | null, number>();
        const churn = new Map<string, number>();
        const tier = new Map<string | null, number>();
        let total = 0;
        for (const r of rows) {
          const n = int(r.n);
          total += n;
          add(rfm, r.rfm_class, n);
          add(churn, r.churn_state, n);
          add(tier, r.tier, n);
        }
        return {
          total,
          rfm: [...rfm].filter(([, n]) => n !== 0).map(([rfmClass, n]) => ({ rfmClass, n })),
          churn: [...churn].filter(([, n]) => n !== 0).map(([churnState, n]) => ({ churnState, n })),
          tier: [...tier].filter(([, n]) => n !== 0).map(([t, n]) => ({ tier: t, n })).sort((a, b) => b.n - a.n),
        };
      }),
  }),
});
