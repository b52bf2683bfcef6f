import { parsePhoneNumberFromString } from 'libphonenumber-js/max';
import { maskPhone } from '../../../shared/domain/phone-mask';
import { blindIndex, encryptPii } from './pii-crypto';
import { DomainError } from '../errors';

// Everything stored about a phone number: ciphertext, blind index of the E.164 form, last four
// digits for associates' search, and the masked display form.
export type StoredPhone = { enc: string; hash: string; last4: string; masked: string; e164: string };

export const normalisePhone = (raw: string, defaultCountry: 'CN' = 'CN'): { e164: string; national: string } => {
  const parsed = parsePhoneNumberFromString(raw.replace(/[\uFF10-\uFF19]/g, (d) => String.fromCharCode(d.charCodeAt(0) - 0xfee0)), defaultCountry);
  if (!parsed || !parsed.isValid()) throw new DomainError(400, 'invalid_phone', 'That is not a valid phone number', [{ path: 'phone', message: 'not a valid phone number' }]);
  return { e164: parsed.number, national: String(parsed.nationalNumber) };
};

export const protectPhone = (raw: string): StoredPhone => {
  const { e164, national } = normalisePhone(raw);
  return {
    enc: encryptPii(e164, 'phone'),
    hash: blindIndex(e164, 'phone'),
    last4: national.slice(-4),
    masked: maskPhone(national),
    e164,
  };
};

export const phoneHashFor = (raw: string): string => blindIndex(normalisePhone(raw).e164, 'phone');

// The same stored form for a number already normalised (imports normalise a million numbers
// once, with shared/domain/import-phone.ts, and must not parse each again).
export const protectNormalisedPhone = (e164: string, national: string): StoredPhone => ({
  enc: encryptPii(e164, 'phone'),
  hash: blindIndex(e164, 'phone'),
  last4: national.slice(-4),
  masked: maskPhone(national),
  e164,
});
