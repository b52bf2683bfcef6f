import { getConfig } from './config';
import { getSql } from './db';
import { createWechatClient } from './wechat/wechat-client';
import { createDbTokenStore } from './wechat/db-token-store';

// The WeChat client of this deployment: base URL from configuration (the simulator locally),
// access token shared through the database by every instance.
type WechatClient = ReturnType<typeof createWechatClient>;
let client: WechatClient | null = null;

export const getWechatClient = (): WechatClient => {
  if (!client) {
    const config = getConfig();
    client = createWechatClient({
      baseUrl: config.WECHAT_API_BASE,
      appId: config.WECHAT_APPID,
      secret: config.WECHAT_SECRET,
      tokenStore: createDbTokenStore(getSql()),
    });
  }
  return client;
};

export const resetWechatClient = (): void => {
  client = null;
};
