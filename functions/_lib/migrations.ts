import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import type postgres from 'postgres';

// Applies supabase/migrations/*.sql in order, each in its own transaction, recording them in
// the same table the Supabase CLI uses, so a database migrated here is "up to date" for it too.
const migrationsDir = path.resolve(__dirname, '../../supabase/migrations');

export type MigrationResult = { applied: string[]; alreadyApplied: number };

export const listMigrations = async (): Promise<{ version: string; name: string; file: string }[]> => {
  const files = (await readdir(migrationsDir)).filter((f) => /^\d{14}_.+\.sql$/.test(f)).sort();
  return files.map((file) => {
    const [version, ...rest] = file.replace(/\.sql$/, '').split('_');
    return { version: version ?? file, name: rest.join('_'), file: path.join(migrationsDir, file) };
  });
};

export const migrate = async (sql: postgres.Sql, log: (line: string) => void = () => {}): Promise<MigrationResult> => {
  await sql.unsafe(`
    create schema if not exists supabase_migrations;
    create table if not exists supabase_migrations.schema_migrations (
      version text primary key, statements text[], name text
    );
  `);
  const done = new Set(
    (await sql<{ version: string }[]>`select version from supabase_migrations.schema_migrations`).map((r) => r.version),
  );
  const applied: string[] = [];
  for (const m of await listMigrations()) {
    if (done.has(m.version)) continue;
    const text = await readFile(m.file, 'utf8');
    await sql.begin(async (tx) => {
      // Serialise concurrent migrators (two app instances starting at once).
      await tx`select pg_advisory_xact_lock(727271)`;
      const again = await tx`select 1 from supabase_migrations.schema_migrations where version = ${m.version}`;
      if (again.length > 0) return;
      await tx.unsafe(text);
      await tx`insert into supabase_migrations.schema_migrations (version, name, statements) values (${m.version}, ${m.name}, ${[text]})`;
    });
    applied.push(`${m.version}_${m.name}`);
    log(`applied ${m.version}_${m.name}`);
  }
  return { applied, alreadyApplied: done.size };
};
