import { createWriteStream } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import { stringify } from 'csv-stringify';
import { FIELD_LABELS, OUTCOME_LABELS, RULE_LABELS, type IdentityRule, type ImportField, type ImportOutcome } from '../../../shared/domain/import-columns';
import type { Sql, Tx } from '../db';

// The row-by-row report as CSV (UTF-8 with BOM, so Excel opens the Chinese text right): one
// line per input row — outcome, member number, rule, field at fault, detail, what was fixed.
export type ReportRow = {
  row_no: number;
  outcome: ImportOutcome;
  member_no: string | null;
  order_no: string | null;
  rule: IdentityRule | null;
  field: string | null;
  detail: string | null;
  fixes: string | null;
};

export const REPORT_HEADER = ['行号', '结果', '结果代码', '会员号', '订单号', '匹配规则', '问题字段', '说明', '修正'];

export const reportLine = (r: ReportRow): string[] => [
  String(r.row_no),
  OUTCOME_LABELS[r.outcome],
  r.outcome,
  r.member_no ?? '',
  r.order_no ?? '',
  r.rule ? RULE_LABELS[r.rule] : '',
  r.field ? (FIELD_LABELS[r.field as ImportField] ?? r.field) : '',
  r.detail ?? '',
  r.fixes ?? '',
];

// Report rows of a job, in row order, joined to member numbers (a cursor: a million rows
// stream through without being held).
export const reportRows = (q: Sql | Tx, orgId: string, jobId: string) =>
  q<ReportRow[]>`
    select r.row_no, r.outcome, m.member_no::text as member_no, o.order_no, r.rule, r.field, r.detail, r.fixes
    from public.import_job_rows r
    left join public.members m on m.org_id = r.org_id and m.id = r.member_id
    left join public.orders o on o.org_id = r.org_id and o.id = r.order_id
    where r.org_id = ${orgId} and r.job_id = ${jobId}
    order by r.row_no`;

export const writeReportCsv = async (q: Sql | Tx, orgId: string, jobId: string, file: string): Promise<number> => {
  let n = 0;
  async function* lines(): AsyncGenerator<string[]> {
    yield REPORT_HEADER;
    for await (const batch of reportRows(q, orgId, jobId).cursor(5000)) {
      for (const r of batch) {
        n++;
        yield reportLine(r);
      }
    }
  }
  const out = createWriteStream(file);
  out.write('\ufeff');
  await pipeline(Readable.from(lines()), stringify(), out);
  return n;
};
