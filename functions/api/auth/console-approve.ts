import { CONSOLE_QR_PREFIX, consoleApproveInputSchema, consoleApproveOutputSchema } from '../../../shared/schemas/console-login.schema';
import { DomainError } from '../../_lib/errors';
import { person, route } from '../../_lib/handler';

// POST /api/auth/console-approve: a signed-in staff member approves the QR code they scanned.
export default route({
  POST: person({
    input: consoleApproveInputSchema,
    output: consoleApproveOutputSchema,
    run: async ({ input, inTx }) => {
      const ticketId = input.qrText.slice(CONSOLE_QR_PREFIX.length);
      if (!/^[0-9a-f-]{36}$/.test(ticketId)) throw new DomainError(400, 'invalid_input', 'This is not a console sign-in code', [{ path: 'qrText', message: 'not a sign-in code' }]);
      const [r] = await inTx((tx) => tx<{ ok: boolean }[]>`select public.approve_console_ticket(${ticketId}::uuid) as ok`);
      if (!r?.ok) throw new DomainError(410, 'ticket_expired', 'This sign-in code has expired or was already used; refresh the console page');
      return { approved: true };
    },
  }),
});
