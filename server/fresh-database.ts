import { randomBytes } from 'node:crypto';
import postgres from 'postgres';

// A new, empty database on a Postgres server, for one test file or one test app; drop() removes
// it (connections are forced closed first).
export type FreshDatabase = { url: string; drop: () => Promise<void> };

export const createFreshDatabase = async (serverUrl: string): Promise<FreshDatabase> => {
  const name = `siyu_test_${Date.now().toString(36)}_${randomBytes(3).toString('hex')}`;
  const admin = postgres(serverUrl, { max: 1, onnotice: () => {} });
  try {
    await admin.unsafe(`create database ${name}`);
  } finally {
    await admin.end();
  }
  const u = new URL(serverUrl);
  u.pathname = `/${name}`;
  return {
    url: u.toString(),
    drop: async () => {
      const a = postgres(serverUrl, { max: 1, onnotice: () => {} });
      try {
        await a.unsafe(`drop database if exists ${name} with (force)`);
      } finally {
        await a.end();
      }
    },
  };
};
