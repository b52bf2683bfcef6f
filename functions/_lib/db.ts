import postgres from 'postgres';
import type { AccessClaims } from './jwt';

// One pooled connection per function instance. Every request runs in ONE transaction that first
// sets, transaction-locally, exactly what Supabase's gateway sets (role + request.jwt.claims), so
// the RLS policies decide what the person sees. Transaction-local settings are also what a
// transaction-mode pooler (Supavisor) allows.
export type Sql = postgres.Sql;
export type Tx = postgres.TransactionSql;

let shared: Sql | null = null;

export const createSql = (url: string, options: { max?: number } = {}): Sql =>
  postgres(url, {
    max: options.max ?? Number(process.env.DB_POOL_MAX ?? 5),
    idle_timeout: 20,
    connect_timeout: 10,
    // Transaction-mode poolers cannot keep prepared statements across transactions.
    prepare: process.env.DB_POOLER_MODE !== 'transaction',
    onnotice: () => {},
  });

export const getSql = (): Sql => {
  if (!shared) {
    const url = process.env.DATABASE_URL;
    if (!url) throw new Error('DATABASE_URL is not set');
    shared = createSql(url);
  }
  return shared;
};

export const setSql = (sql: Sql | null): void => {
  shared = sql;
};

// The transaction's setup statement (role, claims) is sent without waiting for its answer, so it
// travels with the request's first statement: one round trip fewer per request, which under load
// is a scheduling wait of the instance and of the database each. It still runs first: one
// connection executes its statements in the order they were sent, and a failed setup aborts the
// transaction, so nothing after it runs (Promise.all reports the first failure).
const afterSetup = async <T>(tx: Tx, setup: postgres.PendingQuery<postgres.Row[]>, fn: (tx: Tx) => Promise<T>): Promise<T> => {
  const [, result] = await Promise.all([setup.execute(), fn(tx)]);
  return result;
};

// A person's request: role authenticated + their claims, for this transaction only.
export const withPersonTx = async <T>(sql: Sql, claims: AccessClaims, fn: (tx: Tx) => Promise<T>): Promise<T> =>
  (await sql.begin((tx) => afterSetup(tx, tx`select set_config('role', 'authenticated', true), set_config('request.jwt.claims', ${JSON.stringify(claims)}, true)`, fn))) as T;

// The identity service (sign-in, WeChat token cache): role app_auth, which may only run the
// routines granted to it.
export const withAuthServiceTx = async <T>(sql: Sql, fn: (tx: Tx) => Promise<T>): Promise<T> =>
  (await sql.begin((tx) => afterSetup(tx, tx`select set_config('role', 'app_auth', true)`, fn))) as T;

// Scheduled jobs only (greeting dispatch, imports): never on behalf of a person.
export const withServiceTx = async <T>(sql: Sql, fn: (tx: Tx) => Promise<T>): Promise<T> =>
  (await sql.begin((tx) => afterSetup(tx, tx`select set_config('role', 'service_role', true)`, fn))) as T;
