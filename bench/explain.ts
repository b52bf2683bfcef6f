import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import postgres from 'postgres';
import { SCALE_APPID, SCALE_LOGINS, type ScaleLogin } from './scale-config';

// `npx tsx bench/explain.ts --as associate [--owner] "select …"` (or --file q.sql): EXPLAIN
// (ANALYZE, BUFFERS) of a query exactly as a request runs it — role authenticated and the
// person's claims set transaction-locally, as functions/_lib/db.ts withPersonTx does — or, with
// --owner, as the database owner with the same claims (no RLS): the bare-SQL floor. The claims
// make private.jwt_org_id() / auth.uid() work in both. Rolled back, so writes are safe to try.
const main = async (): Promise<void> => {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      as: { type: 'string', default: 'associate' },
      owner: { type: 'boolean', default: false },
      file: { type: 'string' },
      appid: { type: 'string', default: SCALE_APPID },
      runs: { type: 'string', default: '1' },
    },
  });
  const url = process.env.DATABASE_URL;
  if (!url) throw new Error('DATABASE_URL is not set');
  const query = values.file ? readFileSync(values.file, 'utf8') : positionals.join(' ');
  if (!query.trim()) throw new Error('give a query (or --file)');
  const login = values.as as ScaleLogin;
  const openid = SCALE_LOGINS[login] ?? values.as;
  const sql = postgres(url, { max: 1, onnotice: () => {} });
  try {
    const [who] = await sql<{ account_id: string; org_id: string }[]>`
      select a.id as account_id, a.org_id from public.accounts a join public.orgs o on o.id = a.org_id
      where o.wx_appid = ${values.appid} and a.wx_openid = ${openid}`;
    if (!who) throw new Error(`no account ${openid} in the org with appid ${values.appid}`);
    const claims = JSON.stringify({ sub: who.account_id, role: 'authenticated', aud: 'authenticated', org_id: who.org_id });
    for (let run = 0; run < Number(values.runs); run++) {
      await sql
        .begin(async (tx) => {
          if (values.owner) await tx`select set_config('request.jwt.claims', ${claims}, true)`;
          else await tx`select set_config('role', 'authenticated', true), set_config('request.jwt.claims', ${claims}, true)`;
          const plan = await tx.unsafe<{ 'QUERY PLAN': string }[]>(`explain (analyze, buffers, settings) ${query}`);
          if (run === Number(values.runs) - 1) console.log(plan.map((r) => r['QUERY PLAN']).join('\n'));
          throw new RollbackSignal();
        })
        .catch((e: unknown) => {
          if (!(e instanceof RollbackSignal)) throw e;
        });
    }
  } finally {
    await sql.end();
  }
};

class RollbackSignal extends Error {}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
});
