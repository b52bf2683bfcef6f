import { z } from 'zod';
import { CHURN_STATES, RFM_CLASSES } from '../domain/rfm';

const UUID = '[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}';
export const MAX_TAG_FILTER = 20;

export const customerScopeSchema = z.enum(['mine', 'store']);
export type CustomerScope = z.infer<typeof customerScopeSchema>;
export const customerSortSchema = z.enum(['joined', 'last_purchase', 'spend', 'last_contact']);
export type CustomerSort = z.infer<typeof customerSortSchema>;
export const birthdayWindowSchema = z.enum(['today', 'week', 'month']);
export type BirthdayWindow = z.infer<typeof birthdayWindowSchema>;

// A comma-separated list of values of a set, as a query parameter (e.g. "important_value,general_value").
const oneOrMoreOf = (values: readonly string[]) =>
  z
    .string()
    .trim()
    .refine((v) => v.split(',').every((x) => values.includes(x)), `one or more of ${values.join(', ')}, separated by commas`);

// The filters an associate combines (the list, and bulk tagging of the same list). Every value
// is a string because they travel as query parameters.
// - scope: `mine` = customers I own; `store` = my stores' customers (a manager: every store
//   they run). storeId narrows to one of those stores.
// - tagIds: tag ids separated by commas. Like WeCom: a customer matches when they carry ANY of
//   the chosen tags of a group, for EVERY group that has a chosen tag.
// - birthday: birthday (solar or lunar, year-less) today / in the next 7 days / this month,
//   in the brand's time zone.
// - purchasedAfter / purchasedBefore: last purchase on or after / before a date (brand's zone).
// - neverContacted: no interaction was ever logged.
// - ownerId: customers owned by this associate (a manager choosing whom to hand over).
// - rfmClass / churn: RFM class(es) and churn state(s) (shared/domain/rfm.ts), any of the listed.
export const customerFilterSchema = z
  .object({
    scope: customerScopeSchema.default('store'),
    storeId: z.uuid().optional(),
    q: z.string().trim().min(1).max(50).optional(),
    tagIds: z
      .string()
      .trim()
      .regex(new RegExp(`^${UUID}(,${UUID}){0,${MAX_TAG_FILTER - 1}}$`), `up to ${MAX_TAG_FILTER} tag ids, separated by commas`)
      .optional(),
    birthday: birthdayWindowSchema.optional(),
    purchasedAfter: z.iso.date().optional(),
    purchasedBefore: z.iso.date().optional(),
    neverContacted: z.enum(['true', 'false']).optional(),
    ownerId: z.uuid().optional(),
    rfmClass: oneOrMoreOf(RFM_CLASSES).optional(),
    churn: oneOrMoreOf(CHURN_STATES).optional(),
  })
  .strict();
export type CustomerFilter = z.output<typeof customerFilterSchema>;

// GET /api/staff/customers: the filtered list, sorted, keyset paginated (the cursor is opaque to
// the client and belongs to one sort).
export const customerListInputSchema = customerFilterSchema
  .extend({
    sort: customerSortSchema.default('joined'),
    cursor: z.string().max(300).optional(),
    limit: z.coerce.number().int().min(1).max(100).default(20),
  })
  .strict();

// The distinct tag ids of a tagIds filter (lower-cased, as Postgres prints uuids).
export const splitTagIds = (tagIds: string | undefined): string[] =>
  tagIds ? [...new Set(tagIds.split(',').map((t) => t.trim().toLowerCase()))] : [];
export type CustomerListInput = z.input<typeof customerListInputSchema>;

export const customerSummarySchema = z.object({
  id: z.uuid(),
  memberNo: z.string(),
  name: z.string().nullable(),
  phoneMasked: z.string().nullable(),
  storeId: z.uuid().nullable(),
  associateId: z.uuid().nullable(),
  joinedAt: z.string(),
  lastPurchaseAt: z.string().nullable(),
  lifetimeSpendFen: z.number().int(),
  orderCount: z.number().int(),
  lastContactAt: z.string().nullable(),
  // RFM (issue 7); optional so lists built before it still parse.
  rfmClass: z.string().nullable().optional(),
  churnState: z.string().optional(),
  tier: z.string().nullable().optional(),
});
export type CustomerSummary = z.infer<typeof customerSummarySchema>;

export const customerListOutputSchema = z.object({
  items: z.array(customerSummarySchema),
  nextCursor: z.string().nullable(),
});
export type CustomerListOutput = z.infer<typeof customerListOutputSchema>;
