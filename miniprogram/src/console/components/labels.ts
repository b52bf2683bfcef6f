import { CHURN_STATE_LABELS, RFM_CLASS_LABELS, type ChurnState, type RfmClass } from '@shared/domain/rfm';

// How the console names the values the dashboards count.
export const JOIN_CHANNEL_LABELS: Record<string, string> = {
  store_qr: '门店码',
  associate_qr: '导购码',
  organic: '自然进入',
  import: '导入',
};
export const channelLabel = (c: string): string => JOIN_CHANNEL_LABELS[c] ?? c;

export const rfmLabel = (c: string | null | undefined): string => (c ? (RFM_CLASS_LABELS[c as RfmClass] ?? c) : '未购买');
export const churnLabel = (c: string): string => CHURN_STATE_LABELS[c as ChurnState] ?? c;
export const tierLabel = (t: string | null | undefined): string => t ?? '无等级';

export const GREETING_REASON_LABELS: Record<string, string> = {
  no_consent: '未同意营销消息',
  consent_withdrawn: '已撤回同意',
  no_credit: '未订阅该消息',
  frequency_budget: '频次已满',
  quiet_hours: '免打扰时段',
  deleted: '已注销',
  invalid_template_data: '模板内容不合规',
  no_openid: '未使用小程序',
  refused: '用户拒收',
  outcome_unknown_after_crash: '结果未知',
  unknown: '未知原因',
};
export const greetingReasonLabel = (r: string): string => GREETING_REASON_LABELS[r] ?? r;
export const GREETING_STATUS_LABELS: Record<string, string> = { sent: '已发送', failed: '失败', skipped: '未发送', queued: '待发送', unknown: '结果未知' };

export const percent = (part: number, whole: number): string => (whole > 0 ? `${Math.round((part / whole) * 1000) / 10}%` : '–');
