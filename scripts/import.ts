import path from 'node:path';
import { parseArgs } from 'node:util';
import { resetConfig } from '../functions/_lib/config';
import { createSql, type Sql } from '../functions/_lib/db';
import { FileFormatError } from '../functions/_lib/import/file-records';
import { importFile, ImportSetupError, OUTCOMES, type FileImportProgress } from '../functions/_lib/import/file-import';
import { writeReportCsv } from '../functions/_lib/import/report';
import { migrate } from '../functions/_lib/migrations';
import { OUTCOME_LABELS } from '../shared/domain/import-columns';
import { startEmbeddedDb, type EmbeddedDb } from '../server/embedded-db';
import { DEMO_APPID } from '../server/demo-seed';
import { applySecrets, loadOrCreateSecrets } from '../server/local-secrets';

// `npm run import -- FILE [--kind customers|orders] [--source NAME] [--org <appid or id>] [--dry-run]`
//
// Imports a customer or order file of any size (CSV in UTF-8/GBK, or XLSX) into one org: streams
// it through the normalisers into the staging table by COPY, merges set-based, and writes the
// row-by-row report next to the file (<file>.report.csv). A job run by whoever holds the
// database credentials (DATABASE_URL, the owner's connection); never on behalf of a person.
const usage = `usage: npm run import -- FILE [--kind customers|orders] [--source NAME] [--org <appid or org id>] [--dry-run] [--report PATH]

  FILE       .csv (UTF-8 with or without BOM, or GBK/GB18030) or .xlsx
  --kind     customers or orders (default: guessed from the headers)
  --source   where the file comes from, e.g. "pos" or "tmall"; its column mapping is remembered
             (default: the file name without extension)
  --org      the brand's mini-program appid or org id (default: the only org in the database)
  --dry-run  do everything, report, and roll back: nothing is stored
  --report   where to write the row-by-row report (default: next to FILE)

Uses DATABASE_URL; without it, the embedded database in .data/ (stop \`npm start\` first).`;

const fmt = (n: number): string => Math.round(n).toLocaleString('en-US');
const secs = (ms: number): string => `${(ms / 1000).toFixed(1)} s`;

const progressLine = (started: number) => {
  const tty = process.stderr.isTTY === true;
  let last = 0;
  let applyStarted = 0;
  let timer: ReturnType<typeof setInterval> | null = null;
  const write = (line: string, final = false): void => {
    if (tty) process.stderr.write(`\r${line}\x1b[K${final ? '\n' : ''}`);
    else process.stderr.write(`${line}\n`);
  };
  return (p: FileImportProgress): void => {
    const now = Date.now();
    if (p.phase === 'read') {
      if (now - last < (tty ? 200 : 10_000)) return;
      last = now;
      const frac = p.totalBytes > 0 ? p.bytes / p.totalBytes : 1;
      const rate = (p.rows / Math.max(1, now - started)) * 1000;
      const eta = frac > 0.01 ? ((now - started) / frac) * (1 - frac) : 0;
      const bar = '█'.repeat(Math.round(frac * 28)).padEnd(28, '░');
      write(`reading + staging ${bar} ${(frac * 100).toFixed(0).padStart(3)}%  ${fmt(p.rows)} rows  ${fmt(rate)}/s  ${eta > 0 ? `ETA ${secs(eta)}` : ''}`);
    } else if (p.phase === 'apply') {
      write(`reading + staging ${'█'.repeat(28)} 100%  ${fmt(p.rows)} rows in ${secs(now - started)}`, true);
      applyStarted = now;
      timer = setInterval(() => write(`merging (set-based)… ${secs(Date.now() - applyStarted)}`), tty ? 500 : 15_000);
    } else {
      if (timer) clearInterval(timer);
      if (applyStarted) write(`merged in ${secs(now - applyStarted)}`, true);
    }
  };
};

const resolveOrg = async (sql: Sql, org: string | undefined): Promise<{ id: string; name: string }> => {
  const rows = org
    ? await sql<{ id: string; name: string }[]>`select id, name from public.orgs where wx_appid = ${org} or id::text = ${org}`
    : await sql<{ id: string; name: string }[]>`select id, name from public.orgs order by created_at limit 2`;
  if (rows.length === 1 && rows[0]) return rows[0];
  throw new Error(org ? `no org with appid or id ${org}` : rows.length === 0 ? 'no org in this database' : 'several orgs in this database: name one with --org <appid or id>');
};

const main = async (): Promise<void> => {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      kind: { type: 'string' },
      source: { type: 'string' },
      org: { type: 'string' },
      'dry-run': { type: 'boolean', default: false },
      report: { type: 'string' },
      help: { type: 'boolean', default: false },
    },
  });
  const file = positionals[0];
  if (values.help || !file) {
    console.log(usage);
    process.exit(values.help ? 0 : 2);
  }
  if (values.kind && values.kind !== 'customers' && values.kind !== 'orders') {
    console.error('--kind must be customers or orders');
    process.exit(2);
  }
  const source = (values.source ?? path.basename(file).replace(/\.[^.]+$/, '')).slice(0, 60) || 'import';
  applySecrets(await loadOrCreateSecrets(path.resolve(__dirname, '../.data')));
  // The configuration wants the mini-program's appid; the import itself does not use it.
  process.env.WECHAT_APPID ??= DEMO_APPID;
  resetConfig();

  let embedded: EmbeddedDb | null = null;
  const url = process.env.DATABASE_URL ?? (embedded = await startEmbeddedDb({ dataDir: path.resolve(__dirname, '../.data/pgdata') })).url;
  const sql = createSql(url, { max: 1 });
  try {
    await migrate(sql);
    const org = await resolveOrg(sql, values.org);
    const dryRun = values['dry-run'];
    const report = values.report ?? path.join(path.dirname(file), `${path.basename(file)}${dryRun ? '.dry-run' : ''}.report.csv`);
    console.error(`import ${path.basename(file)} → ${org.name} (source "${source}")${dryRun ? ' — dry run, nothing will be stored' : ''}`);
    const started = Date.now();
    let reportRows = 0;
    const result = await importFile({
      sql,
      orgId: org.id,
      filePath: file,
      kind: values.kind as 'customers' | 'orders' | undefined,
      source,
      dryRun,
      staging: embedded ? 'insert' : 'copy',
      onProgress: progressLine(started),
      onReport: async (tx, jobId) => {
        reportRows = await writeReportCsv(tx, org.id, jobId, report);
      },
    });
    console.log(`\n${result.kind} import ${result.dryRun ? '(dry run, rolled back) ' : ''}job ${result.jobId}: ${fmt(result.totalRows)} rows, ${result.encoding}`);
    if (result.repeatOf) console.log(`this exact file was imported before (job ${result.repeatOf}): nothing should change`);
    for (const k of OUTCOMES) console.log(`  ${OUTCOME_LABELS[k].padEnd(4, '　')} ${k.padEnd(10)} ${fmt(result.counts[k]).padStart(10)}`);
    console.log(`time: read + normalise + stage ${secs(result.ms.read)}, merge ${secs(result.ms.apply)}, total ${secs(result.ms.total)} (${fmt((result.totalRows / result.ms.total) * 1000)} rows/s)`);
    console.log(`report (${fmt(reportRows)} rows): ${report}`);
  } finally {
    await sql.end({ timeout: 5 });
    await embedded?.close();
  }
};

main().catch((e: unknown) => {
  if (e instanceof ImportSetupError || e instanceof FileFormatError) console.error(`cannot import: ${e.message}`);
  else console.error(e instanceof Error ? e.message : e);
  if (process.env.DEBUG) console.error(e);
  process.exit(1);
});
