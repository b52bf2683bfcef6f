import { createHash, randomBytes } from 'node:crypto';
import {
  CONSOLE_QR_PREFIX,
  consoleTicketIssueInputSchema,
  consoleTicketIssueOutputSchema,
  consoleTicketPollInputSchema,
  consoleTicketPollOutputSchema,
} from '../../../shared/schemas/console-login.schema';
import { withAuthServiceTx } from '../../_lib/db';
import { iso, open, route } from '../../_lib/handler';
import { signAccessToken } from '../../_lib/jwt';

// POST: a browser asks for a QR sign-in ticket. GET: it polls with the secret only it knows; the
// session is handed over once, after a staff member approved the ticket in the mini-program.
const hash = (secret: string): string => createHash('sha256').update(secret).digest('hex');

export default route({
  POST: open({
    input: consoleTicketIssueInputSchema,
    output: consoleTicketIssueOutputSchema,
    run: async ({ sql }) => {
      const pollSecret = randomBytes(24).toString('base64url');
      const [t] = await withAuthServiceTx(sql, (tx) => tx<{ id: string; expires_at: Date }[]>`
        select id, expires_at from private.console_ticket_issue(${hash(pollSecret)})`);
      if (!t) throw new Error('ticket not issued');
      return { ticketId: t.id, pollSecret, qrText: `${CONSOLE_QR_PREFIX}${t.id}`, expiresAt: iso(t.expires_at) };
    },
  }),
  GET: open({
    input: consoleTicketPollInputSchema,
    output: consoleTicketPollOutputSchema,
    run: async ({ input, sql }) => {
      const [r] = await withAuthServiceTx(sql, (tx) => tx<{ status: 'pending' | 'expired' | 'approved'; account_id: string | null; org_id: string | null }[]>`
        select status, account_id, org_id from private.console_ticket_consume(${input.ticketId}, ${hash(input.pollSecret)})`);
      if (!r || r.status !== 'approved' || !r.account_id || !r.org_id) return { status: r?.status === 'pending' ? 'pending' : 'expired' } as const;
      const { token, expiresAt } = await signAccessToken(r.account_id, r.org_id);
      return { status: 'approved', token, expiresAt: expiresAt.toISOString() } as const;
    },
  }),
});
