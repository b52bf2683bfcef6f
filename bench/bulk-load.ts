import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Tx } from '../functions/_lib/db';
import { progress } from './progress';

// COPY plumbing and the "drop indexes, load, rebuild" dance for the scale generator.

// Text-format COPY: tab-separated, \N for null; backslash, tab and newlines escaped. Values
// that can never contain those (uuids, numbers, ISO times) skip the check.
export const NULL = '\\N';
export const text = (v: string | null | undefined): string => {
  if (v === null || v === undefined) return NULL;
  return /[\\\t\n\r]/.test(v) ? v.replace(/[\\\t\n\r]/g, (c) => (c === '\\' ? '\\\\' : c === '\t' ? '\\t' : c === '\n' ? '\\n' : '\\r')) : v;
};
export const ts = (ms: number): string => new Date(ms).toISOString();

// Batches generated rows (each ending in '\n') into ~256 KB chunks; Readable.from pulls the
// generator only as fast as the server takes the data (backpressure), so memory stays flat.
async function* chunks(rows: Iterable<string>, onRows: (n: number) => void): AsyncGenerator<Buffer> {
  let buf: string[] = [];
  let size = 0;
  for (const row of rows) {
    buf.push(row);
    size += row.length;
    if (size >= 1 << 18) {
      onRows(buf.length);
      yield Buffer.from(buf.join(''));
      buf = [];
      size = 0;
    }
  }
  if (buf.length > 0) {
    onRows(buf.length);
    yield Buffer.from(buf.join(''));
  }
}

export const copyRows = async (tx: Tx, table: string, columns: readonly string[], total: number, rows: Iterable<string>, label = table): Promise<{ rows: number; ms: number }> => {
  const bar = progress(label, total);
  let n = 0;
  const writable = await tx.unsafe(`copy public.${table} (${columns.join(', ')}) from stdin`).writable();
  await pipeline(
    Readable.from(
      chunks(rows, (k) => {
        n += k;
        bar.tick(k);
      }),
    ),
    writable,
  );
  return { rows: n, ms: bar.done() };
};

// Secondary structures of the bulk-loaded tables. Building an index once over sorted data is
// several times faster than maintaining it row by row, and foreign keys checked row by row
// cost a lookup per row (tens of millions here); validating them once afterwards is one join.
// Everything is captured from the catalog, so indexes added by later migrations are covered.
export type DeferredDdl = {
  foreignKeys: { table: string; name: string; def: string }[];
  keys: { table: string; name: string; def: string }[];
  indexes: { name: string; def: string }[];
};

export const captureDeferredDdl = async (tx: Tx, tables: readonly string[]): Promise<DeferredDdl> => {
  const regs = tables.map((t) => `public.${t}`);
  const foreignKeys = await tx<{ table: string; name: string; def: string }[]>`
    select c.conrelid::regclass::text as table, c.conname as name, pg_get_constraintdef(c.oid) as def
    from pg_constraint c
    where c.contype = 'f' and (c.conrelid = any (${regs}::regclass[]) or c.confrelid = any (${regs}::regclass[]))
    order by c.conrelid::regclass::text, c.conname`;
  const keys = await tx<{ table: string; name: string; def: string }[]>`
    select c.conrelid::regclass::text as table, c.conname as name, pg_get_constraintdef(c.oid) as def
    from pg_constraint c
    where c.contype in ('p', 'u') and c.conrelid = any (${regs}::regclass[])
    order by c.conrelid::regclass::text, c.contype, c.conname`;
  const indexes = await tx<{ name: string; def: string }[]>`
    select i.indexrelid::regclass::text as name, pg_get_indexdef(i.indexrelid) as def
    from pg_index i
    where i.indrelid = any (${regs}::regclass[])
      and not exists (select 1 from pg_constraint c where c.conindid = i.indexrelid)
    order by 1`;
  return { foreignKeys, keys, indexes };
};

export const dropDeferredDdl = async (tx: Tx, ddl: DeferredDdl): Promise<void> => {
  for (const fk of ddl.foreignKeys) await tx.unsafe(`alter table ${fk.table} drop constraint ${quoteIdent(fk.name)}`);
  for (const k of ddl.keys) await tx.unsafe(`alter table ${k.table} drop constraint ${quoteIdent(k.name)}`);
  for (const ix of ddl.indexes) await tx.unsafe(`drop index ${ix.name}`);
};

// Keys and indexes first (foreign keys need the referenced unique index), then foreign keys,
// each validated against all rows: a generator bug fails the load instead of leaving bad data.
export const restoreDeferredDdl = async (tx: Tx, ddl: DeferredDdl, log: (line: string) => void = () => {}): Promise<number> => {
  const statements = [
    ...ddl.keys.map((k) => ({ label: `${k.table}.${k.name}`, sql: `alter table ${k.table} add constraint ${quoteIdent(k.name)} ${k.def}` })),
    ...ddl.indexes.map((ix) => ({ label: ix.name, sql: ix.def })),
    ...ddl.foreignKeys.map((fk) => ({ label: `${fk.table}.${fk.name}`, sql: `alter table ${fk.table} add constraint ${quoteIdent(fk.name)} ${fk.def}` })),
  ];
  const bar = progress('indexes + keys', statements.length);
  const slow: string[] = [];
  for (const s of statements) {
    const t0 = Date.now();
    await tx.unsafe(s.sql);
    const ms = Date.now() - t0;
    if (ms >= 1000) slow.push(`${s.label} ${(ms / 1000).toFixed(1)} s`);
    bar.tick();
  }
  const ms = bar.done(`(${ddl.keys.length} keys, ${ddl.indexes.length} indexes, ${ddl.foreignKeys.length} foreign keys)`);
  if (slow.length > 0) log(`  slowest: ${slow.join(', ')}`);
  return ms;
};

const quoteIdent = (name: string): string => `"${name.replace(/"/g, '""')}"`;
