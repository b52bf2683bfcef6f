import { authLoginInputSchema, authLoginOutputSchema } from '../../../shared/schemas/auth-login.schema';
import { getConfig } from '../../_lib/config';
import { encryptPii } from '../../_lib/crypto/pii-crypto';
import { withAuthServiceTx } from '../../_lib/db';
import { DomainError } from '../../_lib/errors';
import { open, route } from '../../_lib/handler';
import { signAccessToken } from '../../_lib/jwt';
import { WechatApiError } from '../../_lib/wechat/wechat-client';
import { getWechatClient } from '../../_lib/wechat-context';

// POST /api/auth/wx-login: wx.login code → jscode2session → account found or created → JWT.
// The session_key is stored encrypted on the server and never returned.
export default route({
  POST: open({
    input: authLoginInputSchema,
    output: authLoginOutputSchema,
    run: async ({ input, sql }) => {
      if (input.appId !== getConfig().WECHAT_APPID) {
        throw new DomainError(400, 'unknown_app', 'This mini-program is not served here', [{ path: 'appId', message: 'unknown appId' }]);
      }
      let session: { openid: string; sessionKey: string; unionid?: string };
      try {
        session = await getWechatClient().code2Session(input.code);
      } catch (e) {
        if (e instanceof WechatApiError && e.disposition === 'permanent') {
          throw new DomainError(401, 'invalid_code', 'The sign-in code is invalid or already used; try again', [{ path: 'code', message: e.errmsg }]);
        }
        throw new DomainError(503, 'wechat_unavailable', 'WeChat is not answering; try again in a moment');
      }
      const [row] = await withAuthServiceTx(sql, (tx) =>
        tx<{ account_id: string; org_id: string }[]>`
          select account_id, org_id from private.wx_sign_in(
            ${input.appId}, ${session.openid}, ${session.unionid ?? null}, ${encryptPii(session.sessionKey, 'wx_session_key')})`,
      );
      if (!row) throw new Error('sign-in returned no account');
      const { token, expiresAt } = await signAccessToken(row.account_id, row.org_id);
      return { token, expiresAt: expiresAt.toISOString(), accountId: row.account_id, orgId: row.org_id };
    },
  }),
});
