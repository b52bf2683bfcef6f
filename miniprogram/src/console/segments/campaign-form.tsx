import { useEffect, useState } from 'react';
import { Button, Input, Text, View } from '@tarojs/components';
import { greetingCampaignCreateSchema, type GreetingDryRun, type GreetingOverview } from '@shared/schemas/greeting-campaign.schema';
import { Notice } from '../../components/notice';
import { api } from '../../services/api';
import { errorMessage, isApiError } from '../../services/api-client';
import { GREETING_REASON_LABELS } from '../components/labels';

// onCreated: the page refreshes its list (a segment in use by a campaign cannot be deleted).
type CampaignFormProps = { segmentId: string; segmentName: string; today: string; onCreated?: () => void };


// "Use in a campaign": a one-off segment campaign whose audience is this saved segment (its
// rules as they are when the campaign is planned), created as a draft and dry-run at once — how
// many members will get it and why the others won't. Launching is on the greetings page.
export function CampaignForm({ segmentId, segmentName, today, onCreated }: CampaignFormProps) {
  const [overview, setOverview] = useState<GreetingOverview | null>(null);
  const [name, setName] = useState(`${segmentName} 活动`);
  const [templateId, setTemplateId] = useState('');
  const [date, setDate] = useState(today);
  const [sendTime, setSendTime] = useState('10:00');
  const [data, setData] = useState<Record<string, string>>({});
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [error, setError] = useState<string | null>(null);
  const [dry, setDry] = useState<GreetingDryRun | null>(null);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    api
      .greetings()
      .then((o) => {
        setOverview(o);
        const t = o.templates.find((x) => x.purpose === 'campaign') ?? o.templates[0];
        setTemplateId(t?.id ?? '');
      })
      .catch((e: unknown) => setError(errorMessage(e)));
  }, []);

  const template = overview?.templates.find((t) => t.id === templateId) ?? null;

  const create = async (): Promise<void> => {
    setError(null);
    setDry(null);
    const parsed = greetingCampaignCreateSchema.safeParse({
      name,
      kind: 'segment',
      templateId,
      segmentId,
      scheduledOn: date,
      sendTime,
      data: Object.fromEntries((template?.fields ?? []).map((f) => [f.key, data[f.key] ?? ''])),
    });
    if (!parsed.success) {
      setErrors(Object.fromEntries(parsed.error.issues.map((i) => [String(i.path[0] ?? 'form'), i.message])));
      return;
    }
    setErrors({});
    setBusy(true);
    try {
      const campaign = await api.createGreeting(parsed.data);
      onCreated?.();
      setDry(await api.greetingDryRunOn(campaign.id, date));
    } catch (e) {
      if (isApiError(e) && e.fields.length > 0) setErrors(Object.fromEntries(e.fields.map((f) => [f.path.split('.')[0] ?? 'form', f.message])));
      else setError(errorMessage(e));
    } finally {
      setBusy(false);
    }
  };

  return (
    <View id='seg-campaign' className='card'>
      <Text className='card__title'>用于活动：{segmentName}</Text>
      <Notice id='seg-campaign-error' text={error} />
      <View className='seg-rule'>
        <Text className='seg-rule__label'>活动名称</Text>
        <Input id='seg-campaign-name' className='seg-input seg-input--wide' value={name} onInput={(e) => setName(e.detail.value)} />
        <Notice id='seg-campaign-name-error' text={errors.name} />
      </View>
      <View className='seg-rule'>
        <Text className='seg-rule__label'>消息模板</Text>
        <View className='seg-rule__chips'>
          {overview?.templates.map((t) => (
            <Text key={t.id} id={`seg-campaign-template-${t.purpose}`} className={`chip${templateId === t.id ? ' chip--on' : ''}`} onClick={() => setTemplateId(t.id)}>
              {t.name}
            </Text>
          ))}
        </View>
      </View>
      <View className='seg-rule'>
        <Text className='seg-rule__label'>发送日期 / 时间（品牌时区）</Text>
        <View className='seg-rule__range'>
          <Input id='seg-campaign-date' className='seg-input' placeholder='YYYY-MM-DD' value={date} onInput={(e) => setDate(e.detail.value)} />
          <Input id='seg-campaign-time' className='seg-input' placeholder='HH:MM' value={sendTime} onInput={(e) => setSendTime(e.detail.value)} />
        </View>
        <Notice id='seg-campaign-scheduledOn-error' text={errors.scheduledOn ?? errors.sendTime} />
      </View>
      {template?.fields.map((f) => (
        <View key={f.key} className='seg-rule'>
          <Text className='seg-rule__label'>
            {f.label}（{f.key}，可用 {'{name} {store} {date}'}）
          </Text>
          <Input id={`seg-campaign-field-${f.key}`} className='seg-input seg-input--wide' value={data[f.key] ?? ''} onInput={(e) => {
            const value = e.detail.value;
            setData((d) => ({ ...d, [f.key]: value }));
          }} />
        </View>
      ))}
      <Notice id='seg-campaign-data-error' text={errors.data} />
      <Button id='seg-campaign-create' className='btn btn--primary' disabled={busy} onClick={() => void create()}>
        创建活动并试算
      </Button>
      {dry ? (
        <View id='seg-campaign-dry' className='seg-dry'>
          <Text>
            {dry.occasionDate} 人群共 <Text id='seg-dry-audience'>{dry.audience}</Text> 人，将收到 <Text id='seg-dry-will'>{dry.willReceive}</Text> 人
          </Text>
          {Object.entries(dry.skipped).map(([r, n]) => (
            <View key={r} id={`seg-dry-skip-${r}`} className='seg-dry__row'>
              <Text>{GREETING_REASON_LABELS[r] ?? r}</Text>
              <Text>{n}</Text>
            </View>
          ))}
          <Text className='muted'>活动已存为草稿，可在“问候与活动”页启动。</Text>
        </View>
      ) : null}
    </View>
  );
}
