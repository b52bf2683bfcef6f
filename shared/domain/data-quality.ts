// The data quality audit's checks: keys, categories, what each one means, and the weights of
// the score. The checks themselves run in SQL (private.data_quality_compute() in
// supabase/migrations/20261201003000_data_quality.sql), which holds the same weights; a test
// keeps the two in step.
//
// Score = 100 − Σ weight × (members flagged ÷ members), the weights adding up to 100: a brand
// whose every member passes every check scores 100; one whose every member misses a phone
// number loses 10 points. Each check counts a member at most once.

export const QUALITY_CATEGORIES = ['completeness', 'validity', 'duplicates', 'consent', 'staleness'] as const;
export type QualityCategory = (typeof QUALITY_CATEGORIES)[number];

export const QUALITY_CATEGORY_LABELS: Record<QualityCategory, string> = {
  completeness: '信息完整度',
  validity: '数据有效性',
  duplicates: '疑似重复（未合并）',
  consent: '授权同意',
  staleness: '沉睡档案',
};

export type QualityCheck = { key: string; category: QualityCategory; weight: number; label: string; explain: string };

// Days without a purchase, a contact or a sign-in (and since joining) after which a record is stale.
export const STALE_DAYS = 365;

export const QUALITY_CHECKS = [
  { key: 'missing_name', category: 'completeness', weight: 6, label: '缺少姓名', explain: '姓名为空' },
  { key: 'missing_phone', category: 'completeness', weight: 10, label: '缺少手机号', explain: '没有已验证的手机号' },
  { key: 'missing_birthday', category: 'completeness', weight: 6, label: '缺少生日', explain: '没有生日（会员撤回敏感信息授权而清除的不计）' },
  { key: 'missing_gender', category: 'completeness', weight: 3, label: '缺少性别', explain: '性别未知' },
  { key: 'missing_region', category: 'completeness', weight: 3, label: '缺少地区', explain: '没有地区代码' },
  { key: 'missing_store', category: 'completeness', weight: 8, label: '未归属门店', explain: '没有服务门店' },
  { key: 'missing_associate', category: 'completeness', weight: 8, label: '未分配导购', explain: '没有专属导购' },
  { key: 'missing_wechat', category: 'completeness', weight: 6, label: '未绑定微信', explain: '从未打开会员小程序（收不到订阅消息）' },
  { key: 'invalid_birthday', category: 'validity', weight: 6, label: '生日不存在', explain: '日历上没有这一天：如 2 月 30 日、平年 2 月 29 日、农历小月三十、当年没有的闰月' },
  { key: 'invalid_birth_year', category: 'validity', weight: 3, label: '出生年份不合理', explain: '出生年份在未来，或早于 120 年前' },
  { key: 'unknown_region', category: 'validity', weight: 4, label: '地区代码无效', explain: '不是 GB/T 2260 行政区划代码' },
  { key: 'invalid_name', category: 'validity', weight: 5, label: '姓名异常', explain: '含数字、控制字符或不可见字符，首尾有空格，或只有符号' },
  { key: 'duplicate_name_birthday', category: 'duplicates', weight: 6, label: '同名同生日', explain: '姓名相同（忽略大小写、空格、间隔号）且生日相同（都有年份时年份也相同），且两人没有各自不同的已验证手机号' },
  { key: 'duplicate_name_phone4_store', category: 'duplicates', weight: 6, label: '同名同尾号同门店', explain: '同一门店里姓名相同、手机尾号相同' },
  { key: 'no_privacy_consent', category: 'consent', weight: 6, label: '无有效隐私政策同意', explain: '隐私政策同意不在有效状态（从未同意或已撤回）' },
  { key: 'no_marketing_consent', category: 'consent', weight: 4, label: '无有效营销授权', explain: '营销消息授权不在有效状态：不能给他发营销消息' },
  { key: 'stale', category: 'staleness', weight: 10, label: '沉睡档案', explain: `入会、购买、导购联系、登录都在 ${STALE_DAYS} 天以前` },
] as const satisfies readonly QualityCheck[];

export type QualityIssue = (typeof QUALITY_CHECKS)[number]['key'];
export const QUALITY_ISSUES = QUALITY_CHECKS.map((c) => c.key) as [QualityIssue, ...QualityIssue[]];

export const qualityCheck = (key: string): QualityCheck | undefined => QUALITY_CHECKS.find((c) => c.key === key);

// The score of a run from its counts, as the SQL computes it (used by tests and by the console
// to explain a number: "this check costs N points").
export const qualityScore = (members: number, counts: Record<string, number>, weights: Record<string, number>): number | null => {
  if (members <= 0) return null;
  let lost = 0;
  for (const [key, w] of Object.entries(weights)) lost += (w * (counts[key] ?? 0)) / members;
  return Math.round(Math.max(0, 100 - lost) * 10) / 10;
};

export const pointsLost = (members: number, flagged: number, weight: number): number =>
  members <= 0 ? 0 : Math.round(((weight * flagged) / members) * 10) / 10;

// Why a finding was flagged (the finding's detail.reason), as operators read it.
export const QUALITY_REASON_LABELS: Record<string, string> = {
  leap_month_on_solar: '公历生日标了闰月',
  no_such_day: '这个月没有这一天',
  not_leap_year: '出生那年不是闰年，没有 2 月 29 日',
  no_leap_month: '出生那年农历没有这个闰月',
  short_month: '出生那年农历这个月只有 29 天',
  control_characters: '含控制字符或不可见字符',
  digits: '含数字',
  whitespace: '首尾有空格',
  symbols_only: '只有符号',
  withdrawn: '已撤回',
  never_granted: '从未同意',
};
