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
  // Brands that use tiers / points fill these; null otherwise.
  tier: z.string().nullable().optional(),
  points: z.number().int().nullable().optional(),
  // The current privacy policy version, and whether the member must agree again.
  currentPolicyVersion: z.string().optional(),
  policyOutdated: z.boolean().optional(),
  // How the last action resolved the membership, e.g. a phone number that belonged to an
  // existing member (joined at the till) folds this account into that membership.
  notice: z.string().optional(),
});
export type MemberCardOutput = z.infer<typeof memberCardOutputSchema>;
