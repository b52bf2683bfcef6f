import type { InteractionKind } from '@shared/schemas/common.schema';

// Display helpers. Dates come from the API as ISO strings; they are shown in the device's time
// zone, which for the brand's members and associates is the brand's (Asia/Shanghai).

const pad = (n: number): string => (n < 10 ? `0${n}` : String(n));

export const formatDate = (iso: string): string => {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
};

export const formatDateTime = (iso: string): string => {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return `${formatDate(iso)} ${pad(d.getHours())}:${pad(d.getMinutes())}`;
};

// Money is kept in fen (integer) end to end; only the screen shows yuan.
export const formatFen = (fen: number): string => {
  const sign = fen < 0 ? '-' : '';
  const abs = Math.abs(fen);
  return `${sign}¥${Math.floor(abs / 100)}.${pad(abs % 100)}`;
};

export const interactionKindLabels: Record<InteractionKind, string> = {
  chat: '聊天',
  call: '电话',
  visit: '到店',
  note: '备注',
};

const consentPurposeLabels: Record<string, string> = {
  terms: '会员条款',
  membership_terms: '会员条款',
  privacy: '隐私政策',
  privacy_policy: '隐私政策',
  marketing: '营销消息',
  analysis: '消费分析',
  personalization: '个性化推荐',
  sensitive_data: '敏感信息处理',
};

export const consentPurposeLabel = (purpose: string): string => consentPurposeLabels[purpose] ?? purpose;
