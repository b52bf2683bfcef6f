// A channel delivers one rendered message to one member. WeChat subscribe messages first; SMS
// and WeCom plug in behind the same type without touching the engine.
import { WechatApiError, type WechatClient } from '../wechat/wechat-client';

export type ChannelName = 'wechat_subscribe' | 'sms' | 'wecom';

export type Delivery = { toUser: string; externalTemplateId: string; page: string | null; data: Record<string, string> };

/**
 * sent: delivered (msgid). retry: transient, nothing delivered, may try later; `quota`: the
 * channel's daily quota is spent, so nothing more can go out before it resets.
 * permanent: will never work (reason stored); `noCredit` = the member's subscription is spent.
 * unknown: the channel may have delivered it (timeout): never resent blindly.
 */
export type DeliveryResult =
  | { outcome: 'sent'; msgid: string }
  | { outcome: 'retry'; reason: string; quota?: boolean }
  | { outcome: 'permanent'; reason: string; noCredit: boolean }
  | { outcome: 'unknown'; reason: string };

// quotaAccount: whose daily quota the channel spends (WeChat: the appid). With it, a spent quota
// pauses every dispatcher until the reset (stored in the database), not just this run.
export type Channel = { name: ChannelName; quotaAccount?: string; deliver(d: Delivery): Promise<DeliveryResult> };

const PERMANENT_REASONS: Record<number, string> = {
  43101: 'refused',
  47003: 'invalid_template_data',
  47001: 'invalid_template_data',
  40003: 'bad_openid',
  40037: 'bad_template_id',
};

export function wechatSubscribeChannel(client: Pick<WechatClient, 'sendSubscribeMessage'>, appId?: string): Channel {
  return {
    name: 'wechat_subscribe',
    ...(appId ? { quotaAccount: appId } : {}),
    async deliver(d) {
      try {
        const { msgid } = await client.sendSubscribeMessage({
          toUser: d.toUser,
          templateId: d.externalTemplateId,
          ...(d.page ? { page: d.page } : {}),
          data: d.data,
        });
        return { outcome: 'sent', msgid };
      } catch (e) {
        if (!(e instanceof WechatApiError)) return { outcome: 'unknown', reason: 'internal_error' };
        // The client already refreshed the token once and retried transient errors with backoff.
        if (e.ambiguous) return { outcome: 'unknown', reason: `ambiguous_${e.errcode}` };
        if (e.disposition === 'permanent') {
          const reason = typeof e.errcode === 'number' ? (PERMANENT_REASONS[e.errcode] ?? `wechat_${e.errcode}`) : `wechat_${e.errcode}`;
          return { outcome: 'permanent', reason, noCredit: e.errcode === 43101 };
        }
        if (e.disposition === 'quota') return { outcome: 'retry', reason: 'wechat_daily_quota', quota: true };
        return { outcome: 'retry', reason: `wechat_${e.errcode}` };
      }
    },
  };
}
