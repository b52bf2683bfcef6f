import { z } from 'zod';
import { FIELDS, type ImportField } from '../domain/import-columns';

// Console imports (small files, on behalf of an operator/admin). A request body must stay under
// Vercel's 4.5 MB limit; base64 adds a third, so a file may be at most 3 MB here. Larger files
// go through the CLI (`npm run import -- FILE`), which streams any size.
export const MAX_CONSOLE_IMPORT_BYTES = 3 * 1024 * 1024;
const MAX_BASE64 = Math.ceil(MAX_CONSOLE_IMPORT_BYTES / 3) * 4;

export const importKindSchema = z.enum(['customers', 'orders']);
export const importOutcomeSchema = z.enum(['accepted', 'fixed', 'merged', 'unchanged', 'conflict', 'rejected']);
export const importFieldSchema = z.enum([...new Set<ImportField>([...FIELDS.customers, ...FIELDS.orders])] as [ImportField, ...ImportField[]]);
export const columnMappingSchema = z.record(z.string().max(100), importFieldSchema.nullable()).refine((m) => Object.keys(m).length <= 100, 'At most 100 columns');

const fileFields = {
  kind: importKindSchema,
  fileName: z.string().trim().min(1, 'Choose a file').max(255),
  fileBase64: z
    .string()
    .min(1, 'The file is empty')
    .max(MAX_BASE64, `The file is larger than ${MAX_CONSOLE_IMPORT_BYTES / 1024 / 1024} MB: import it with the CLI (npm run import -- FILE)`)
    .regex(/^[A-Za-z0-9+/]*={0,2}$/, 'Not base64'),
  source: z.string().trim().min(1, 'Name the source (e.g. POS, 天猫)').max(60),
};

// POST /api/console/import-preview: headers, the first rows, a suggested (or remembered) mapping.
export const importPreviewInputSchema = z.object(fileFields).strict();
export const importPreviewOutputSchema = z.object({
  format: z.enum(['csv', 'xlsx']),
  encoding: z.string(),
  headers: z.array(z.string()),
  sample: z.array(z.array(z.string())),
  totalRows: z.number().int(),
  mapping: z.record(z.string(), importFieldSchema.nullable()),
  remembered: z.boolean(),
  problems: z.array(z.object({ path: z.string(), message: z.string() })),
  fileHash: z.string(),
  previousImport: z.object({ jobId: z.uuid(), finishedAt: z.string() }).nullable(),
});
export type ImportPreview = z.infer<typeof importPreviewOutputSchema>;

// POST /api/console/imports: stage the file with the confirmed mapping (or a dry run: the whole
// import, reported and rolled back).
export const importStartInputSchema = z.object({ ...fileFields, mapping: columnMappingSchema, dryRun: z.boolean().default(false) }).strict();
export type ImportStartInput = z.input<typeof importStartInputSchema>;

export const importCountsSchema = z.object({
  accepted: z.number().int(),
  fixed: z.number().int(),
  merged: z.number().int(),
  unchanged: z.number().int(),
  conflict: z.number().int(),
  rejected: z.number().int(),
});
export const importJobSchema = z.object({
  id: z.uuid(),
  kind: importKindSchema,
  source: z.string(),
  fileName: z.string(),
  via: z.enum(['console', 'cli']),
  status: z.enum(['staging', 'staged', 'done', 'failed']),
  totalRows: z.number().int(),
  counts: importCountsSchema,
  repeatOf: z.uuid().nullable(),
  error: z.string().nullable(),
  createdAt: z.string(),
  finishedAt: z.string().nullable(),
});
export type ImportJob = z.infer<typeof importJobSchema>;

export const importReportRowSchema = z.object({
  rowNo: z.number().int(),
  outcome: importOutcomeSchema,
  memberId: z.uuid().nullable(),
  memberNo: z.string().nullable(),
  orderNo: z.string().nullable(),
  rule: z.enum(['unionid', 'openid', 'phone', 'pos', 'file']).nullable(),
  field: z.string().nullable(),
  detail: z.string().nullable(),
  fixes: z.string().nullable(),
});
export type ImportReportRow = z.infer<typeof importReportRowSchema>;

export const importStartOutputSchema = z.object({ job: importJobSchema, dryRunRows: z.array(importReportRowSchema).nullable() });
export type ImportStartOutput = z.infer<typeof importStartOutputSchema>;

// POST /api/console/import-run: apply a staged job.
export const importRunInputSchema = z.object({ jobId: z.uuid() }).strict();
export const importRunOutputSchema = z.object({ job: importJobSchema });

// GET /api/console/imports: recent jobs.
export const importListInputSchema = z.object({}).strict();
export const importListOutputSchema = z.object({ jobs: z.array(importJobSchema), maxUploadBytes: z.number().int() });
export type ImportList = z.infer<typeof importListOutputSchema>;

// GET /api/console/import-report: a page of the report (filter by outcome), or all of it as CSV.
export const importReportInputSchema = z
  .object({
    jobId: z.uuid(),
    outcome: importOutcomeSchema.optional(),
    after: z.coerce.number().int().min(0).optional(),
    limit: z.coerce.number().int().min(1).max(500).default(100),
    format: z.enum(['json', 'csv']).default('json'),
  })
  .strict();
export const importReportOutputSchema = z.object({
  job: importJobSchema,
  rows: z.array(importReportRowSchema),
  nextAfter: z.number().int().nullable(),
  csv: z.object({ fileName: z.string(), text: z.string() }).nullable(),
});
export type ImportReport = z.infer<typeof importReportOutputSchema>;
