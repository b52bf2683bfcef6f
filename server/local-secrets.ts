import { randomBytes } from 'node:crypto';
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';

// Secrets for a local run, generated on first start and kept in the git-ignored data folder so
// that encrypted demo data stays readable across restarts. Production sets them in the
// environment; nothing here runs there (an env var always wins).
export type LocalSecrets = Record<'JWT_SECRET' | 'PII_ENC_KEYS' | 'PII_ENC_ACTIVE_KEY' | 'PII_HMAC_KEY' | 'WECHAT_SECRET' | 'CRON_SECRET', string>;

export const generateSecrets = (): LocalSecrets => ({
  JWT_SECRET: randomBytes(48).toString('base64url'),
  PII_ENC_KEYS: `k1:${randomBytes(32).toString('base64')}`,
  PII_ENC_ACTIVE_KEY: 'k1',
  PII_HMAC_KEY: randomBytes(32).toString('base64'),
  WECHAT_SECRET: randomBytes(16).toString('hex'),
  CRON_SECRET: randomBytes(24).toString('base64url'),
});

export const loadOrCreateSecrets = async (dataDir: string | null): Promise<LocalSecrets> => {
  if (!dataDir) return generateSecrets();
  const file = path.join(dataDir, 'secrets.json');
  try {
    return JSON.parse(await readFile(file, 'utf8')) as LocalSecrets;
  } catch {
    await mkdir(dataDir, { recursive: true });
    const secrets = generateSecrets();
    await writeFile(file, JSON.stringify(secrets, null, 2));
    await chmod(file, 0o600);
    return secrets;
  }
};

// Fills only what the environment does not already set.
export const applySecrets = (secrets: LocalSecrets): void => {
  for (const [k, v] of Object.entries(secrets)) if (!process.env[k]) process.env[k] = v;
};
