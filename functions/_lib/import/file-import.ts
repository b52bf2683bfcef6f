import { createReadStream } from 'node:fs';
import { open as openFile, stat } from 'node:fs/promises';
import { createHash } from 'node:crypto';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { mappingProblems, suggestMapping, type ColumnMapping, type ImportKind } from '../../../shared/domain/import-columns';
import type { Sql, Tx } from '../db';
import { openRecords, type OpenedFile } from './file-records';
import { columnsFor, copyLine, fieldIndexes, normaliseContext, stagingRows, type StagingRow } from './staging';

// The import job as the CLI (`npm run import`) and the bench run it: a file on disk, streamed —
// read, normalised, phones encrypted, COPYed into the staging table — then merged set-based by
// private.import_apply() in the same transaction. It runs with the database owner's connection:
// it is a job run by whoever holds the database credentials, never a request of a person.
export type Outcome = 'accepted' | 'fixed' | 'merged' | 'unchanged' | 'conflict' | 'rejected';
export const OUTCOMES: readonly Outcome[] = ['accepted', 'fixed', 'merged', 'unchanged', 'conflict', 'rejected'];

export type FileImportProgress = { phase: 'read' | 'apply' | 'done'; rows: number; bytes: number; totalBytes: number };
export type FileImportOptions = {
  sql: Sql;
  orgId: string;
  filePath: string;
  kind?: ImportKind;
  source: string;
  mapping?: ColumnMapping;
  dryRun?: boolean;
  // 'copy' (a Postgres server) or 'insert' (batched INSERTs: embedded PGlite has no COPY).
  staging?: 'copy' | 'insert';
  onProgress?: (p: FileImportProgress) => void;
  // Reads the report inside the import's transaction (a dry run's report exists only there).
  onReport?: (tx: Tx, jobId: string) => Promise<void>;
};
export type FileImportResult = {
  jobId: string;
  kind: ImportKind;
  dryRun: boolean;
  repeatOf: string | null;
  totalRows: number;
  counts: Record<Outcome, number>;
  mapping: ColumnMapping;
  encoding: string;
  ms: { read: number; apply: number; total: number };
};

export class ImportSetupError extends Error {
  constructor(
    message: string,
    readonly problems: { path: string; message: string }[] = [],
  ) {
    super(message);
  }
}

class DryRunRollback extends Error {}

const HEAD_BYTES = 64 * 1024;

const hashFile = async (filePath: string): Promise<string> => {
  const h = createHash('sha256');
  for await (const chunk of createReadStream(filePath)) h.update(chunk as Buffer);
  return h.digest('hex');
};

const readHead = async (filePath: string): Promise<{ head: Buffer; complete: boolean }> => {
  const fh = await openFile(filePath, 'r');
  try {
    const buf = Buffer.alloc(HEAD_BYTES);
    const { bytesRead } = await fh.read(buf, 0, HEAD_BYTES, 0);
    return { head: buf.subarray(0, bytesRead), complete: bytesRead < HEAD_BYTES };
  } finally {
    await fh.close();
  }
};

// The kind a file is, when not given: an order file has an order number and an amount.
export const guessKind = (headers: readonly string[]): ImportKind => {
  const m = suggestMapping('orders', headers);
  const fields = new Set(Object.values(m));
  return fields.has('orderNo') && fields.has('amount') ? 'orders' : 'customers';
};

export const rememberedMapping = async (sql: Sql | Tx, orgId: string, kind: ImportKind, source: string): Promise<ColumnMapping | null> => {
  const [row] = await sql<{ mapping: ColumnMapping }[]>`
    select mapping from public.import_sources where org_id = ${orgId} and kind = ${kind} and name = ${source}`;
  return row?.mapping ?? null;
};

// ~256 KB chunks of COPY text; Readable.from pulls only as fast as the server takes them.
async function* copyChunks(rows: AsyncIterable<StagingRow>, prefix: string, columns: readonly string[], onRow: () => void): AsyncGenerator<Buffer> {
  let buf = '';
  for await (const row of rows) {
    buf += copyLine(prefix, row, columns);
    onRow();
    if (buf.length >= 1 << 18) {
      yield Buffer.from(buf);
      buf = '';
    }
  }
  if (buf) yield Buffer.from(buf);
}

export const stageByCopy = async (tx: Tx, kind: ImportKind, orgId: string, jobId: string, rows: AsyncIterable<StagingRow>, onRow: () => void): Promise<void> => {
  const columns = columnsFor(kind);
  const table = kind === 'customers' ? 'private.import_customer_rows' : 'private.import_order_rows';
  const writable = await tx.unsafe(`copy ${table} (org_id, job_id, ${columns.join(', ')}) from stdin`).writable();
  await pipeline(Readable.from(copyChunks(rows, `${orgId}\t${jobId}\t`, columns, onRow)), writable);
};

// Batched INSERTs (as the owner, straight into the staging table) where COPY is not available.
export const stageByInsert = async (tx: Tx, kind: ImportKind, orgId: string, jobId: string, rows: AsyncIterable<StagingRow>, onRow: () => void): Promise<void> => {
  const columns = columnsFor(kind);
  const table = kind === 'customers' ? 'private.import_customer_rows' : 'private.import_order_rows';
  const types: Record<string, string> = {
    row_no: 'int', birth_year: 'smallint', birth_month: 'smallint', birth_day: 'smallint', birth_leap_month: 'boolean',
    joined_at: 'timestamptz', total_fen: 'bigint', ordered_at: 'timestamptz',
  };
  const recordType = columns.map((c) => `${c} ${types[c] ?? 'text'}`).join(', ');
  const statement = `insert into ${table} (org_id, job_id, ${columns.join(', ')})
    select $1::uuid, $2::uuid, ${columns.map((c) => `x.${c}`).join(', ')} from jsonb_to_recordset($3::text::jsonb) as x(${recordType})`;
  let batch: StagingRow[] = [];
  const flush = async (): Promise<void> => {
    if (batch.length === 0) return;
    await tx.unsafe(statement, [orgId, jobId, JSON.stringify(batch)]);
    batch = [];
  };
  for await (const row of rows) {
    batch.push(row);
    onRow();
    if (batch.length >= 2000) await flush();
  }
  await flush();
};

export const importFile = async (o: FileImportOptions): Promise<FileImportResult> => {
  const started = Date.now();
  const { size } = await stat(o.filePath);
  const fileName = path.basename(o.filePath);
  const fileHash = await hashFile(o.filePath);
  const { head, complete } = await readHead(o.filePath);
  let bytesRead = 0;
  const opened: OpenedFile = await openRecords(fileName, head, complete, () => {
    const s = createReadStream(o.filePath, { highWaterMark: 1 << 20 });
    s.on('data', (c) => {
      bytesRead += (c as Buffer).length;
    });
    return s;
  });
  const kind = o.kind ?? guessKind(opened.headers);
  const [org] = await o.sql<{ timezone: string }[]>`select timezone from public.orgs where id = ${o.orgId}`;
  if (!org) throw new ImportSetupError(`no org ${o.orgId}`);
  const mapping = o.mapping ?? suggestMapping(kind, opened.headers, await rememberedMapping(o.sql, o.orgId, kind, o.source));
  const problems = mappingProblems(kind, mapping);
  if (problems.length > 0) throw new ImportSetupError(problems.map((p) => p.message).join('; '), problems);
  const indexes = fieldIndexes(kind, opened.headers, mapping);
  const ctx = normaliseContext(org.timezone);
  const createJob = async (q: Sql | Tx): Promise<{ id: string; repeat_of: string | null }> => {
    const [created] = await q<{ id: string }[]>`
      select private.import_create_job(${o.orgId}, null, 'cli', ${kind}, ${o.source}, ${fileName},
        ${fileHash}, ${size}, ${opened.format}, ${opened.encoding}, ${o.sql.json(mapping)}) as id`;
    const [job] = await q<{ id: string; repeat_of: string | null }[]>`
      select id, repeat_of from public.import_jobs where org_id = ${o.orgId} and id = ${created?.id ?? null}`;
    if (!job) throw new Error('the import job was not created');
    return job;
  };
  // A real run records the job first (visible while it runs; marked failed if it fails).
  const job = o.dryRun ? null : await createJob(o.sql);
  let rows = 0;
  const tick = (): void => {
    rows++;
    if ((rows & 0x3ff) === 0) o.onProgress?.({ phase: 'read', rows, bytes: bytesRead, totalBytes: size });
  };
  let readMs = 0;
  let applyMs = 0;
  let result: FileImportResult | null = null;
  try {
    await o.sql.begin(async (tx) => {
      const j = job ?? (await createJob(tx));
      const t0 = Date.now();
      const stage = o.staging === 'insert' ? stageByInsert : stageByCopy;
      await stage(tx, kind, o.orgId, j.id, stagingRows(kind, opened.rows, indexes, ctx), tick);
      readMs = Date.now() - t0;
      o.onProgress?.({ phase: 'apply', rows, bytes: size, totalBytes: size });
      const t1 = Date.now();
      const [applied] = await tx<{ counts: Partial<Record<Outcome, number>> }[]>`select private.import_apply(${o.orgId}, ${j.id}) as counts`;
      applyMs = Date.now() - t1;
      if (!o.dryRun) {
        await tx`
          insert into public.audit_log (org_id, actor_account_id, action, target_type, target_id, detail)
          values (${o.orgId}, null, 'import.applied', 'import_job', ${j.id}, ${tx.json({ via: 'cli', file: fileName, ...(applied?.counts ?? {}) })})`;
      }
      const counts = Object.fromEntries(OUTCOMES.map((k) => [k, applied?.counts?.[k] ?? 0])) as Record<Outcome, number>;
      result = {
        jobId: j.id, kind, dryRun: Boolean(o.dryRun), repeatOf: j.repeat_of, totalRows: rows, counts, mapping,
        encoding: opened.encoding, ms: { read: readMs, apply: applyMs, total: Date.now() - started },
      };
      if (o.onReport) await o.onReport(tx, j.id);
      if (o.dryRun) throw new DryRunRollback();
    });
  } catch (e) {
    if (!(e instanceof DryRunRollback)) {
      if (job) {
        const message = (e instanceof Error ? e.message : String(e)).slice(0, 500);
        await o.sql`update public.import_jobs set status = 'failed', error = ${message}, finished_at = now() where org_id = ${o.orgId} and id = ${job.id}`;
      }
      throw e;
    }
  }
  o.onProgress?.({ phase: 'done', rows, bytes: size, totalBytes: size });
  if (!result) throw new Error('import finished without a result');
  const r = result as FileImportResult;
  return { ...r, ms: { ...r.ms, total: Date.now() - started } };
};
