import { useEffect, useState } from 'react';
import Taro from '@tarojs/taro';
import { Button, Text, View } from '@tarojs/components';
import type { AppConfigOutput } from '@shared/schemas/auth-login.schema';
import {
  subscriptionAnswersInputSchema,
  type SubscriptionAnswer,
  type SubscriptionListOutput,
} from '@shared/schemas/subscription-answer.schema';
import { Notice } from '../../components/notice';
import { api } from '../../services/api';
import { errorMessage } from '../../services/api-client';
import { isH5, isWeapp } from '../../services/platform';

type Template = SubscriptionListOutput['templates'][number];
type SubscribePanelProps = { config: AppConfigOutput | null };

const ANSWER_LABEL: Record<SubscriptionAnswer, string> = { accept: '已订阅', reject: '已拒绝', ban: '总是拒绝' };

// Subscribing to greetings (birthday, holidays, campaigns). wx.requestSubscribeMessage must be
// called from a tap, for at most 3 templates at once; each "accept" allows the brand exactly one
// later message per template, so the server counts credits. Templates the member set to
// "always refuse" (ban) are never asked again.
// In the H5 demo there is no WeChat dialog: a clearly marked demo dialog gives the same three
// answers (like the demo's stand-in for wx.login), and the answers go to the same endpoint.
export function SubscribePanel({ config }: SubscribePanelProps) {
  const [templates, setTemplates] = useState<Template[] | null>(null);
  const [demoAsk, setDemoAsk] = useState<Template[] | null>(null);
  const [demoAnswers, setDemoAnswers] = useState<Record<string, SubscriptionAnswer>>({});
  const [error, setError] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    api
      .memberSubscriptions()
      .then((list) => setTemplates(list.templates))
      .catch((e: unknown) => setError(errorMessage(e)));
  }, []);

  const askable = (templates ?? []).filter((t) => t.askable).slice(0, 3);

  const send = async (answers: Record<string, SubscriptionAnswer>): Promise<void> => {
    const parsed = subscriptionAnswersInputSchema.safeParse({ answers });
    if (!parsed.success) {
      setError('没有可提交的订阅结果');
      return;
    }
    const list = await api.answerSubscriptions(parsed.data);
    setTemplates(list.templates);
    const accepted = Object.values(answers).filter((a) => a === 'accept').length;
    setNotice(accepted > 0 ? `已订阅 ${accepted} 项提醒` : '已记录你的选择');
  };

  const subscribe = async (): Promise<void> => {
    if (busy || askable.length === 0) return;
    setError(null);
    setNotice(null);
    if (isH5) {
      setDemoAnswers(Object.fromEntries(askable.map((t) => [t.id, 'accept' as SubscriptionAnswer])));
      setDemoAsk(askable);
      return;
    }
    setBusy(true);
    try {
      const res = (await Taro.requestSubscribeMessage({
        tmplIds: askable.map((t) => t.externalId),
        entityIds: [],
      } as Parameters<typeof Taro.requestSubscribeMessage>[0])) as unknown as Record<string, string>;
      // WeChat answers per template id: accept / reject / ban (and 'filter' for a template
      // filtered out by the platform, which is not the member's answer).
      const answers: Record<string, SubscriptionAnswer> = {};
      for (const t of askable) {
        const a = res[t.externalId];
        if (a === 'accept' || a === 'reject' || a === 'ban') answers[t.id] = a;
      }
      await send(answers);
    } catch (e) {
      setError(errorMessage(e));
    } finally {
      setBusy(false);
    }
  };

  const confirmDemo = async (): Promise<void> => {
    setDemoAsk(null);
    setBusy(true);
    try {
      await send(demoAnswers);
    } catch (e) {
      setError(errorMessage(e));
    } finally {
      setBusy(false);
    }
  };

  return (
    <View id='subscribe-panel' className='card'>
      <Text className='card__title'>消息提醒</Text>
      {templates === null && !error ? <Text className='muted'>加载中…</Text> : null}
      {(templates ?? []).map((t) => (
        <View key={t.id} id={`sub-${t.purpose}`} className='row'>
          <Text>{t.name}</Text>
          <Text className='muted'>
            {t.lastDecision ? ANSWER_LABEL[t.lastDecision] : '未订阅'} · 可收 {t.credits} 条
          </Text>
        </View>
      ))}
      {templates && askable.length > 0 && (isWeapp || config?.simulator) ? (
        <Button id='subscribe-btn' className='btn btn--primary' loading={busy} disabled={busy} onClick={() => void subscribe()}>
          订阅生日与节日提醒
        </Button>
      ) : null}
      {templates && templates.length > 0 && askable.length === 0 ? (
        <Text className='muted'>你已选择“总是拒绝”，如需接收请在微信设置中开启。</Text>
      ) : null}

      {demoAsk ? (
        <View id='subscribe-demo' className='card'>
          <Text className='card__title'>演示：模拟微信订阅弹窗</Text>
          <Text className='muted'>浏览器中没有微信，此处代替 wx.requestSubscribeMessage 的回答（仅演示环境）。</Text>
          {demoAsk.map((t, i) => (
            <View key={t.id} className='row'>
              <Text>{t.name}</Text>
              <View>
                {(['accept', 'reject', 'ban'] as const).map((a) => (
                  <Text
                    key={a}
                    id={`sub-demo-${i}-${a}`}
                    className={demoAnswers[t.id] === a ? 'chip chip--on' : 'chip'}
                    onClick={() => setDemoAnswers((prev) => ({ ...prev, [t.id]: a }))}
                  >
                    {a === 'accept' ? '允许' : a === 'reject' ? '取消' : '总是拒绝'}
                  </Text>
                ))}
              </View>
            </View>
          ))}
          <Button id='subscribe-demo-confirm' className='btn btn--primary' onClick={() => void confirmDemo()}>
            确定
          </Button>
        </View>
      ) : null}

      <Notice id='subscribe-notice' tone='ok' text={notice} />
      <Notice id='subscribe-error' text={error} />
    </View>
  );
}
