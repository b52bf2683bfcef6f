import { z } from 'zod';
import { HOLIDAY_KEYS } from '../domain/holiday-keys';
import { uuidSchema } from './common.schema';

// Greeting campaigns: birthday and holiday automations and segment campaigns (operator console).

const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date YYYY-MM-DD');
const hhmm = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'must be a time HH:MM');

export const segmentRulesSchema = z
  .object({
    tagIds: z.array(uuidSchema).min(1).max(20).optional(),
    storeIds: z.array(uuidSchema).min(1).max(200).optional(),
    birthdayMonth: z.number().int().min(1).max(12).optional(),
    lastPurchaseBefore: isoDate.optional(),
    lastPurchaseAfter: isoDate.optional(),
  })
  .strict();
export type SegmentRules = z.infer<typeof segmentRulesSchema>;

// keyword (thing1, date2 …) -> text with placeholders {name} {store} {date} {holiday} {years}.
export const templateDataSchema = z.record(z.string().regex(/^[a-z_]+\d+$/, 'must be a template keyword like thing1'), z.string().min(1).max(60));

export const greetingCampaignKindSchema = z.enum(['birthday', 'holiday', 'join_anniversary', 'store_anniversary', 'segment']);

// A segment campaign may repeat: weekly on ISO weekdays (1 = Monday … 7 = Sunday), or monthly on
// a day (31 = the last day of shorter months). Each occurrence is its own occasion date.
export const recurrenceSchema = z.discriminatedUnion('every', [
  z
    .object({
      every: z.literal('week'),
      weekdays: z
        .array(z.union([z.literal(1), z.literal(2), z.literal(3), z.literal(4), z.literal(5), z.literal(6), z.literal(7)]))
        .min(1, 'choose at least one weekday')
        .max(7)
        .refine((d) => new Set(d).size === d.length, 'has a weekday twice'),
    })
    .strict(),
  z.object({ every: z.literal('month'), day: z.number().int().min(1).max(31) }).strict(),
]);
export type RecurrenceInput = z.infer<typeof recurrenceSchema>;
export const greetingCampaignStatusSchema = z.enum(['draft', 'active', 'paused', 'done']);

export const greetingCampaignCreateSchema = z
  .object({
    name: z.string().trim().min(1).max(60),
    kind: greetingCampaignKindSchema,
    templateId: uuidSchema,
    data: templateDataSchema,
    sendTime: hhmm.default('10:00'),
    daysAhead: z.number().int().min(0).max(30).default(0),
    holidayKey: z.enum(HOLIDAY_KEYS).optional(),
    segment: segmentRulesSchema.default({}),
    // A saved segment (console/segments) as the audience of a segment campaign.
    segmentId: uuidSchema.optional(),
    scheduledOn: isoDate.optional(),
    // Recurring segment campaigns: scheduledOn is the first day it may run, repeatUntil the last.
    recurrence: recurrenceSchema.optional(),
    repeatUntil: isoDate.optional(),
    budgetExempt: z.boolean().optional(),
  })
  .strict()
  .superRefine((v, ctx) => {
    if (v.recurrence && v.kind !== 'segment') ctx.addIssue({ code: 'custom', path: ['recurrence'], message: 'is only for segment campaigns' });
    if (v.repeatUntil && !v.recurrence) ctx.addIssue({ code: 'custom', path: ['repeatUntil'], message: 'is only for recurring campaigns' });
    if (v.repeatUntil && v.scheduledOn && v.repeatUntil < v.scheduledOn) {
      ctx.addIssue({ code: 'custom', path: ['repeatUntil'], message: 'must not be before the start date' });
    }
    if (v.kind === 'holiday' && !v.holidayKey) ctx.addIssue({ code: 'custom', path: ['holidayKey'], message: 'is required for a holiday greeting' });
    if (v.kind !== 'holiday' && v.holidayKey) ctx.addIssue({ code: 'custom', path: ['holidayKey'], message: 'is only for holiday greetings' });
    if (v.kind === 'segment' && !v.scheduledOn) ctx.addIssue({ code: 'custom', path: ['scheduledOn'], message: 'is required for a campaign' });
    if (v.kind !== 'segment' && v.segmentId) ctx.addIssue({ code: 'custom', path: ['segmentId'], message: 'is only for segment campaigns' });
  });
export type GreetingCampaignCreate = z.infer<typeof greetingCampaignCreateSchema>;

export const greetingCampaignSchema = z.object({
  id: uuidSchema,
  name: z.string(),
  kind: greetingCampaignKindSchema,
  templateId: uuidSchema,
  data: z.record(z.string(), z.string()),
  sendTime: z.string(),
  daysAhead: z.number(),
  holidayKey: z.string().nullable(),
  segment: z.record(z.string(), z.unknown()),
  segmentId: uuidSchema.nullable().optional(),
  scheduledOn: z.string().nullable(),
  recurrence: recurrenceSchema.nullable(),
  repeatUntil: z.string().nullable(),
  budgetExempt: z.boolean(),
  status: greetingCampaignStatusSchema,
  createdAt: z.string(),
  launchedAt: z.string().nullable(),
  nextOccasion: z.string().nullable(),
  // The next occasions (segment occurrences; store anniversaries with the store and its years).
  upcoming: z.array(z.object({ date: z.string(), storeName: z.string().nullable(), years: z.number().nullable() })),
});
export type GreetingCampaign = z.infer<typeof greetingCampaignSchema>;

export const greetingTemplateSchema = z.object({
  id: uuidSchema,
  name: z.string(),
  purpose: z.string(),
  fields: z.array(z.object({ key: z.string(), label: z.string() })),
});

export const greetingOverviewSchema = z.object({
  campaigns: z.array(greetingCampaignSchema),
  templates: z.array(greetingTemplateSchema),
  holidays: z.array(z.object({ key: z.string(), name: z.string(), date: z.string() })),
  settings: z.object({
    budgetMax: z.number(),
    budgetDays: z.number(),
    birthdayExempt: z.boolean(),
    quietStart: z.string(),
    quietEnd: z.string(),
    timeZone: z.string(),
  }),
  // Store anniversaries need opening dates, which admins set on the stores page.
  storesWithOpeningDate: z.number(),
});
export type GreetingOverview = z.infer<typeof greetingOverviewSchema>;

export const greetingCampaignRefSchema = z.object({ campaignId: uuidSchema }).strict();

// date: the day the messages go out; occasionDate: the occasion itself (one occurrence of a
// recurring campaign, a store's anniversary). Neither = the next occasion.
export const greetingDryRunInputSchema = z
  .object({ campaignId: uuidSchema, date: isoDate.optional(), occasionDate: isoDate.optional() })
  .strict()
  .refine((v) => !(v.date && v.occasionDate), { path: ['occasionDate'], message: 'give date or occasionDate, not both' });

export const SKIP_REASONS = [
  'no_consent',
  'consent_withdrawn',
  'no_credit',
  'frequency_budget',
  'quiet_hours',
  'deleted',
  'invalid_template_data',
  'no_openid',
] as const;
export type SkipReason = (typeof SKIP_REASONS)[number];

export const greetingDryRunSchema = z.object({
  occasionDate: z.string(),
  sendAt: z.string(),
  audience: z.number(),
  willReceive: z.number(),
  skipped: z.record(z.string(), z.number()),
  templateProblem: z.string().nullable(),
  preview: z.array(z.object({ memberName: z.string(), storeName: z.string().nullable(), data: z.record(z.string(), z.string()) })),
});
export type GreetingDryRun = z.infer<typeof greetingDryRunSchema>;

export const greetingStatsSchema = z.object({
  campaignId: uuidSchema,
  days: z.array(
    z.object({
      date: z.string(),
      planned: z.number(),
      queued: z.number(),
      sent: z.number(),
      unknown: z.number(),
      failed: z.record(z.string(), z.number()),
      skipped: z.record(z.string(), z.number()),
    }),
  ),
});
export type GreetingStats = z.infer<typeof greetingStatsSchema>;
