import { z } from 'zod';
import { customerFilterSchema } from './customer-list.schema';

// POST /api/staff/member-tags (add) and DELETE /api/staff/member-tags (remove).
export const memberTagInputSchema = z.object({ memberId: z.uuid(), tagId: z.uuid() }).strict();
export type MemberTagInput = z.infer<typeof memberTagInputSchema>;
export const memberTagOutputSchema = z.object({
  memberId: z.uuid(),
  tagId: z.uuid(),
  tagged: z.boolean(),
});

// GET /api/staff/tags: the org's taxonomy, grouped.
export const tagTaxonomyOutputSchema = z.object({
  groups: z.array(
    z.object({
      id: z.uuid(),
      name: z.string(),
      selection: z.enum(['single', 'multiple']),
      tags: z.array(z.object({ id: z.uuid(), name: z.string(), color: z.string() })),
    }),
  ),
});
export type TagTaxonomyOutput = z.infer<typeof tagTaxonomyOutputSchema>;

// POST /api/staff/bulk-tags: tag (or untag) everyone a filter matches, in one set-based
// statement, as the caller through RLS. The filter is the customer list's, so "tag this list"
// tags exactly the list. In a single-choice group the customers' other tag of the group is
// replaced.
export const BULK_TAG_MAX = 50_000;
export const bulkTagInputSchema = z
  .object({
    tagId: z.uuid(),
    action: z.enum(['add', 'remove']).default('add'),
    filter: customerFilterSchema,
  })
  .strict();
export type BulkTagInput = z.input<typeof bulkTagInputSchema>;
export const bulkTagOutputSchema = z.object({ tagId: z.uuid(), matched: z.number().int(), changed: z.number().int() });
export type BulkTagOutput = z.infer<typeof bulkTagOutputSchema>;
