import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { resetConfig } from '../functions/_lib/config';
import { createSql, setSql, type Sql } from '../functions/_lib/db';
import { DEMO_STORE_CODES } from '../functions/_lib/demo-logins';
import { migrate, type MigrationResult } from '../functions/_lib/migrations';
import { resetWechatClient } from '../functions/_lib/wechat-context';
import { createWechatSimulator } from '../simulator/wechat-simulator';
import { createAppServer } from './app-server';
import { DEMO_APPID, seedDemo } from './demo-seed';
import { startEmbeddedDb, type EmbeddedDb } from './embedded-db';
import { createFreshDatabase } from './fresh-database';
import { applySecrets, loadOrCreateSecrets } from './local-secrets';

// Starts the whole app on one port: database (DATABASE_URL, or embedded PGlite), migrations,
// demo data when the database is empty, the functions, the WeChat simulator (unless a real
// WECHAT_API_BASE is configured) and the H5 build.
export type StartOptions = {
  port?: number;
  // Persist embedded data and local secrets here; null = in memory (tests).
  dataDir?: string | null;
  // With DATABASE_URL: create a new, empty database on that server for this app (tests).
  freshDatabase?: boolean;
  h5Dir?: string;
  demoMembers?: number;
  log?: (line: string) => void;
};

export type StartedApp = {
  url: string;
  port: number;
  databaseUrl: string;
  embedded: boolean;
  simulator: ReturnType<typeof createWechatSimulator> | null;
  sql: Sql;
  demo: { appId: string; storeCodes: string[]; orgId: string | null };
  close: () => Promise<void>;
};

const rootDir = path.resolve(__dirname, '..');

export const startApp = async (options: StartOptions = {}): Promise<StartedApp> => {
  const log = options.log ?? (() => {});
  const dataDir = options.dataDir === undefined ? null : options.dataDir;
  applySecrets(await loadOrCreateSecrets(dataDir));

  // Database.
  let embedded: EmbeddedDb | null = null;
  let dropDb: (() => Promise<void>) | null = null;
  let databaseUrl = process.env.DATABASE_URL ?? '';
  if (databaseUrl && options.freshDatabase) {
    const fresh = await createFreshDatabase(databaseUrl);
    databaseUrl = fresh.url;
    dropDb = fresh.drop;
  } else if (!databaseUrl) {
    log(dataDir ? `embedded database (PGlite) in ${path.join(dataDir, 'pgdata')}` : 'embedded database (PGlite) in memory');
    embedded = await startEmbeddedDb({ dataDir: dataDir ? path.join(dataDir, 'pgdata') : undefined });
    databaseUrl = embedded.url;
  }
  // PGlite is one backend: one connection, so transactions never interleave.
  const sql = createSql(databaseUrl, { max: embedded ? 1 : Number(process.env.DB_POOL_MAX ?? 5) });
  let result: MigrationResult;
  try {
    result = await migrate(sql, log);
  } catch (e) {
    await sql.end({ timeout: 5 });
    if (dropDb) await dropDb();
    if (embedded) await embedded.close();
    throw e;
  }
  log(`migrations: ${result.applied.length} applied, ${result.alreadyApplied} already there`);

  // The server first (its port is needed for the simulator URL), then the configuration.
  const useSimulator = !process.env.WECHAT_API_BASE || process.env.WECHAT_SIMULATOR === '1';
  if (useSimulator && !process.env.WECHAT_APPID) process.env.WECHAT_APPID = DEMO_APPID;
  const simulator = useSimulator
    ? createWechatSimulator({ apps: { [process.env.WECHAT_APPID ?? DEMO_APPID]: process.env.WECHAT_SECRET ?? '' } })
    : null;
  const server = createAppServer({ h5Dir: options.h5Dir ?? path.join(rootDir, 'miniprogram/dist/h5'), simulator: simulator ?? undefined });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? Number(process.env.PORT ?? 3000), '0.0.0.0', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const url = `http://localhost:${port}`;
  if (simulator) {
    process.env.WECHAT_API_BASE = `http://127.0.0.1:${port}/wx-sim`;
    process.env.WECHAT_SIMULATOR = '1';
  }
  resetConfig();
  resetWechatClient();
  setSql(sql);

  // Demo data, once, into an empty database.
  let orgId: string | null = null;
  const [{ n } = { n: 0 }] = await sql<{ n: number }[]>`select count(*)::int as n from public.orgs`;
  if (n === 0 && simulator) {
    const started = Date.now();
    const seeded = await seedDemo(sql, { members: options.demoMembers ?? 3000 });
    orgId = seeded.orgId;
    log(`demo data: ${seeded.members} members, ${seeded.orders} orders in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  } else {
    const [org] = await sql<{ id: string }[]>`select id from public.orgs where wx_appid = ${process.env.WECHAT_APPID ?? ''}`;
    orgId = org?.id ?? null;
  }

  return {
    url,
    port,
    databaseUrl,
    embedded: embedded !== null,
    simulator,
    sql,
    demo: { appId: process.env.WECHAT_APPID ?? DEMO_APPID, storeCodes: [...DEMO_STORE_CODES], orgId },
    close: async () => {
      await new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      });
      setSql(null);
      await sql.end({ timeout: 5 });
      if (embedded) await embedded.close();
      if (dropDb) await dropDb();
    },
  };
};
