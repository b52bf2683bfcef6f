import { z } from 'zod';
import { appConfigOutputSchema } from '../../shared/schemas/auth-login.schema';
import { getConfig } from '../_lib/config';
import { DEMO_LOGINS } from '../_lib/demo-logins';
import { open, route } from '../_lib/handler';

// GET /api/config: what the app needs before sign-in.
export default route({
  GET: open({
    input: z.object({}).strict(),
    output: appConfigOutputSchema,
    run: async () => {
      const config = getConfig();
      return {
        appId: config.WECHAT_APPID,
        privacyPolicyVersion: config.PRIVACY_POLICY_VERSION,
        simulator: config.WECHAT_SIMULATOR,
        ...(config.WECHAT_SIMULATOR ? { demoLogins: DEMO_LOGINS } : {}),
      };
    },
  }),
});
