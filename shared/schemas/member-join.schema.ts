import { z } from 'zod';

// POST /api/member/join: agree to the membership terms and privacy policy (a consent-ledger row
// each, with the policy version) and become a member. Joining twice returns the same member.
export const memberJoinInputSchema = z
  .object({
    policyVersion: z.string().min(1).max(32),
    agreeTerms: z.literal(true, { message: 'You must agree to the membership terms' }),
    agreePrivacy: z.literal(true, { message: 'You must agree to the privacy policy' }),
    marketing: z.boolean().default(false),
    name: z.string().trim().min(1).max(50).optional(),
    // The store from the QR code the member scanned (mini-program `scene`), if any.
    storeCode: z.string().regex(/^[A-Za-z0-9_-]{1,32}$/, 'storeCode is letters, digits, - or _').optional(),
    // The associate's invite code from their QR code (scene `a=<code>`), if any. The server
    // resolves it to the associate; a client never names a staff id.
    inviteCode: z.string().regex(/^[A-Za-z0-9]{4,16}$/, 'inviteCode is 4–16 letters or digits').optional(),
  })
  .strict();
export type MemberJoinInput = z.input<typeof memberJoinInputSchema>;
