import { Text, View } from '@tarojs/components';
import type { CustomerSort, CustomerSummary } from '@shared/schemas/customer-list.schema';
import { formatDate, formatFen } from '../../lib/format';
import { churnLabel, rfmClassLabel } from '../../lib/rfm-labels';

type CustomerRowProps = { customer: CustomerSummary; sort?: CustomerSort; onOpen: () => void };

// The right-hand figure follows the sort, so the list shows why a customer is where they are.
const figure = (c: CustomerSummary, sort: CustomerSort | undefined): string => {
  switch (sort) {
    case 'spend':
      return `${formatFen(c.lifetimeSpendFen)} · ${c.orderCount} 单`;
    case 'last_purchase':
      return c.lastPurchaseAt ? `最近购买 ${formatDate(c.lastPurchaseAt)}` : '未购买';
    case 'last_contact':
      return c.lastContactAt ? `最近联系 ${formatDate(c.lastContactAt)}` : '从未联系';
    default:
      return formatDate(c.joinedAt);
  }
};

export function CustomerRow({ customer, sort, onOpen }: CustomerRowProps) {
  return (
    <View id={`customer-${customer.id}`} className='customer-row' onClick={onOpen}>
      <View className='customer-row__main'>
        <Text className='customer-row__name'>{customer.name ?? '未填写姓名'}</Text>
        <Text className='customer-row__phone'>{customer.phoneMasked ?? '未绑定手机'}</Text>
      </View>
      <View className='customer-row__value'>
        {customer.rfmClass ? <Text className='customer-row__rfm'>{rfmClassLabel(customer.rfmClass)}</Text> : null}
        {customer.churnState === 'at_risk' ? <Text className='customer-row__churn'>{churnLabel(customer.churnState)}</Text> : null}
      </View>
      <View className='customer-row__meta'>
        <Text className='muted'>{customer.memberNo}</Text>
        <Text className='muted customer-row__figure'>{figure(customer, sort)}</Text>
      </View>
    </View>
  );
}
