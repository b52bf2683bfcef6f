import { parsePhoneNumberFromString } from 'libphonenumber-js/max';

// Phone numbers as shops export them: "+86 138-0013-8000", "0086 13800138000", "138 0013 8000",
// "１３８００１３８０００" (full-width digits), "(021) 6432 1234". Mainland China is the default
// region; the stored form is E.164 (what the blind index is made of, the same as the app's).
export type PhoneResult = { ok: true; e164: string; national: string; fixes: string[] } | { ok: false; reason: string };

// Validity of an 11-digit mainland mobile number depends only on its first five digits in
// libphonenumber's metadata (mobile: 1(?:610\d|740[0-5])\d{6}|1(?:[38]\d|4[57]|…)\d{8}; no
// fixed-line area code starts with 13–19), so it is looked up once per prefix: a million rows
// cost a few hundred parses instead of a million.
const mobilePrefixValid = new Map<string, boolean>();
const MAINLAND_MOBILE = /^1[3-9]\d{9}$/;

export const normaliseCnPhone = (raw: string): PhoneResult => {
  const fixes: string[] = [];
  let v = raw.normalize('NFKC');
  if (v !== raw) fixes.push('全角转半角');
  v = v.trim();
  const compact = v.replace(/[\s\-–—_.()（）]/g, '');
  if (compact !== v) fixes.push('去掉空格、横线或括号');
  let digits = compact;
  const intl = /^(?:\+|00)86(\d{11})$/.exec(digits) ?? /^86(1[3-9]\d{9})$/.exec(digits);
  if (intl?.[1]) {
    digits = intl[1];
    fixes.push('去掉国家码 +86');
  }
  if (MAINLAND_MOBILE.test(digits)) {
    const prefix = digits.slice(0, 5);
    let valid = mobilePrefixValid.get(prefix);
    if (valid === undefined) {
      valid = parsePhoneNumberFromString(digits, 'CN')?.isValid() ?? false;
      mobilePrefixValid.set(prefix, valid);
    }
    if (!valid) return { ok: false, reason: '不是有效的手机号' };
    return { ok: true, e164: `+86${digits}`, national: digits, fixes };
  }
  if (!/^\+?\d{5,20}$/.test(digits)) return { ok: false, reason: '不是有效的电话号码' };
  const parsed = parsePhoneNumberFromString(digits, 'CN');
  if (!parsed || !parsed.isValid()) return { ok: false, reason: '不是有效的电话号码' };
  return { ok: true, e164: parsed.number, national: String(parsed.nationalNumber), fixes };
};
