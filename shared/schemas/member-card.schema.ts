import { z } from 'zod';

// GET /api/member/card: the member's own card.
export const memberCardOutputSchema = z.object({
  id: z.uuid(),
  memberNo: z.string(),
  name: z.string().nullable(),
  phone: z.string().nullable(), // the member sees their own full number
  phoneMasked: z.string().nullable(),
  joinedAt: z.string(),
  store: z.object({ id: z.uuid(), name: z.string() }).nullable(),
  associate: z.object({ id: z.uuid(), name: z.string() }).nullable(),
  consents: z.array(
    z.object({ purpose: z.string(), granted: z.boolean(), policyVersion: z.string(), at: z.string() }),
  ),
});
export type MemberCardOutput = z.infer<typeof memberCardOutputSchema>;
