import { createSql, type Sql } from '../../functions/_lib/db';
import { migrate } from '../../functions/_lib/migrations';
import { startEmbeddedDb } from '../../server/embedded-db';
import { createFreshDatabase } from '../../server/fresh-database';

// A fresh database with every migration applied: a new database on the DATABASE_URL server
// (dropped afterwards), or, with no DATABASE_URL, an in-memory embedded PGlite.
export type TestDb = { sql: Sql; url: string; embedded: boolean; close: () => Promise<void> };

export const usingServer = (): boolean => Boolean(process.env.DATABASE_URL);

export const createTestDb = async (): Promise<TestDb> => {
  const serverUrl = process.env.DATABASE_URL;
  if (serverUrl) {
    const fresh = await createFreshDatabase(serverUrl);
    const sql = createSql(fresh.url, { max: 4 });
    try {
      await migrate(sql);
    } catch (e) {
      // Leave no half-made database behind.
      await sql.end({ timeout: 5 });
      await fresh.drop();
      throw e;
    }
    return {
      sql,
      url: fresh.url,
      embedded: false,
      close: async () => {
        await sql.end({ timeout: 5 });
        await fresh.drop();
      },
    };
  }
  const db = await startEmbeddedDb();
  const sql = createSql(db.url, { max: 1 });
  await migrate(sql);
  return {
    sql,
    url: db.url,
    embedded: true,
    close: async () => {
      await sql.end({ timeout: 5 });
      await db.close();
    },
  };
};
