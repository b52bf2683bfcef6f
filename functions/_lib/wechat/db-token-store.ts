// The access token cache in Postgres, shared by every function instance. The SQL functions are
// granted only to app_auth (the identity/integration role), so each transaction switches into it
// first, transaction-locally, which is also all a transaction-mode pooler allows.

import type postgres from 'postgres';
import { z } from 'zod';
import type { StoredToken, TokenStore } from './wechat-client';

const tokenRowSchema = z.object({
  access_token: z.string().min(1),
  // postgres.js parses timestamptz to Date; a connection configured without type parsing gives text.
  expires_at: z.union([z.date(), z.string().min(1).transform((text) => new Date(text))]),
});

function toToken(row: unknown): StoredToken | null {
  if (row === undefined) return null;
  const parsed = tokenRowSchema.parse(row);
  if (Number.isNaN(parsed.expires_at.getTime())) throw new Error('wechat_tokens.expires_at is not a timestamp');
  return { accessToken: parsed.access_token, expiresAt: parsed.expires_at };
}

async function asAppAuth(tx: postgres.TransactionSql): Promise<void> {
  await tx`select set_config('role', 'app_auth', true)`;
}

export function createDbTokenStore(sql: postgres.Sql): TokenStore {
  return {
    async get(appId) {
      return sql.begin(async (tx) => {
        await asAppAuth(tx);
        const rows = await tx`select access_token, expires_at from private.wechat_token_get(${appId})`;
        return toToken(rows[0]);
      });
    },

    // The advisory lock is held until the transaction ends, i.e. across the call to WeChat: the
    // other instances wait for it and then find the new token instead of fetching their own.
    // If fetchNew fails, the transaction rolls back and the stored token is left as it was.
    async refresh(appId, fetchNew, isStillValid) {
      return sql.begin(async (tx) => {
        await asAppAuth(tx);
        await tx`select private.wechat_token_lock(${appId})`;
        const rows = await tx`select access_token, expires_at from private.wechat_token_get(${appId})`;
        const stored = toToken(rows[0]);
        if (stored && isStillValid(stored)) return stored;
        const fresh = await fetchNew();
        await tx`select private.wechat_token_put(${appId}, ${fresh.accessToken}, ${fresh.expiresAt})`;
        return fresh;
      });
    },
  };
}
