import type { CustomerSort } from '@shared/schemas/customer-list.schema';

// The one-tap filters above the list and the sorts, as associates name them.
export type QuickFilter = 'birthday_week' | 'birthday_month' | 'never_contacted' | 'lapsed_90' | 'bought_30';

export const quickFilters: { key: QuickFilter; label: string }[] = [
  { key: 'birthday_week', label: '本周生日' },
  { key: 'birthday_month', label: '本月生日' },
  { key: 'never_contacted', label: '从未联系' },
  { key: 'lapsed_90', label: '90天未购' },
  { key: 'bought_30', label: '近30天购买' },
];

export const sortLabels: Record<CustomerSort, string> = {
  joined: '最新入会',
  last_purchase: '最近购买',
  spend: '消费额',
  last_contact: '最近联系',
};

const pad = (n: number): string => (n < 10 ? `0${n}` : String(n));

// A calendar date `days` from today on the phone, which shows the brand's time zone (the
// server reads the date in the brand's zone).
export const daysFromToday = (days: number, now: Date = new Date()): string => {
  const d = new Date(now.getFullYear(), now.getMonth(), now.getDate() + days);
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
};
