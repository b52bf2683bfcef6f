import {
  MAX_CONSOLE_IMPORT_BYTES,
  importListInputSchema,
  importListOutputSchema,
  importStartInputSchema,
  importStartOutputSchema,
  type ImportStartOutput,
} from '../../../shared/schemas/import-job.schema';
import { person, route } from '../../_lib/handler';
import { loadJob, loadJobs, reportPage, stageUpload } from '../../_lib/import/console-import';
import { requireOperator } from '../../_lib/messaging/campaigns';

// GET /api/console/imports: the org's recent import jobs (console and CLI).
// POST /api/console/imports {kind, fileName, fileBase64, source, mapping, dryRun}: stages the
// file with the confirmed mapping (remembered for the source) as the caller's job, to be applied
// with /api/console/import-run. A dry run does the whole import — staging, merging, the report —
// and rolls it all back: it answers with the counts and the first rows of the report.
const DRY_RUN_ROWS = 1000;

class DryRunDone extends Error {
  constructor(readonly result: ImportStartOutput) {
    super('dry run');
  }
}

export default route({
  GET: person({
    input: importListInputSchema,
    output: importListOutputSchema,
    run: ({ inTx }) =>
      inTx(async (tx) => {
        await requireOperator(tx);
        return { jobs: await loadJobs(tx, null), maxUploadBytes: MAX_CONSOLE_IMPORT_BYTES };
      }),
  }),
  POST: person({
    input: importStartInputSchema,
    output: importStartOutputSchema,
    status: 201,
    run: async ({ input, inTx }) => {
      try {
        return await inTx(async (tx) => {
          await requireOperator(tx);
          const { jobId } = await stageUpload(tx, input);
          if (!input.dryRun) return { job: await loadJob(tx, jobId), dryRunRows: null };
          await tx`select public.import_run(${jobId})`;
          const result = { job: await loadJob(tx, jobId), dryRunRows: await reportPage(tx, jobId, { limit: DRY_RUN_ROWS }) };
          throw new DryRunDone(result);
        });
      } catch (e) {
        if (e instanceof DryRunDone) return e.result;
        throw e;
      }
    },
  }),
});
