import { z } from 'zod';
import { interactionKindSchema } from './common.schema';

// POST /api/staff/interactions: log a chat, call, visit or note on a customer.
export const interactionCreateInputSchema = z
  .object({
    memberId: z.uuid(),
    kind: interactionKindSchema,
    note: z.string().trim().min(1, 'Write what happened').max(1000),
    followUpOn: z.iso.date().optional(),
  })
  .strict();
export type InteractionCreateInput = z.infer<typeof interactionCreateInputSchema>;
export const interactionCreateOutputSchema = z.object({ id: z.uuid(), occurredAt: z.string() });
