import { useEffect, useState } from 'react';
import Taro, { useRouter } from '@tarojs/taro';
import { Button, Text, View } from '@tarojs/components';
import { dashboardMembersInputSchema, type DashboardMember } from '@shared/schemas/dashboard-members.schema';
import { QUALITY_REASON_LABELS } from '@shared/domain/data-quality';
import { Notice } from '../../components/notice';
import { formatDate, formatFen } from '../../lib/format';
import { api } from '../../services/api';
import { errorMessage } from '../../services/api-client';
import { ROUTES } from '../../services/auth';
import { ConsoleNav } from '../components/console-nav';
import { churnLabel, greetingReasonLabel, GREETING_STATUS_LABELS, rfmLabel } from '../components/labels';
import './index.scss';

// Every coordinate any kind of drill-down has (shared/schemas/dashboard-members.schema.ts).
const DRILL_KEYS = new Set(['kind', 'month', 'channel', 'storeId', 'rfmClass', 'churnState', 'tier', 'campaignId', 'date', 'status', 'reason', 'staffId', 'contacted', 'days', 'issue']);

const decode = (v: string): string => {
  try {
    return decodeURIComponent(v);
  } catch {
    return v;
  }
};

// Why a member is in the list, in words (a quality finding's detail, a greeting's outcome).
const why = (d: Record<string, unknown> | null): string | null => {
  if (!d) return null;
  const parts: string[] = [];
  if (typeof d.reason === 'string' && d.status === undefined) parts.push(QUALITY_REASON_LABELS[d.reason] ?? d.reason);
  if (typeof d.status === 'string') parts.push(`${GREETING_STATUS_LABELS[d.status] ?? d.status}${typeof d.reason === 'string' ? `·${greetingReasonLabel(d.reason)}` : ''}`);
  if (typeof d.code === 'string') parts.push(`地区代码 ${d.code}`);
  if (typeof d.year === 'number') parts.push(`出生年份 ${d.year}`);
  if (Array.isArray(d.with)) parts.push(`疑似与会员 ${d.with.join('、')} 重复`);
  if (typeof d.lastActivity === 'string') parts.push(`最后活动 ${formatDate(d.lastActivity)}`);
  return parts.length ? parts.join('；') : null;
};

// The members behind one number of the dashboards or of the data quality report (the page's
// query is the number's coordinates, see dashboard-members.schema.ts). Phones are masked; a row
// opens the customer card.
export default function DrillMembersPage() {
  const { params } = useRouter();
  // Only the number's coordinates: the router adds keys of its own ($taroTimestamp, …).
  const raw = Object.fromEntries(Object.entries(params).filter(([k, v]) => v !== undefined && DRILL_KEYS.has(k)).map(([k, v]) => [k, decode(String(v))]));
  const title = params.title ? decode(params.title) : '会员明细';
  const parsed = dashboardMembersInputSchema.safeParse(raw);
  const [items, setItems] = useState<DashboardMember[]>([]);
  const [total, setTotal] = useState<number | null>(null);
  const [cursor, setCursor] = useState<string | null>(null);
  const [loading, setLoading] = useState(false);
  const [error, setError] = useState<string | null>(parsed.success ? null : '链接参数不正确');

  const load = async (after: string | null): Promise<void> => {
    if (!parsed.success) return;
    setLoading(true);
    try {
      const r = await api.dashboardMembers({ ...raw, limit: '50', ...(after ? { cursor: after } : {}) });
      setTotal(r.total);
      setItems((prev) => (after ? [...prev, ...r.items] : r.items));
      setCursor(r.nextCursor);
    } catch (e) {
      setError(errorMessage(e));
    } finally {
      setLoading(false);
    }
  };
  useEffect(() => {
    void load(null);
    // Once per page: the query is the page's URL.
  }, []);

  return (
    <View className='page drill-page'>
      <ConsoleNav current={null} />
      <View className='card'>
        <Text id='drill-title' className='card__title'>
          {title}
        </Text>
        <Text className='muted'>
          共 <Text id='drill-total'>{total ?? '…'}</Text> 人，已显示 <Text id='drill-shown'>{items.length}</Text> 人（手机号已脱敏，点击查看顾客）
        </Text>
      </View>
      <Notice id='drill-error' text={error} />
      <View id='drill-list' className='card'>
        {items.map((m) => (
          <View key={m.id} id={`drill-member-${m.id}`} className='drill-row' onClick={() => void Taro.navigateTo({ url: ROUTES.customer(m.id) })}>
            <View className='drill-row__main'>
              <Text className='drill-row__name'>{m.name ?? '未填写姓名'}</Text>
              <Text className='drill-row__phone'>{m.phoneMasked ?? '未绑定手机'}</Text>
              <Text className='muted'>{m.memberNo}</Text>
            </View>
            <View className='drill-row__meta'>
              <Text className='muted'>
                {m.storeName ?? '无门店'} · {m.associateName ?? '无导购'} · 入会 {formatDate(m.joinedAt)}
              </Text>
              <Text className='muted'>
                {rfmLabel(m.rfmClass)} · {churnLabel(m.churnState)} · 消费 {formatFen(m.lifetimeSpendFen)}
                {m.lastContactAt ? ` · 最近联系 ${formatDate(m.lastContactAt)}` : ' · 从未联系'}
              </Text>
              {why(m.detail) ? <Text className='drill-row__why'>{why(m.detail)}</Text> : null}
            </View>
          </View>
        ))}
        {total === 0 ? <Text className='muted'>没有会员</Text> : null}
        {loading ? <Text className='muted'>加载中…</Text> : null}
      </View>
      {cursor && !loading ? (
        <Button id='drill-more' className='btn btn--plain' onClick={() => void load(cursor)}>
          加载更多
        </Button>
      ) : null}
    </View>
  );
}
