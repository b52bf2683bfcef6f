import type { AddressInfo } from 'node:net';
import path from 'node:path';
import postgres from 'postgres';
import { resetConfig } from '../functions/_lib/config';
import { setSql } from '../functions/_lib/db';
import { resetWechatClient } from '../functions/_lib/wechat-context';
import { createAppServer } from '../server/app-server';
import { applySecrets, loadOrCreateSecrets } from '../server/local-secrets';
import type { InstanceMessage, InstanceReply } from './instances';
import { createStatementRecorder } from './statement-recorder';

// One function instance of the bench (bench/instances.ts forks several): the functions alone
// on a port of their own, with a pool of its own, in a process of its own — as on Vercel, where
// every concurrent request is served by its own instance, so no request waits behind another's
// JavaScript or behind the bench clients'. With BENCH_RECORD=1 it records the statements of
// every committed transaction (postgres.js debug hook) and hands them to the bench on request,
// for the RLS and floor replays.
const main = async (): Promise<void> => {
  const databaseUrl = process.env.DATABASE_URL;
  const secretsDir = process.env.BENCH_SECRETS_DIR;
  if (!databaseUrl || !secretsDir) throw new Error('DATABASE_URL and BENCH_SECRETS_DIR must be set');
  applySecrets(await loadOrCreateSecrets(secretsDir));
  resetConfig();
  resetWechatClient();

  const recording = process.env.BENCH_RECORD === '1';
  const recorder = createStatementRecorder();
  const sql = postgres(databaseUrl, {
    max: Number(process.env.DB_POOL_MAX ?? 2),
    idle_timeout: 60,
    connect_timeout: 10,
    prepare: process.env.DB_POOLER_MODE !== 'transaction',
    onnotice: () => {},
    ...(recording ? { debug: recorder.onQuery } : {}),
  });
  setSql(sql);

  const server = createAppServer({ h5Dir: path.join(__dirname, 'no-h5') });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const send = (m: InstanceReply): void => {
    process.send?.(m);
  };
  process.on('message', (m: InstanceMessage) => {
    if (m.type === 'take') {
      send({ type: 'recorded', transactions: recorder.take() });
    } else if (m.type === 'reset') {
      recorder.reset();
      send({ type: 'reset-done' });
    } else if (m.type === 'stop') {
      server.closeAllConnections();
      server.close(() => void sql.end({ timeout: 5 }).then(() => process.exit(0)));
    }
  });
  // A bench that dies must not leave instances behind.
  process.on('disconnect', () => process.exit(0));
  send({ type: 'ready', port: (server.address() as AddressInfo).port });
};

main().catch((e: unknown) => {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
});
