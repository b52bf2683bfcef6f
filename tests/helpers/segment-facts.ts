import type { Sql, Tx } from '../../functions/_lib/db';

// What member_segment_facts (20261207000100_segment_facts.sql) should hold, read from members,
// against what it holds: every row one side has and the other lacks, both ways (EXCEPT ALL), as
// "missing <member id>" (a live member without its row, or a row with stale values) and
// "extra <member id>" (a row of a deleted or removed member, or the stale values). Empty = equal.
export const segmentFactsDrift = async (q: Sql | Tx, orgId?: string): Promise<string[]> => {
  const rows = await q<{ side: string; member_id: string; detail: string }[]>`
    with want as (
      select m.org_id, m.id as member_id, m.store_id, m.lifetime_spend_fen, m.last_purchase_at, m.birth_month, m.birth_day,
             m.birth_leap_month, m.birthday_calendar, m.rfm_class, m.churn_state, m.marketing_consent, m.tier, m.region_code
      from public.members m
      where m.deleted_at is null and (${orgId ?? null}::uuid is null or m.org_id = ${orgId ?? null}::uuid)
    ),
    have as (
      select f.org_id, f.member_id, f.store_id, f.lifetime_spend_fen, f.last_purchase_at, f.birth_month, f.birth_day,
             f.birth_leap_month, f.birthday_calendar, f.rfm_class, f.churn_state, f.marketing_consent, f.tier, f.region_code
      from public.member_segment_facts f
      where ${orgId ?? null}::uuid is null or f.org_id = ${orgId ?? null}::uuid
    )
    select 'missing' as side, x.member_id, row_to_json(x)::text as detail from (select * from want except all select * from have) x
    union all
    select 'extra', y.member_id, row_to_json(y)::text from (select * from have except all select * from want) y
    order by 2, 1`;
  return rows.map((r) => `${r.side} ${r.member_id} ${r.detail}`);
};
