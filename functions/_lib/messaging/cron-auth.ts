import { timingSafeEqual } from 'node:crypto';
import type { VercelRequest } from '@vercel/node';
import { DomainError } from '../errors';

// Vercel Cron calls the path with `Authorization: Bearer <CRON_SECRET>`. Without a configured
// secret nothing runs: an open cron endpoint would let anyone trigger sends.
export const requireCronSecret = (req: VercelRequest): void => {
  const secret = process.env.CRON_SECRET ?? '';
  const header = req.headers.authorization ?? '';
  const given = header.startsWith('Bearer ') ? header.slice(7) : '';
  const ok = secret.length >= 16 && given.length === secret.length && timingSafeEqual(Buffer.from(given), Buffer.from(secret));
  if (!ok) throw new DomainError(401, 'unauthenticated', 'Cron secret required');
};
