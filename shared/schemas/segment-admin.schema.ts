import { z } from 'zod';
import { uuidSchema } from './common.schema';
import { churnStateSchema, marketingConsentSchema, rfmClassSchema, segmentRuleSetSchema } from './segment-rules.schema';

// The operators' saved segments (console/segments): CRUD, the live count as the rules change,
// and the rule builder's options. Operators and admins only.

// Unsaved rules being built, or a saved segment: exactly one.
export const exactlyOneSource = (v: { rules?: unknown; segmentId?: unknown }, ctx: z.RefinementCtx): void => {
  if ((v.rules === undefined) === (v.segmentId === undefined)) {
    ctx.addIssue({ code: 'custom', path: [v.rules === undefined ? 'segmentId' : 'rules'], message: 'give either rules or segmentId' });
  }
};

const name = z.string().trim().min(1, 'is required').max(60);
const description = z.string().trim().max(200);

// GET /api/console/segments
export const segmentListInputSchema = z.object({}).strict();

export const segmentSchema = z.object({
  id: uuidSchema,
  name: z.string(),
  description: z.string().nullable(),
  rules: z.record(z.string(), z.unknown()),
  lastCount: z.number().int().nullable(),
  lastCountedAt: z.string().nullable(),
  createdBy: z.string().nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
  // Campaigns that target it (it cannot be deleted while any does).
  campaigns: z.array(z.object({ id: uuidSchema, name: z.string(), status: z.string() })),
});
export type Segment = z.infer<typeof segmentSchema>;

export const segmentListOutputSchema = z.object({ segments: z.array(segmentSchema) });
export type SegmentListOutput = z.infer<typeof segmentListOutputSchema>;

// POST /api/console/segments: save new rules under a name (unique in the org).
export const segmentCreateInputSchema = z.object({ name, description: description.optional(), rules: segmentRuleSetSchema }).strict();
export type SegmentCreateInput = z.input<typeof segmentCreateInputSchema>;

// PATCH /api/console/segments: rename, describe or change the rules.
export const segmentUpdateInputSchema = z
  .object({ id: uuidSchema, name: name.optional(), description: description.nullable().optional(), rules: segmentRuleSetSchema.optional() })
  .strict();
export type SegmentUpdateInput = z.input<typeof segmentUpdateInputSchema>;

// DELETE /api/console/segments?id=
export const segmentDeleteInputSchema = z.object({ id: uuidSchema }).strict();
export const segmentDeleteOutputSchema = z.object({ id: uuidSchema, deleted: z.literal(true) });

// POST /api/console/segment-count: how many members the rules select now (the builder calls it,
// debounced, as the rules change). Either unsaved rules or a saved segment.
export const segmentCountInputSchema = z
  .object({ rules: segmentRuleSetSchema.optional(), segmentId: uuidSchema.optional() })
  .strict()
  .superRefine(exactlyOneSource);
export type SegmentCountInput = z.input<typeof segmentCountInputSchema>;
export const segmentCountOutputSchema = z.object({ count: z.number().int(), countedAt: z.string() });
export type SegmentCountOutput = z.infer<typeof segmentCountOutputSchema>;

// GET /api/console/segment-options: what the rule builder offers.
export const segmentOptionsInputSchema = z.object({}).strict();
export const segmentOptionsOutputSchema = z.object({
  // All non-deleted members of the org (the "of N" beside the count).
  totalMembers: z.number().int(),
  stores: z.array(z.object({ id: uuidSchema, code: z.string(), name: z.string(), city: z.string().nullable() })),
  tagGroups: z.array(
    z.object({
      id: uuidSchema,
      name: z.string(),
      tags: z.array(z.object({ id: uuidSchema, name: z.string(), color: z.string(), retired: z.boolean() })),
    }),
  ),
  rfmClasses: z.array(z.object({ key: rfmClassSchema, label: z.string() })),
  churnStates: z.array(z.object({ key: churnStateSchema, label: z.string() })),
  consents: z.array(z.object({ key: marketingConsentSchema, label: z.string() })),
  // When the org's RFM breakpoints were last computed (null: nobody has bought yet).
  rfmComputedAt: z.string().nullable(),
});
export type SegmentOptionsOutput = z.infer<typeof segmentOptionsOutputSchema>;
