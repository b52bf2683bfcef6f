import { randomBytes } from 'node:crypto';
import postgres from 'postgres';
import { createSql, type Sql, type Tx } from '../../functions/_lib/db';
import { migrate } from '../../functions/_lib/migrations';
import { startEmbeddedDb } from '../../server/embedded-db';
import { createTestDb, type TestDb } from '../helpers/test-db';
import { asOwner } from './rls-helpers';

// Catalogue-wide checks: they read pg_catalog, so tables, policies and functions added by later
// migrations are covered without touching this file.

const SCHEMAS = ['public', 'private'];

let db: TestDb;
let sql: Sql;

beforeAll(async () => {
  db = await createTestDb();
  sql = db.sql;
}, 180_000);

afterAll(async () => {
  await db?.close();
});

type Named = { name: string };

type Querier = Sql | Tx;

const tablesWithoutRls = async (q: Querier): Promise<string[]> =>
  (await q<Named[]>`
    select n.nspname || '.' || c.relname as name
    from pg_class c join pg_namespace n on n.oid = c.relnamespace
    where n.nspname = any (${SCHEMAS}::text[]) and c.relkind in ('r', 'p') and not c.relrowsecurity
    order by 1`).map((r) => r.name);

const policiesNotForAuthenticated = async (q: Querier): Promise<string[]> =>
  (await q<Named[]>`
    select schemaname || '.' || tablename || ': ' || policyname || ' -> {' || array_to_string(roles, ',') || '}' as name
    from pg_policies where schemaname = any (${SCHEMAS}::text[]) and roles::text[] <> array['authenticated']
    order by 1`).map((r) => r.name);

const definersWithoutSearchPath = async (q: Querier): Promise<string[]> =>
  (await q<Named[]>`
    select n.nspname || '.' || p.proname || '(' || pg_get_function_identity_arguments(p.oid) || ')' as name
    from pg_proc p join pg_namespace n on n.oid = p.pronamespace
    where p.prosecdef and n.nspname not in ('pg_catalog', 'information_schema')
      and not exists (select 1 from unnest(coalesce(p.proconfig, '{}'::text[])) c where c like 'search_path=%')
    order by 1`).map((r) => r.name);

// Every privilege anon and authenticated hold on the tables, columns, sequences and functions of
// the public and private schemas, one string per (role, privilege, object).
const privilegeInventory = async (s: Sql): Promise<string[]> => {
  const rows = await s<Named[]>`
    with roles(r) as (values ('anon'), ('authenticated')),
    rels as (
      select c.oid, n.nspname || '.' || c.relname as qname, c.relkind
      from pg_class c join pg_namespace n on n.oid = c.relnamespace
      where n.nspname = any (${SCHEMAS}::text[]) and c.relkind in ('r', 'p', 'v', 'm', 'f', 'S')
    )
    select r || ' ' || p || ' ' || qname as name
    from roles, rels, unnest(array['DELETE', 'TRUNCATE', 'TRIGGER']) p
    where relkind <> 'S' and has_table_privilege(r, oid, p)
    union all
    select r || ' ' || p || ' ' || qname || '.' || a.attname
    from roles, rels
    join pg_attribute a on a.attrelid = rels.oid and a.attnum > 0 and not a.attisdropped,
    unnest(array['SELECT', 'INSERT', 'UPDATE', 'REFERENCES']) p
    where relkind <> 'S' and has_column_privilege(r, rels.oid, a.attnum, p)
    union all
    select r || ' ' || p || ' ' || qname
    from roles, rels, unnest(array['USAGE', 'SELECT', 'UPDATE']) p
    where relkind = 'S' and has_sequence_privilege(r, oid, p)
    union all
    select r || ' EXECUTE ' || n.nspname || '.' || f.proname || '(' || pg_get_function_identity_arguments(f.oid) || ')'
    from roles, pg_proc f join pg_namespace n on n.oid = f.pronamespace
    where n.nspname = any (${SCHEMAS}::text[]) and has_schema_privilege(r, n.oid, 'USAGE')
      and has_function_privilege(r, f.oid, 'EXECUTE')`;
  return rows.map((x) => x.name).sort();
};

// A database prepared the way Supabase prepares one before any project migration runs: the API
// roles exist and the platform's default privileges grant them everything on new objects in
// public. The migrations are documented to run there unchanged.
const SUPABASE_DEFAULTS = `
  do $$
  declare r text;
  begin
    foreach r in array array['anon', 'authenticated', 'service_role'] loop
      if not exists (select 1 from pg_roles where rolname = r) then
        begin
          execute format('create role %I nologin noinherit', r);
        exception when duplicate_object or unique_violation then null;
        end;
      end if;
    end loop;
  end
  $$;
  grant usage on schema public to anon, authenticated, service_role;
  alter default privileges in schema public grant all on tables to anon, authenticated, service_role;
  alter default privileges in schema public grant all on functions to anon, authenticated, service_role;
  alter default privileges in schema public grant all on sequences to anon, authenticated, service_role;
`;

const withSupabaseLikeDb = async <T>(fn: (s: Sql) => Promise<T>): Promise<T> => {
  const serverUrl = process.env.DATABASE_URL;
  if (serverUrl) {
    const name = `siyu_test_sb_${Date.now().toString(36)}_${randomBytes(3).toString('hex')}`;
    const admin = postgres(serverUrl, { max: 1, onnotice: () => {} });
    await admin.unsafe(`create database ${name}`);
    const u = new URL(serverUrl);
    u.pathname = `/${name}`;
    const s = createSql(u.toString(), { max: 1 });
    try {
      await s.unsafe(SUPABASE_DEFAULTS);
      await migrate(s);
      return await fn(s);
    } finally {
      await s.end({ timeout: 5 });
      await admin.unsafe(`drop database if exists ${name} with (force)`);
      await admin.end();
    }
  }
  const emb = await startEmbeddedDb();
  const s = createSql(emb.url, { max: 1 });
  try {
    await s.unsafe(SUPABASE_DEFAULTS);
    await migrate(s);
    return await fn(s);
  } finally {
    await s.end({ timeout: 5 });
    await emb.close();
  }
};

// "authenticated SELECT public.members.phone_enc" lines grouped per (role, privilege, table).
const summarise = (lines: string[]): string[] => {
  const groups = new Map<string, string[]>();
  for (const line of lines) {
    const [role, priv, object] = line.split(' ');
    const parts = (object ?? '').split('.');
    const table = parts.slice(0, 2).join('.');
    const column = parts[2];
    const key = `${role} ${priv} ${table}`;
    const cols = groups.get(key) ?? [];
    if (column) cols.push(column);
    groups.set(key, cols);
  }
  return [...groups.entries()].map(([k, cols]) => (cols.length ? `${k}(${cols.join(', ')})` : k)).sort();
};

describe('the catalogue', () => {
  test('every table in public and private has row level security enabled', async () => {
    const tables = await sql<Named[]>`
      select n.nspname || '.' || c.relname as name
      from pg_class c join pg_namespace n on n.oid = c.relnamespace
      where n.nspname = any (${SCHEMAS}::text[]) and c.relkind in ('r', 'p')`;
    // The check is only meaningful if it sees the schema at all.
    expect(tables.map((t) => t.name)).toEqual(
      expect.arrayContaining(['public.members', 'public.audit_log', 'public.staff', 'private.wx_sessions', 'private.wechat_tokens']),
    );
    expect(await tablesWithoutRls(sql)).toEqual([]);
  });

  test('anon holds no privilege on any table, column or sequence in public', async () => {
    const granted = await sql<Named[]>`
      select n.nspname || '.' || c.relname as name
      from pg_class c join pg_namespace n on n.oid = c.relnamespace
      where n.nspname = 'public' and (
        (c.relkind in ('r', 'p', 'v', 'm', 'f') and (
          has_table_privilege('anon', c.oid, 'SELECT, INSERT, UPDATE, DELETE, TRUNCATE, REFERENCES, TRIGGER')
          or has_any_column_privilege('anon', c.oid, 'SELECT, INSERT, UPDATE, REFERENCES')))
        or (c.relkind = 'S' and has_sequence_privilege('anon', c.oid, 'USAGE, SELECT, UPDATE')))`;
    expect(granted.map((g) => g.name)).toEqual([]);
  });

  test('people (anon, authenticated) hold no privilege on the server-only tables in private', async () => {
    const granted = await sql<Named[]>`
      select r.r || ' ' || c.relname as name
      from pg_class c join pg_namespace n on n.oid = c.relnamespace, (values ('anon'), ('authenticated')) r(r)
      where n.nspname = 'private' and c.relkind in ('r', 'p', 'v', 'm', 'f')
        and (has_table_privilege(r.r, c.oid, 'SELECT, INSERT, UPDATE, DELETE, TRUNCATE, REFERENCES, TRIGGER')
             or has_any_column_privilege(r.r, c.oid, 'SELECT, INSERT, UPDATE, REFERENCES'))`;
    expect(granted.map((g) => g.name)).toEqual([]);
  });

  test('no person may TRUNCATE a table (TRUNCATE ignores row level security)', async () => {
    const granted = await sql<Named[]>`
      select r.r || ' ' || n.nspname || '.' || c.relname as name
      from pg_class c join pg_namespace n on n.oid = c.relnamespace, (values ('anon'), ('authenticated')) r(r)
      where n.nspname = any (${SCHEMAS}::text[]) and c.relkind in ('r', 'p') and has_table_privilege(r.r, c.oid, 'TRUNCATE')`;
    expect(granted.map((g) => g.name)).toEqual([]);
  });

  test('every policy applies to role authenticated only (none is "to public")', async () => {
    const [{ n } = { n: 0 }] = await sql<{ n: number }[]>`select count(*)::int as n from pg_policies where schemaname = any (${SCHEMAS}::text[])`;
    expect(n).toBeGreaterThanOrEqual(30);
    expect(await policiesNotForAuthenticated(sql)).toEqual([]);
  });

  test('every security definer function pins its search_path', async () => {
    const fns = await sql<Named[]>`
      select n.nspname || '.' || p.proname || '(' || pg_get_function_identity_arguments(p.oid) || ')' as name
      from pg_proc p join pg_namespace n on n.oid = p.pronamespace
      where p.prosecdef and n.nspname not in ('pg_catalog', 'information_schema')`;
    expect(fns.map((f) => f.name)).toEqual(expect.arrayContaining(['private.can_see_member(p_org uuid, p_member uuid)', 'public.member_phone_ciphertext(p_member uuid)']));
    expect(await definersWithoutSearchPath(sql)).toEqual([]);
  });

  test('anon cannot reach any security definer function (schema usage and execute together)', async () => {
    const reachable = await sql<Named[]>`
      select n.nspname || '.' || p.proname as name
      from pg_proc p join pg_namespace n on n.oid = p.pronamespace
      where p.prosecdef and n.nspname not in ('pg_catalog', 'information_schema')
        and has_schema_privilege('anon', n.oid, 'USAGE') and has_function_privilege('anon', p.oid, 'EXECUTE')`;
    expect(reachable.map((r) => r.name)).toEqual([]);
  });

  test('the sign-in and WeChat token routines are callable by the identity service only, not by people', async () => {
    const callable = await sql<Named[]>`
      select r.r || ' ' || p.proname as name
      from pg_proc p join pg_namespace n on n.oid = p.pronamespace, (values ('anon'), ('authenticated'), ('service_role')) r(r)
      where n.nspname = 'private' and p.proname in ('wx_sign_in', 'wechat_token_get', 'wechat_token_put', 'wechat_token_lock')
        and has_function_privilege(r.r, p.oid, 'EXECUTE')`;
    expect(callable.map((c) => c.name)).toEqual([]);
  });
});

describe('the checks themselves (a later migration that forgets something, rolled back)', () => {
  test('a new table without row level security is reported', async () => {
    const found = await asOwner(sql, async (tx) => {
      await tx`create table public.rls_probe (id int primary key)`;
      await tx`create table private.rls_probe_private (id int primary key)`;
      return tablesWithoutRls(tx);
    });
    expect(found).toEqual(['private.rls_probe_private', 'public.rls_probe']);
  });

  test('a policy "to public" is reported', async () => {
    const found = await asOwner(sql, async (tx) => {
      await tx`create table public.rls_probe (id int primary key)`;
      await tx`alter table public.rls_probe enable row level security`;
      await tx`create policy "open to all" on public.rls_probe for select using (true)`;
      return policiesNotForAuthenticated(tx);
    });
    expect(found).toEqual(['public.rls_probe: open to all -> {public}']);
  });

  test('a security definer function without a pinned search_path is reported', async () => {
    const found = await asOwner(sql, async (tx) => {
      await tx`create function private.rls_probe() returns int language sql security definer as 'select 1'`;
      return definersWithoutSearchPath(tx);
    });
    expect(found).toEqual(['private.rls_probe()']);
  });
});

describe('a database with Supabase\'s default privileges', () => {
  // On Supabase every new table in public is granted ALL to anon and authenticated by default.
  // The column grants (phone_enc/phone_hash never selectable, members.store_id/deleted_at never
  // updatable, ...) only hold there if the migrations revoke those table-wide grants first.
  test('anon and authenticated end up with exactly the privileges they get on plain Postgres', async () => {
    const plain = await privilegeInventory(sql);
    const supabase = await withSupabaseLikeDb(privilegeInventory);
    const extra = summarise(supabase.filter((p) => !plain.includes(p)));
    const missing = summarise(plain.filter((p) => !supabase.includes(p)));
    expect({ extra, missing }).toEqual({ extra: [], missing: [] });
  }, 180_000);
});
