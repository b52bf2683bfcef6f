import { z } from 'zod';
import { open, route } from '../_lib/handler';

// GET /api/health: 200 with the database's state, 503 when it cannot be reached.
const healthOutput = z.object({
  status: z.enum(['ok', 'degraded']),
  database: z.object({ reachable: z.boolean(), latencyMs: z.number(), migrations: z.number().int(), serverVersion: z.string() }),
});

export default route({
  GET: open({
    input: z.object({}).strict(),
    output: healthOutput,
    run: async ({ sql }) => {
      const started = performance.now();
      const [row] = await sql<{ migrations: number; version: string }[]>`
        select (select count(*)::int from supabase_migrations.schema_migrations) as migrations,
               current_setting('server_version') as version`;
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
