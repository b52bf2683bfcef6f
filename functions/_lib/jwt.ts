import { SignJWT, jwtVerify, errors as joseErrors } from 'jose';
import { z } from 'zod';
import { getConfig } from './config';
import { DomainError } from './errors';

// Supabase-compatible access token: role/aud "authenticated", sub = accounts.id, plus the org.
// It carries identity only; what the person may do is read from tables on every request.
export const accessClaimsSchema = z.object({
  sub: z.uuid(),
  role: z.literal('authenticated'),
  aud: z.literal('authenticated'),
  org_id: z.uuid(),
  iat: z.number().int(),
  exp: z.number().int(),
  iss: z.string(),
});
export type AccessClaims = z.infer<typeof accessClaimsSchema>;

const ISSUER = 'siyu-platform';
const secretKey = (): Uint8Array => new TextEncoder().encode(getConfig().JWT_SECRET);

export const signAccessToken = async (accountId: string, orgId: string): Promise<{ token: string; expiresAt: Date }> => {
  const ttl = getConfig().JWT_TTL_SECONDS;
  const now = Math.floor(Date.now() / 1000);
  const token = await new SignJWT({ role: 'authenticated', org_id: orgId })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(accountId)
    .setAudience('authenticated')
    .setIssuer(ISSUER)
    .setIssuedAt(now)
    .setExpirationTime(now + ttl)
    .sign(secretKey());
  return { token, expiresAt: new Date((now + ttl) * 1000) };
};

export const verifyAccessToken = async (token: string): Promise<AccessClaims> => {
  try {
    const { payload } = await jwtVerify(token, secretKey(), {
      algorithms: ['HS256'],
      audience: 'authenticated',
      issuer: ISSUER,
    });
    const claims = accessClaimsSchema.safeParse(payload);
    if (!claims.success) throw new DomainError(401, 'invalid_token', 'The session token is not valid');
    return claims.data;
  } catch (e) {
    if (e instanceof DomainError) throw e;
    if (e instanceof joseErrors.JWTExpired) throw new DomainError(401, 'token_expired', 'The session has expired; sign in again');
    throw new DomainError(401, 'invalid_token', 'The session token is not valid');
  }
};
