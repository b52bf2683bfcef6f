import { z } from 'zod';

// Hand-over (离职继承 / 在职转接): a manager moves some or all customers of one associate to
// another. Undoable for 24 hours; every move and undo is audited.
export const HANDOVER_UNDO_HOURS = 24;
export const HANDOVER_MAX_LISTED = 1000;

// GET /api/staff/handover: the associates of the caller's stores and the recent hand-overs.
export const handoverOverviewInputSchema = z.object({}).strict();
export const handoverOverviewOutputSchema = z.object({
  associates: z.array(
    z.object({ id: z.uuid(), name: z.string(), role: z.string(), active: z.boolean(), customerCount: z.number().int(), stores: z.array(z.string()) }),
  ),
  batches: z.array(
    z.object({
      id: z.uuid(),
      from: z.object({ id: z.uuid(), name: z.string() }),
      to: z.object({ id: z.uuid(), name: z.string() }),
      reason: z.enum(['leaving', 'reassignment']),
      memberCount: z.number().int(),
      createdAt: z.string(),
      undoneAt: z.string().nullable(),
      undoableUntil: z.string(),
      canUndo: z.boolean(),
    }),
  ),
});
export type HandoverOverviewOutput = z.infer<typeof handoverOverviewOutputSchema>;

// POST /api/staff/handover: memberIds omitted = every customer of fromStaffId in the caller's stores.
export const handoverInputSchema = z
  .object({
    fromStaffId: z.uuid(),
    toStaffId: z.uuid(),
    memberIds: z.array(z.uuid()).min(1).max(HANDOVER_MAX_LISTED).optional(),
    reason: z.enum(['leaving', 'reassignment']),
  })
  .strict()
  .refine((v) => v.fromStaffId !== v.toStaffId, { path: ['toStaffId'], message: 'Choose another associate to receive the customers' });
export type HandoverInput = z.input<typeof handoverInputSchema>;
export const handoverOutputSchema = z.object({ batchId: z.uuid(), moved: z.number().int() });
export type HandoverOutput = z.infer<typeof handoverOutputSchema>;

// POST /api/staff/handover-undo
export const handoverUndoInputSchema = z.object({ batchId: z.uuid() }).strict();
export const handoverUndoOutputSchema = z.object({ batchId: z.uuid(), restored: z.number().int() });
export type HandoverUndoOutput = z.infer<typeof handoverUndoOutputSchema>;

// POST /api/staff/staff-deactivate: a manager deactivates an associate of their stores (access
// ends at once); hand their customers over before or after.
export const staffDeactivateInputSchema = z.object({ staffId: z.uuid() }).strict();
export const staffDeactivateOutputSchema = z.object({ staffId: z.uuid(), deactivated: z.boolean() });
export type StaffDeactivateOutput = z.infer<typeof staffDeactivateOutputSchema>;
