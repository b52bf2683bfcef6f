import { useEffect, useState } from 'react';
import { Button, Input, Text, View } from '@tarojs/components';
import type { MessageTemplateListOutput } from '@shared/schemas/customer-card.schema';
import { greetingSendInputSchema, type GreetingCheck } from '@shared/schemas/greeting-send.schema';
import { FieldError } from '../../components/field-error';
import { Notice } from '../../components/notice';
import { api } from '../../services/api';
import { errorMessage, isApiError } from '../../services/api-client';
import { apiFieldErrors, zodFieldErrors, type FieldErrors } from '../../lib/form-errors';

type Template = MessageTemplateListOutput['templates'][number];

// Why a greeting cannot go out, as the associate should read it (reasons from the greetings
// engine: consent, subscription credit, frequency budget…).
export const greetingReasonText: Record<string, string> = {
  no_openid: '顾客还没有登录过小程序，无法接收消息',
  no_consent: '顾客没有同意接收营销消息',
  consent_withdrawn: '顾客已撤回营销消息授权',
  no_credit: '顾客没有订阅这条消息（需顾客在小程序内点“允许”）',
  frequency_budget: '顾客近期收到的消息已达上限',
  already_sent_today: '今天已经给这位顾客发过这条问候',
  deleted: '顾客已注销',
};
// WeChat's content security refused the text: say which field, and why (the server's message
// already says nothing was sent).
const contentRefusal = (e: unknown, fields: Template['fields']): string | null => {
  if (!isApiError(e) || !e.code.startsWith('content_')) return null;
  const label = (path: string): string => fields.find((f) => `data.${f.key}` === path)?.label ?? path;
  return e.fields.length > 0 ? `${e.message}：${e.fields.map((f) => `「${label(f.path)}」${f.message}`).join('；')}` : e.message;
};
const statusText: Record<string, string> = { sent: '已发送', queued: '已排队', retrying: '稍后重试', failed: '发送失败', skipped: '未发送', unknown: '结果未知' };

// The card's 1:1 greeting: pick a template, see at once whether it can be sent and why not,
// fill its keywords, send. Every send shows up in the card's timeline.
export function GreetingForm({ memberId, onSent }: { memberId: string; onSent: () => void }) {
  const [templates, setTemplates] = useState<Template[] | null>(null);
  const [chosen, setChosen] = useState<Template | null>(null);
  const [check, setCheck] = useState<GreetingCheck | null>(null);
  const [data, setData] = useState<Record<string, string>>({});
  const [errors, setErrors] = useState<FieldErrors>({});
  const [error, setError] = useState<string | null>(null);
  const [result, setResult] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    api
      .messageTemplates()
      .then((r) => setTemplates(r.templates))
      .catch((e: unknown) => setError(errorMessage(e)));
  }, []);

  const choose = (t: Template): void => {
    setChosen(t);
    setCheck(null);
    setResult(null);
    setErrors({});
    setData(Object.fromEntries(t.fields.map((f) => [f.key, ''])));
    api
      .greetingCheck(memberId, t.id)
      .then(setCheck)
      .catch((e: unknown) => setError(errorMessage(e)));
  };

  const send = async (): Promise<void> => {
    if (!chosen || busy) return;
    setError(null);
    setResult(null);
    const parsed = greetingSendInputSchema.safeParse({ memberId, templateId: chosen.id, data });
    if (!parsed.success) {
      setErrors(zodFieldErrors(parsed.error));
      return;
    }
    setBusy(true);
    try {
      const r = await api.sendGreeting(parsed.data);
      setResult(`${statusText[r.status] ?? r.status}${r.reason ? `（${greetingReasonText[r.reason] ?? r.reason}）` : ''}`);
      onSent();
      setCheck(await api.greetingCheck(memberId, chosen.id));
    } catch (e) {
      setErrors(apiFieldErrors(e));
      setError(contentRefusal(e, chosen.fields) ?? errorMessage(e));
    } finally {
      setBusy(false);
    }
  };

  return (
    <View id='customer-greeting' className='card'>
      <Text className='card__title'>发送问候</Text>
      {templates && templates.length === 0 ? <Text className='muted'>还没有可用的消息模板</Text> : null}
      <View className='tag-group__tags'>
        {(templates ?? []).map((t) => (
          <Text key={t.id} id={`greeting-template-${t.id}`} className={`chip${chosen?.id === t.id ? ' chip--on' : ''}`} onClick={() => choose(t)}>
            {t.name}
          </Text>
        ))}
      </View>
      {chosen && check && !check.canSend ? (
        <Notice id='greeting-blocked' tone='info' text={`无法发送：${check.reason ? (greetingReasonText[check.reason] ?? check.reason) : '未知原因'}`} />
      ) : null}
      {chosen && check?.canSend ? (
        <View id='greeting-fields'>
          {chosen.fields.map((f) => (
            <View key={f.key} className='field'>
              <Text className='field__label'>{f.label}</Text>
              <Input
                id={`greeting-field-${f.key}`}
                className='field__input'
                value={data[f.key] ?? ''}
                maxlength={60}
                onInput={(e) => setData((d) => ({ ...d, [f.key]: e.detail.value }))}
              />
              <FieldError id={`greeting-field-${f.key}-error`} message={errors[`data.${f.key}`] ?? (errors.data && f === chosen.fields[0] ? errors.data : undefined)} />
            </View>
          ))}
          <Button id='greeting-send' className='btn btn--primary' loading={busy} disabled={busy} onClick={() => void send()}>
            发送
          </Button>
        </View>
      ) : null}
      <Notice id='greeting-error' text={error} />
      <Notice id='greeting-result' tone='ok' text={result} />
    </View>
  );
}
