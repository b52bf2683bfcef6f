import { mkdir } from 'node:fs/promises';
import { PGlite } from '@electric-sql/pglite';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';

// Embedded Postgres (PGlite, in-process WASM) served over the Postgres wire protocol, so the app
// talks to it with the same driver and the same SQL as to a real server. PGlite is a single
// backend: callers must use ONE pooled connection so two transactions never interleave.
export type EmbeddedDb = { url: string; close: () => Promise<void> };

export const startEmbeddedDb = async (options: { dataDir?: string; port?: number } = {}): Promise<EmbeddedDb> => {
  if (options.dataDir) await mkdir(options.dataDir, { recursive: true });
  const db = await PGlite.create(options.dataDir ? { dataDir: options.dataDir } : {});
  const server = new PGLiteSocketServer({ db, port: options.port ?? 0, host: '127.0.0.1', maxConnections: 8 });
  await server.start();
  const conn = server.getServerConn(); // "127.0.0.1:PORT"
  return {
    url: `postgres://postgres@${conn}/postgres?sslmode=disable`,
    close: async () => {
      await server.stop();
      await db.close();
    },
  };
};
