import postgres from 'postgres';
import { wechatSubscribeChannel } from '../../functions/_lib/messaging/channel';
import { dispatch, type DispatchReport } from '../../functions/_lib/messaging/engine';
import { createMemoryTokenStore, createWechatClient } from '../../functions/_lib/wechat/wechat-client';

// One greetings dispatcher in a process of its own, as each cron run is a function instance of
// its own: the bench forks several, each connects and fetches its access token, says "ready",
// and on "go" dispatches until the queue is empty, then reports. Nothing of the bench shares
// its event loop.
export type DispatcherMessage = { type: 'go' };
export type DispatcherReply = { type: 'ready' } | { type: 'done'; report: DispatchReport; ms: number } | { type: 'failed'; error: string };

const main = async (): Promise<void> => {
  const env = (k: string): string => {
    const v = process.env[k];
    if (!v) throw new Error(`${k} is required`);
    return v;
  };
  const sql = postgres(env('DATABASE_URL'), { max: 2, idle_timeout: 20, onnotice: () => {} });
  const client = createWechatClient({ baseUrl: env('SIM_URL'), appId: env('SIM_APPID'), secret: env('SIM_SECRET'), tokenStore: createMemoryTokenStore() });
  await client.getAccessToken();
  await sql`select 1`;
  const inFlight = Number(env('DISPATCH_IN_FLIGHT'));
  const now = new Date(env('DISPATCH_NOW'));
  const send = (m: DispatcherReply): void => {
    process.send?.(m);
  };
  process.on('disconnect', () => process.exit(0));
  process.once('message', (m: DispatcherMessage) => {
    if (m.type !== 'go') return;
    const t0 = performance.now();
    dispatch(sql, { channel: wechatSubscribeChannel(client), batchSize: 64, concurrency: inFlight, maxBatches: 1_000_000, now: () => now })
      .then((report) => send({ type: 'done', report, ms: performance.now() - t0 }))
      .catch((e: unknown) => send({ type: 'failed', error: e instanceof Error ? e.message : String(e) }))
      .finally(() => void sql.end({ timeout: 5 }).then(() => process.exit(0)));
  });
  send({ type: 'ready' });
};

main().catch((e: unknown) => {
  process.send?.({ type: 'failed', error: e instanceof Error ? e.message : String(e) } satisfies DispatcherReply);
  process.exit(1);
});
