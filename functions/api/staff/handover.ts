import { HANDOVER_UNDO_HOURS, handoverInputSchema, handoverOutputSchema, handoverOverviewInputSchema, handoverOverviewOutputSchema } from '../../../shared/schemas/handover-customers.schema';
import { forbidden } from '../../_lib/errors';
import { iso, person, route } from '../../_lib/handler';
import { requireStaff } from '../../_lib/staff-guard';

// GET /api/staff/handover: for managers (their stores) and admins (the org): the associates
// with how many customers each owns, and the recent hand-overs (undoable for 24 hours).
// POST /api/staff/handover: move customers; public.hand_over_customers checks the caller, moves
// all or nothing, records the batch and its exact members, and audits.
const requireManager = async (tx: Parameters<typeof requireStaff>[0]) => {
  const staff = await requireStaff(tx);
  if (staff.role !== 'manager' && staff.role !== 'admin') throw forbidden('Only store managers hand customers over');
  return staff;
};

export default route({
  GET: person({
    input: handoverOverviewInputSchema,
    output: handoverOverviewOutputSchema,
    run: ({ inTx }) =>
      inTx(async (tx) => {
        const me = await requireManager(tx);
        // Staff RLS shows a manager the colleagues of their stores; the count uses the
        // (org, associate) index, limited to the caller's stores.
        const associates = await tx<{ id: string; name: string; role: string; active: boolean; customer_count: number; stores: string[] }[]>`
          select s.id, s.name, s.role, s.active,
                 (select count(*)::int from public.members m
                  where m.org_id = s.org_id and m.associate_id = s.id and m.deleted_at is null
                    and m.store_id = any ((select private.my_store_ids())::uuid[])) as customer_count,
                 coalesce((select array_agg(st.name order by st.name) from public.staff_stores a
                           join public.stores st on st.org_id = a.org_id and st.id = a.store_id
                           where a.org_id = s.org_id and a.staff_id = s.id), '{}') as stores
          from public.staff s
          where s.org_id = (select private.jwt_org_id()) and s.role in ('associate', 'manager')
            and exists (select 1 from public.staff_stores a where a.org_id = s.org_id and a.staff_id = s.id
                        and a.store_id = any ((select private.my_store_ids())::uuid[]))
          order by s.active desc, s.name`;
        const batches = await tx<{
          id: string; from_id: string; from_name: string; to_id: string; to_name: string; reason: 'leaving' | 'reassignment';
          member_count: number; created_at: Date; undone_at: Date | null; performed_by: string; open: boolean;
        }[]>`
          select b.id, f.id as from_id, f.name as from_name, t.id as to_id, t.name as to_name, b.reason, b.member_count,
                 b.created_at, b.undone_at, b.performed_by,
                 b.undone_at is null and b.created_at > now() - make_interval(hours => ${HANDOVER_UNDO_HOURS}) as open
          from public.handover_batches b
          join public.staff f on f.org_id = b.org_id and f.id = b.from_staff_id
          join public.staff t on t.org_id = b.org_id and t.id = b.to_staff_id
          where b.org_id = (select private.jwt_org_id())
          order by b.created_at desc limit 20`;
        return {
          associates: associates.map((a) => ({ id: a.id, name: a.name, role: a.role, active: a.active, customerCount: a.customer_count, stores: a.stores })),
          batches: batches.map((b) => ({
            id: b.id,
            from: { id: b.from_id, name: b.from_name },
            to: { id: b.to_id, name: b.to_name },
            reason: b.reason,
            memberCount: b.member_count,
            createdAt: iso(b.created_at),
            undoneAt: b.undone_at ? iso(b.undone_at) : null,
            undoableUntil: new Date(b.created_at.getTime() + HANDOVER_UNDO_HOURS * 3_600_000).toISOString(),
            canUndo: b.open && (b.performed_by === me.staffId || me.role === 'admin'),
          })),
        };
      }),
  }),
  POST: person({
    input: handoverInputSchema,
    output: handoverOutputSchema,
    status: 201,
    run: ({ input, inTx }) =>
      inTx(async (tx) => {
        await requireManager(tx);
        const [r] = await tx<{ batch_id: string; moved: number }[]>`
          select * from public.hand_over_customers(${input.fromStaffId}, ${input.toStaffId}, ${input.memberIds ?? null}::uuid[], ${input.reason})`;
        if (!r) throw new Error('hand_over_customers returned nothing');
        return { batchId: r.batch_id, moved: r.moved };
      }),
  }),
});
