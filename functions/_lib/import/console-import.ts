import { createHash } from 'node:crypto';
import { mappingProblems, suggestMapping, type ColumnMapping, type ImportKind } from '../../../shared/domain/import-columns';
import { MAX_CONSOLE_IMPORT_BYTES, type ImportJob, type ImportReportRow } from '../../../shared/schemas/import-job.schema';
import type { Tx } from '../db';
import { DomainError } from '../errors';
import { iso } from '../handler';
import { FileFormatError, openBuffer, type OpenedFile } from './file-records';
import { fieldIndexes, normaliseContext, stagingRows, type StagingRow } from './staging';

// Console imports (small files, sent base64 by an operator or admin): everything runs in the
// person's own RLS transaction — the job is created, rows staged and applied through the
// security definer functions public.import_start / import_stage_rows / import_run, which check
// that the caller is an operator or admin of the org and act only on the caller's own job.

export const decodeFile = (fileBase64: string): Buffer => {
  const bytes = Buffer.from(fileBase64, 'base64');
  if (bytes.length === 0) throw new DomainError(400, 'invalid_input', 'The file is empty', [{ path: 'fileBase64', message: 'is empty' }]);
  if (bytes.length > MAX_CONSOLE_IMPORT_BYTES) {
    throw new DomainError(413, 'too_large', 'The file is larger than 3 MB: import it with the CLI (npm run import -- FILE)', [{ path: 'fileBase64', message: 'is larger than 3 MB' }]);
  }
  return bytes;
};

export const openUploaded = async (fileName: string, bytes: Buffer): Promise<OpenedFile> => {
  try {
    return await openBuffer(fileName, bytes);
  } catch (e) {
    if (e instanceof FileFormatError) throw new DomainError(400, 'invalid_file', e.message, [{ path: 'fileBase64', message: e.message }]);
    throw e;
  }
};

// Reading all rows may hit a bad byte late in the file: the same clear error.
const readAll = async <T>(it: AsyncIterable<T>): Promise<T[]> => {
  const out: T[] = [];
  try {
    for await (const x of it) out.push(x);
  } catch (e) {
    if (e instanceof FileFormatError) throw new DomainError(400, 'invalid_file', e.message, [{ path: 'fileBase64', message: e.message }]);
    throw e;
  }
  return out;
};

export const sha256 = (bytes: Buffer): string => createHash('sha256').update(bytes).digest('hex');

export const rememberedMappingOf = async (tx: Tx, kind: ImportKind, source: string): Promise<ColumnMapping | null> => {
  const [row] = await tx<{ mapping: ColumnMapping }[]>`
    select mapping from public.import_sources where org_id = (select private.jwt_org_id()) and kind = ${kind} and name = ${source}`;
  return row?.mapping ?? null;
};

export const previewUpload = async (tx: Tx, input: { kind: ImportKind; fileName: string; fileBase64: string; source: string }) => {
  const bytes = decodeFile(input.fileBase64);
  const opened = await openUploaded(input.fileName, bytes);
  const rows = await readAll(opened.rows);
  const remembered = await rememberedMappingOf(tx, input.kind, input.source);
  const mapping = suggestMapping(input.kind, opened.headers, remembered);
  const fileHash = sha256(bytes);
  const [previous] = await tx<{ id: string; finished_at: Date }[]>`
    select j.id, j.finished_at from public.import_jobs j
    join public.import_sources s on s.org_id = j.org_id and s.id = j.source_id
    where j.org_id = (select private.jwt_org_id()) and s.kind = ${input.kind} and s.name = ${input.source}
      and j.file_hash = ${fileHash} and j.status = 'done'
    order by j.finished_at desc limit 1`;
  return {
    format: opened.format,
    encoding: opened.encoding,
    headers: opened.headers,
    sample: rows.slice(0, 10).map((r) => opened.headers.map((_, i) => (r.cells[i] ?? '').slice(0, 200))),
    totalRows: rows.length,
    mapping,
    remembered: remembered !== null && opened.headers.some((h) => Object.prototype.hasOwnProperty.call(remembered, h)),
    problems: mappingProblems(input.kind, mapping),
    fileHash,
    previousImport: previous ? { jobId: previous.id, finishedAt: iso(previous.finished_at) } : null,
  };
};

type JobRow = {
  id: string; kind: ImportKind; source: string; file_name: string; via: 'console' | 'cli'; status: ImportJob['status'];
  total_rows: number; accepted: number; fixed: number; merged: number; unchanged: number; conflicts: number; rejected: number;
  repeat_of: string | null; error: string | null; created_at: Date; finished_at: Date | null;
};

export const jobOut = (j: JobRow): ImportJob => ({
  id: j.id,
  kind: j.kind,
  source: j.source,
  fileName: j.file_name,
  via: j.via,
  status: j.status,
  totalRows: j.total_rows,
  counts: { accepted: j.accepted, fixed: j.fixed, merged: j.merged, unchanged: j.unchanged, conflict: j.conflicts, rejected: j.rejected },
  repeatOf: j.repeat_of,
  error: j.error,
  createdAt: iso(j.created_at),
  finishedAt: j.finished_at ? iso(j.finished_at) : null,
});

export const loadJobs = async (tx: Tx, jobId: string | null, limit = 50): Promise<ImportJob[]> => {
  const rows = await tx<JobRow[]>`
    select j.id, j.kind, s.name as source, j.file_name, j.via, j.status, j.total_rows, j.accepted, j.fixed, j.merged, j.unchanged,
           j.conflicts, j.rejected, j.repeat_of, j.error, j.created_at, j.finished_at
    from public.import_jobs j join public.import_sources s on s.org_id = j.org_id and s.id = j.source_id
    where j.org_id = (select private.jwt_org_id()) and (${jobId}::uuid is null or j.id = ${jobId}::uuid)
    order by j.created_at desc limit ${limit}`;
  return rows.map(jobOut);
};

export const loadJob = async (tx: Tx, jobId: string): Promise<ImportJob> => {
  const [job] = await loadJobs(tx, jobId, 1);
  if (!job) throw new DomainError(404, 'not_found', 'That import was not found');
  return job;
};

type ReportDbRow = { row_no: number; outcome: ImportReportRow['outcome']; member_id: string | null; member_no: string | null; order_no: string | null; rule: ImportReportRow['rule']; field: string | null; detail: string | null; fixes: string | null };
const reportOut = (r: ReportDbRow): ImportReportRow => ({
  rowNo: r.row_no, outcome: r.outcome, memberId: r.member_id, memberNo: r.member_no, orderNo: r.order_no, rule: r.rule, field: r.field, detail: r.detail, fixes: r.fixes || null,
});

// A page of a job's report (rows after `after`, in row order). Member numbers of members the
// operator can see (a member merged away since is retired and shows no number).
export const reportPage = async (tx: Tx, jobId: string, o: { outcome?: string; after?: number; limit: number }): Promise<ImportReportRow[]> => {
  const rows = await tx<ReportDbRow[]>`
    select r.row_no, r.outcome, r.member_id, m.member_no::text as member_no, o.order_no, r.rule, r.field, r.detail, r.fixes
    from public.import_job_rows r
    left join public.members m on m.org_id = r.org_id and m.id = r.member_id
    left join public.orders o on o.org_id = r.org_id and o.id = r.order_id
    where r.org_id = (select private.jwt_org_id()) and r.job_id = ${jobId}
      and (${o.outcome ?? null}::text is null or r.outcome = ${o.outcome ?? null}::text) and r.row_no > ${o.after ?? 0}
    order by r.row_no limit ${o.limit}`;
  return rows.map(reportOut);
};

const STAGE_BATCH = 2000;

// Stages the file's rows into the caller's new job (and, for a dry run, applies it too; the
// caller then rolls the transaction back). Returns the job id.
export const stageUpload = async (
  tx: Tx,
  input: { kind: ImportKind; fileName: string; fileBase64: string; source: string; mapping: ColumnMapping },
): Promise<{ jobId: string; rows: number }> => {
  const bytes = decodeFile(input.fileBase64);
  const opened = await openUploaded(input.fileName, bytes);
  const unknown = Object.keys(input.mapping).filter((h) => !opened.headers.includes(h));
  if (unknown.length > 0) {
    throw new DomainError(400, 'invalid_input', 'The mapping names columns the file does not have', unknown.map((h) => ({ path: `mapping.${h}`, message: 'is not a column of the file' })));
  }
  // Columns the mapping does not mention are not imported.
  const mapping: ColumnMapping = Object.fromEntries(opened.headers.map((h) => [h, input.mapping[h] ?? null]));
  const problems = mappingProblems(input.kind, mapping);
  if (problems.length > 0) throw new DomainError(400, 'invalid_input', problems.map((p) => p.message).join('; '), problems);
  const [org] = await tx<{ timezone: string }[]>`select timezone from public.orgs where id = (select private.jwt_org_id())`;
  const [created] = await tx<{ id: string }[]>`
    select public.import_start(${input.kind}, ${input.source}, ${input.fileName}, ${sha256(bytes)}, ${bytes.length},
      ${opened.format}, ${opened.encoding}, ${tx.json(mapping)}) as id`;
  if (!created?.id) throw new Error('import_start returned nothing');
  const indexes = fieldIndexes(input.kind, opened.headers, mapping);
  let batch: StagingRow[] = [];
  let n = 0;
  const flush = async (): Promise<void> => {
    if (batch.length === 0) return;
    await tx`select public.import_stage_rows(${created.id}, ${tx.json(batch)})`;
    batch = [];
  };
  try {
    for await (const row of stagingRows(input.kind, opened.rows, indexes, normaliseContext(org?.timezone ?? 'Asia/Shanghai'))) {
      batch.push(row);
      n++;
      if (batch.length >= STAGE_BATCH) await flush();
    }
  } catch (e) {
    if (e instanceof FileFormatError) throw new DomainError(400, 'invalid_file', e.message, [{ path: 'fileBase64', message: e.message }]);
    throw e;
  }
  await flush();
  if (n === 0) throw new DomainError(400, 'invalid_file', 'The file has a header but no rows', [{ path: 'fileBase64', message: 'has no rows' }]);
  return { jobId: created.id, rows: n };
};
