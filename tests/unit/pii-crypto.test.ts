import { decryptPii, encryptPii, blindIndex } from '../../functions/_lib/crypto/pii-crypto';
import { normalisePhone, protectPhone } from '../../functions/_lib/crypto/phone';
import { maskPhone } from '../../shared/domain/phone-mask';
import { nameSearchKeys } from '../../shared/domain/name-pinyin';
import { resetConfig } from '../../functions/_lib/config';
import { ensureTestEnv } from '../helpers/test-env';

beforeAll(() => ensureTestEnv());

describe('AES-256-GCM personal data encryption', () => {
  test('round-trips and never repeats a ciphertext', () => {
    const a = encryptPii('+8613812345678', 'phone');
    const b = encryptPii('+8613812345678', 'phone');
    expect(a).not.toBe(b);
    expect(decryptPii(a, 'phone')).toBe('+8613812345678');
  });

  test('a ciphertext made for one purpose cannot be decrypted as another', () => {
    const a = encryptPii('secret', 'wx_session_key');
    expect(() => decryptPii(a, 'phone')).toThrow();
  });

  test('a tampered ciphertext is rejected', () => {
    const a = encryptPii('+8613812345678', 'phone');
    const raw = Buffer.from(a.split(':')[2] ?? '', 'base64');
    raw[raw.length - 1] = (raw[raw.length - 1] ?? 0) ^ 1;
    expect(() => decryptPii(`v1:k1:${raw.toString('base64')}`, 'phone')).toThrow();
  });

  test('old keys still decrypt after rotation', () => {
    const old = encryptPii('+8613812345678', 'phone');
    const oldKeys = process.env.PII_ENC_KEYS;
    process.env.PII_ENC_KEYS = `${oldKeys},k2:${Buffer.alloc(32, 7).toString('base64')}`;
    process.env.PII_ENC_ACTIVE_KEY = 'k2';
    resetConfig();
    expect(encryptPii('x', 'phone')).toMatch(/^v1:k2:/);
    expect(decryptPii(old, 'phone')).toBe('+8613812345678');
    process.env.PII_ENC_KEYS = oldKeys;
    process.env.PII_ENC_ACTIVE_KEY = 'k1';
    resetConfig();
  });

  test('the blind index is stable and keyed', () => {
    expect(blindIndex('+8613812345678', 'phone')).toBe(blindIndex('+8613812345678', 'phone'));
    expect(blindIndex('+8613812345678', 'phone')).not.toBe(blindIndex('+8613812345679', 'phone'));
  });
});

describe('phone numbers', () => {
  test.each([
    ['13812345678', '+8613812345678'],
    ['+86 138 1234 5678', '+8613812345678'],
    ['138-1234-5678', '+8613812345678'],
    ['１３８１２３４５６７８', '+8613812345678'],
    ['008613812345678', '+8613812345678'],
  ])('%s normalises to %s', (raw, e164) => {
    expect(normalisePhone(raw).e164).toBe(e164);
  });

  test.each(['12345', '1381234567', 'abc', '23812345678'])('%s is rejected', (raw) => {
    expect(() => normalisePhone(raw)).toThrow('not a valid phone number');
  });

  test('stored form: ciphertext, same blind index for every spelling, last 4, mask', () => {
    const a = protectPhone('13812345678');
    const b = protectPhone('+86 138-1234-5678');
    expect(a.hash).toBe(b.hash);
    expect(a.last4).toBe('5678');
    expect(a.masked).toBe('138****5678');
    expect(a.enc).not.toContain('5678');
  });

  test('mask', () => {
    expect(maskPhone('13812345678')).toBe('138****5678');
  });
});

describe('name search keys', () => {
  test.each([
    ['张三', 'zhangsan', 'zs'],
    ['欧阳娜娜', 'ouyangnana', 'oynn'],
    ['吕布', 'lvbu', 'lb'],
  ])('%s → %s / %s', (name, full, initials) => {
    expect(nameSearchKeys(name)).toEqual({ pinyin: full, initials });
  });
});
