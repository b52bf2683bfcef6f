import { z } from 'zod';

// GET /api/staff/customers?storeId=&cursor=&limit=&q=: a store's members, newest first, keyset
// paginated (the cursor is opaque to the client).
export const customerListInputSchema = z
  .object({
    storeId: z.uuid().optional(),
    cursor: z.string().max(200).optional(),
    limit: z.coerce.number().int().min(1).max(100).default(20),
    q: z.string().trim().min(1).max(50).optional(),
  })
  .strict();
export type CustomerListInput = z.input<typeof customerListInputSchema>;

export const customerSummarySchema = z.object({
  id: z.uuid(),
  memberNo: z.string(),
  name: z.string().nullable(),
  phoneMasked: z.string().nullable(),
  storeId: z.uuid().nullable(),
  joinedAt: z.string(),
});
export type CustomerSummary = z.infer<typeof customerSummarySchema>;

export const customerListOutputSchema = z.object({
  items: z.array(customerSummarySchema),
  nextCursor: z.string().nullable(),
});
export type CustomerListOutput = z.infer<typeof customerListOutputSchema>;
