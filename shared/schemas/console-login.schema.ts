import { z } from 'zod';

// Console sign-in by QR code. The browser asks for a ticket (POST), shows `qrText` as a QR code
// and polls (GET) with its pollSecret; a staff member scans the code in the mini-program and
// approves (POST /api/auth/console-approve).
export const CONSOLE_QR_PREFIX = 'siyu-console-login:';

export const consoleTicketIssueInputSchema = z.object({}).strict();
export const consoleTicketIssueOutputSchema = z.object({
  ticketId: z.uuid(),
  pollSecret: z.string(),
  qrText: z.string(),
  expiresAt: z.string(),
});
export type ConsoleTicketIssueOutput = z.infer<typeof consoleTicketIssueOutputSchema>;

export const consoleTicketPollInputSchema = z.object({ ticketId: z.uuid(), pollSecret: z.string().min(20).max(100) }).strict();
export const consoleTicketPollOutputSchema = z.discriminatedUnion('status', [
  z.object({ status: z.literal('pending') }),
  z.object({ status: z.literal('expired') }),
  z.object({ status: z.literal('approved'), token: z.string(), expiresAt: z.string() }),
]);
export type ConsoleTicketPollOutput = z.infer<typeof consoleTicketPollOutputSchema>;

export const consoleApproveInputSchema = z
  .object({ qrText: z.string().startsWith(CONSOLE_QR_PREFIX, 'This is not a console sign-in code').max(200) })
  .strict();
export const consoleApproveOutputSchema = z.object({ approved: z.boolean() });
