// Reading saved segments as the operator (RLS: operators and admins of the org only), with the
// campaigns that target each one.
import type { Segment } from '../../../shared/schemas/segment-admin.schema';
import type { Tx } from '../db';
import { notFound } from '../errors';
import { iso } from '../handler';

type Row = {
  id: string; name: string; description: string | null; rules: Record<string, unknown>; last_count: number | null; last_counted_at: Date | null;
  created_by: string | null; created_at: Date; updated_at: Date; campaigns: { id: string; name: string; status: string }[] | null;
};

export const readSegments = async (tx: Tx, id: string | null): Promise<Segment[]> => {
  const rows = await tx<Row[]>`
    select s.id, s.name, s.description, s.rules, s.last_count, s.last_counted_at, st.name as created_by, s.created_at, s.updated_at,
           (select coalesce(jsonb_agg(jsonb_build_object('id', c.id, 'name', c.name, 'status', c.status) order by c.created_at desc), '[]'::jsonb)
            from public.greeting_campaigns c where c.org_id = s.org_id and c.segment_id = s.id) as campaigns
    from public.segments s
    left join public.staff st on st.org_id = s.org_id and st.id = s.created_by
    where s.org_id = (select private.jwt_org_id()) ${id ? tx`and s.id = ${id}` : tx``}
    order by s.updated_at desc, s.id
    limit 500`;
  return rows.map((r) => ({
    id: r.id,
    name: r.name,
    description: r.description,
    rules: r.rules,
    lastCount: r.last_count,
    lastCountedAt: r.last_counted_at ? iso(r.last_counted_at) : null,
    createdBy: r.created_by,
    createdAt: iso(r.created_at),
    updatedAt: iso(r.updated_at),
    campaigns: r.campaigns ?? [],
  }));
};

export const oneSegment = async (tx: Tx, id: string): Promise<Segment> => {
  const [s] = await readSegments(tx, id);
  if (!s) throw notFound('That segment');
  return s;
};

export const segmentNameTaken = async (tx: Tx, name: string, except: string | null): Promise<boolean> =>
  (await tx`select 1 from public.segments where org_id = (select private.jwt_org_id()) and name = ${name}
            ${except ? tx`and id <> ${except}` : tx``}`).length > 0;

