import { z } from 'zod';
import { uuidSchema } from './common.schema';
import { exactlyOneSource } from './segment-admin.schema';
import { segmentRuleSetSchema } from './segment-rules.schema';

// POST /api/console/segment-members: one page of a segment's members (saved, or the unsaved
// rules being built), newest members first, keyset cursor. Phones masked.
export const SEGMENT_PAGE_MAX = 100;

export const segmentMembersInputSchema = z
  .object({
    rules: segmentRuleSetSchema.optional(),
    segmentId: uuidSchema.optional(),
    cursor: z.string().max(200).optional(),
    limit: z.number().int().min(1).max(SEGMENT_PAGE_MAX).default(20),
  })
  .strict()
  .superRefine(exactlyOneSource);
export type SegmentMembersInput = z.input<typeof segmentMembersInputSchema>;

export const segmentMemberSchema = z.object({
  id: uuidSchema,
  memberNo: z.string(),
  name: z.string().nullable(),
  phoneMasked: z.string().nullable(),
  storeName: z.string().nullable(),
  tier: z.string().nullable(),
  rfmClass: z.string().nullable(),
  churnState: z.string(),
  lifetimeSpendFen: z.number().int(),
  orderCount: z.number().int(),
  lastPurchaseAt: z.string().nullable(),
  joinedAt: z.string(),
});
export type SegmentMember = z.infer<typeof segmentMemberSchema>;

export const segmentMembersOutputSchema = z.object({ items: z.array(segmentMemberSchema), nextCursor: z.string().nullable() });
export type SegmentMembersOutput = z.infer<typeof segmentMembersOutputSchema>;
