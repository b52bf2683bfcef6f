import { z } from 'zod';
import { uuidSchema } from './common.schema';

// The console dashboards' chart data (one endpoint per chart group). Every cell carries what
// the drill-down needs to list exactly its members (see dashboard-members.schema.ts).

const month = z.string().regex(/^\d{4}-\d{2}$/);

// GET /api/console/dashboard-growth: new members per brand-local month, by join channel and by
// store, for the last `months` months (this month included).
export const dashboardGrowthInputSchema = z
  .object({ months: z.coerce.number().int().min(1).max(36).default(12) })
  .strict();
export const dashboardGrowthSchema = z.object({
  months: z.array(month),
  byChannel: z.array(z.object({ month, channel: z.string(), n: z.number().int() })),
  byStore: z.array(z.object({ month, storeId: uuidSchema.nullable(), n: z.number().int() })),
  stores: z.array(z.object({ id: uuidSchema, code: z.string(), name: z.string() })),
});
export type DashboardGrowth = z.infer<typeof dashboardGrowthSchema>;

// GET /api/console/dashboard-segments: members by RFM class (null = never purchased), churn
// state and tier (null = none), optionally in one store.
export const dashboardSegmentsInputSchema = z.object({ storeId: uuidSchema.optional() }).strict();
export const dashboardSegmentsSchema = z.object({
  total: z.number().int(),
  rfm: z.array(z.object({ rfmClass: z.string().nullable(), n: z.number().int() })),
  churn: z.array(z.object({ churnState: z.string(), n: z.number().int() })),
  tier: z.array(z.object({ tier: z.string().nullable(), n: z.number().int() })),
});
export type DashboardSegments = z.infer<typeof dashboardSegmentsSchema>;

// GET /api/console/dashboard-greetings: greeting results per campaign and occasion day for the
// last `days` days (sent, failed and skipped by reason), counted from the outbox rows. The
// associates' 1:1 greetings are the entry with campaignId null.
export const dashboardGreetingsInputSchema = z
  .object({ days: z.coerce.number().int().min(1).max(90).default(30) })
  .strict();
export const greetingDaySchema = z.object({
  date: z.string(),
  planned: z.number().int(),
  queued: z.number().int(),
  sent: z.number().int(),
  unknown: z.number().int(),
  failed: z.record(z.string(), z.number().int()),
  skipped: z.record(z.string(), z.number().int()),
});
export const dashboardGreetingsSchema = z.object({
  from: z.string(),
  to: z.string(),
  campaigns: z.array(
    z.object({ campaignId: uuidSchema.nullable(), name: z.string(), kind: z.string(), status: z.string(), days: z.array(greetingDaySchema) }),
  ),
});
export type DashboardGreetings = z.infer<typeof dashboardGreetingsSchema>;

// GET /api/console/dashboard-associates: per associate (and manager): customers owned, the
// share of them contacted in the last `days` days, interactions logged and 1:1 greetings sent.
export const dashboardAssociatesInputSchema = z
  .object({ storeId: uuidSchema.optional(), days: z.coerce.number().int().min(1).max(90).default(30) })
  .strict();
export const dashboardAssociatesSchema = z.object({
  days: z.number().int(),
  since: z.string(),
  associates: z.array(
    z.object({
      staffId: uuidSchema,
      name: z.string(),
      role: z.string(),
      active: z.boolean(),
      stores: z.array(z.string()),
      customers: z.number().int(),
      contacted: z.number().int(),
      interactions: z.number().int(),
      greetings: z.number().int(),
    }),
  ),
});
export type DashboardAssociates = z.infer<typeof dashboardAssociatesSchema>;
