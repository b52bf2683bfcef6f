import {
  dataQualityInputSchema,
  dataQualityReportSchema,
  dataQualityRunInputSchema,
  dataQualityRunOutputSchema,
} from '../../../shared/schemas/data-quality-report.schema';
import type { Tx } from '../../_lib/db';
import { requireConsoleReader } from '../../_lib/dashboards';
import { DomainError } from '../../_lib/errors';
import { iso, person, route } from '../../_lib/handler';

// The data quality report (operators and admins).
// GET: the latest audit run (members audited, per check the members flagged, the score and the
// weights it used), the score over the last 90 days (each day's last run), and identity
// resolution's open merge candidates where that feature is installed. Each count's members are
// /api/console/dashboard-members?kind=quality&issue=<check>.
// POST: run the audit now (it reads every member of the org: at most once a minute, one at a
// time). The daily run comes from cron (/api/cron/data-quality).

type RunRow = {
  id: string; day: string; finished_at: Date; trigger: 'cron' | 'manual'; members: number; score: string | null;
  counts: Record<string, number>; weights: Record<string, number>;
};

// Identity resolution (the imports slice) keeps merge candidates in public.member_merge_candidates;
// where that table exists its open candidates are counted here and the report links to its
// merges page, next to this audit's own duplicate rules.
const MERGES_PAGE = '/console/merges/index';
const mergeCandidates = async (tx: Tx): Promise<{ open: number; page: string } | null> => {
  const [t] = await tx<{ ok: boolean }[]>`select to_regclass('public.member_merge_candidates') is not null as ok`;
  if (!t?.ok) return null;
  const [r] = await tx<{ n: number }[]>`
    select count(*)::int as n from public.member_merge_candidates where org_id = (select private.jwt_org_id()) and status = 'open'`;
  return { open: r?.n ?? 0, page: MERGES_PAGE };
};

export default route({
  GET: person({
    input: dataQualityInputSchema,
    output: dataQualityReportSchema,
    run: ({ inTx }) =>
      inTx(async (tx) => {
        await requireConsoleReader(tx);
        const [run] = await tx<RunRow[]>`
          select id, day::text as day, finished_at, trigger, members, score::text as score, counts, weights
          from public.data_quality_runs where org_id = (select private.jwt_org_id())
          order by finished_at desc limit 1`;
        const history = await tx<{ day: string; score: string | null; members: number }[]>`
          select day::text as day, score::text as score, members from (
            select distinct on (day) day, score, members from public.data_quality_runs
            where org_id = (select private.jwt_org_id()) and day > current_date - 90
            order by day desc, finished_at desc
          ) d order by day`;
        return {
          run: run
            ? {
                id: run.id,
                day: run.day,
                finishedAt: iso(run.finished_at),
                trigger: run.trigger,
                members: run.members,
                score: run.score === null ? null : Number(run.score),
                counts: run.counts,
                weights: run.weights,
              }
            : null,
          history: history.map((h) => ({ day: h.day, score: h.score === null ? null : Number(h.score), members: h.members })),
          mergeCandidates: await mergeCandidates(tx),
        };
      }),
  }),
  POST: person({
    input: dataQualityRunInputSchema,
    output: dataQualityRunOutputSchema,
    status: 201,
    run: ({ inTx }) =>
      inTx(async (tx) => {
        await requireConsoleReader(tx);
        const [r] = await tx<{ outcome: 'ok' | 'busy' | 'too_soon'; run_id: string | null }[]>`select * from public.run_data_quality_audit()`;
        if (r?.outcome === 'busy') throw new DomainError(409, 'busy', 'An audit of this brand is running; try again when it has finished');
        if (r?.outcome === 'too_soon') throw new DomainError(429, 'too_soon', 'The audit ran less than a minute ago');
        if (!r?.run_id) throw new Error('audit returned no run');
        return { runId: r.run_id };
      }),
  }),
});
