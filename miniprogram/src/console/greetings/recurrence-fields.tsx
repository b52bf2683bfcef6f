import { Input, Text, View } from '@tarojs/components';
import type { RecurrenceInput } from '@shared/schemas/greeting-campaign.schema';
import { Notice } from '../../components/notice';

// How often a segment campaign goes out: once on its day, weekly on chosen weekdays, or monthly
// on a day (31 = the last day of shorter months), with an optional last day. Each occurrence is
// planned, dry-run and counted on its own.
export type RepeatForm = { repeat: 'once' | 'week' | 'month'; weekdays: number[]; monthDay: string; until: string };
export const EMPTY_REPEAT: RepeatForm = { repeat: 'once', weekdays: [], monthDay: '', until: '' };

const WEEKDAYS = ['一', '二', '三', '四', '五', '六', '日'] as const;

/** The create payload's part for this form (the shared schema checks it). */
export const repeatPayload = (f: RepeatForm): { recurrence?: unknown; repeatUntil?: string } => {
  if (f.repeat === 'once') return {};
  const recurrence = f.repeat === 'week' ? { every: 'week', weekdays: f.weekdays } : { every: 'month', day: f.monthDay === '' ? Number.NaN : Number(f.monthDay) };
  return { recurrence, ...(f.until ? { repeatUntil: f.until } : {}) };
};

/** 每周一、四 / 每月 31 日（小月在月末）. */
export const describeRecurrence = (r: RecurrenceInput | null): string => {
  if (!r) return '一次';
  if (r.every === 'week') return `每周${[...r.weekdays].sort((a, b) => a - b).map((d) => WEEKDAYS[d - 1]).join('、')}`;
  return r.day >= 29 ? `每月 ${r.day} 日（没有这一天的月份在月末）` : `每月 ${r.day} 日`;
};

export function RecurrenceFields({ value, onChange, errors }: { value: RepeatForm; onChange: (v: RepeatForm) => void; errors: Record<string, string> }) {
  const set = (patch: Partial<RepeatForm>): void => onChange({ ...value, ...patch });
  const toggle = (d: number): void => set({ weekdays: value.weekdays.includes(d) ? value.weekdays.filter((x) => x !== d) : [...value.weekdays, d].sort((a, b) => a - b) });
  return (
    <View id='gr-recurrence'>
      <View className='gr-row'>
        <Text className='gr-label'>重复</Text>
        {(['once', 'week', 'month'] as const).map((r) => (
          <Text key={r} id={`gr-repeat-${r}`} className={`chip${value.repeat === r ? ' chip--on' : ''}`} onClick={() => set({ repeat: r })}>
            {r === 'once' ? '不重复' : r === 'week' ? '每周' : '每月'}
          </Text>
        ))}
      </View>
      {value.repeat === 'week' ? (
        <View className='gr-row'>
          <Text className='gr-label'>星期</Text>
          {WEEKDAYS.map((name, i) => (
            <Text key={name} id={`gr-weekday-${i + 1}`} className={`chip${value.weekdays.includes(i + 1) ? ' chip--on' : ''}`} onClick={() => toggle(i + 1)}>
              周{name}
            </Text>
          ))}
        </View>
      ) : null}
      {value.repeat === 'month' ? (
        <View className='gr-row'>
          <Text className='gr-label'>每月几号</Text>
          <Input id='gr-month-day' className='gr-input' type='number' placeholder='1–31（31 = 月末）' value={value.monthDay} onInput={(e) => set({ monthDay: e.detail.value })} />
        </View>
      ) : null}
      {value.repeat !== 'once' ? (
        <View className='gr-row'>
          <Text className='gr-label'>结束日期（可不填）</Text>
          <Input id='gr-repeat-until' className='gr-input' placeholder='YYYY-MM-DD' value={value.until} onInput={(e) => set({ until: e.detail.value })} />
        </View>
      ) : null}
      <Notice id='gr-recurrence-error' text={errors.recurrence} />
      <Notice id='gr-repeatUntil-error' text={errors.repeatUntil} />
    </View>
  );
}
