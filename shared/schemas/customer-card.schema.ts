import { z } from 'zod';
import { genderSchema, interactionKindSchema } from './common.schema';

// GET /api/staff/customer?id=: the customer card an associate opens.
export const customerCardInputSchema = z.object({ id: z.uuid() }).strict();

export const customerCardOutputSchema = z.object({
  id: z.uuid(),
  memberNo: z.string(),
  name: z.string().nullable(),
  gender: genderSchema,
  phoneMasked: z.string().nullable(),
  joinedAt: z.string(),
  store: z.object({ id: z.uuid(), name: z.string() }).nullable(),
  associate: z.object({ id: z.uuid(), name: z.string() }).nullable(),
  tags: z.array(z.object({ id: z.uuid(), name: z.string(), color: z.string(), groupId: z.uuid(), groupName: z.string() })),
  orders: z.array(z.object({ id: z.uuid(), orderNo: z.string(), totalFen: z.number().int(), orderedAt: z.string(), lineCount: z.number().int() })),
  interactions: z.array(
    z.object({ id: z.uuid(), kind: interactionKindSchema, note: z.string(), occurredAt: z.string(), staffName: z.string().nullable() }),
  ),
  lifetimeSpendFen: z.number().int(),
  orderCount: z.number().int(),
});
export type CustomerCardOutput = z.infer<typeof customerCardOutputSchema>;
