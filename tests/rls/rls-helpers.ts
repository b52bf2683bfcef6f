import type { Sql, Tx } from '../../functions/_lib/db';
import { createTestDb, type TestDb } from '../helpers/test-db';
import { asAnon, asPerson, buildRlsWorld, type Actor, type RlsWorld } from '../helpers/rls-fixtures';

// Shared plumbing for the RLS test files. Every statement runs through the real request path
// (asPerson: role authenticated + JWT claims, rolled back afterwards), so nothing a test does
// changes the world another test sees.

export type Row = { id: string };
export type Reader = (tx: Tx) => Promise<Row[]>;
export type Statement = (tx: Tx, w: RlsWorld) => Promise<{ count: number }>;

// What a statement did: the number of rows it returned/affected, or the SQLSTATE it failed with.
export type Outcome = { rows: number } | { error: string };

export const DENIED: Outcome = { error: '42501' };
export const NO_ROWS: Outcome = { rows: 0 };
export const ONE_ROW: Outcome = { rows: 1 };

// For assertions that accept several secure outcomes: 'as expected' when the outcome is one of
// them, otherwise the outcome itself (so a failure prints what actually happened).
export const oneOf = (outcome: Outcome, accepted: Outcome[]): Outcome | 'as expected' =>
  accepted.some((a) => JSON.stringify(a) === JSON.stringify(outcome)) ? 'as expected' : outcome;

export const pgCode = (e: unknown): string => {
  if (typeof e === 'object' && e !== null && 'code' in e) {
    const code = (e as { code: unknown }).code;
    if (typeof code === 'string') return code;
  }
  return `not a database error: ${e instanceof Error ? e.message : String(e)}`;
};

export const sorted = (ids: readonly string[]): string[] => [...ids].sort();

// One statement as `actor` (or as anon when actor is null). A failing statement aborts the
// transaction, so callers run exactly one statement per call when they expect an error.
export const outcomeAs = async (sql: Sql, actor: Actor | null, run: (tx: Tx) => Promise<{ count: number }>): Promise<Outcome> => {
  try {
    const r = actor ? await asPerson(sql, actor, run) : await asAnon(sql, run);
    return { rows: r.count };
  } catch (e) {
    return { error: pgCode(e) };
  }
};

// The ids a reader returns to `actor`, sorted.
export const idsSeenBy = async (sql: Sql, actor: Actor, read: Reader): Promise<string[]> =>
  sorted((await asPerson(sql, actor, read)).map((r) => r.id));

// A single scalar value as `actor` (e.g. a function's result).
export const valueAs = async <T>(sql: Sql, actor: Actor, query: (tx: Tx) => Promise<{ v: T }[]>): Promise<T | undefined> =>
  (await asPerson(sql, actor, query))[0]?.v;

// Runs fn as the connecting (owner) role and rolls back.
export const asOwner = async <T>(sql: Sql, fn: (tx: Tx) => Promise<T>): Promise<T> => {
  let result: T | undefined;
  const rollback = new Error('rollback');
  try {
    await sql.begin(async (tx) => {
      result = await fn(tx);
      throw rollback;
    });
  } catch (e) {
    if (e !== rollback) throw e;
  }
  return result as T;
};

export const ownerOutcome = async (sql: Sql, run: (tx: Tx) => Promise<{ count: number }>): Promise<Outcome> => {
  try {
    const r = await asOwner(sql, run);
    return { rows: r.count };
  } catch (e) {
    return { error: pgCode(e) };
  }
};

// "Forged" claims: a token whose org_id is org B while its sub is an org-A account. The server
// never signs such a token; the policies must still not let it reach org A's or org B's data.
export const forged = (w: RlsWorld, who: keyof RlsWorld['actors']): Actor => ({ accountId: w.actors[who].accountId, orgId: w.orgB });

// One migrated database and fixture world per test file.
export type Ctx = { db: TestDb; sql: Sql; w: RlsWorld };

export const setupWorld = (extra?: (sql: Sql, w: RlsWorld) => Promise<void>): (() => Ctx) => {
  let ctx: Ctx | undefined;
  beforeAll(async () => {
    const db = await createTestDb();
    const w = await buildRlsWorld(db.sql);
    if (extra) await extra(db.sql, w);
    ctx = { db, sql: db.sql, w };
  }, 180_000);
  afterAll(async () => {
    await ctx?.db.close();
  });
  return () => {
    if (!ctx) throw new Error('the RLS world was not built (beforeAll failed)');
    return ctx;
  };
};

// A write attack (or an allowed write used as a positive control) and what must come of it.
export type WriteCase = { name: string; run: Statement; expected: Outcome };

export const firstId = async (q: Promise<Row[]>): Promise<string> => {
  const [row] = await q;
  if (!row) throw new Error('fixture insert returned nothing');
  return row.id;
};
