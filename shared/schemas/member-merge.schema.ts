import { z } from 'zod';

// Identity resolution in the console: merge candidates (from imports), preview, apply, undo,
// dismiss. A member is named by id or by member number (what an operator reads off a card).
const memberRef = z
  .string()
  .trim()
  .regex(/^(?:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|\d{6,12})$/i, 'A member number or id');

export const mergeMemberCardSchema = z.object({
  id: z.uuid(),
  memberNo: z.string(),
  name: z.string().nullable(),
  phoneMasked: z.string().nullable(),
  hasAccount: z.boolean(),
  joinedAt: z.string(),
  store: z.string().nullable(),
  orderCount: z.number().int(),
  lifetimeSpendFen: z.number().int(),
});
export type MergeMemberCard = z.infer<typeof mergeMemberCardSchema>;

export const mergeCandidateSchema = z.object({
  id: z.uuid(),
  rule: z.string(),
  source: z.enum(['import', 'manual']),
  jobId: z.uuid().nullable(),
  rowNo: z.number().int().nullable(),
  createdAt: z.string(),
  a: mergeMemberCardSchema,
  b: mergeMemberCardSchema,
});
export const mergeRecordSchema = z.object({
  id: z.uuid(),
  rule: z.string(),
  survivor: mergeMemberCardSchema.pick({ id: true, memberNo: true, name: true }),
  loser: mergeMemberCardSchema.pick({ id: true, memberNo: true, name: true }),
  moved: z.record(z.string(), z.number().int()),
  performedAt: z.string(),
  undoneAt: z.string().nullable(),
});
export type MergeRecord = z.infer<typeof mergeRecordSchema>;

// GET /api/console/merges
export const mergeOverviewInputSchema = z.object({}).strict();
export const mergeOverviewOutputSchema = z.object({ candidates: z.array(mergeCandidateSchema), merges: z.array(mergeRecordSchema) });
export type MergeOverview = z.infer<typeof mergeOverviewOutputSchema>;

// POST /api/console/merge-preview
export const mergePairInputSchema = z
  .object({ memberA: memberRef, memberB: memberRef, survivorId: z.uuid().optional(), candidateId: z.uuid().optional() })
  .strict()
  .refine((v) => v.memberA !== v.memberB, { path: ['memberB'], message: 'Choose two different members' });
export type MergePairInput = z.input<typeof mergePairInputSchema>;
export const mergePreviewOutputSchema = z.object({
  survivor: mergeMemberCardSchema,
  loser: mergeMemberCardSchema,
  fields: z.array(
    z.object({
      field: z.string(),
      survivor: z.string().nullable(),
      loser: z.string().nullable(),
      result: z.string().nullable(),
      from: z.enum(['survivor', 'loser', 'both', 'none']),
    }),
  ),
  moves: z.object({
    orders: z.number().int(),
    interactions: z.number().int(),
    consents: z.number().int(),
    identities: z.number().int(),
    tags: z.number().int(),
    tagsAlreadyThere: z.number().int(),
    credits: z.number().int(),
  }),
  blockers: z.array(z.string()),
});
export type MergePreview = z.infer<typeof mergePreviewOutputSchema>;

// POST /api/console/merge-apply
export const mergeApplyOutputSchema = z.object({ mergeId: z.uuid(), survivorId: z.uuid(), loserId: z.uuid(), moved: z.record(z.string(), z.number().int()) });
export type MergeApplyOutput = z.infer<typeof mergeApplyOutputSchema>;

// POST /api/console/merge-undo
export const mergeUndoInputSchema = z.object({ mergeId: z.uuid() }).strict();
export const mergeUndoOutputSchema = z.object({ mergeId: z.uuid(), restored: z.record(z.string(), z.number().int()) });

// POST /api/console/merge-dismiss
export const mergeDismissInputSchema = z.object({ candidateId: z.uuid() }).strict();
export const mergeDismissOutputSchema = z.object({ candidateId: z.uuid(), dismissed: z.literal(true) });
