import path from 'node:path';
import { createSql } from '../functions/_lib/db';
import { migrate } from '../functions/_lib/migrations';
import { startEmbeddedDb } from '../server/embedded-db';
import { rootDir } from './build-freshness';

// `npm run db:migrate`: apply pending migrations to DATABASE_URL, or to the embedded database.
const main = async (): Promise<void> => {
  const embedded = process.env.DATABASE_URL ? null : await startEmbeddedDb({ dataDir: path.join(rootDir, '.data/pgdata') });
  const sql = createSql(process.env.DATABASE_URL ?? embedded?.url ?? '', { max: 1 });
  const r = await migrate(sql, (l) => console.log(l));
  console.log(`${r.applied.length} applied, ${r.alreadyApplied} already applied`);
  await sql.end();
  await embedded?.close();
};
main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
