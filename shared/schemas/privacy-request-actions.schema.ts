import { z } from 'zod';

// PIPL Art. 44–47 requests. Members log corrections they cannot make themselves (e.g. an order);
// admins see the pending ones with their due date (15 working days) and resolve them.
export const privacyRequestKindSchema = z.enum(['access', 'export', 'correction', 'withdrawal', 'deletion']);
export const privacyRequestStatusSchema = z.enum(['completed', 'pending', 'rejected']);

export const privacyRequestCreateInputSchema = z
  .object({
    kind: z.literal('correction', { message: 'only corrections are requested this way' }),
    detail: z.string().trim().min(5, 'describe what is wrong (at least 5 characters)').max(500, 'at most 500 characters'),
  })
  .strict();

export const privacyRequestListInputSchema = z
  .object({ scope: z.enum(['mine', 'due'], { message: 'scope is mine or due' }).default('mine') })
  .strict();

export const privacyRequestResolveInputSchema = z
  .object({
    id: z.uuid({ message: 'id is a request id' }),
    status: z.enum(['completed', 'rejected'], { message: 'status is completed or rejected' }),
    outcome: z.string().trim().min(2, 'say what was done').max(500, 'at most 500 characters'),
  })
  .strict();

export const privacyRequestSchema = z.object({
  id: z.uuid(),
  memberNo: z.string().nullable(),
  kind: privacyRequestKindSchema,
  status: privacyRequestStatusSchema,
  detail: z.string().nullable(),
  outcome: z.string().nullable(),
  requestedAt: z.string(),
  dueOn: z.string().nullable(),
  completedAt: z.string().nullable(),
  overdue: z.boolean(),
});
export const privacyRequestListOutputSchema = z.object({ items: z.array(privacyRequestSchema) });
export type PrivacyRequestListOutput = z.infer<typeof privacyRequestListOutputSchema>;
export type PrivacyRequestItem = z.infer<typeof privacyRequestSchema>;

// GET /api/member/data: everything held about me (Art. 45), with a readable summary.
export const memberDataInputSchema = z.object({ purpose: z.enum(['view', 'export']).default('view') }).strict();
export const memberDataOutputSchema = z.object({
  exportedAt: z.string(),
  data: z.record(z.string(), z.unknown()),
  summary: z.string(),
});
export type MemberDataOutput = z.infer<typeof memberDataOutputSchema>;

// POST /api/member/delete: the member types the confirmation word.
export const memberDeleteInputSchema = z
  .object({ confirm: z.literal('注销', { message: 'type 注销 to confirm' }) })
  .strict();
export const memberDeleteOutputSchema = z.object({ deleted: z.literal(true), requestId: z.uuid() });
