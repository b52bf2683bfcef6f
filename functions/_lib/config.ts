import { z } from 'zod';

// All configuration comes from the environment, parsed once. No secret has a default: the local
// start script generates them into the (git-ignored) data folder, tests generate their own.
const base64Key = z
  .string()
  .refine((v) => Buffer.from(v, 'base64').length === 32, 'must be 32 bytes, base64-encoded');

const configSchema = z.object({
  JWT_SECRET: z.string().min(32, 'JWT_SECRET must be at least 32 characters'),
  JWT_TTL_SECONDS: z.coerce.number().int().min(60).max(86400).default(3600),
  // "k1:<base64>,k2:<base64>": every key that may have encrypted stored data; the active one
  // encrypts new data. Rotation = add a key, make it active, re-encrypt at leisure.
  PII_ENC_KEYS: z.string().min(1),
  PII_ENC_ACTIVE_KEY: z.string().regex(/^[a-z0-9]{1,16}$/),
  PII_HMAC_KEY: base64Key,
  WECHAT_API_BASE: z.url().default('https://api.weixin.qq.com'),
  WECHAT_APPID: z.string().regex(/^wx[0-9a-zA-Z]{16}$/),
  WECHAT_SECRET: z.string().min(16),
  // Only the local demo and tests point at the simulator; demo logins exist only then.
  WECHAT_SIMULATOR: z
    .enum(['0', '1', 'true', 'false'])
    .default('0')
    .transform((v) => v === '1' || v === 'true'),
  PRIVACY_POLICY_VERSION: z.string().min(1).max(32).default('2026-11-01'),
  CRON_SECRET: z.string().min(16).optional(),
});

export type AppConfig = Omit<z.infer<typeof configSchema>, 'PII_ENC_KEYS'> & { PII_ENC_KEYS: Map<string, Buffer> };

let cached: AppConfig | null = null;

export const parseEncKeys = (raw: string): Map<string, Buffer> => {
  const keys = new Map<string, Buffer>();
  for (const part of raw.split(',')) {
    const [id, b64] = part.split(':');
    if (!id || !b64) throw new Error('PII_ENC_KEYS must look like "k1:<base64>,k2:<base64>"');
    const key = Buffer.from(b64, 'base64');
    if (key.length !== 32) throw new Error(`PII_ENC_KEYS key ${id} must be 32 bytes`);
    keys.set(id, key);
  }
  return keys;
};

export const getConfig = (): AppConfig => {
  if (cached) return cached;
  const parsed = configSchema.safeParse(process.env);
  if (!parsed.success) {
    const fields = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    throw new Error(`Invalid configuration: ${fields}`);
  }
  const keys = parseEncKeys(parsed.data.PII_ENC_KEYS);
  if (!keys.has(parsed.data.PII_ENC_ACTIVE_KEY)) throw new Error('PII_ENC_ACTIVE_KEY is not in PII_ENC_KEYS');
  cached = { ...parsed.data, PII_ENC_KEYS: keys };
  return cached;
};

export const resetConfig = (): void => {
  cached = null;
};
