import { createHash } from 'node:crypto';
import { FIELDS, type ColumnMapping, type ImportField, type ImportKind } from '../../../shared/domain/import-columns';
import { localDate } from '../../../shared/domain/birthday';
import {
  normaliseCustomerRecord,
  normaliseOrderRecord,
  type NormaliseContext,
  type RawRecord,
} from '../../../shared/domain/import-row';
import { protectNormalisedPhone } from '../crypto/phone';
import type { FileRecord } from './file-records';
import { regionResolver } from './regions';

// Normalised rows in the shape of the staging tables (private.import_customer_rows /
// import_order_rows), phones encrypted exactly as the app stores them: AES-256-GCM ciphertext
// with its key id, the HMAC blind index of the E.164 number, last four and the masked form.
export const CUSTOMER_COLUMNS = [
  'row_no', 'reject_field', 'reject_reason', 'fixes', 'name', 'name_pinyin', 'name_initials', 'gender', 'birthday_calendar',
  'birth_year', 'birth_month', 'birth_day', 'birth_leap_month', 'region_code', 'phone_enc', 'phone_hash', 'phone_last4',
  'phone_masked', 'pos_no', 'unionid', 'openid', 'store_code', 'joined_at',
] as const;
export const ORDER_COLUMNS = [
  'row_no', 'reject_field', 'reject_reason', 'fixes', 'order_no', 'total_fen', 'ordered_at', 'phone_hash', 'pos_no', 'unionid', 'openid', 'store_code',
] as const;
export type StagingValue = string | number | boolean | null;
export type StagingRow = Record<string, StagingValue>;

export const columnsFor = (kind: ImportKind): readonly string[] => (kind === 'customers' ? CUSTOMER_COLUMNS : ORDER_COLUMNS);

export const normaliseContext = (timeZone: string, now = new Date()): NormaliseContext => ({
  regions: regionResolver(),
  today: localDate(now, timeZone),
  timeZone,
  now,
});

// Which column of the file feeds which field.
export const fieldIndexes = (kind: ImportKind, headers: readonly string[], mapping: ColumnMapping): [ImportField, number][] => {
  const allowed = new Set<string>(FIELDS[kind]);
  const out: [ImportField, number][] = [];
  headers.forEach((h, i) => {
    const f = mapping[h];
    if (f && allowed.has(f)) out.push([f, i]);
  });
  return out;
};

const toRecord = (cells: readonly string[], indexes: [ImportField, number][]): RawRecord => {
  const r: RawRecord = {};
  for (const [f, i] of indexes) r[f] = cells[i];
  return r;
};

const joinFixes = (fixes: string[]): string | null => (fixes.length ? fixes.join('；') : null);

export const customerStagingRow = (rowNo: number, cells: readonly string[], indexes: [ImportField, number][], ctx: NormaliseContext): StagingRow => {
  const n = normaliseCustomerRecord(toRecord(cells, indexes), ctx);
  if (!n.ok) return { row_no: rowNo, reject_field: n.field, reject_reason: n.reason, fixes: joinFixes(n.fixes) };
  const v = n.values;
  const phone = v.phone ? protectNormalisedPhone(v.phone.e164, v.phone.national) : null;
  return {
    row_no: rowNo, reject_field: null, reject_reason: null, fixes: joinFixes(n.fixes),
    name: v.name, name_pinyin: v.namePinyin, name_initials: v.nameInitials, gender: v.gender,
    birthday_calendar: v.birthday?.calendar ?? null, birth_year: v.birthday?.year ?? null, birth_month: v.birthday?.month ?? null,
    birth_day: v.birthday?.day ?? null, birth_leap_month: v.birthday ? v.birthday.leapMonth : null, region_code: v.regionCode,
    phone_enc: phone?.enc ?? null, phone_hash: phone?.hash ?? null, phone_last4: phone?.last4 ?? null, phone_masked: phone?.masked ?? null,
    pos_no: v.posNo, unionid: v.unionid, openid: v.openid, store_code: v.storeCode, joined_at: v.joinedAt,
  };
};

export const orderStagingRow = (rowNo: number, cells: readonly string[], indexes: [ImportField, number][], ctx: NormaliseContext): StagingRow => {
  const n = normaliseOrderRecord(toRecord(cells, indexes), ctx);
  if (!n.ok) return { row_no: rowNo, reject_field: n.field, reject_reason: n.reason, fixes: joinFixes(n.fixes) };
  const v = n.values;
  return {
    row_no: rowNo, reject_field: null, reject_reason: null, fixes: joinFixes(n.fixes),
    order_no: v.orderNo, total_fen: v.totalFen, ordered_at: v.orderedAt,
    phone_hash: v.phone ? protectNormalisedPhone(v.phone.e164, v.phone.national).hash : null,
    pos_no: v.posNo, unionid: v.unionid, openid: v.openid, store_code: v.storeCode,
  };
};

export const stagingRowOf = (kind: ImportKind) => (kind === 'customers' ? customerStagingRow : orderStagingRow);

export async function* stagingRows(kind: ImportKind, rows: AsyncIterable<FileRecord>, indexes: [ImportField, number][], ctx: NormaliseContext): AsyncGenerator<StagingRow> {
  const make = stagingRowOf(kind);
  for await (const r of rows) yield make(r.rowNo, r.cells, indexes, ctx);
}

// COPY text format: tab-separated, \N for null; backslash, tab and newlines escaped.
const copyValue = (v: StagingValue | undefined): string => {
  if (v === null || v === undefined) return '\\N';
  if (typeof v === 'boolean') return v ? 't' : 'f';
  if (typeof v === 'number') return String(v);
  return /[\\\t\n\r]/.test(v) ? v.replace(/[\\\t\n\r]/g, (c) => (c === '\\' ? '\\\\' : c === '\t' ? '\\t' : c === '\n' ? '\\n' : '\\r')) : v;
};
export const copyLine = (prefix: string, row: StagingRow, columns: readonly string[]): string => {
  let line = prefix;
  for (let i = 0; i < columns.length; i++) line += (i === 0 ? '' : '\t') + copyValue(row[columns[i] as string]);
  return `${line}\n`;
};

export const sha256 = (bytes: Buffer): string => createHash('sha256').update(bytes).digest('hex');
