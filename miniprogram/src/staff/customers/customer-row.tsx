import { Text, View } from '@tarojs/components';
import type { CustomerSummary } from '@shared/schemas/customer-list.schema';
import { formatDate } from '../../lib/format';

type CustomerRowProps = { customer: CustomerSummary; onOpen: () => void };

export function CustomerRow({ customer, onOpen }: CustomerRowProps) {
  return (
    <View id={`customer-${customer.id}`} className='customer-row' onClick={onOpen}>
      <View className='customer-row__main'>
        <Text className='customer-row__name'>{customer.name ?? '未填写姓名'}</Text>
        <Text className='customer-row__phone'>{customer.phoneMasked ?? '未绑定手机'}</Text>
      </View>
      <View className='customer-row__meta'>
        <Text className='muted'>{customer.memberNo}</Text>
        <Text className='muted'>{formatDate(customer.joinedAt)}</Text>
      </View>
    </View>
  );
}
