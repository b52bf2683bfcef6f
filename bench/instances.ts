import { fork, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import type { RecordedTx } from './statement-recorder';

// Function instances for the bench: `count` processes (bench/instance-main.ts), each serving
// the functions on its own port with its own database pool. The bench gives each of its
// concurrent clients one instance, so an instance serves one request at a time, as a Vercel
// instance does, and the clients' own JavaScript runs in the bench's process, not in the
// server's event loop.

export type InstanceMessage = { type: 'take' } | { type: 'reset' } | { type: 'stop' };
export type InstanceReply =
  | { type: 'ready'; port: number }
  | { type: 'recorded'; transactions: RecordedTx[] }
  | { type: 'reset-done' };

export type Instances = {
  urls: string[];
  // The statements of every transaction committed since the last take or reset, all instances.
  take: () => Promise<RecordedTx[]>;
  reset: () => Promise<void>;
  stop: () => Promise<void>;
};

const reply = <T extends InstanceReply['type']>(child: ChildProcess, type: T): Promise<Extract<InstanceReply, { type: T }>> =>
  new Promise((resolve, reject) => {
    const onMessage = (m: InstanceReply): void => {
      if (m.type !== type) return;
      cleanup();
      resolve(m as Extract<InstanceReply, { type: T }>);
    };
    const onExit = (code: number | null): void => {
      cleanup();
      reject(new Error(`bench instance exited (code ${code ?? 'signal'}) before answering ${type}`));
    };
    const cleanup = (): void => {
      child.off('message', onMessage);
      child.off('exit', onExit);
    };
    child.on('message', onMessage);
    child.on('exit', onExit);
  });

export const startInstances = async (options: {
  count: number;
  databaseUrl: string;
  secretsDir: string;
  // Environment the app in the bench's own process was configured with (appid, WeChat base).
  env: Record<string, string | undefined>;
  record: boolean;
}): Promise<Instances> => {
  const children = Array.from({ length: options.count }, () =>
    fork(path.join(__dirname, 'instance-main.ts'), [], {
      execArgv: ['--import', 'tsx'],
      env: {
        ...process.env,
        ...options.env,
        DATABASE_URL: options.databaseUrl,
        BENCH_SECRETS_DIR: options.secretsDir,
        BENCH_RECORD: options.record ? '1' : '0',
        DB_POOL_MAX: '2',
        NODE_ENV: 'production',
      },
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    }),
  );
  try {
    const ready = await Promise.all(children.map((c) => reply(c, 'ready')));
    return {
      urls: ready.map((r) => `http://127.0.0.1:${r.port}`),
      take: async () => {
        const parts = await Promise.all(
          children.map((c) => {
            const answer = reply(c, 'recorded');
            c.send({ type: 'take' } satisfies InstanceMessage);
            return answer;
          }),
        );
        return parts.flatMap((p) => p.transactions);
      },
      reset: async () => {
        await Promise.all(
          children.map((c) => {
            const answer = reply(c, 'reset-done');
            c.send({ type: 'reset' } satisfies InstanceMessage);
            return answer;
          }),
        );
      },
      stop: async () => {
        await Promise.all(
          children.map(
            (c) =>
              new Promise<void>((resolve) => {
                if (c.exitCode !== null) return resolve();
                c.once('exit', () => resolve());
                c.send({ type: 'stop' } satisfies InstanceMessage);
                setTimeout(() => c.kill(), 10_000).unref();
              }),
          ),
        );
      },
    };
  } catch (e) {
    for (const c of children) c.kill();
    throw e;
  }
};
