import { z } from 'zod';
import { TOGGLEABLE_PURPOSES } from '../domain/consent-purposes';

// POST /api/member/consents: one tap grants or withdraws one purpose; effective at once.
// Re-agreeing to a new privacy policy version is `purpose: 'privacy_policy', granted: true`.
export const consentDecisionInputSchema = z
  .object({
    purpose: z.enum([...TOGGLEABLE_PURPOSES, 'privacy_policy'], { message: 'purpose is marketing, personalization, sensitive_data or privacy_policy' }),
    granted: z.boolean({ message: 'granted is true or false' }),
    // The policy version the member was shown (must be the current one).
    policyVersion: z.string().min(1).max(32),
  })
  .strict()
  .refine((d) => d.purpose !== 'privacy_policy' || d.granted, {
    path: ['granted'],
    message: 'withdrawing the privacy policy means leaving: delete the account instead',
  });
export type ConsentDecisionInput = z.input<typeof consentDecisionInputSchema>;

export const consentLedgerOutputSchema = z.object({
  currentPolicyVersion: z.string(),
  policyOutdated: z.boolean(),
  // In force now: the latest row per purpose.
  current: z.array(z.object({ purpose: z.string(), granted: z.boolean(), policyVersion: z.string(), at: z.string() })),
  // Every grant and withdrawal, newest first.
  ledger: z.array(
    z.object({ purpose: z.string(), channel: z.string(), granted: z.boolean(), policyVersion: z.string(), source: z.string(), at: z.string() }),
  ),
});
export type ConsentLedgerOutput = z.infer<typeof consentLedgerOutputSchema>;
