import {
  segmentCreateInputSchema,
  segmentDeleteInputSchema,
  segmentDeleteOutputSchema,
  segmentListInputSchema,
  segmentListOutputSchema,
  segmentSchema,
  segmentUpdateInputSchema,
  type Segment,
} from '../../../shared/schemas/segment-admin.schema';
import type { Tx } from '../../_lib/db';
import { conflict, notFound } from '../../_lib/errors';
import { iso, person, route } from '../../_lib/handler';
import { requireOperator } from '../../_lib/messaging/campaigns';
import { checkRuleReferences, countSegment, segmentContext } from '../../_lib/segments/segment-service';

// The operators' saved segments. Every statement runs as the operator through RLS (only
// operators and admins of the org can read or write segments); a save also stores the count at
// that moment, which the list shows without counting every segment again.
type Row = {
  id: string; name: string; description: string | null; rules: Record<string, unknown>; last_count: number | null; last_counted_at: Date | null;
  created_by: string | null; created_at: Date; updated_at: Date; campaigns: { id: string; name: string; status: string }[] | null;
};

const read = async (tx: Tx, id: string | null): Promise<Segment[]> => {
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

const one = async (tx: Tx, id: string): Promise<Segment> => {
  const [s] = await read(tx, id);
  if (!s) throw notFound('That segment');
  return s;
};

const nameTaken = async (tx: Tx, name: string, except: string | null): Promise<boolean> =>
  (await tx`select 1 from public.segments where org_id = (select private.jwt_org_id()) and name = ${name}
            ${except ? tx`and id <> ${except}` : tx``}`).length > 0;

export default route({
  GET: person({
    input: segmentListInputSchema,
    output: segmentListOutputSchema,
    run: ({ inTx }) =>
      inTx(async (tx) => {
        await requireOperator(tx);
        return { segments: await read(tx, null) };
      }),
  }),
  POST: person({
    input: segmentCreateInputSchema,
    output: segmentSchema,
    status: 201,
    run: ({ input, inTx }) =>
      inTx(async (tx) => {
        const { orgId, staffId } = await requireOperator(tx);
        await checkRuleReferences(tx, input.rules);
        if (await nameTaken(tx, input.name, null)) throw conflict(`A segment named "${input.name}" already exists`);
        const n = await countSegment(tx, input.rules, await segmentContext(tx, orgId));
        const [s] = await tx<{ id: string }[]>`
          insert into public.segments (org_id, name, description, rules, created_by, last_count, last_counted_at)
          values (${orgId}, ${input.name}, ${input.description || null}, ${tx.json(input.rules)}, ${staffId}, ${n}, now())
          returning id`;
        if (!s) throw new Error('insert returned nothing');
        return one(tx, s.id);
      }),
  }),
  PATCH: person({
    input: segmentUpdateInputSchema,
    output: segmentSchema,
    run: ({ input, inTx }) =>
      inTx(async (tx) => {
        const { orgId, staffId } = await requireOperator(tx);
        await one(tx, input.id);
        if (input.rules) await checkRuleReferences(tx, input.rules);
        if (input.name && (await nameTaken(tx, input.name, input.id))) throw conflict(`A segment named "${input.name}" already exists`);
        const n = input.rules ? await countSegment(tx, input.rules, await segmentContext(tx, orgId)) : null;
        await tx`
          update public.segments set
            updated_by = ${staffId}
            ${input.name ? tx`, name = ${input.name}` : tx``}
            ${input.description !== undefined ? tx`, description = ${input.description || null}` : tx``}
            ${input.rules ? tx`, rules = ${tx.json(input.rules)}, last_count = ${n}, last_counted_at = now()` : tx``}
          where org_id = ${orgId} and id = ${input.id}`;
        return one(tx, input.id);
      }),
  }),
  DELETE: person({
    input: segmentDeleteInputSchema,
    output: segmentDeleteOutputSchema,
    run: ({ input, inTx }) =>
      inTx(async (tx) => {
        const { orgId } = await requireOperator(tx);
        const s = await one(tx, input.id);
        if (s.campaigns.length > 0) {
          throw conflict(`"${s.name}" is the audience of ${s.campaigns.map((c) => `"${c.name}"`).join(', ')}; remove it from the campaign first`);
        }
        await tx`delete from public.segments where org_id = ${orgId} and id = ${input.id}`;
        return { id: input.id, deleted: true as const };
      }),
  }),
});
