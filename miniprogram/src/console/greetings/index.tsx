import { useEffect, useState } from 'react';
import Taro from '@tarojs/taro';
import { Button, Input, Text, View } from '@tarojs/components';
import {
  greetingCampaignCreateSchema,
  type GreetingCampaign,
  type GreetingDryRun,
  type GreetingOverview,
  type GreetingStats,
} from '@shared/schemas/greeting-campaign.schema';
import { Notice } from '../../components/notice';
import { api } from '../../services/api';
import { ConsoleNav } from '../components/console-nav';
import { errorMessage, isApiError } from '../../services/api-client';
import { describeRecurrence, EMPTY_REPEAT, RecurrenceFields, repeatPayload, type RepeatForm } from './recurrence-fields';
import { UpcomingList } from './upcoming-list';
import './index.scss';
import { greetingReasonLabel } from '../components/labels';

type Kind = 'birthday' | 'holiday' | 'join_anniversary' | 'store_anniversary' | 'segment';
const KIND_LABEL: Record<Kind, string> = {
  birthday: '生日祝福',
  holiday: '节日问候',
  join_anniversary: '入会周年',
  store_anniversary: '门店周年',
  segment: '人群活动',
};
const STATUS_LABEL: Record<GreetingCampaign['status'], string> = { draft: '草稿', active: '进行中', paused: '已暂停', done: '已结束' };
// Skip and failure reasons: one table for every console page (components/labels.ts).
const reasonText = greetingReasonLabel;
const PLACEHOLDER_HINT = '可用 {name} {store} {date} {holiday} {years}';
const STORES_PAGE = '/console/stores/index';

// WeChat's content security refusals name the fields to change: show them with the message.
const launchErrorText = (e: unknown, labels: Record<string, string>): string => {
  if (!isApiError(e) || !e.code.startsWith('content_') || e.fields.length === 0) return errorMessage(e);
  const key = (path: string): string => path.replace(/^data\./, '');
  return `${e.message}：${e.fields.map((f) => `${labels[key(f.path)] ?? key(f.path)}${f.message}`).join('；')}`;
};

// The operator's greetings console: create a birthday automation, a holiday greeting or a
// segment campaign; dry-run it (who gets it, why the others don't, a rendered preview); launch
// it; read its statistics per day. The engine behind it plans and sends from cron.
export default function GreetingsPage() {
  const [overview, setOverview] = useState<GreetingOverview | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [fieldErrors, setFieldErrors] = useState<Record<string, string>>({});
  const [kind, setKind] = useState<Kind>('birthday');
  const [name, setName] = useState('');
  const [templateId, setTemplateId] = useState('');
  const [holidayKey, setHolidayKey] = useState('');
  const [daysAhead, setDaysAhead] = useState('0');
  const [sendTime, setSendTime] = useState('10:00');
  const [scheduledOn, setScheduledOn] = useState('');
  const [repeat, setRepeat] = useState<RepeatForm>(EMPTY_REPEAT);
  const [data, setData] = useState<Record<string, string>>({});
  const [dry, setDry] = useState<{ id: string; result: GreetingDryRun } | null>(null);
  const [stats, setStats] = useState<{ id: string; result: GreetingStats } | null>(null);
  const [notice, setNotice] = useState<string | null>(null);

  const load = (): void => {
    api
      .greetings()
      .then((o) => {
        setOverview(o);
        setTemplateId((t) => t || (o.templates[0]?.id ?? ''));
      })
      .catch((e: unknown) => setError(errorMessage(e)));
  };
  useEffect(load, []);

  const template = overview?.templates.find((t) => t.id === templateId) ?? null;

  const create = (): void => {
    setError(null);
    setNotice(null);
    const parsed = greetingCampaignCreateSchema.safeParse({
      name,
      kind,
      templateId,
      data: Object.fromEntries((template?.fields ?? []).map((f) => [f.key, data[f.key] ?? ''])),
      sendTime,
      daysAhead: Number(daysAhead),
      ...(kind === 'holiday' ? { holidayKey: holidayKey || undefined } : {}),
      ...(kind === 'segment' ? { scheduledOn: scheduledOn || undefined, ...repeatPayload(repeat) } : {}),
    });
    if (!parsed.success) {
      setFieldErrors(Object.fromEntries(parsed.error.issues.map((i) => [String(i.path[0] ?? 'form'), i.message])));
      return;
    }
    setFieldErrors({});
    api
      .createGreeting(parsed.data)
      .then((c) => {
        setNotice(`已创建：${c.name}`);
        setName('');
        setRepeat(EMPTY_REPEAT);
        load();
      })
      .catch((e: unknown) => {
        if (isApiError(e) && e.fields.length > 0) setFieldErrors(Object.fromEntries(e.fields.map((f) => [f.path.split('.')[0] ?? 'form', f.message])));
        else setError(errorMessage(e));
      });
  };

  const run = (id: string, what: 'dry' | 'launch' | 'stats', occasionDate?: string): void => {
    setError(null);
    if (what === 'dry') api.greetingDryRun(id, occasionDate).then((result) => setDry({ id, result })).catch((e: unknown) => setError(errorMessage(e)));
    if (what === 'stats') api.greetingStats(id).then((result) => setStats({ id, result })).catch((e: unknown) => setError(errorMessage(e)));
    if (what === 'launch') {
      api
        .launchGreeting(id)
        .then((c) => {
          setNotice(`已启动：${c.name}`);
          load();
        })
        .catch((e: unknown) => {
          const c = overview?.campaigns.find((x) => x.id === id);
          const fields = overview?.templates.find((t) => t.id === c?.templateId)?.fields ?? [];
          setError(launchErrorText(e, Object.fromEntries(fields.map((f) => [f.key, `「${f.label}」`]))));
        });
    }
  };

  return (
    <View className='page greetings-page'>
      <ConsoleNav current='greetings' />
      <Notice id='gr-error' text={error} />
      <Notice id='gr-notice' tone='ok' text={notice} />

      <View id='gr-create-form' className='card'>
        <Text className='card__title'>新建问候</Text>
        <View className='gr-row'>
          {(Object.keys(KIND_LABEL) as Kind[]).map((k) => (
            <Text key={k} id={`gr-kind-${k}`} className={`chip${kind === k ? ' chip--on' : ''}`} onClick={() => setKind(k)}>
              {KIND_LABEL[k]}
            </Text>
          ))}
        </View>
        <View className='gr-row'>
          <Text className='gr-label'>名称</Text>
          <Input id='gr-name' className='gr-input' value={name} onInput={(e) => setName(e.detail.value)} />
          <Notice id='gr-name-error' text={fieldErrors.name} />
        </View>
        <View className='gr-row'>
          <Text className='gr-label'>消息模板</Text>
          {overview?.templates.map((t) => (
            <Text key={t.id} id={`gr-template-${t.purpose}`} className={`chip${templateId === t.id ? ' chip--on' : ''}`} onClick={() => setTemplateId(t.id)}>
              {t.name}
            </Text>
          ))}
        </View>
        {kind === 'holiday' ? (
          <View className='gr-row'>
            <Text className='gr-label'>节日</Text>
            {overview?.holidays.map((h) => (
              <Text key={h.key} id={`gr-holiday-${h.key}`} className={`chip${holidayKey === h.key ? ' chip--on' : ''}`} onClick={() => setHolidayKey(h.key)}>
                {h.name} {h.date.slice(5)}
              </Text>
            ))}
            <Notice id='gr-holidayKey-error' text={fieldErrors.holidayKey} />
          </View>
        ) : null}
        {kind === 'store_anniversary' && overview?.storesWithOpeningDate === 0 ? (
          <View className='gr-row'>
            <Notice id='gr-no-opening-dates' tone='info' text='还没有门店设置开业日期：门店周年按开业日期发送。' />
            <Text id='gr-open-stores' className='chip' onClick={() => void Taro.navigateTo({ url: STORES_PAGE })}>
              去门店管理设置
            </Text>
          </View>
        ) : null}
        {kind === 'segment' ? (
          <View>
            <View className='gr-row'>
              <Text className='gr-label'>{repeat.repeat === 'once' ? '发送日期' : '开始日期'}</Text>
              <Input id='gr-scheduled-on' className='gr-input' placeholder='YYYY-MM-DD' value={scheduledOn} onInput={(e) => setScheduledOn(e.detail.value)} />
              <Notice id='gr-scheduledOn-error' text={fieldErrors.scheduledOn} />
            </View>
            <RecurrenceFields value={repeat} onChange={setRepeat} errors={fieldErrors} />
          </View>
        ) : (
          <View className='gr-row'>
            <Text className='gr-label'>提前天数</Text>
            <Input id='gr-days-ahead' className='gr-input' type='number' value={daysAhead} onInput={(e) => setDaysAhead(e.detail.value)} />
            <Notice id='gr-daysAhead-error' text={fieldErrors.daysAhead} />
          </View>
        )}
        <View className='gr-row'>
          <Text className='gr-label'>发送时间（品牌时区）</Text>
          <Input id='gr-send-time' className='gr-input' value={sendTime} onInput={(e) => setSendTime(e.detail.value)} />
          <Notice id='gr-sendTime-error' text={fieldErrors.sendTime} />
        </View>
        {template?.fields.map((f) => (
          <View key={f.key} className='gr-row'>
            <Text className='gr-label'>
              {f.label}（{f.key}）
            </Text>
            <Input id={`gr-field-${f.key}`} className='gr-input' placeholder={PLACEHOLDER_HINT} value={data[f.key] ?? ''} onInput={(e) => setData({ ...data, [f.key]: e.detail.value })} />
          </View>
        ))}
        <Notice id='gr-data-error' text={fieldErrors.data} />
        <Button id='gr-create' className='btn btn--primary' onClick={create}>
          创建
        </Button>
      </View>

      <View id='gr-campaigns' className='card'>
        <Text className='card__title'>问候与活动</Text>
        {overview && overview.campaigns.length === 0 ? <Text className='muted'>暂无</Text> : null}
        {overview?.campaigns.map((c) => (
          <View key={c.id} id={`gr-campaign-${c.id}`} className='gr-campaign'>
            <View className='gr-row'>
              <Text className='gr-campaign-name'>{c.name}</Text>
              <Text className='muted'>{KIND_LABEL[c.kind]}</Text>
              <Text id={`gr-status-${c.id}`} className='chip'>
                {STATUS_LABEL[c.status]}
              </Text>
              {c.nextOccasion ? <Text className='muted'>下次：{c.nextOccasion}</Text> : null}
              {c.kind === 'segment' && c.recurrence ? (
                <Text id={`gr-repeat-text-${c.id}`} className='muted'>
                  {describeRecurrence(c.recurrence)}
                  {c.repeatUntil ? `，至 ${c.repeatUntil}` : ''}
                </Text>
              ) : null}
            </View>
            <UpcomingList campaign={c} onDryRun={(date) => run(c.id, 'dry', date)} />
            <View className='gr-row'>
              <Text id={`gr-dry-${c.id}`} className='chip' onClick={() => run(c.id, 'dry')}>
                试算
              </Text>
              {c.status === 'draft' || c.status === 'paused' ? (
                <Text id={`gr-launch-${c.id}`} className='chip' onClick={() => run(c.id, 'launch')}>
                  启动
                </Text>
              ) : null}
              <Text id={`gr-stats-${c.id}`} className='chip' onClick={() => run(c.id, 'stats')}>
                统计
              </Text>
            </View>
            {dry?.id === c.id ? (
              <View id='gr-dry-result' className='gr-counts'>
                <Text>日期 {dry.result.occasionDate}，共 {dry.result.audience} 人</Text>
                <Text />
                <Text>将收到</Text>
                <Text id='gr-dry-will'>{dry.result.willReceive}</Text>
                {Object.entries(dry.result.skipped).map(([r, n]) => (
                  <View key={r} id={`gr-dry-skip-${r}`} className='gr-row'>
                    <Text>{reasonText(r)}</Text>
                    <Text className='gr-dry-count'>{n}</Text>
                  </View>
                ))}
                {dry.result.templateProblem ? <Notice id='gr-dry-problem' text={dry.result.templateProblem} /> : null}
                {dry.result.preview.slice(0, 1).map((p) => (
                  <View key={p.memberName} id='gr-preview' className='gr-preview'>
                    <Text>
                      {p.memberName} · {p.storeName ?? ''}
                    </Text>
                    {Object.entries(p.data).map(([k, v]) => (
                      <View key={k}>
                        <Text id={`gr-preview-${k}`}>{v}</Text>
                      </View>
                    ))}
                  </View>
                ))}
              </View>
            ) : null}
            {stats?.id === c.id ? (
              <View id='gr-stats-result'>
                {stats.result.days.length === 0 ? <Text className='muted'>尚未发送</Text> : null}
                {stats.result.days.map((d) => (
                  <View key={d.date} id={`gr-stats-day-${d.date}`} className='gr-counts'>
                    <Text>{d.date}</Text>
                    <Text />
                    <Text>计划</Text>
                    <Text className='gr-stats-planned'>{d.planned}</Text>
                    <Text>已发送</Text>
                    <Text className='gr-stats-sent'>{d.sent}</Text>
                    {Object.entries(d.failed).map(([r, n]) => (
                      <Text key={`f-${r}`}>
                        失败·{reasonText(r)} {n}
                      </Text>
                    ))}
                    {Object.entries(d.skipped).map(([r, n]) => (
                      <Text key={`s-${r}`}>
                        跳过·{reasonText(r)} {n}
                      </Text>
                    ))}
                  </View>
                ))}
              </View>
            ) : null}
          </View>
        ))}
      </View>
    </View>
  );
}
