import { createCipheriv, createDecipheriv, createHmac, randomBytes } from 'node:crypto';
import { getConfig } from '../config';

// Application-level encryption of personal data (AES-256-GCM). The key id travels with the
// ciphertext so keys can rotate; the purpose is bound as associated data so a ciphertext made
// for one column cannot be replayed into another.
export type PiiPurpose = 'phone' | 'wx_session_key';

const VERSION = 'v1';

// IVs from a pool of random bytes refilled 48 KB at a time: each IV is still 12 fresh random
// bytes, used once, but a bulk import does not pay one randomBytes() call per phone number.
let ivPool = Buffer.alloc(0);
let ivOffset = 0;
const nextIv = (): Buffer => {
  if (ivOffset + 12 > ivPool.length) {
    ivPool = randomBytes(12 * 4096);
    ivOffset = 0;
  }
  const iv = Buffer.from(ivPool.subarray(ivOffset, ivOffset + 12));
  ivOffset += 12;
  return iv;
};

export const encryptPii = (plaintext: string, purpose: PiiPurpose): string => {
  const config = getConfig();
  const keyId = config.PII_ENC_ACTIVE_KEY;
  const key = config.PII_ENC_KEYS.get(keyId);
  if (!key) throw new Error('active encryption key missing');
  const iv = nextIv();
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(Buffer.from(`${VERSION}:${keyId}:${purpose}`));
  const ct = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  const tag = cipher.getAuthTag();
  return `${VERSION}:${keyId}:${Buffer.concat([iv, tag, ct]).toString('base64')}`;
};

export const decryptPii = (stored: string, purpose: PiiPurpose): string => {
  const [version, keyId, payload] = stored.split(':');
  if (version !== VERSION || !keyId || !payload) throw new Error('unrecognised ciphertext format');
  const key = getConfig().PII_ENC_KEYS.get(keyId);
  if (!key) throw new Error(`no key ${keyId} to decrypt with`);
  const raw = Buffer.from(payload, 'base64');
  const decipher = createDecipheriv('aes-256-gcm', key, raw.subarray(0, 12));
  decipher.setAAD(Buffer.from(`${version}:${keyId}:${purpose}`));
  decipher.setAuthTag(raw.subarray(12, 28));
  return Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]).toString('utf8');
};

// Blind index: equal inputs give equal outputs, without the key nothing can be learned.
export const blindIndex = (value: string, purpose: PiiPurpose): string =>
  createHmac('sha256', Buffer.from(getConfig().PII_HMAC_KEY, 'base64')).update(`${purpose}:${value}`).digest('base64url');
