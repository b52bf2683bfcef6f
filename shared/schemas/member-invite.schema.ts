import { z } from 'zod';

// GET /api/member/invite-qr: an associate's join code, the mini-program scene (≤ 32 characters)
// and a QR code of the mini-program path carrying it.
export const memberInviteOutputSchema = z.object({
  inviteCode: z.string(),
  scene: z.string().max(32),
  path: z.string(),
  qrDataUrl: z.string(),
});
export type MemberInviteOutput = z.infer<typeof memberInviteOutputSchema>;
