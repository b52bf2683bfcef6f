import { z } from 'zod';

// GET /api/member/subscriptions: the brand's active subscribe-message templates and this
// member's credits and last answer. POST: the answers of one wx.requestSubscribeMessage call
// (tap-triggered, several templates at once), keyed by our template id.
export const subscriptionAnswerSchema = z.enum(['accept', 'reject', 'ban'], { message: 'answer is accept, reject or ban' });
export type SubscriptionAnswer = z.infer<typeof subscriptionAnswerSchema>;

export const subscriptionAnswersInputSchema = z
  .object({
    answers: z
      .record(z.uuid({ message: 'template ids are uuids' }), subscriptionAnswerSchema)
      .refine((a) => Object.keys(a).length >= 1, 'answer at least one template')
      .refine((a) => Object.keys(a).length <= 3, 'WeChat asks for at most 3 templates at once'),
  })
  .strict();
export type SubscriptionAnswersInput = z.infer<typeof subscriptionAnswersInputSchema>;

export const subscriptionListOutputSchema = z.object({
  templates: z.array(
    z.object({
      id: z.uuid(),
      externalId: z.string(),
      name: z.string(),
      purpose: z.string(),
      credits: z.number().int(),
      lastDecision: subscriptionAnswerSchema.nullable(),
      // false after "always refuse" (ban): the app does not ask again.
      askable: z.boolean(),
    }),
  ),
});
export type SubscriptionListOutput = z.infer<typeof subscriptionListOutputSchema>;
