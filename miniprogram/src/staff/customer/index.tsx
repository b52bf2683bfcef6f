import { useEffect, useRef, useState } from 'react';
import Taro, { useRouter } from '@tarojs/taro';
import { Text, View } from '@tarojs/components';
import { customerCardInputSchema, type CustomerCardOutput } from '@shared/schemas/customer-card.schema';
import type { TagTaxonomyOutput } from '@shared/schemas/member-tag.schema';
import { Notice } from '../../components/notice';
import { api } from '../../services/api';
import { errorMessage, isApiError } from '../../services/api-client';
import { formatDate, formatDateTime, formatFen, interactionKindLabels } from '../../lib/format';
import { churnLabel, rfmClassLabel } from '../../lib/rfm-labels';
import { GreetingForm } from './greeting-form';
import { InteractionForm } from './interaction-form';
import { TagEditor } from './tag-editor';
import { Timeline } from './timeline';
import './index.scss';

type LoadState = 'loading' | 'ready' | 'not-found' | 'failed';

// One customer, as an associate sees them: masked phone, tags (editable), recent orders and
// interactions, and a form to log a new interaction. A customer outside the associate's stores
// is indistinguishable from one that does not exist: both are "not found".
export default function CustomerPage() {
  const { params } = useRouter();
  const [state, setState] = useState<LoadState>('loading');
  const [card, setCard] = useState<CustomerCardOutput | null>(null);
  const [taxonomy, setTaxonomy] = useState<TagTaxonomyOutput | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busyTags, setBusyTags] = useState<ReadonlySet<string>>(new Set());
  const [phone, setPhone] = useState<string | null>(null);
  const [revealing, setRevealing] = useState(false);

  const idCheck = customerCardInputSchema.safeParse({ id: params.id ?? '' });
  const memberId = idCheck.success ? idCheck.data.id : null;

  // Tag taps since the page loaded. A card read that began before a later tap is not shown: its
  // tags predate that tap (a single-choice group's re-read landing after the next tap's removal
  // would show the tag on again while the customer no longer has it).
  const tagTaps = useRef(0);

  const loadCard = async (): Promise<void> => {
    if (!memberId) {
      setState('not-found');
      return;
    }
    const tapsAtStart = tagTaps.current;
    try {
      const next = await api.customer(memberId);
      if (tagTaps.current !== tapsAtStart) return;
      setCard(next);
      setState('ready');
    } catch (e) {
      if (isApiError(e) && e.status === 404) setState('not-found');
      else {
        setError(errorMessage(e));
        setState((s) => (s === 'ready' ? s : 'failed'));
      }
    }
  };

  // Full number on request only (the server audits each reveal); it is never kept beyond the page.
  const reveal = async (): Promise<void> => {
    if (!card || revealing) return;
    setRevealing(true);
    setError(null);
    try {
      setPhone((await api.revealPhone(card.id)).phone);
    } catch (e) {
      setError(errorMessage(e));
    } finally {
      setRevealing(false);
    }
  };

  // Opened from a to-do item: bring the section of its one-tap action into view.
  useEffect(() => {
    const section = params.section;
    if (state !== 'ready' || !section) return;
    const sections: Record<string, string> = { log: '#interaction-form', tags: '#customer-tags', greet: '#customer-greeting' };
    const target = sections[section];
    if (target) void Taro.pageScrollTo({ selector: target, duration: 0 }).catch(() => undefined);
  }, [state]);

  useEffect(() => {
    void loadCard();
    api
      .tags()
      .then(setTaxonomy)
      .catch(() => {
        // Editing needs the taxonomy; the card still shows the customer's tags without it.
      });
    // Once per page load (the id is fixed for the page).
  }, []);

  const toggleTag = async (tagId: string, groupId: string): Promise<void> => {
    if (!card || busyTags.has(tagId)) return;
    const tagged = card.tags.some((t) => t.id === tagId);
    tagTaps.current += 1;
    setBusyTags((s) => new Set(s).add(tagId));
    setError(null);
    try {
      const result = tagged ? await api.removeTag(card.id, tagId) : await api.addTag(card.id, tagId);
      const group = taxonomy?.groups.find((g) => g.id === groupId);
      const tag = group?.tags.find((t) => t.id === tagId);
      setCard((current) => {
        if (!current) return current;
        const others = current.tags.filter((t) => t.id !== tagId);
        if (!result.tagged || !group || !tag) return { ...current, tags: others };
        return {
          ...current,
          tags: [...others, { id: tag.id, name: tag.name, color: tag.color, groupId: group.id, groupName: group.name }],
        };
      });
      // In a single-choice group the server replaces the previous tag; re-read to show that.
      if (result.tagged && group?.selection === 'single') void loadCard();
    } catch (e) {
      setError(errorMessage(e));
    } finally {
      setBusyTags((s) => {
        const next = new Set(s);
        next.delete(tagId);
        return next;
      });
    }
  };

  if (state === 'not-found') {
    return (
      <View className='page customer-page'>
        <Notice id='customer-not-found' tone='info' text='没有找到这位顾客，或不属于你的门店。' />
      </View>
    );
  }

  return (
    <View className='page customer-page'>
      <Notice id='customer-error' text={error} />
      {state === 'loading' ? <View className='muted'>加载中…</View> : null}

      {card ? (
        <View>
          <View id='customer-card' className='card'>
            <Text id='customer-name' className='customer-page__name'>
              {card.name ?? '未填写姓名'}
            </Text>
            <View className='row'>
              <Text className='row__label'>手机号</Text>
              <Text id='customer-phone'>{phone ?? card.phoneMasked ?? '未绑定'}</Text>
              {card.canRevealPhone && !phone ? (
                <Text id='phone-reveal' className='chip customer-page__reveal' onClick={() => void reveal()}>
                  {revealing ? '…' : '查看完整号码'}
                </Text>
              ) : null}
            </View>
            <View className='row'>
              <Text className='row__label'>会员号</Text>
              <Text id='customer-member-no'>{card.memberNo}</Text>
            </View>
            <View className='row'>
              <Text className='row__label'>门店 / 导购</Text>
              <Text id='customer-store'>
                {card.store?.name ?? '—'} / {card.associate?.name ?? '—'}
              </Text>
            </View>
            <View className='row'>
              <Text className='row__label'>累计消费</Text>
              <Text id='customer-spend'>
                {formatFen(card.lifetimeSpendFen)}（{card.orderCount} 单）
              </Text>
            </View>
            <View className='row'>
              <Text className='row__label'>客户价值</Text>
              <Text id='customer-rfm'>
                {card.rfm ? `${rfmClassLabel(card.rfm.rfmClass)} · R${card.rfm.r} F${card.rfm.f} M${card.rfm.m}` : '未购买'}
                {card.tier ? ` · ${card.tier}` : ''}
              </Text>
              {card.churnState === 'at_risk' || card.churnState === 'lapsed' ? (
                <Text id='customer-churn' className='chip customer-page__churn'>
                  {churnLabel(card.churnState)}
                </Text>
              ) : null}
            </View>
            <View className='row'>
              <Text className='row__label'>最近购买</Text>
              <Text id='customer-last-purchase'>{card.lastPurchaseAt ? formatDate(card.lastPurchaseAt) : '—'}</Text>
            </View>
            <View className='row'>
              <Text className='row__label'>最近联系</Text>
              <Text id='customer-last-contact'>{card.lastContactAt ? formatDate(card.lastContactAt) : '从未联系'}</Text>
            </View>
            {card.birthday ? (
              <View className='row'>
                <Text className='row__label'>生日</Text>
                <Text id='customer-birthday'>
                  {card.birthday.calendar === 'lunar' ? `农历${card.birthday.leapMonth ? '闰' : ''}` : ''}
                  {card.birthday.month}月{card.birthday.day}日
                </Text>
              </View>
            ) : null}
            <View className='row'>
              <Text className='row__label'>入会</Text>
              <Text>{formatDate(card.joinedAt)}</Text>
            </View>
          </View>

          <TagEditor
            tags={card.tags}
            taxonomy={taxonomy}
            busyTagIds={busyTags}
            onToggle={(tagId, groupId) => void toggleTag(tagId, groupId)}
          />

          <InteractionForm memberId={card.id} onLogged={() => void loadCard()} />

          <GreetingForm memberId={card.id} onSent={() => void loadCard()} />

          <Timeline entries={card.timeline} />

          <View id='customer-interactions' className='card'>
            <Text className='card__title'>最近互动</Text>
            {card.interactions.length === 0 ? <Text className='muted'>暂无互动</Text> : null}
            {card.interactions.map((item) => (
              <View key={item.id} className='interaction-row'>
                <View className='interaction-row__head'>
                  <Text className='interaction-row__kind'>{interactionKindLabels[item.kind]}</Text>
                  <Text className='muted'>
                    {formatDateTime(item.occurredAt)}
                    {item.staffName ? ` · ${item.staffName}` : ''}
                  </Text>
                </View>
                <Text className='interaction-row__note'>{item.note}</Text>
              </View>
            ))}
          </View>

          <View id='customer-orders' className='card'>
            <Text className='card__title'>最近订单</Text>
            {card.orders.length === 0 ? <Text className='muted'>暂无订单</Text> : null}
            {card.orders.map((order) => (
              <View key={order.id} className='row order-row'>
                <View className='order-row__main'>
                  <Text>{order.orderNo}</Text>
                  <Text className='muted'>
                    {formatDate(order.orderedAt)} · {order.lineCount} 件
                  </Text>
                </View>
                <Text className='order-row__total'>{formatFen(order.totalFen)}</Text>
              </View>
            ))}
          </View>
        </View>
      ) : null}
    </View>
  );
}
