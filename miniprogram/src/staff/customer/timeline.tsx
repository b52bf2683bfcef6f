import { Text, View } from '@tarojs/components';
import type { TimelineEntry } from '@shared/schemas/customer-card.schema';
import { formatDateTime, formatFen, interactionKindLabels } from '../../lib/format';

const purposeLabels: Record<string, string> = {
  membership_terms: '会员条款',
  privacy_policy: '隐私政策',
  marketing: '营销消息',
  personalization: '个性化推荐',
  sensitive_data: '敏感信息',
  analysis: '消费分析',
};

const titleOf = (e: TimelineEntry): string => {
  switch (e.type) {
    case 'order':
      return `购买 ${formatFen(e.totalFen)} · ${e.lineCount} 件`;
    case 'interaction':
      return `${interactionKindLabels[e.kind]}${e.staffName ? ` · ${e.staffName}` : ''}`;
    case 'consent':
      return `${e.granted ? '同意' : '撤回'}${purposeLabels[e.purpose] ?? e.purpose}`;
    case 'greeting':
      return `发送问候 · ${e.templateName}`;
  }
};

const detailOf = (e: TimelineEntry): string | null => {
  if (e.type === 'order') return e.orderNo;
  if (e.type === 'interaction') return e.followUpOn ? `${e.note}（${e.followUpOn} 跟进）` : e.note;
  if (e.type === 'greeting') return e.status;
  return null;
};

// One timeline of the customer: purchases, interactions, greetings sent and consent decisions.
export function Timeline({ entries }: { entries: TimelineEntry[] }) {
  return (
    <View id='customer-timeline' className='card'>
      <Text className='card__title'>动态</Text>
      {entries.length === 0 ? <Text className='muted'>暂无动态</Text> : null}
      {entries.map((e) => {
        const detail = detailOf(e);
        return (
          <View key={`${e.type}-${e.id}`} className={`timeline-row timeline-row--${e.type}`}>
            <View className='timeline-row__head'>
              <Text className='timeline-row__title'>{titleOf(e)}</Text>
              <Text className='muted'>{formatDateTime(e.at)}</Text>
            </View>
            {detail ? <Text className='timeline-row__detail'>{detail}</Text> : null}
          </View>
        );
      })}
    </View>
  );
}
