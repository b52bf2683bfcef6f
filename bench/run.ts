import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import postgres from 'postgres';
import { setSql, type Sql } from '../functions/_lib/db';
import { startApp, type StartedApp } from '../server/start-app';
import { h5Size, kb, weappSize, WEAPP_MAIN_LIMIT, WEAPP_TOTAL_LIMIT } from './bundle-size';
import { startInstances, type Instances } from './instances';
import { createStatementRecorder, type RecordedStatement, type RecordedTx } from './statement-recorder';
import { jobs, type BenchJobRow } from './jobs';
import { BENCH_NOTE, BENCH_TAG_GROUP, loadSamples, operations, type HttpRequest, type Operation, type TargetKind } from './operations';
import { rootDir, SCALE_APPID, SCALE_LOGINS, SCALE_SECRETS_DIR, type ScaleLogin } from './scale-config';
import { ms, summarize, triple, type Summary } from './stats';

// `npm run bench`: the app started in-process against DATABASE_URL (the data of
// `npm run seed:scale`), signed in over HTTP through the WeChat simulator, each operation
// measured with a few concurrent clients three ways:
//   HTTP   — real requests: JWT, zod, the person's RLS transaction, JSON (client-side time,
//            and the server's own time from the Server-Timing header the handler wrapper sets);
//   RLS    — the transactions those requests ran, recorded statement by statement (postgres.js
//            debug hook) and replayed on a connection of their own: the database's cost, no HTTP;
//   floor  — the same replay as the database owner, without the switch to the authenticated
//            role (the claims are still set, so the SQL is identical): no RLS.
// Recording rather than re-implementing keeps the floor honest and needs nothing from the
// route files: an operation is just its HTTP request. It reports, never fails: a missed
// target is a finding, not a broken build.

type Mode = 'http' | 'rls' | 'floor';
type Run = { client: Summary; server: Summary; db: Summary; rps: number; errors: number; firstError: string | null };

const TARGET_MS: Record<Exclude<TargetKind, null>, number> = { search: 30, card: 30, 'tag-write': 20, 'bulk-tag': 2000, dashboard: 500, segment: 300 };
const RLS_RATIO_TARGET = 1.5;

const main = async (): Promise<void> => {
  const { values } = parseArgs({
    options: {
      requests: { type: 'string', default: '400' },
      warmup: { type: 'string', default: '40' },
      concurrency: { type: 'string', default: '4' },
      // Function instances (processes of their own, one per client by default, as on Vercel);
      // 0 = the functions in the bench's own process, sharing its event loop with the clients.
      instances: { type: 'string' },
      appid: { type: 'string', default: SCALE_APPID },
      only: { type: 'string' },
      out: { type: 'string', default: path.join(rootDir, 'bench/results') },
      label: { type: 'string', default: '' },
      'no-write': { type: 'boolean', default: false },
      // Instead of measuring: EXPLAIN (ANALYZE, BUFFERS) every statement of a few recorded
      // requests per operation, with RLS and as the owner, side by side.
      explain: { type: 'boolean', default: false },
      // A shared machine: stop a run after this long, and wait (up to 5 min) before each
      // operation until the 1-minute load average is at most --max-load (off by default).
      'max-seconds': { type: 'string', default: '60' },
      'max-load': { type: 'string' },
      'no-jobs': { type: 'boolean', default: false },
    },
  });
  const databaseUrl = process.env.DATABASE_URL;
  if (!databaseUrl) {
    console.error('DATABASE_URL is not set: the bench runs against the data of `npm run seed:scale` on a Postgres server, e.g.\n' +
      '  DATABASE_URL=postgres://postgres@127.0.0.1:5432/siyu_bench npm run bench');
    process.exit(2);
  }
  const requests = Number(values.requests);
  const warmup = Number(values.warmup);
  const concurrency = Number(values.concurrency);
  const instanceCount = values.instances === undefined ? concurrency : Number(values.instances);
  maxSeconds = Number(values['max-seconds']);
  const maxLoad = values['max-load'] === undefined ? null : Number(values['max-load']);
  const loadAvgAtStart = os.loadavg();

  // The owner's connections: samples, data size, and the floor / RLS runs.
  const owner = postgres(databaseUrl, { max: concurrency + 1, onnotice: () => {}, idle_timeout: 20 });
  let app: StartedApp | null = null;
  let recording: Sql | null = null;
  let instances: Instances | null = null;
  try {
    const [org] = await owner<{ id: string; name: string }[]>`select id, name from public.orgs where wx_appid = ${values.appid}`;
    if (!org) throw new Error(`no org with appid ${values.appid} in this database: run \`npm run seed:scale\` first (same DATABASE_URL)`);
    const data = await dataSize(owner, org.id);
    console.log(`org ${org.name}: ${data.members.toLocaleString('en-US')} members, ${data.orders.toLocaleString('en-US')} orders, ${data.orderLines.toLocaleString('en-US')} order lines`);

    // The app, with the scale org's appid (the simulator mints codes for it; sign-in finds the
    // org by appid) and a pool large enough for the concurrent clients.
    process.env.WECHAT_APPID = values.appid;
    process.env.DB_POOL_MAX = String(Math.max(Number(process.env.DB_POOL_MAX ?? 5), concurrency + 1));
    delete process.env.WECHAT_API_BASE;
    app = await startApp({ port: 0, dataDir: SCALE_SECRETS_DIR, log: (l) => console.log(`app: ${l}`) });
    const started = app;

    const tokens = {} as Record<ScaleLogin, string>;
    const claims = {} as Record<ScaleLogin, string>;
    for (const who of Object.keys(SCALE_LOGINS) as ScaleLogin[]) {
      tokens[who] = await login(started, values.appid, SCALE_LOGINS[who]);
      claims[who] = Buffer.from(tokens[who].split('.')[1] ?? '', 'base64url').toString('utf8');
    }
    const associateSub = (JSON.parse(claims.associate) as { sub: string }).sub;
    const samples = await loadSamples(owner, org.id, associateSub);
    const ops = operations(samples).filter((o) => !values.only || values.only.split(',').some((k) => o.name.includes(k)));

    // From here every request's statements are recorded (for the RLS and floor replays): by
    // the instances, or by a recording pool in this process when the functions run here.
    let recorder: Recorder;
    if (instanceCount > 0) {
      instances = await startInstances({
        count: instanceCount,
        databaseUrl: started.databaseUrl,
        secretsDir: SCALE_SECRETS_DIR,
        env: { WECHAT_APPID: values.appid, WECHAT_API_BASE: process.env.WECHAT_API_BASE, WECHAT_SIMULATOR: process.env.WECHAT_SIMULATOR },
        record: true,
      });
      recorder = { reset: instances.reset, take: instances.take };
      console.log(`${instanceCount} function instances (own processes): ${instances.urls.join(' ')}`);
    } else {
      const local = createStatementRecorder();
      recording = postgres(started.databaseUrl, {
        max: Number(process.env.DB_POOL_MAX),
        idle_timeout: 20,
        connect_timeout: 10,
        prepare: process.env.DB_POOLER_MODE !== 'transaction',
        onnotice: () => {},
        debug: local.onQuery,
      });
      setSql(recording);
      recorder = { reset: async () => local.reset(), take: async () => local.take() };
    }
    const baseUrls = instances ? instances.urls : [started.url];

    if (values.explain) {
      for (const group of pairGroups(ops)) {
        for (const op of group) {
          await recorder.reset();
          await measure(httpExec(op, baseUrls, tokens[op.as]), 5, 1, 0);
          await explainRecorded(op.name, await recorder.take(), owner, claims[op.as]);
        }
      }
      return;
    }

    const results: { op: Operation; runs: Record<Mode, Run> }[] = [];
    for (const group of pairGroups(ops)) {
      const runs = new Map<Operation, Record<Mode, Run>>(group.map((op) => [op, {} as Record<Mode, Run>]));
      const recorded = new Map<Operation, { warm: Recorded[]; main: Recorded[] }>();
      if (maxLoad !== null) await waitForLoad(maxLoad);
      for (const op of group) {
        const exec = httpExec(op, baseUrls, tokens[op.as]);
        await recorder.reset();
        const calls = Math.min(requests, op.calls ?? requests);
        const warmCalls = Math.min(warmup, calls);
        const clients = op.concurrency ?? concurrency;
        await measure(exec, warmCalls, clients, 0);
        const warm = await recorder.take();
        (runs.get(op) as Record<Mode, Run>).http = await measure(exec, calls, clients, warmCalls);
        recorded.set(op, { warm, main: await recorder.take() });
      }
      for (const mode of ['rls', 'floor'] as const) {
        for (const op of group) {
          const { warm, main } = recorded.get(op) ?? { warm: [], main: [] };
          const clients = op.concurrency ?? concurrency;
          await measure(replayExec(mode, warm, owner, claims[op.as]), warm.length, clients, 0);
          (runs.get(op) as Record<Mode, Run>)[mode] = await measure(replayExec(mode, main, owner, claims[op.as]), main.length, clients, 0);
        }
      }
      for (const op of group) {
        const r = runs.get(op) as Record<Mode, Run>;
        results.push({ op, runs: r });
        const h = r.http;
        console.log(
          `${op.name.padEnd(44)} server p95 ${ms(h.server.p95).padStart(6)} ms  http p95 ${ms(h.client.p95).padStart(6)} ms  ` +
            `${h.rps.toFixed(0).padStart(5)} req/s  rls p95 ${ms(r.rls.client.p95).padStart(6)}  floor p95 ${ms(r.floor.client.p95).padStart(6)}` +
            `${h.errors + r.rls.errors + r.floor.errors ? `  errors ${h.errors}/${r.rls.errors}/${r.floor.errors}: ${h.firstError ?? r.rls.firstError ?? r.floor.firstError}` : ''}`,
        );
      }
    }
    setSql(started.sql);
    await instances?.stop();
    instances = null;
    const removed = await owner`delete from public.interactions where org_id = ${org.id} and note = ${BENCH_NOTE}`;
    console.log(`removed ${removed.count} bench interactions`);
    await owner`delete from public.tag_groups where org_id = ${org.id} and name = ${BENCH_TAG_GROUP}`;

    // Jobs (bench/jobs.ts): imports, refreshes, planning, dispatch — each reports its own rows.
    const jobResults: { name: string; rows: BenchJobRow[]; error: string | null }[] = [];
    const selectedJobs = values['no-jobs'] ? [] : jobs.filter((j) => !values.only || values.only.split(',').some((k) => j.name.includes(k)));
    for (const job of selectedJobs) {
      if (maxLoad !== null) await waitForLoad(maxLoad);
      console.log(`job: ${job.name}…`);
      try {
        const rows = await job.run({ owner, databaseUrl, app: started, orgId: org.id, tokens, log: (l) => console.log(`  ${l}`) });
        for (const row of rows) console.log(`  ${row.metric}: ${row.value}${row.floor ? ` (floor ${row.floor})` : ''}${row.target ? ` target ${row.target} ${row.met ? 'met' : 'missed'}` : ''}`);
        jobResults.push({ name: job.name, rows, error: null });
      } catch (e) {
        const message = e instanceof Error ? e.message : String(e);
        console.log(`  failed: ${message}`);
        jobResults.push({ name: job.name, rows: [], error: message });
      }
    }

    const report = renderReport({ results, jobResults, data, requests, warmup, concurrency, instances: instanceCount, loadAvgAtStart, loadAvgAtEnd: os.loadavg(), pg: await pgInfo(owner), label: values.label });
    console.log(`\n${report}`);
    if (!values['no-write']) {
      mkdirSync(values.out, { recursive: true });
      const file = path.join(values.out, `${new Date().toISOString().slice(0, 10)}-${compact(data.members)}${values.label ? `-${values.label}` : ''}.md`);
      writeFileSync(file, report);
      console.log(`written to ${path.relative(rootDir, file)}`);
    }
  } finally {
    await instances?.stop();
    await app?.close();
    await recording?.end({ timeout: 5 });
    await owner.end({ timeout: 5 });
  }
};

// Operations that undo each other run as a group (see Operation.pairedWithNext).
const pairGroups = (ops: Operation[]): Operation[][] => {
  const groups: Operation[][] = [];
  let current: Operation[] = [];
  for (const op of ops) {
    current.push(op);
    if (!op.pairedWithNext) {
      groups.push(current);
      current = [];
    }
  }
  if (current.length > 0) groups.push(current);
  return groups;
};

type Statement = RecordedStatement;
type Recorded = RecordedTx;
type Recorder = { reset: () => Promise<void>; take: () => Promise<Recorded[]> };

const login = async (app: StartedApp, appid: string, openid: string): Promise<string> => {
  const code = (await (await fetch(`${app.url}/wx-sim/dev/login-code`, post({ appid, openid }))).json()) as { code?: string };
  const r = await fetch(`${app.url}/api/auth/wx-login`, post({ code: code.code, appId: appid }));
  const body = (await r.json()) as { token?: string };
  if (r.status !== 200 || !body.token) throw new Error(`sign-in as ${openid} failed (${r.status}): ${JSON.stringify(body)} — is this the scale org's data?`);
  return body.token;
};

const post = (body: unknown): RequestInit => ({ method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

// One call of an operation in a mode; resolves to its timings (ms) or throws.
type Sample = { client: number; server: number; db: number };
// worker = the concurrent client making the call: each client sends to its own instance.
type Exec = (i: number, worker: number) => Promise<Sample>;

const httpExec = (op: Operation, baseUrls: readonly string[], token: string): Exec => async (i, worker) => {
  const req: HttpRequest = op.http(i);
  const t0 = performance.now();
  const r = await fetch((baseUrls[worker % baseUrls.length] ?? '') + req.path, {
    method: req.method,
    headers: { authorization: `Bearer ${token}`, ...(req.body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: req.body === undefined ? undefined : JSON.stringify(req.body),
  });
  const text = await r.text();
  const client = performance.now() - t0;
  if (r.status >= 300) throw new Error(`${req.method} ${req.path} → ${r.status} ${text.slice(0, 200)}`);
  const timing = r.headers.get('server-timing') ?? '';
  const server = Number(/app;dur=([\d.]+)/.exec(timing)?.[1] ?? Number.NaN);
  const db = Number(/db;dur=([\d.]+)/.exec(timing)?.[1] ?? Number.NaN);
  return { client, server, db };
};

// Replays recorded transaction i. RLS: exactly as recorded (its first statement switches to
// the authenticated role and sets the claims, as withPersonTx does). Floor: that statement
// only sets the claims, so private.jwt_org_id() and friends answer the same, but no policy
// applies: the owner bypasses RLS.
const isRoleSwitch = (text: string): boolean => text.includes("set_config('role'");
const replayExec = (mode: 'rls' | 'floor', recorded: Recorded[], owner: Sql, claims: string): Exec => async (i) => {
  const statements = recorded[i];
  if (!statements) throw new Error(`no recorded transaction ${i}`);
  const t0 = performance.now();
  await owner.begin(async (tx) => {
    for (const st of statements) {
      if (mode === 'floor' && isRoleSwitch(st.text)) await tx`select set_config('request.jwt.claims', ${claims}, true)`;
      else await tx.unsafe(st.text, st.params as never[], { prepare: process.env.DB_POOLER_MODE !== 'transaction' });
    }
  });
  const t = performance.now() - t0;
  return { client: t, server: t, db: t };
};

// For --explain: each statement's execution time with RLS and as the owner (each recorded
// transaction replayed twice, statement by statement under EXPLAIN ANALYZE, rolled back), and
// the RLS plan of the statement that RLS slows down most.
const explainRecorded = async (name: string, recorded: Recorded[], owner: Sql, claims: string): Promise<void> => {
  type Timed = { text: string; ms: number; plan: string };
  const run = async (statements: Statement[], mode: 'rls' | 'floor'): Promise<Timed[]> => {
    const out: Timed[] = [];
    await owner
      .begin(async (tx) => {
        for (const st of statements) {
          if (isRoleSwitch(st.text)) {
            if (mode === 'floor') await tx`select set_config('request.jwt.claims', ${claims}, true)`;
            else await tx.unsafe(st.text, st.params as never[]);
            continue;
          }
          if (!/^\s*(select|insert|update|delete|with)\b/i.test(st.text)) {
            await tx.unsafe(st.text, st.params as never[]);
            continue;
          }
          const rows = await tx.unsafe<{ 'QUERY PLAN': string }[]>(`explain (analyze, buffers) ${st.text}`, st.params as never[]);
          const plan = rows.map((r) => r['QUERY PLAN']).join('\n');
          out.push({ text: st.text.replace(/\s+/g, ' ').trim(), ms: Number(/Execution Time: ([\d.]+)/.exec(plan)?.[1] ?? Number.NaN), plan });
        }
        throw new Rollback();
      })
      .catch((e: unknown) => {
        if (!(e instanceof Rollback)) throw e;
      });
    return out;
  };
  console.log(`\n=== ${name}: ${recorded.length} recorded requests`);
  let worst: { gap: number; plan: string; text: string } | null = null;
  for (const [n, statements] of recorded.entries()) {
    const rls = await run(statements, 'rls');
    const floor = await run(statements, 'floor');
    console.log(`request ${n + 1}:`);
    rls.forEach((r, j) => {
      const f = floor[j];
      console.log(`  rls ${ms(r.ms).padStart(7)} ms  owner ${ms(f?.ms ?? Number.NaN).padStart(7)} ms  ${r.text.slice(0, 110)}`);
      const gap = r.ms - (f?.ms ?? 0);
      if (!worst || gap > worst.gap) worst = { gap, plan: r.plan, text: r.text };
    });
  }
  const w = worst as { gap: number; plan: string; text: string } | null;
  if (w) console.log(`\nslowest under RLS relative to the owner (+${ms(w.gap)} ms): ${w.text}\n${w.plan}`);
};
class Rollback extends Error {}

let maxSeconds = 60;

const waitForLoad = async (maxLoad: number): Promise<void> => {
  const until = Date.now() + 5 * 60_000;
  let said = false;
  while ((os.loadavg()[0] ?? 0) > maxLoad && Date.now() < until) {
    if (!said) console.log(`waiting for the load average (${(os.loadavg()[0] ?? 0).toFixed(1)}) to drop to ${maxLoad}…`);
    said = true;
    await new Promise((r) => setTimeout(r, 5000));
  }
};

// n calls, `concurrency` at a time; request numbers start at `offset` so the warm-up and the
// measured run ask different questions of the same kind.
const measure = async (exec: Exec, n: number, concurrency: number, offset: number): Promise<Run> => {
  const samples: Sample[] = [];
  let errors = 0;
  let firstError: string | null = null;
  let next = 0;
  const t0 = performance.now();
  const deadline = Date.now() + maxSeconds * 1000;
  const worker = async (w: number): Promise<void> => {
    for (let i = next++; i < n && Date.now() < deadline; i = next++) {
      try {
        samples.push(await exec(offset + i, w));
      } catch (e) {
        errors++;
        firstError ??= e instanceof Error ? e.message : String(e);
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, (_, w) => worker(w)));
  const wall = performance.now() - t0;
  return {
    client: summarize(samples.map((s) => s.client)),
    server: summarize(samples.map((s) => s.server)),
    db: summarize(samples.map((s) => s.db)),
    rps: (samples.length / wall) * 1000,
    errors,
    firstError,
  };
};

type DataSize = { members: number; orders: number; orderLines: number; memberTags: number; interactions: number; stores: number; staff: number; tags: number; dbBytes: number };

const dataSize = async (sql: Sql, orgId: string): Promise<DataSize> => {
  // Exact counts for this org would scan 35 M rows; the planner's row counts (fresh after the
  // generator's VACUUM ANALYZE) are exact enough for a table caption, except members.
  const [m] = await sql<{ n: number }[]>`select count(*)::int as n from public.members where org_id = ${orgId} and deleted_at is null`;
  const est = await sql<{ relname: string; n: number }[]>`
    select relname, reltuples::bigint::float8 as n from pg_class
    where relnamespace = 'public'::regnamespace and relname in ('orders', 'order_lines', 'member_tags', 'interactions')`;
  const e = (t: string): number => Math.round(est.find((r) => r.relname === t)?.n ?? 0);
  const [small] = await sql<{ stores: number; staff: number; tags: number; db: string }[]>`
    select (select count(*)::int from public.stores where org_id = ${orgId}) as stores,
           (select count(*)::int from public.staff where org_id = ${orgId}) as staff,
           (select count(*)::int from public.tags where org_id = ${orgId}) as tags,
           pg_database_size(current_database())::text as db`;
  return {
    members: m?.n ?? 0,
    orders: e('orders'),
    orderLines: e('order_lines'),
    memberTags: e('member_tags'),
    interactions: e('interactions'),
    stores: small?.stores ?? 0,
    staff: small?.staff ?? 0,
    tags: small?.tags ?? 0,
    dbBytes: Number(small?.db ?? 0),
  };
};

// Whether the (same machine's) server maps its shared memory with huge pages: bench/huge-pages.sh.
const hugePages = (): string => {
  try {
    const info = readFileSync('/proc/meminfo', 'utf8');
    const field = (name: string): number => Number(new RegExp(`^${name}:\\s+(\\d+)`, 'm').exec(info)?.[1] ?? 0);
    // Reserved pages are mapped by the server already (it touches them as it goes).
    const used = field('HugePages_Total') - field('HugePages_Free') + field('HugePages_Rsvd');
    return used > 0 ? `huge pages: ${used} mapped` : 'no huge pages (4 kB pages: see bench/huge-pages.sh)';
  } catch {
    return 'huge pages: unknown';
  }
};

const pgInfo = async (sql: Sql): Promise<string> => {
  const [v] = await sql<{ v: string; sb: string; wm: string }[]>`
    select split_part(version(), ' on ', 1) as v, current_setting('shared_buffers') as sb, current_setting('work_mem') as wm`;
  return v ? `${v.v} (shared_buffers ${v.sb}, work_mem ${v.wm}, ${hugePages()})` : 'unknown';
};

const compact = (n: number): string => (n >= 1_000_000 && n % 1_000_000 === 0 ? `${n / 1_000_000}m` : n >= 1000 && n % 1000 === 0 ? `${n / 1000}k` : String(n));

const renderReport = (r: {
  results: { op: Operation; runs: Record<Mode, Run> }[];
  jobResults: { name: string; rows: BenchJobRow[]; error: string | null }[];
  data: DataSize;
  requests: number;
  warmup: number;
  concurrency: number;
  instances: number;
  loadAvgAtStart: number[];
  loadAvgAtEnd: number[];
  pg: string;
  label: string;
}): string => {
  const cpus = os.cpus();
  const lines: string[] = [];
  const n = (x: number): string => x.toLocaleString('en-US');
  lines.push(`# Bench ${new Date().toISOString().slice(0, 10)} — ${n(r.data.members)} members${r.label ? ` (${r.label})` : ''}`);
  lines.push('');
  lines.push(`- Machine: ${cpus.length} × ${cpus[0]?.model.trim() ?? 'cpu'}, ${(os.totalmem() / 2 ** 30).toFixed(1)} GB RAM, ${os.type()} ${os.release()}; Node ${process.version}`);
  lines.push(`- Database: ${r.pg}, same machine`);
  lines.push(
    `- Load average (1/5/15 min) at start ${r.loadAvgAtStart.map((x) => x.toFixed(2)).join(' / ')}, at end ${r.loadAvgAtEnd.map((x) => x.toFixed(2)).join(' / ')} — ` +
      'the machine is shared with other work (builds, tests), so numbers are noisy.',
  );
  lines.push(
    `- Data (one org, \`npm run seed:scale\`): ${n(r.data.members)} members, ${n(r.data.stores)} stores, ${n(r.data.staff)} staff, ${n(r.data.tags)} tags, ` +
      `${n(r.data.memberTags)} member tags, ${n(r.data.orders)} orders, ${n(r.data.orderLines)} order lines, ${n(r.data.interactions)} interactions; database ${(r.data.dbBytes / 2 ** 30).toFixed(1)} GB`,
  );
  lines.push(
    `- Method: per operation ${r.warmup} warm-up then ${r.requests} calls (fewer if a run reaches ${maxSeconds} s), ${r.concurrency} concurrent clients (1 for operations marked "one at a time"), in each of three modes. ` +
      '**server** = the handler\'s own time (Server-Timing `app`: JWT, zod, the RLS transaction, output) of real HTTP requests; ' +
      (r.instances > 0
        ? `**HTTP** = the client's time for the same requests; the functions run in ${r.instances} instances (processes of their own, one per client, each serving one request at a time as a Vercel instance does), the clients in the bench's process; `
        : '**HTTP** = the client\'s time for the same requests (the clients run in the same Node process as the server, sharing its event loop); ') +
      '**RLS** = the transactions those requests ran, recorded statement by statement and replayed (role authenticated + claims), no HTTP; ' +
      '**floor** = the same replay as the database owner, claims set but no role switch: no RLS. Times in ms, p50 / p95 / p99.',
  );
  lines.push('');
  lines.push('| operation | as | calls | server p50 / p95 / p99 | HTTP p50 / p95 / p99 | req/s | RLS p50 / p95 / p99 | floor p50 / p95 / p99 | server ÷ floor (p95) | RLS ÷ floor (p95) | target (server p95) |');
  lines.push('|---|---|---|---|---|---|---|---|---|---|---|');
  for (const { op, runs } of r.results) {
    const target = op.target ? TARGET_MS[op.target] : null;
    const serverRatio = runs.http.server.p95 / runs.floor.client.p95;
    const rlsRatio = runs.rls.client.p95 / runs.floor.client.p95;
    const verdict = target === null ? '–' : `${runs.http.server.p95 < target ? '✅' : '❌'} < ${target}${rlsRatio < RLS_RATIO_TARGET ? '' : `; RLS ${rlsRatio.toFixed(1)}× ≥ ${RLS_RATIO_TARGET}×`}`;
    const errors = runs.http.errors + runs.rls.errors + runs.floor.errors;
    lines.push(
      `| ${op.name}${errors ? ` (${errors} errors)` : ''} | ${op.as} | ${runs.http.client.n} | ${triple(runs.http.server)} | ${triple(runs.http.client)} | ${runs.http.rps.toFixed(0)} | ` +
        `${triple(runs.rls.client)} | ${triple(runs.floor.client)} | ${serverRatio.toFixed(2)}× | ${rlsRatio.toFixed(2)}× | ${verdict} |`,
    );
  }
  lines.push('');
  lines.push('Targets (DESIGN.md): associate search and customer card p95 < 30 ms server time, tag add/remove p95 < 20 ms (log an interaction is held to the same), RLS < 1.5× the bare-SQL floor; console dashboards and data quality (issue 7) p95 < 500 ms. Other operator rows have no target; they show the org-wide cost.');
  if (r.jobResults.length > 0) {
    lines.push('');
    lines.push('## Jobs');
    lines.push('');
    lines.push('| job | measured | value | bare-SQL floor | ÷ floor | target |');
    lines.push('|---|---|---|---|---|---|');
    for (const j of r.jobResults) {
      if (j.error) lines.push(`| ${j.name} | failed: ${j.error.replace(/\|/g, '/').slice(0, 200)} | – | – | – | – |`);
      for (const row of j.rows) {
        const verdict = row.target ? `${row.met ? '✅' : '❌'} ${row.target}` : '–';
        lines.push(`| ${j.name} | ${row.metric} | ${row.value} | ${row.floor ?? '–'} | ${row.ratio === undefined ? '–' : `${row.ratio.toFixed(2)}×`} | ${verdict} |`);
      }
    }
  }
  lines.push('');
  lines.push('## App size');
  lines.push('');
  const weapp = weappSize(path.join(rootDir, 'miniprogram/dist/weapp'));
  const h5 = h5Size(path.join(rootDir, 'miniprogram/dist/h5'));
  if (weapp) {
    const subs = weapp.subpackages.map((s) => `${s.root} ${kb(s.bytes)}`).join(', ');
    lines.push(
      `- weapp (build of ${weapp.builtAt.toISOString().slice(0, 16).replace('T', ' ')} UTC): main package **${kb(weapp.main)}** of WeChat's 2 MB limit (${((weapp.main / WEAPP_MAIN_LIMIT) * 100).toFixed(0)} %); ` +
        `subpackages: ${subs || 'none'}; total ${kb(weapp.total)} of 20 MB (${((weapp.total / WEAPP_TOTAL_LIMIT) * 100).toFixed(1)} %).`,
    );
  } else lines.push('- weapp: no build in miniprogram/dist/weapp (`npm run build:weapp`).');
  if (h5) lines.push(`- H5 console (build of ${h5.builtAt.toISOString().slice(0, 16).replace('T', ' ')} UTC): ${h5.jsFiles} JS files, **${kb(h5.js)}** (${kb(h5.jsGzip)} gzipped).`);
  else lines.push('- H5: no build in miniprogram/dist/h5 (`npm run build:h5`).');
  lines.push('');
  return lines.join('\n');
};

main().catch((e: unknown) => {
  console.error(e instanceof Error ? e.message : e);
  if (process.env.DEBUG) console.error(e);
  process.exit(1);
});
