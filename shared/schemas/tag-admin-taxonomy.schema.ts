import { z } from 'zod';

// The operators' tag taxonomy in the console: groups, tags, colours, retiring and merging.
// Retiring keeps every member's tag (history) but stops new tagging; merging moves one tag's
// members onto another of the same group and retires it, pointing at the survivor.
const name = z.string().trim().min(1, 'Give it a name').max(30);
const color = z.string().regex(/^#[0-9a-fA-F]{6}$/, 'A colour like #07c160');
export const tagSelectionSchema = z.enum(['single', 'multiple']);

// GET /api/console/tags
export const tagAdminListInputSchema = z.object({}).strict();
export const tagAdminListOutputSchema = z.object({
  groups: z.array(
    z.object({
      id: z.uuid(),
      name: z.string(),
      selection: tagSelectionSchema,
      sortOrder: z.number().int(),
      tags: z.array(
        z.object({
          id: z.uuid(),
          name: z.string(),
          color: z.string(),
          retiredAt: z.string().nullable(),
          mergedIntoId: z.uuid().nullable(),
          memberCount: z.number().int(),
        }),
      ),
    }),
  ),
});
export type TagAdminListOutput = z.infer<typeof tagAdminListOutputSchema>;

// POST /api/console/tags: create a group or a tag.
export const tagAdminCreateInputSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('group'), name, selection: tagSelectionSchema.default('multiple') }).strict(),
  z.object({ kind: z.literal('tag'), groupId: z.uuid(), name, color: color.default('#07c160') }).strict(),
]);
export type TagAdminCreateInput = z.input<typeof tagAdminCreateInputSchema>;

// POST /api/console/tags-update: rename, recolour, change selection or order, retire / restore.
export const tagAdminUpdateInputSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('group'), id: z.uuid(), name: name.optional(), selection: tagSelectionSchema.optional(), sortOrder: z.number().int().min(0).max(1000).optional() }).strict(),
  z.object({ kind: z.literal('tag'), id: z.uuid(), name: name.optional(), color: color.optional(), retired: z.boolean().optional() }).strict(),
]);
export type TagAdminUpdateInput = z.input<typeof tagAdminUpdateInputSchema>;
export const tagAdminWriteOutputSchema = z.object({ id: z.uuid() });

// POST /api/console/tags-merge
export const tagMergeInputSchema = z
  .object({ fromTagId: z.uuid(), intoTagId: z.uuid() })
  .strict()
  .refine((v) => v.fromTagId !== v.intoTagId, { path: ['intoTagId'], message: 'Choose another tag to merge into' });
export type TagMergeInput = z.input<typeof tagMergeInputSchema>;
export const tagMergeOutputSchema = z.object({ fromTagId: z.uuid(), intoTagId: z.uuid(), moved: z.number().int() });
export type TagMergeOutput = z.infer<typeof tagMergeOutputSchema>;
