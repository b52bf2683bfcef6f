import { randomBytes } from 'node:crypto';
import postgres from 'postgres';
import { createSql, type Sql } from '../../functions/_lib/db';
import { migrate } from '../../functions/_lib/migrations';
import { startEmbeddedDb } from '../../server/embedded-db';

// A fresh database with every migration applied: a new database on the DATABASE_URL server
// (dropped afterwards), or, with no DATABASE_URL, an in-memory embedded PGlite.
export type TestDb = { sql: Sql; url: string; embedded: boolean; close: () => Promise<void> };

export const usingServer = (): boolean => Boolean(process.env.DATABASE_URL);

export const createTestDb = async (): Promise<TestDb> => {
  const serverUrl = process.env.DATABASE_URL;
  if (serverUrl) {
    const name = `siyu_test_${Date.now().toString(36)}_${randomBytes(3).toString('hex')}`;
    const admin = postgres(serverUrl, { max: 1, onnotice: () => {} });
    await admin.unsafe(`create database ${name}`);
    await admin.end();
    const u = new URL(serverUrl);
    u.pathname = `/${name}`;
    const sql = createSql(u.toString(), { max: 4 });
    const drop = async (): Promise<void> => {
      const a = postgres(serverUrl, { max: 1, onnotice: () => {} });
      await a.unsafe(`drop database if exists ${name} with (force)`);
      await a.end();
    };
    try {
      await migrate(sql);
    } catch (e) {
      // Leave no half-made database behind.
      await sql.end({ timeout: 5 });
      await drop();
      throw e;
    }
    return {
      sql,
      url: u.toString(),
      embedded: false,
      close: async () => {
        await sql.end({ timeout: 5 });
        await drop();
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
