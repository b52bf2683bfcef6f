import { dashboardAssociatesInputSchema, dashboardAssociatesSchema } from '../../../shared/schemas/dashboard-charts.schema';
import { brandCalendar, int, requireConsoleReader, windowStart } from '../../_lib/dashboards';
import { person, route } from '../../_lib/handler';

// GET /api/console/dashboard-associates(?storeId=)(&days=30): every associate and manager (of
// one store, or all), with the customers they own, how many of those were contacted (by
// anyone) in the last `days` days, the interactions they logged and the 1:1 greetings they sent
// in that window. Counts come from the counters (customers, contact days, interactions) and a
// partial index of sent 1:1 greetings. Deactivated staff still owning customers are listed
// (those customers need a hand-over). Members: kind=associate&staffId=…(&contacted=yes|no).
export default route({
  GET: person({
    input: dashboardAssociatesInputSchema,
    output: dashboardAssociatesSchema,
    run: ({ input, inTx }) =>
      inTx(async (tx) => {
        await requireConsoleReader(tx);
        const { today, timeZone } = await brandCalendar(tx);
        const since = windowStart(today, input.days);
        const org = tx`(select private.jwt_org_id())`;
        const staff = await tx<{ id: string; name: string; role: string; active: boolean; stores: string[] | null }[]>`
          select s.id, s.name, s.role, s.active,
                 (select array_agg(st.name order by st.code) from public.staff_stores a
                  join public.stores st on st.org_id = a.org_id and st.id = a.store_id
                  where a.org_id = s.org_id and a.staff_id = s.id) as stores
          from public.staff s
          where s.org_id = ${org} and s.role in ('associate', 'manager')
            ${input.storeId ? tx`and exists (select 1 from public.staff_stores a where a.org_id = s.org_id and a.staff_id = s.id and a.store_id = ${input.storeId})` : tx``}`;
        const customers = await tx<{ id: string | null; n: string }[]>`
          select associate_id as id, sum(n) as n from public.member_counts
          where org_id = ${org} and associate_id is not null group by 1 having sum(n) <> 0`;
        const contacted = await tx<{ id: string | null; n: string }[]>`
          select associate_id as id, sum(n) as n from public.member_contact_counts
          where org_id = ${org} and associate_id is not null and contact_day >= ${since}::date group by 1 having sum(n) <> 0`;
        const interactions = await tx<{ id: string | null; n: string }[]>`
          select staff_id as id, sum(interactions) as n from public.staff_activity_counts
          where org_id = ${org} and staff_id is not null and day >= ${since}::date group by 1 having sum(interactions) <> 0`;
        const greetings = await tx<{ id: string | null; n: string }[]>`
          select staff_id as id, count(*) as n from public.greeting_sends
          where org_id = ${org} and staff_id is not null and status = 'sent'
            and sent_at >= (${since}::date::timestamp at time zone ${timeZone})
          group by 1`;
        const map = (rows: { id: string | null; n: string }[]): Map<string, number> => new Map(rows.map((r) => [r.id ?? '', int(r.n)]));
        const [c, k, i, g] = [map(customers), map(contacted), map(interactions), map(greetings)];
        return {
          days: input.days,
          since,
          associates: staff
            .map((s) => ({
              staffId: s.id,
              name: s.name,
              role: s.role,
              active: s.active,
              stores: s.stores ?? [],
              customers: c.get(s.id) ?? 0,
              contacted: k.get(s.id) ?? 0,
              interactions: i.get(s.id) ?? 0,
              greetings: g.get(s.id) ?? 0,
            }))
            // Inactive staff only while they still own customers.
            .filter((s) => s.active || s.customers > 0)
            .sort((a, b) => b.customers - a.customers || a.name.localeCompare(b.name)),
        };
      }),
  }),
});
