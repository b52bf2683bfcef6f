import { z } from 'zod';

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
