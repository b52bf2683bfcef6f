import { z } from 'zod';
import { genderSchema, interactionKindSchema } from './common.schema';

// GET /api/staff/customer?id=: the customer card an associate opens.
export const customerCardInputSchema = z.object({ id: z.uuid() }).strict();

// One timeline of everything that happened with the customer, newest first.
export const timelineEntrySchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('order'), id: z.string(), at: z.string(), orderNo: z.string(), totalFen: z.number().int(), lineCount: z.number().int() }),
  z.object({
    type: z.literal('interaction'), id: z.string(), at: z.string(), kind: interactionKindSchema, note: z.string(),
    staffName: z.string().nullable(), followUpOn: z.string().nullable(),
  }),
  z.object({ type: z.literal('consent'), id: z.string(), at: z.string(), purpose: z.string(), channel: z.string(), granted: z.boolean() }),
  z.object({ type: z.literal('greeting'), id: z.string(), at: z.string(), templateName: z.string(), status: z.string() }),
]);
export type TimelineEntry = z.infer<typeof timelineEntrySchema>;

export const customerCardOutputSchema = z.object({
  id: z.uuid(),
  memberNo: z.string(),
  name: z.string().nullable(),
  gender: genderSchema,
  phoneMasked: z.string().nullable(),
  // Whether the caller may reveal the full number (they own the customer and a number exists).
  canRevealPhone: z.boolean(),
  joinedAt: z.string(),
  birthday: z.object({ calendar: z.enum(['solar', 'lunar']), month: z.number().int(), day: z.number().int(), leapMonth: z.boolean() }).nullable(),
  store: z.object({ id: z.uuid(), name: z.string() }).nullable(),
  associate: z.object({ id: z.uuid(), name: z.string() }).nullable(),
  tags: z.array(z.object({ id: z.uuid(), name: z.string(), color: z.string(), groupId: z.uuid(), groupName: z.string() })),
  orders: z.array(z.object({ id: z.uuid(), orderNo: z.string(), totalFen: z.number().int(), orderedAt: z.string(), lineCount: z.number().int() })),
  interactions: z.array(
    z.object({ id: z.uuid(), kind: interactionKindSchema, note: z.string(), occurredAt: z.string(), staffName: z.string().nullable() }),
  ),
  timeline: z.array(timelineEntrySchema),
  lifetimeSpendFen: z.number().int(),
  orderCount: z.number().int(),
  lastPurchaseAt: z.string().nullable(),
  lastContactAt: z.string().nullable(),
  // RFM (issue 7): scores 1–5 and class (null = never purchased), churn state, the brand's tier.
  rfm: z.object({ r: z.number().int(), f: z.number().int(), m: z.number().int(), rfmClass: z.string() }).nullable().optional(),
  churnState: z.string().optional(),
  tier: z.string().nullable().optional(),
});
export type CustomerCardOutput = z.infer<typeof customerCardOutputSchema>;

// POST /api/staff/customer-phone: the owning associate reveals the full number (audited,
// rate-limited). The number is never part of the card.
export const customerPhoneRevealInputSchema = z.object({ memberId: z.uuid() }).strict();
export const customerPhoneRevealOutputSchema = z.object({ memberId: z.uuid(), phone: z.string() });
export type CustomerPhoneRevealOutput = z.infer<typeof customerPhoneRevealOutputSchema>;

// GET /api/staff/message-templates: the org's active templates an associate can send 1:1 from
// the card (the send itself is POST /api/staff/greetings).
export const messageTemplateListInputSchema = z.object({}).strict();
export const messageTemplateListOutputSchema = z.object({
  templates: z.array(
    z.object({
      id: z.uuid(),
      name: z.string(),
      purpose: z.string(),
      fields: z.array(z.object({ key: z.string(), label: z.string() })),
    }),
  ),
});
export type MessageTemplateListOutput = z.infer<typeof messageTemplateListOutputSchema>;
