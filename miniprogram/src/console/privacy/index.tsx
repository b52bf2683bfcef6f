import { useEffect, useState } from 'react';
import { Button, Input, Text, View } from '@tarojs/components';
import { privacyRequestResolveInputSchema, type PrivacyRequestItem } from '@shared/schemas/privacy-request-actions.schema';
import { FieldError } from '../../components/field-error';
import { Notice } from '../../components/notice';
import { api } from '../../services/api';
import { errorMessage } from '../../services/api-client';
import { formatDate, formatDateTime } from '../../lib/format';
import { zodFieldErrors, type FieldErrors } from '../../lib/form-errors';

// Admin console (H5): members' privacy requests that need staff action (e.g. correcting an
// order), soonest due first; PIPL expects an answer within 15 working days. Resolving records
// who did it, what was done and when (audit log).
export default function ConsolePrivacyPage() {
  const [items, setItems] = useState<PrivacyRequestItem[] | null>(null);
  const [outcomes, setOutcomes] = useState<Record<string, string>>({});
  const [errors, setErrors] = useState<Record<string, FieldErrors>>({});
  const [error, setError] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);

  const load = async (): Promise<void> => setItems((await api.privacyRequests('due')).items);

  useEffect(() => {
    load().catch((e: unknown) => setError(errorMessage(e)));
  }, []);

  const resolve = async (id: string, status: 'completed' | 'rejected'): Promise<void> => {
    setError(null);
    setNotice(null);
    const parsed = privacyRequestResolveInputSchema.safeParse({ id, status, outcome: outcomes[id] ?? '' });
    if (!parsed.success) {
      setErrors((prev) => ({ ...prev, [id]: zodFieldErrors(parsed.error) }));
      return;
    }
    setErrors((prev) => ({ ...prev, [id]: {} }));
    try {
      await api.resolvePrivacyRequest(parsed.data);
      setNotice(status === 'completed' ? '已处理' : '已拒绝');
      await load();
    } catch (e) {
      setError(errorMessage(e));
    }
  };

  return (
    <View className='page console-privacy'>
      <Text className='card__title'>待处理的隐私请求</Text>
      <Notice id='console-privacy-error' text={error} />
      <Notice id='console-privacy-notice' tone='ok' text={notice} />
      {items === null && !error ? <Text className='muted'>加载中…</Text> : null}
      {items?.length === 0 ? <Text id='console-privacy-empty' className='muted'>没有待处理的请求</Text> : null}
      {(items ?? []).map((r) => (
        <View key={r.id} id={`privacy-request-${r.id}`} className='card'>
          <View className='row'>
            <Text>会员号 {r.memberNo ?? '（已注销）'}</Text>
            <Text className={r.overdue ? 'field-error' : 'muted'}>
              {r.dueOn ? `${formatDate(r.dueOn)} 前答复` : ''}
              {r.overdue ? '（已逾期）' : ''}
            </Text>
          </View>
          <Text className='muted'>{formatDateTime(r.requestedAt)} 提交</Text>
          <Text style={{ display: 'block', margin: '8px 0' }}>{r.detail ?? '—'}</Text>
          <Input
            id={`privacy-request-${r.id}-outcome`}
            className='field__input'
            value={outcomes[r.id] ?? ''}
            placeholder='处理结果（会告知会员）'
            onInput={(e) => setOutcomes((prev) => ({ ...prev, [r.id]: e.detail.value }))}
          />
          <FieldError id={`privacy-request-${r.id}-error`} message={errors[r.id]?.outcome} />
          <Button id={`privacy-request-${r.id}-done`} className='btn btn--primary' onClick={() => void resolve(r.id, 'completed')}>
            已处理
          </Button>
          <Button id={`privacy-request-${r.id}-reject`} className='btn btn--plain' onClick={() => void resolve(r.id, 'rejected')}>
            拒绝
          </Button>
        </View>
      ))}
    </View>
  );
}
