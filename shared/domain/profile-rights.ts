// Pure helpers for the PIPL rights: the due date of a request that needs staff action, and the
// readable summary that comes with a data export.

// 15 working days (PIPL practice for handling requests), counted Monday to Friday from the day
// after the request. Public holidays are not subtracted: the date is conservative (earlier).
export const WORKING_DAYS_TO_ANSWER = 15;

export const addWorkingDays = (isoDate: string, days: number): string => {
  const [y, m, d] = isoDate.split('-').map(Number) as [number, number, number];
  const t = new Date(Date.UTC(y, m - 1, d));
  let left = days;
  while (left > 0) {
    t.setUTCDate(t.getUTCDate() + 1);
    const wd = t.getUTCDay();
    if (wd !== 0 && wd !== 6) left--;
  }
  return t.toISOString().slice(0, 10);
};

type Json = Record<string, unknown>;
const arr = (v: unknown): Json[] => (Array.isArray(v) ? (v as Json[]) : []);
const str = (v: unknown): string => (v === null || v === undefined || v === '' ? '—' : String(v));

const PURPOSES: Record<string, string> = {
  membership_terms: '会员条款', privacy_policy: '隐私政策', marketing: '营销消息', personalization: '个性化推荐',
  sensitive_data: '敏感个人信息（生日）', guardian: '监护人同意', analysis: '消费分析',
};

// A plain-text summary of everything in the export, in the member's language.
export const exportSummary = (data: Json, exportedAt: string): string => {
  const m = (data.member ?? {}) as Json;
  const b = m.birthday as Json | null | undefined;
  const birthday = b ? `${b.calendar === 'lunar' ? '农历' : '公历'}${b.year ? `${String(b.year)}年` : ''}${b.leapMonth ? '闰' : ''}${String(b.month)}月${String(b.day)}日` : '—';
  const consents = arr(data.consents);
  const latest = new Map<string, Json>();
  for (const c of consents) latest.set(String(c.purpose), c);
  const orders = arr(data.orders);
  const total = orders.reduce((s, o) => s + Number(o.totalFen ?? 0), 0);
  const lines = [
    `我的会员数据（导出时间 ${exportedAt}）`,
    `会员号：${str(m.memberNo)}；称呼：${str(m.name)}；性别：${str(m.gender)}`,
    `手机号：${str(m.phoneMasked)}；生日：${birthday}；地区：${str(m.regionCode)}`,
    `偏好：${arr(m.preferences).length ? (m.preferences as string[]).join('、') : '—'}；等级：${str(m.tier)}；积分：${str(m.points)}`,
    `开卡门店：${str(m.store)}；专属导购：${str(m.associate)}；入会方式：${str(m.joinChannel)}`,
    `授权（当前）：${[...latest.values()].map((c) => `${PURPOSES[String(c.purpose)] ?? String(c.purpose)}${c.granted ? '已同意' : '已撤回'}`).join('；') || '—'}`,
    `授权记录：${consents.length} 条；标签：${arr(data.tags).length ? (data.tags as string[]).join('、') : '—'}；导购记录：${arr(data.interactions).length} 条`,
    `订单：${orders.length} 笔，合计 ¥${(total / 100).toFixed(2)}；订阅消息：${arr(data.subscriptions).length} 个模板；权利请求：${arr(data.privacyRequests).length} 条`,
  ];
  return lines.join('\n');
};
