import { useEffect, useMemo, useState } from 'react';
import Taro from '@tarojs/taro';
import { Picker, Text, View } from '@tarojs/components';
import type { DashboardAssociates, DashboardGreetings, DashboardGrowth, DashboardSegments } from '@shared/schemas/dashboard-charts.schema';
import type { DashboardMembersQuery } from '@shared/schemas/dashboard-members.schema';
import { CHURN_STATES, RFM_CLASS_LABELS, type RfmClass } from '@shared/domain/rfm';
import { Notice } from '../../components/notice';
import { api } from '../../services/api';
import { errorMessage } from '../../services/api-client';
import { Chart } from '../components/chart';
import { ConsoleNav } from '../components/console-nav';
import { drillUrl } from '../components/drill';
import { channelLabel, churnLabel, greetingReasonLabel, percent, rfmLabel, tierLabel } from '../components/labels';
import './index.scss';

// The RFM grid: M decides 重要 / 一般 (rows), R and F the four columns.
const RFM_GRID: { row: string; cells: RfmClass[] }[] = [
  { row: '重要（高消费）', cells: ['important_value', 'important_develop', 'important_keep', 'important_retain'] },
  { row: '一般', cells: ['general_value', 'general_develop', 'general_keep', 'general_retain'] },
];
const RFM_COLUMNS = ['近期买·常买', '近期买·少买', '久未买·常买', '久未买·少买'];

const open = (q: DashboardMembersQuery, title: string): void => {
  void Taro.navigateTo({ url: drillUrl(q, title) });
};

// The operators' dashboards (H5 console; the mini-program build shows the same numbers as plain
// bars). Every bar, cell and number opens the members behind it (console/members).
export default function DashboardsPage() {
  const [growth, setGrowth] = useState<DashboardGrowth | null>(null);
  const [segments, setSegments] = useState<DashboardSegments | null>(null);
  const [greetings, setGreetings] = useState<DashboardGreetings | null>(null);
  const [associates, setAssociates] = useState<DashboardAssociates | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [storeMonth, setStoreMonth] = useState<string | null>(null);
  const [campaignIdx, setCampaignIdx] = useState(0);
  // One store, or the whole brand, for the distributions and the associates.
  const [storeId, setStoreId] = useState<string | null>(null);

  useEffect(() => {
    const fail = (e: unknown): void => setError(errorMessage(e));
    api.dashboardGrowth(12).then(setGrowth).catch(fail);
    api.dashboardGreetings(30).then(setGreetings).catch(fail);
  }, []);
  useEffect(() => {
    const fail = (e: unknown): void => setError(errorMessage(e));
    api.dashboardSegments(storeId ?? undefined).then(setSegments).catch(fail);
    api.dashboardAssociates(storeId ?? undefined).then(setAssociates).catch(fail);
  }, [storeId]);
  const stores = growth?.stores ?? [];
  const storeName = storeId ? (stores.find((s) => s.id === storeId)?.name ?? '') : '全部门店';
  const inStore = storeId ? { storeId } : {};

  // Growth by channel: months × channels, stacked.
  const channelChart = useMemo(() => {
    if (!growth) return null;
    const channels = [...new Set(growth.byChannel.map((c) => c.channel))].sort();
    const n = new Map(growth.byChannel.map((c) => [`${c.month}|${c.channel}`, c.n]));
    return { channels, series: channels.map((ch) => ({ name: channelLabel(ch), data: growth.months.map((m) => n.get(`${m}|${ch}`) ?? 0) })) };
  }, [growth]);

  // Growth by store in one month: the 15 stores with the most new members.
  const month = storeMonth ?? growth?.months[growth.months.length - 1] ?? null;
  const storeChart = useMemo(() => {
    if (!growth || !month) return null;
    const names = new Map(growth.stores.map((s) => [s.id, `${s.code} ${s.name}`]));
    const rows = growth.byStore
      .filter((c) => c.month === month)
      .sort((a, b) => b.n - a.n)
      .slice(0, 15);
    return { rows, categories: rows.map((r) => (r.storeId ? (names.get(r.storeId) ?? r.storeId) : '无门店')) };
  }, [growth, month]);

  const rfmCount = (c: string | null): number => segments?.rfm.find((r) => r.rfmClass === c)?.n ?? 0;
  const churnData = useMemo(() => CHURN_STATES.map((s) => segments?.churn.find((c) => c.churnState === s)?.n ?? 0), [segments]);
  const tierRows = segments?.tier ?? [];

  const campaign = greetings?.campaigns[campaignIdx] ?? greetings?.campaigns[0] ?? null;
  const greetingChart = useMemo(() => {
    if (!campaign) return null;
    type S = { name: string; status: 'sent' | 'queued' | 'unknown' | 'failed' | 'skipped'; reason?: string; data: number[]; color?: string };
    const days = campaign.days;
    const series: S[] = [
      { name: '已发送', status: 'sent', data: days.map((d) => d.sent), color: '#07c160' },
      { name: '待发送', status: 'queued', data: days.map((d) => d.queued), color: '#1989fa' },
      { name: '结果未知', status: 'unknown', data: days.map((d) => d.unknown), color: '#8c8c8c' },
    ];
    const reasons = (k: 'failed' | 'skipped') => [...new Set(days.flatMap((d) => Object.keys(d[k])))].sort();
    for (const r of reasons('failed')) series.push({ name: `失败·${greetingReasonLabel(r)}`, status: 'failed', reason: r, data: days.map((d) => d.failed[r] ?? 0) });
    for (const r of reasons('skipped')) series.push({ name: `未发送·${greetingReasonLabel(r)}`, status: 'skipped', reason: r, data: days.map((d) => d.skipped[r] ?? 0) });
    const shown = series.filter((s) => s.data.some((v) => v > 0));
    return { categories: days.map((d) => d.date.slice(5)), dates: days.map((d) => d.date), series: shown };
  }, [campaign]);

  const topAssociates = (associates?.associates ?? []).slice(0, 30);

  return (
    <View className='page dashboards-page'>
      <ConsoleNav current='dashboards' />
      <Notice id='dash-error' text={error} />
      {growth && segments && greetings && associates ? <View id='dash-loaded' /> : null}

      <View id='dash-growth' className='card'>
        <Text className='card__title'>会员增长 · 按入会渠道（近 12 个月）</Text>
        {growth && channelChart ? (
          <Chart
            id='dash-growth-channel'
            kind='bar'
            categories={growth.months}
            series={channelChart.series}
            onPick={(ci, si) => {
              const m = growth.months[ci];
              const ch = channelChart.channels[si];
              if (m && ch) open({ kind: 'growth', month: m, channel: ch }, `${m} 入会 · ${channelLabel(ch)}`);
            }}
          />
        ) : (
          <Text className='muted'>加载中…</Text>
        )}
      </View>

      <View id='dash-growth-stores' className='card'>
        <Text className='card__title'>会员增长 · 按门店（{month ?? ''}，前 15 家）</Text>
        <View className='dash-chips'>
          {(growth?.months ?? []).slice(-6).map((m) => (
            <Text key={m} id={`dash-month-${m}`} className={`chip${m === month ? ' chip--on' : ''}`} onClick={() => setStoreMonth(m)}>
              {m}
            </Text>
          ))}
        </View>
        {storeChart && month ? (
          storeChart.rows.length === 0 ? (
            <Text className='muted'>这个月没有新会员</Text>
          ) : (
            <Chart
              id='dash-growth-store'
              kind='bar'
              horizontal
              height={Math.max(160, storeChart.rows.length * 28 + 48)}
              categories={storeChart.categories}
              series={[{ name: '新会员', data: storeChart.rows.map((r) => r.n) }]}
              onPick={(ci) => {
                const r = storeChart.rows[ci];
                if (r) open({ kind: 'growth', month, storeId: r.storeId ?? 'none' }, `${month} 入会 · ${storeChart.categories[ci] ?? ''}`);
              }}
            />
          )
        ) : null}
      </View>

      <View id='dash-store-filter' className='card dash-filter'>
        <Text className='muted'>以下分层、流失、等级与导购：</Text>
        <Picker
          mode='selector'
          range={['全部门店', ...stores.map((s) => `${s.code} ${s.name}`)]}
          value={storeId ? stores.findIndex((s) => s.id === storeId) + 1 : 0}
          onChange={(e) => {
            const i = Number(e.detail.value);
            setStoreId(i > 0 ? (stores[i - 1]?.id ?? null) : null);
          }}
        >
          <Text id='dash-store-picker' className='chip chip--on'>
            {storeName} ▾
          </Text>
        </Picker>
      </View>

      <View id='dash-rfm' className='card'>
        <Text className='card__title'>RFM 客户分层 · {storeName}（共 {segments?.total ?? '…'} 人）</Text>
        <View className='rfm-grid'>
          <View className='rfm-grid__row'>
            <Text className='rfm-grid__head' />
            {RFM_COLUMNS.map((c) => (
              <Text key={c} className='rfm-grid__head'>
                {c}
              </Text>
            ))}
          </View>
          {RFM_GRID.map((row) => (
            <View key={row.row} className='rfm-grid__row'>
              <Text className='rfm-grid__head'>{row.row}</Text>
              {row.cells.map((c) => {
                const n = rfmCount(c);
                return (
                  <View key={c} id={`dash-rfm-${c}`} className='rfm-grid__cell' onClick={() => open({ kind: 'rfm', rfmClass: c, ...inStore }, `RFM · ${RFM_CLASS_LABELS[c]} · ${storeName}`)}>
                    <Text className='rfm-grid__label'>{RFM_CLASS_LABELS[c]}</Text>
                    <Text className='rfm-grid__n'>{n}</Text>
                    <Text className='muted'>{percent(n, segments?.total ?? 0)}</Text>
                  </View>
                );
              })}
            </View>
          ))}
          <View className='rfm-grid__row'>
            <Text className='rfm-grid__head' />
            <View id='dash-rfm-none' className='rfm-grid__cell rfm-grid__cell--none' onClick={() => open({ kind: 'rfm', ...inStore }, `RFM · 未购买 · ${storeName}`)}>
              <Text className='rfm-grid__label'>{rfmLabel(null)}</Text>
              <Text className='rfm-grid__n'>{rfmCount(null)}</Text>
              <Text className='muted'>{percent(rfmCount(null), segments?.total ?? 0)}</Text>
            </View>
          </View>
        </View>
      </View>

      <View className='dash-two'>
        <View id='dash-churn-card' className='card'>
          <Text className='card__title'>流失状态</Text>
          {segments ? (
            <Chart
              id='dash-churn'
              kind='bar'
              categories={CHURN_STATES.map(churnLabel)}
              series={[{ name: '会员', data: churnData }]}
              onPick={(ci) => {
                const s = CHURN_STATES[ci];
                if (s) open({ kind: 'churn', churnState: s, ...inStore }, `流失状态 · ${churnLabel(s)} · ${storeName}`);
              }}
            />
          ) : null}
        </View>
        <View id='dash-tier-card' className='card'>
          <Text className='card__title'>会员等级</Text>
          {segments ? (
            <Chart
              id='dash-tier'
              kind='bar'
              categories={tierRows.map((t) => tierLabel(t.tier))}
              series={[{ name: '会员', data: tierRows.map((t) => t.n) }]}
              onPick={(ci) => {
                const t = tierRows[ci];
                if (t) open(t.tier ? { kind: 'tier', tier: t.tier, ...inStore } : { kind: 'tier', ...inStore }, `会员等级 · ${tierLabel(t.tier)} · ${storeName}`);
              }}
            />
          ) : null}
        </View>
      </View>

      <View id='dash-greetings' className='card'>
        <Text className='card__title'>问候效果（近 30 天，按发送日）</Text>
        {greetings && greetings.campaigns.length === 0 ? <Text className='muted'>近 30 天没有问候</Text> : null}
        <View className='dash-chips'>
          {greetings?.campaigns.map((c, i) => (
            <Text key={c.campaignId ?? 'manual'} id={`dash-campaign-${c.campaignId ?? 'manual'}`} className={`chip${campaign === c ? ' chip--on' : ''}`} onClick={() => setCampaignIdx(i)}>
              {c.name}
            </Text>
          ))}
        </View>
        {campaign && greetingChart ? (
          <Chart
            id='dash-greetings-chart'
            kind='bar'
            categories={greetingChart.categories}
            series={greetingChart.series}
            onPick={(ci, si) => {
              const s = greetingChart.series[si];
              const date = greetingChart.dates[ci];
              if (!s || !date) return;
              open(
                { kind: 'greeting', ...(campaign.campaignId ? { campaignId: campaign.campaignId } : {}), date, status: s.status, ...(s.reason ? { reason: s.reason } : {}) },
                `${campaign.name} · ${date} · ${s.name}`,
              );
            }}
          />
        ) : null}
      </View>

      <View id='dash-associates' className='card'>
        <Text className='card__title'>导购：名下顾客与近 {associates?.days ?? 30} 天跟进</Text>
        {associates ? (
          <Chart
            id='dash-associates-chart'
            kind='bar'
            horizontal
            height={Math.max(160, Math.min(15, topAssociates.length) * 28 + 64)}
            categories={topAssociates.slice(0, 15).map((a) => a.name)}
            series={[
              { name: '已联系', data: topAssociates.slice(0, 15).map((a) => a.contacted), color: '#07c160' },
              { name: '未联系', data: topAssociates.slice(0, 15).map((a) => a.customers - a.contacted), color: '#ff976a' },
            ]}
            onPick={(ci, si) => {
              const a = topAssociates[ci];
              if (a) open({ kind: 'associate', staffId: a.staffId, contacted: si === 0 ? 'yes' : 'no' }, `${a.name} · ${si === 0 ? '近期已联系' : '近期未联系'}的顾客`);
            }}
          />
        ) : null}
        <View className='assoc-table'>
          <View className='assoc-table__row assoc-table__row--head'>
            <Text>导购</Text>
            <Text>顾客</Text>
            <Text>已联系</Text>
            <Text>跟进</Text>
            <Text>一对一问候</Text>
          </View>
          {topAssociates.map((a) => (
            <View key={a.staffId} id={`dash-assoc-${a.staffId}`} className='assoc-table__row'>
              <Text>
                {a.name}
                {a.active ? '' : '（已离职）'} <Text className='muted'>{a.stores.join('、')}</Text>
              </Text>
              <Text
                id={`dash-assoc-${a.staffId}-customers`}
                className='link'
                onClick={() => open({ kind: 'associate', staffId: a.staffId }, `${a.name} 名下的顾客`)}
              >
                {a.customers}
              </Text>
              <Text
                id={`dash-assoc-${a.staffId}-contacted`}
                className='link'
                onClick={() => open({ kind: 'associate', staffId: a.staffId, contacted: 'no' }, `${a.name} · 近期未联系的顾客`)}
              >
                {percent(a.contacted, a.customers)}
              </Text>
              <Text>{a.interactions}</Text>
              <Text>{a.greetings}</Text>
            </View>
          ))}
        </View>
      </View>
    </View>
  );
}
