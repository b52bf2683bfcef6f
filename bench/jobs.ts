import type { Sql } from '../functions/_lib/db';
import type { StartedApp } from '../server/start-app';
import type { ScaleLogin } from './scale-config';
import { dashboardsJob } from './jobs/dashboards.bench';
import { greetingsJob } from './jobs/greetings.bench';
import { importBenchJob } from './jobs/import.bench';
import { rfmJob } from './jobs/rfm.bench';

// Measurements that are not one person's HTTP request: jobs (an import, an RFM refresh, a
// day's greeting plan, dispatch throughput) and requests whose floor is a hand-written query
// rather than a replay. Each area adds one file under bench/jobs/ and one entry below; run.ts
// runs them after the HTTP operations (`--only` filters them by name too, `--no-jobs` skips
// them) and writes their rows to the report's "Jobs" table.

export type BenchJobContext = {
  // The database owner's pool (no RLS): for setup, cleanup and bare-SQL floors.
  owner: Sql;
  databaseUrl: string;
  app: StartedApp;
  orgId: string;
  // Signed-in tokens of the scale org's people (see scale-config.ts).
  tokens: Record<ScaleLogin, string>;
  log: (line: string) => void;
};

export type BenchJobRow = {
  // What was measured ("1 M rows, validated and merged", "p95 of 200 counts", …).
  metric: string;
  // The measured value with its unit, as it should read in the table.
  value: string;
  // The bare-SQL floor of the same work, when there is one, and value ÷ floor.
  floor?: string;
  ratio?: number;
  // The target from DESIGN.md or the issue ("< 120 s"), and whether it was met.
  target?: string;
  met?: boolean;
};

export type BenchJob = {
  name: string;
  run: (ctx: BenchJobContext) => Promise<BenchJobRow[]>;
};

export const jobs: BenchJob[] = [rfmJob, dashboardsJob, greetingsJob, importBenchJob];
