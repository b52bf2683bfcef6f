import { stringify } from 'csv-stringify/sync';
import { CHURN_STATE_LABELS, RFM_CLASS_LABELS, type ChurnState, type RfmClass } from '../../../shared/domain/rfm';
import { SEGMENT_EXPORT_PART, segmentExportInputSchema, segmentExportOutputSchema } from '../../../shared/schemas/segment-export.schema';
import { decryptPii } from '../../_lib/crypto/pii-crypto';
import { forbidden } from '../../_lib/errors';
import { person, route } from '../../_lib/handler';
import { requireOperator } from '../../_lib/messaging/campaigns';
import { segmentWhere } from '../../_lib/segments/segment-sql';
import { invalidField, loadSegment, segmentContext } from '../../_lib/segments/segment-service';
import { requireStaff } from '../../_lib/staff-guard';

// POST /api/console/segment-export: a saved segment as CSV, one part (≤ 20 000 members, in
// member-number order, keyset cursor) per request; the console joins the parts into one file.
// An export is an audited act: every part writes audit_log in the same transaction as the read
// ('segment.export': who, which segment and rules, how many rows, masked or not). Phones are
// masked unless an admin asks for full numbers with a purpose; the ciphertexts then come from
// public.segment_export_phones, which checks the admin and writes its own audit row with the
// purpose before returning anything, and the server decrypts.
type Row = {
  id: string; member_no: string; name: string | null; phone_masked: string | null; store_code: string | null; store_name: string | null;
  tier: string | null; rfm_r: number | null; rfm_f: number | null; rfm_m: number | null; rfm_class: string | null; churn_state: string;
  lifetime_spend_fen: string; order_count: number; last_purchase_at: string | null; joined_at: string; region_code: string | null;
  marketing_consent: string;
};

const CONSENT_LABEL: Record<string, string> = { granted: '已同意', refused: '已拒绝', none: '未询问' };
const HEADER = ['会员号', '姓名', '手机号', '门店编码', '门店', '等级', 'R', 'F', 'M', 'RFM 分类', '流失状态', '累计消费(元)', '订单数', '最近购买', '入会日期', '地区码', '营销消息'];

const cursorOf = (s: string | undefined): bigint | null => {
  if (s === undefined) return null;
  if (!/^\d{1,18}$/.test(s)) throw invalidField('cursor', 'not a cursor from this export');
  return BigInt(s);
};

// +8613812345678 → 13812345678 (how the brand's staff write mainland numbers).
const national = (e164: string): string => (e164.startsWith('+86') ? e164.slice(3) : e164);

export default route({
  POST: person({
    input: segmentExportInputSchema,
    output: segmentExportOutputSchema,
    run: ({ input, inTx }) =>
      inTx(async (tx) => {
        const { orgId } = await requireOperator(tx);
        if (input.fullPhones) {
          const { role } = await requireStaff(tx);
          if (role !== 'admin') throw forbidden('Only admins export full phone numbers');
        }
        const segment = await loadSegment(tx, input.segmentId);
        const ctx = await segmentContext(tx, orgId);
        const after = cursorOf(input.cursor);
        // Local dates in the brand's zone, as the console shows them.
        const rows = await tx<Row[]>`
          select m.id, m.member_no, m.name, m.phone_masked, st.code as store_code, st.name as store_name, m.tier,
                 m.rfm_r, m.rfm_f, m.rfm_m, m.rfm_class, m.churn_state, m.lifetime_spend_fen, m.order_count,
                 to_char(m.last_purchase_at at time zone ${ctx.timeZone}, 'YYYY-MM-DD') as last_purchase_at,
                 to_char(m.joined_at at time zone ${ctx.timeZone}, 'YYYY-MM-DD') as joined_at,
                 m.region_code, m.marketing_consent
          from public.members m
          left join public.stores st on st.org_id = m.org_id and st.id = m.store_id
          where m.org_id = ${orgId} and m.deleted_at is null ${segmentWhere(tx, segment.rules, ctx)}
            ${after !== null ? tx`and m.member_no > ${String(after)}::bigint` : tx``}
          order by m.member_no
          limit ${SEGMENT_EXPORT_PART + 1}`;
        const part = rows.slice(0, SEGMENT_EXPORT_PART);
        const phones = new Map<string, string>();
        if (input.fullPhones && part.length > 0) {
          const enc = await tx<{ member_id: string; phone_enc: string }[]>`
            select * from public.segment_export_phones(${segment.id}, ${part.map((r) => r.id)}::uuid[], ${input.purpose ?? ''})`;
          for (const e of enc) phones.set(e.member_id, national(decryptPii(e.phone_enc, 'phone')));
        }
        await tx`
          insert into public.audit_log (org_id, actor_account_id, action, target_type, target_id, detail)
          values (${orgId}, (select auth.uid()), 'segment.export', 'segment', ${segment.id},
                  ${tx.json({ name: segment.name, rules: segment.rules, rows: part.length, masked: !input.fullPhones, after: input.cursor ?? null })})`;
        const records = part.map((r) => [
          String(r.member_no),
          r.name ?? '',
          (input.fullPhones ? phones.get(r.id) : undefined) ?? r.phone_masked ?? '',
          r.store_code ?? '',
          r.store_name ?? '',
          r.tier ?? '',
          r.rfm_r ?? '',
          r.rfm_f ?? '',
          r.rfm_m ?? '',
          r.rfm_class ? RFM_CLASS_LABELS[r.rfm_class as RfmClass] : '',
          CHURN_STATE_LABELS[r.churn_state as ChurnState] ?? r.churn_state,
          (Number(r.lifetime_spend_fen) / 100).toFixed(2),
          r.order_count,
          r.last_purchase_at ?? '',
          r.joined_at,
          r.region_code ?? '',
          CONSENT_LABEL[r.marketing_consent] ?? r.marketing_consent,
        ]);
        const first = input.cursor === undefined;
        // The header (and Excel's BOM) only in the first part: the parts concatenate to one file.
        const csv = stringify(records, { header: first, columns: HEADER, bom: first });
        const last = part[part.length - 1];
        return {
          filename: `${segment.name}-${ctx.today}${input.fullPhones ? '-完整手机号' : ''}.csv`,
          csv,
          rows: part.length,
          masked: !input.fullPhones,
          nextCursor: rows.length > SEGMENT_EXPORT_PART && last ? String(last.member_no) : null,
        };
      }),
  }),
});
