import { Text, View } from '@tarojs/components';
import type { GreetingCampaign } from '@shared/schemas/greeting-campaign.schema';

// A campaign's next occasions: the occurrences of a segment campaign, or the next store
// anniversaries (store and years). Each can be dry-run on its own.
export function UpcomingList({ campaign, onDryRun }: { campaign: GreetingCampaign; onDryRun: (occasionDate: string) => void }) {
  if (campaign.upcoming.length === 0) return null;
  // Two stores may share an anniversary: one dry run covers the day.
  const firstOfDay = new Set(campaign.upcoming.map((u, i) => campaign.upcoming.findIndex((v) => v.date === u.date) === i ? i : -1));
  return (
    <View id={`gr-upcoming-${campaign.id}`} className='gr-upcoming'>
      <Text className='muted'>{campaign.kind === 'store_anniversary' ? '即将到来的门店周年' : '接下来的发送日期'}</Text>
      {campaign.upcoming.map((u, i) => (
        <View key={`${u.date}-${u.storeName ?? ''}`} className='gr-row gr-upcoming__item'>
          <Text className='gr-upcoming__date'>{u.date}</Text>
          {u.storeName ? (
            <Text>
              {u.storeName} {u.years} 周年
            </Text>
          ) : null}
          {firstOfDay.has(i) ? (
            <Text id={`gr-occ-dry-${campaign.id}-${u.date}`} className='chip' onClick={() => onDryRun(u.date)}>
              试算这一天
            </Text>
          ) : null}
        </View>
      ))}
    </View>
  );
}
