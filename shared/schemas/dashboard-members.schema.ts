import { z } from 'zod';
import { CHURN_STATES, RFM_CLASSES } from '../domain/rfm';
import { QUALITY_ISSUES } from '../domain/data-quality';
import { uuidSchema } from './common.schema';

// GET /api/console/dashboard-members: the members behind one number of a dashboard chart or of
// the data quality report, paged (keyset cursor), phones masked. `kind` says which number; the
// other fields are that number's coordinates (query parameters, so strings). `total` in the
// answer is the number itself, counted the way the chart counted it.
//
// - growth:    joined in `month` (brand time zone), optionally by `channel` and/or `storeId`
//              ('none' = without a store)
// - rfm:       RFM class `rfmClass` (absent = never purchased), optionally in `storeId`
// - churn:     churn state `churnState`, optionally in `storeId`
// - tier:      tier `tier` (absent = no tier), optionally in `storeId`
// - greeting:  outbox rows of `campaignId` (absent = associates' 1:1 greetings) on `date` with
//              `status` ('queued' = not final yet) and, for failed / skipped, `reason`
// - associate: customers owned by `staffId`; `contacted` yes / no = (not) contacted in the last
//              `days` days
// - quality:   members the latest data quality run flagged for `issue`

const paging = {
  cursor: z.string().max(300).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(50),
};
const storeFilter = z.union([uuidSchema, z.literal('none')]);

export const DRILL_KINDS = ['growth', 'rfm', 'churn', 'tier', 'greeting', 'associate', 'quality'] as const;
export type DrillKind = (typeof DRILL_KINDS)[number];
export const GREETING_RESULT_STATUSES = ['sent', 'failed', 'skipped', 'queued', 'unknown'] as const;

export const dashboardMembersInputSchema = z.discriminatedUnion('kind', [
  z
    .object({
      kind: z.literal('growth'),
      month: z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/, 'must be a month YYYY-MM'),
      channel: z.string().min(1).max(40).optional(),
      storeId: storeFilter.optional(),
      ...paging,
    })
    .strict(),
  z.object({ kind: z.literal('rfm'), rfmClass: z.enum(RFM_CLASSES).optional(), storeId: uuidSchema.optional(), ...paging }).strict(),
  z.object({ kind: z.literal('churn'), churnState: z.enum(CHURN_STATES), storeId: uuidSchema.optional(), ...paging }).strict(),
  z.object({ kind: z.literal('tier'), tier: z.string().min(1).max(20).optional(), storeId: uuidSchema.optional(), ...paging }).strict(),
  z
    .object({
      kind: z.literal('greeting'),
      campaignId: uuidSchema.optional(),
      date: z.iso.date(),
      status: z.enum(GREETING_RESULT_STATUSES),
      reason: z.string().min(1).max(80).optional(),
      ...paging,
    })
    .strict(),
  z
    .object({
      kind: z.literal('associate'),
      staffId: uuidSchema,
      contacted: z.enum(['yes', 'no']).optional(),
      days: z.coerce.number().int().min(1).max(90).default(30),
      ...paging,
    })
    .strict(),
  z.object({ kind: z.literal('quality'), issue: z.enum(QUALITY_ISSUES), ...paging }).strict(),
]);
export type DashboardMembersInput = z.output<typeof dashboardMembersInputSchema>;
export type DashboardMembersQuery = z.input<typeof dashboardMembersInputSchema>;

export const dashboardMemberSchema = z.object({
  id: uuidSchema,
  memberNo: z.string(),
  name: z.string().nullable(),
  phoneMasked: z.string().nullable(),
  storeName: z.string().nullable(),
  associateName: z.string().nullable(),
  joinedAt: z.string(),
  lastPurchaseAt: z.string().nullable(),
  lifetimeSpendFen: z.number().int(),
  lastContactAt: z.string().nullable(),
  tier: z.string().nullable(),
  rfmClass: z.string().nullable(),
  churnState: z.string(),
  // Why this member is in the list, where the number has a reason (a quality finding's detail,
  // a greeting's reason).
  detail: z.record(z.string(), z.unknown()).nullable(),
});
export type DashboardMember = z.infer<typeof dashboardMemberSchema>;

export const dashboardMembersOutputSchema = z.object({
  total: z.number().int(),
  items: z.array(dashboardMemberSchema),
  nextCursor: z.string().nullable(),
});
export type DashboardMembersOutput = z.infer<typeof dashboardMembersOutputSchema>;
