import { z } from 'zod';
import { uuidSchema } from './common.schema';

// An associate's 1:1 greeting to one customer (the customer card's "send greeting").
export const greetingCheckInputSchema = z.object({ memberId: uuidSchema, templateId: uuidSchema }).strict();

export const greetingSendInputSchema = z
  .object({
    memberId: uuidSchema,
    templateId: uuidSchema,
    data: z.record(z.string().regex(/^[a-z_]+\d+$/, 'must be a template keyword like thing1'), z.string().min(1).max(60)),
  })
  .strict();
export type GreetingSendInput = z.infer<typeof greetingSendInputSchema>;

export const greetingCheckSchema = z.object({
  canSend: z.boolean(),
  // Why not: no_consent, consent_withdrawn, no_credit, frequency_budget, deleted, no_openid, already_sent_today.
  reason: z.string().nullable(),
  credits: z.number(),
});
export type GreetingCheck = z.infer<typeof greetingCheckSchema>;

export const greetingSendResultSchema = z.object({
  sendId: z.string(),
  status: z.enum(['queued', 'claimed', 'sending', 'sent', 'failed', 'retrying', 'skipped', 'unknown']),
  reason: z.string().nullable(),
});
export type GreetingSendResult = z.infer<typeof greetingSendResultSchema>;
