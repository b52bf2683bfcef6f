import type { ImportedBirthday } from './import-dates';
import { parseAmountFen } from './import-amount';
import { FIELD_LABELS, type CustomerField, type ImportField, type OrderField } from './import-columns';
import { parseBirthday, parseCalendar, parseInstant } from './import-dates';
import { normaliseGender, type Gender } from './import-gender';
import { normaliseCnPhone } from './import-phone';
import type { RegionResolver } from './import-region';
import { foldText, isBlank, normaliseIdentifier, normaliseName } from './import-text';
import { nameSearchKeys } from './name-pinyin';

// One row of a file, as raw strings per field, made into the values that are stored — or
// rejected, naming the field and why. Policy (the report says which applied to each row):
// - identifiers (phone, POS number, unionid, openid) must be valid when present, and a customer
//   row needs at least one: a row that cannot be recognised again would be imported twice;
// - optional details (gender, birthday, region, join date, an over-long name) that cannot be
//   read are left out, and the row is imported without them ("fixed": the report says what
//   was dropped and why), so one bad birthday does not lose a customer;
// - for orders, the order number, amount and time are required; a customer identifier, when
//   given, must be valid.
export type RawRecord = Partial<Record<ImportField, string>>;
export type NormaliseContext = { regions: RegionResolver; today: string; timeZone: string; now: Date };

export type CustomerValues = {
  name: string | null;
  namePinyin: string | null;
  nameInitials: string | null;
  gender: Gender | null;
  birthday: ImportedBirthday | null;
  regionCode: string | null;
  phone: { e164: string; national: string } | null;
  posNo: string | null;
  unionid: string | null;
  openid: string | null;
  storeCode: string | null;
  joinedAt: string | null;
};
export type OrderValues = {
  orderNo: string;
  totalFen: number;
  orderedAt: string;
  phone: { e164: string; national: string } | null;
  posNo: string | null;
  unionid: string | null;
  openid: string | null;
  storeCode: string | null;
};
export type Normalised<V> = { ok: true; values: V; fixes: string[] } | { ok: false; field: ImportField; reason: string; fixes: string[] };

const POS_NO = /^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/;
const WX_ID = /^[A-Za-z0-9_-]{6,64}$/;
const ORDER_NO = /^[A-Za-z0-9][A-Za-z0-9_\-/#.]{0,63}$/;

class Rejected extends Error {
  constructor(
    readonly field: ImportField,
    readonly reason: string,
  ) {
    super(reason);
  }
}

// Pinyin keys per distinct name: a million customers have far fewer distinct names.
const pinyinCache = new Map<string, { pinyin: string; initials: string }>();
const pinyinOf = (name: string): { pinyin: string; initials: string } => {
  let keys = pinyinCache.get(name);
  if (!keys) {
    keys = nameSearchKeys(name);
    if (pinyinCache.size > 200_000) pinyinCache.clear();
    pinyinCache.set(name, keys);
  }
  return keys;
};

const fixer = () => {
  const fixes: string[] = [];
  return {
    fixes,
    add: (field: ImportField, list: readonly string[]) => {
      for (const f of list) fixes.push(`${FIELD_LABELS[field]}：${f}`);
    },
    drop: (field: ImportField, reason: string) => fixes.push(`${FIELD_LABELS[field]}：${reason}，未导入`),
  };
};

const present = (r: RawRecord, f: ImportField): string | null => {
  const v = r[f];
  return v === undefined || isBlank(v) ? null : v;
};

const identifier = (r: RawRecord, f: 'posNo' | 'unionid' | 'openid', fx: ReturnType<typeof fixer>): string | null => {
  const raw = present(r, f);
  if (raw === null) return null;
  const n = normaliseIdentifier(raw, f === 'posNo' ? POS_NO : WX_ID, FIELD_LABELS[f]);
  if (!n.ok) throw new Rejected(f, n.reason);
  fx.add(f, n.fixes);
  return n.value;
};

const phoneOf = (r: RawRecord, fx: ReturnType<typeof fixer>): { e164: string; national: string } | null => {
  const raw = present(r, 'phone');
  if (raw === null) return null;
  const p = normaliseCnPhone(raw);
  if (!p.ok) throw new Rejected('phone', p.reason);
  fx.add('phone', p.fixes);
  return { e164: p.e164, national: p.national };
};

export const normaliseCustomerRecord = (r: RawRecord, ctx: NormaliseContext): Normalised<CustomerValues> => {
  const fx = fixer();
  try {
    const phone = phoneOf(r, fx);
    const posNo = identifier(r, 'posNo', fx);
    const unionid = identifier(r, 'unionid', fx);
    const openid = identifier(r, 'openid', fx);
    if (!phone && !posNo && !unionid && !openid) throw new Rejected('phone', '没有手机号、会员卡号、unionid 或 openid，无法识别是哪位顾客');

    let name: string | null = null;
    const rawName = present(r, 'name');
    if (rawName !== null) {
      const n = normaliseName(rawName);
      if (n.ok) {
        name = n.value;
        fx.add('name', n.fixes);
      } else fx.drop('name', n.reason);
    }

    let gender: Gender | null = null;
    const rawGender = present(r, 'gender');
    if (rawGender !== null) {
      const g = normaliseGender(rawGender);
      if (g.ok) {
        gender = g.value;
        fx.add('gender', g.fixes);
      } else fx.drop('gender', g.reason);
    }

    let birthday: ImportedBirthday | null = null;
    const rawBirthday = present(r, 'birthday');
    if (rawBirthday !== null) {
      const rawCalendar = present(r, 'birthdayCalendar');
      const cal = rawCalendar === null ? null : parseCalendar(rawCalendar);
      if (cal && !cal.ok) fx.drop('birthday', cal.reason);
      else {
        const b = parseBirthday(rawBirthday, { calendar: cal?.value ?? null, today: ctx.today });
        if (b.ok) {
          birthday = b.value;
          fx.add('birthday', b.fixes);
        } else fx.drop('birthday', b.reason);
      }
    }

    let regionCode: string | null = null;
    const rawRegion = present(r, 'region');
    if (rawRegion !== null) {
      const g = ctx.regions(rawRegion);
      if (g.ok) {
        regionCode = g.code;
        fx.add('region', g.fixes);
      } else fx.drop('region', g.reason);
    }

    let joinedAt: string | null = null;
    const rawJoined = present(r, 'joinedAt');
    if (rawJoined !== null) {
      const j = parseInstant(rawJoined, ctx.timeZone);
      if (j.ok && new Date(j.iso).getTime() <= ctx.now.getTime() + 86_400_000) {
        joinedAt = j.iso;
        fx.add('joinedAt', j.fixes);
      } else fx.drop('joinedAt', j.ok ? '入会时间在未来' : j.reason);
    }

    const rawStore = present(r, 'storeCode');
    const storeCode = rawStore === null ? null : foldText(rawStore).value.replace(/\s+/g, '').slice(0, 32) || null;
    const keys = name ? pinyinOf(name) : null;
    return {
      ok: true,
      values: { name, namePinyin: keys?.pinyin ?? null, nameInitials: keys?.initials ?? null, gender, birthday, regionCode, phone, posNo, unionid, openid, storeCode, joinedAt },
      fixes: fx.fixes,
    };
  } catch (e) {
    if (e instanceof Rejected) return { ok: false, field: e.field, reason: e.reason, fixes: fx.fixes };
    throw e;
  }
};

export const normaliseOrderRecord = (r: RawRecord, ctx: NormaliseContext): Normalised<OrderValues> => {
  const fx = fixer();
  try {
    const rawNo = present(r, 'orderNo');
    if (rawNo === null) throw new Rejected('orderNo', '缺少订单号');
    const no = normaliseIdentifier(rawNo, ORDER_NO, '订单号');
    if (!no.ok || !no.value) throw new Rejected('orderNo', no.ok ? '缺少订单号' : no.reason);
    fx.add('orderNo', no.fixes);

    const rawAmount = present(r, 'amount');
    if (rawAmount === null) throw new Rejected('amount', '缺少金额');
    const amount = parseAmountFen(rawAmount);
    if (!amount.ok) throw new Rejected('amount', amount.reason);
    fx.add('amount', amount.fixes);

    const rawAt = present(r, 'orderedAt');
    if (rawAt === null) throw new Rejected('orderedAt', '缺少下单时间');
    const at = parseInstant(rawAt, ctx.timeZone);
    if (!at.ok) throw new Rejected('orderedAt', at.reason);
    if (new Date(at.iso).getTime() > ctx.now.getTime() + 86_400_000) throw new Rejected('orderedAt', '下单时间在未来');
    fx.add('orderedAt', at.fixes);

    const phone = phoneOf(r, fx);
    const posNo = identifier(r, 'posNo', fx);
    const unionid = identifier(r, 'unionid', fx);
    const openid = identifier(r, 'openid', fx);
    const rawStore = present(r, 'storeCode');
    const storeCode = rawStore === null ? null : foldText(rawStore).value.replace(/\s+/g, '').slice(0, 32) || null;
    return { ok: true, values: { orderNo: no.value, totalFen: amount.fen, orderedAt: at.iso, phone, posNo, unionid, openid, storeCode }, fixes: fx.fixes };
  } catch (e) {
    if (e instanceof Rejected) return { ok: false, field: e.field, reason: e.reason, fixes: fx.fixes };
    throw e;
  }
};

export type { CustomerField, OrderField };
