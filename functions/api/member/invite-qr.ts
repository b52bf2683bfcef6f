import QRCode from 'qrcode';
import { z } from 'zod';
import { memberInviteOutputSchema as outputSchema } from '../../../shared/schemas/member-invite.schema';
import { forbidden } from '../../_lib/errors';
import { person, route } from '../../_lib/handler';

// GET /api/member/invite-qr: the signed-in associate's (or manager's) join code: the
// mini-program `scene` (`a=<code>`, ≤ 32 characters, what wxacode.getUnlimited encodes in a real
// deployment) and, since that WeChat API is not in the simulator, a QR code of the mini-program
// path with that scene, which the app's start page reads the same way.

export default route({
  GET: person({
    input: z.object({}).strict(),
    output: outputSchema,
    run: async ({ inTx }) => {
      const [me] = await inTx((tx) => tx<{ invite_code: string | null; role: string }[]>`
        select invite_code, role from public.staff where org_id = private.jwt_org_id() and id = private.my_staff_id()`);
      if (!me?.invite_code || !['associate', 'manager'].includes(me.role)) throw forbidden('Only associates and managers have a join code');
      const scene = `a=${me.invite_code}`;
      const path = `pages/index/index?scene=${encodeURIComponent(scene)}`;
      return { inviteCode: me.invite_code, scene, path, qrDataUrl: await QRCode.toDataURL(path, { margin: 1, width: 240 }) };
    },
  }),
});
