import { stringify } from 'csv-stringify/sync';
import { importReportInputSchema, importReportOutputSchema } from '../../../shared/schemas/import-job.schema';
import { person, route } from '../../_lib/handler';
import { loadJob, reportPage } from '../../_lib/import/console-import';
import { REPORT_HEADER, reportLine } from '../../_lib/import/report';
import { requireOperator } from '../../_lib/messaging/campaigns';

// GET /api/console/import-report?jobId=…[&outcome=rejected][&after=ROW][&limit=100][&format=csv]:
// the row-by-row report of an import — outcome, member, rule, field at fault, why, what was
// fixed — a page at a time (rows after `after`), or the whole of it as CSV text (UTF-8 with BOM).
const CSV_MAX_ROWS = 200_000;

export default route({
  GET: person({
    input: importReportInputSchema,
    output: importReportOutputSchema,
    run: ({ input, inTx }) =>
      inTx(async (tx) => {
        await requireOperator(tx);
        const job = await loadJob(tx, input.jobId);
        if (input.format === 'csv') {
          const rows = await reportPage(tx, input.jobId, { outcome: input.outcome, limit: CSV_MAX_ROWS });
          const lines = rows.map((r) =>
            reportLine({ row_no: r.rowNo, outcome: r.outcome, member_no: r.memberNo, order_no: r.orderNo, rule: r.rule, field: r.field, detail: r.detail, fixes: r.fixes }));
          const text = `\ufeff${stringify([REPORT_HEADER, ...lines])}`;
          return { job, rows: [], nextAfter: null, csv: { fileName: `${job.fileName.replace(/\.[^.]+$/, '')}.report.csv`, text } };
        }
        const rows = await reportPage(tx, input.jobId, { outcome: input.outcome, after: input.after, limit: input.limit + 1 });
        const more = rows.length > input.limit;
        const page = more ? rows.slice(0, input.limit) : rows;
        return { job, rows: page, nextAfter: more ? (page[page.length - 1]?.rowNo ?? null) : null, csv: null };
      }),
  }),
});
