import { z } from 'zod';
import { uuidSchema } from './common.schema';

// The console's stores page: admins set each store's opening date (store-anniversary greetings);
// operators read it.
export const storeListInputSchema = z.object({}).strict();

export const storeOpeningDateInputSchema = z
  .object({
    storeId: uuidSchema,
    // null clears it (the store then has no anniversary greeting).
    openedOn: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date YYYY-MM-DD').nullable(),
  })
  .strict();
export type StoreOpeningDateInput = z.infer<typeof storeOpeningDateInputSchema>;

export const storeAdminItemSchema = z.object({
  id: uuidSchema,
  code: z.string(),
  name: z.string(),
  city: z.string().nullable(),
  active: z.boolean(),
  openedOn: z.string().nullable(),
  // The next anniversary from today in the brand's time zone, with its year count.
  nextAnniversary: z.object({ date: z.string(), years: z.number() }).nullable(),
});
export type StoreAdminItem = z.infer<typeof storeAdminItemSchema>;

export const storeListOutputSchema = z.object({
  stores: z.array(storeAdminItemSchema),
  canEdit: z.boolean(),
  today: z.string(),
});
export type StoreListOutput = z.infer<typeof storeListOutputSchema>;
