import { z } from 'zod';
import { DomainError } from '../_lib/errors';
import { open, route } from '../_lib/handler';

// GET /api/health: 200 with the database's state; 503 when the database cannot be reached.
const healthOutput = z.object({
  status: z.literal('ok'),
  database: z.object({ reachable: z.boolean(), latencyMs: z.number(), migrations: z.number().int(), serverVersion: z.string() }),
});

export default route({
  GET: open({
    input: z.object({}).strict(),
    output: healthOutput,
    run: async ({ sql }) => {
      const started = performance.now();
      let row: { migrations: number; version: string } | undefined;
      let timer: NodeJS.Timeout | undefined;
      try {
        [row] = await Promise.race([
          sql<{ migrations: number; version: string }[]>`
            select (select count(*)::int from supabase_migrations.schema_migrations) as migrations,
                   current_setting('server_version') as version`,
          new Promise<never>((_, reject) => {
            timer = setTimeout(() => reject(new Error('timeout')), 3000);
          }),
        ]);
      } catch {
        throw new DomainError(503, 'database_unreachable', 'The database is not reachable');
      } finally {
        clearTimeout(timer);
      }
      return {
        status: 'ok' as const,
        database: {
          reachable: true,
          latencyMs: Math.round((performance.now() - started) * 10) / 10,
          migrations: row?.migrations ?? 0,
          serverVersion: row?.version ?? 'unknown',
        },
      };
    },
  }),
});
