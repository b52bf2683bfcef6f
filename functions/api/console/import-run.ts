import { importRunInputSchema, importRunOutputSchema } from '../../../shared/schemas/import-job.schema';
import { person, route } from '../../_lib/handler';
import { loadJob } from '../../_lib/import/console-import';
import { requireOperator } from '../../_lib/messaging/campaigns';

// POST /api/console/import-run {jobId}: applies the caller's staged import (one transaction:
// members created or filled, identities linked, orders inserted, merge candidates recorded, the
// row-by-row report written; audited). Only the person who staged a job can run it.
export default route({
  POST: person({
    input: importRunInputSchema,
    output: importRunOutputSchema,
    run: ({ input, inTx }) =>
      inTx(async (tx) => {
        await requireOperator(tx);
        await tx`select public.import_run(${input.jobId})`;
        return { job: await loadJob(tx, input.jobId) };
      }),
  }),
});
