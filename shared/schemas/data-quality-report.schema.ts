import { z } from 'zod';
import { uuidSchema } from './common.schema';

// The data quality report (console): the latest audit run of the org, the score over time,
// and the open merge candidates of identity resolution when that feature is installed.

export const dataQualityInputSchema = z.object({}).strict();

export const dataQualityRunSchema = z.object({
  id: uuidSchema,
  day: z.string(),
  finishedAt: z.string(),
  trigger: z.enum(['cron', 'manual']),
  members: z.number().int(),
  score: z.number().nullable(),
  counts: z.record(z.string(), z.number().int()),
  weights: z.record(z.string(), z.number()),
});
export type DataQualityRun = z.infer<typeof dataQualityRunSchema>;

export const dataQualityReportSchema = z.object({
  run: dataQualityRunSchema.nullable(),
  // One point per day (that day's last run), oldest first, for the last 90 days.
  history: z.array(z.object({ day: z.string(), score: z.number().nullable(), members: z.number().int() })),
  // Identity resolution's open merge candidates (null when that feature is not installed).
  mergeCandidates: z.object({ open: z.number().int(), page: z.string() }).nullable(),
});
export type DataQualityReport = z.infer<typeof dataQualityReportSchema>;

// POST: run the audit now (operators and admins).
export const dataQualityRunInputSchema = z.object({}).strict();
export const dataQualityRunOutputSchema = z.object({ runId: uuidSchema });
export type DataQualityRunOutput = z.infer<typeof dataQualityRunOutputSchema>;
