import { resetConfig } from '../../functions/_lib/config';
import { generateSecrets, applySecrets } from '../../server/local-secrets';
import { DEMO_APPID } from '../../server/demo-seed';

// Configuration for tests that call server code directly: fresh random secrets, demo appid.
export const ensureTestEnv = (): void => {
  applySecrets(generateSecrets());
  if (!process.env.WECHAT_APPID) process.env.WECHAT_APPID = DEMO_APPID;
  resetConfig();
};
