import { z } from 'zod';
import { uuidSchema } from './common.schema';

// POST /api/console/segment-export: a saved segment as CSV (UTF-8 with BOM, so Excel reads the
// Chinese), in parts of at most SEGMENT_EXPORT_PART rows that the console joins into one file.
// Every part is written to the audit log. Phones are masked unless an admin asks for full
// numbers and states why (each such part is audited with the purpose).
export const SEGMENT_EXPORT_PART = 20_000;

export const segmentExportInputSchema = z
  .object({
    segmentId: uuidSchema,
    fullPhones: z.boolean().default(false),
    purpose: z.string().trim().min(4, 'must say why (at least 4 characters)').max(200).optional(),
    cursor: z.string().max(200).optional(),
  })
  .strict()
  .superRefine((v, ctx) => {
    if (v.fullPhones && !v.purpose) ctx.addIssue({ code: 'custom', path: ['purpose'], message: 'is required for full phone numbers' });
  });
export type SegmentExportInput = z.input<typeof segmentExportInputSchema>;

export const segmentExportOutputSchema = z.object({
  filename: z.string(),
  csv: z.string(),
  rows: z.number().int(),
  masked: z.boolean(),
  nextCursor: z.string().nullable(),
});
export type SegmentExportOutput = z.infer<typeof segmentExportOutputSchema>;
