import { useEffect, useState } from 'react';
import { Button, Input, Text, View } from '@tarojs/components';
import { storeOpeningDateInputSchema, type StoreListOutput } from '@shared/schemas/store-admin.schema';
import { FieldError } from '../../components/field-error';
import { Notice } from '../../components/notice';
import { api } from '../../services/api';
import { errorMessage } from '../../services/api-client';
import { apiFieldErrors, zodFieldErrors } from '../../lib/form-errors';
import './index.scss';
import { ConsoleNav } from '../components/console-nav';

// Console (H5): the brand's stores and their opening dates, the day store-anniversary greetings
// celebrate (Feb 29 openings on Feb 28 in short years). Admins set them; operators read them.
export default function ConsoleStoresPage() {
  const [list, setList] = useState<StoreListOutput | null>(null);
  const [drafts, setDrafts] = useState<Record<string, string>>({});
  const [errors, setErrors] = useState<Record<string, string | undefined>>({});
  const [error, setError] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [busy, setBusy] = useState<string | null>(null);

  const load = async (): Promise<void> => {
    const r = await api.stores();
    setList(r);
    setDrafts(Object.fromEntries(r.stores.map((s) => [s.id, s.openedOn ?? ''])));
  };
  useEffect(() => {
    load().catch((e: unknown) => setError(errorMessage(e)));
  }, []);

  const save = async (storeId: string, name: string): Promise<void> => {
    if (busy) return;
    setError(null);
    setNotice(null);
    const text = (drafts[storeId] ?? '').trim();
    const parsed = storeOpeningDateInputSchema.safeParse({ storeId, openedOn: text === '' ? null : text });
    if (!parsed.success) {
      setErrors((e) => ({ ...e, [storeId]: zodFieldErrors(parsed.error).openedOn ?? '日期格式不正确' }));
      return;
    }
    setErrors((e) => ({ ...e, [storeId]: undefined }));
    setBusy(storeId);
    try {
      const s = await api.setStoreOpeningDate(parsed.data);
      setNotice(s.openedOn ? `已保存：${name} 开业于 ${s.openedOn}` : `已清除：${name} 的开业日期`);
      await load();
    } catch (e) {
      setErrors((x) => ({ ...x, [storeId]: apiFieldErrors(e).openedOn }));
      setError(errorMessage(e));
    } finally {
      setBusy(null);
    }
  };

  return (
    <View className='page stores-page'>
      <ConsoleNav current='stores' />
      <View className='card'>
        <Text className='card__title'>门店与开业日期</Text>
        <Text className='muted'>门店周年问候在每家门店的开业纪念日发送给该店会员（2 月 29 日开业的门店，平年在 2 月 28 日）。</Text>
        <Notice id='st-error' text={error} />
        <Notice id='st-notice' tone='ok' text={notice} />
        {list && !list.canEdit ? <Notice id='st-readonly' tone='info' text='只有管理员可以修改开业日期。' /> : null}
        {list === null && !error ? <Text className='muted'>加载中…</Text> : null}
        {(list?.stores ?? []).map((s) => (
          <View key={s.id} id={`st-store-${s.code}`} className='st-row'>
            <Text className='st-name'>
              {s.name}（{s.code}）{s.active ? '' : ' 已停用'}
            </Text>
            {list?.canEdit ? (
              <View>
                <Input
                  id={`st-opened-${s.code}`}
                  className='st-input'
                  placeholder='开业日期 YYYY-MM-DD'
                  value={drafts[s.id] ?? ''}
                  onInput={(e) => setDrafts((d) => ({ ...d, [s.id]: e.detail.value }))}
                />
                <FieldError id={`st-opened-${s.code}-error`} message={errors[s.id]} />
              </View>
            ) : (
              <Text>{s.openedOn ?? '未设置'}</Text>
            )}
            <Text id={`st-next-${s.code}`} className='muted'>
              {s.nextAnniversary ? `下次周年：${s.nextAnniversary.date}（${s.nextAnniversary.years} 周年）` : '没有开业日期，不发门店周年问候'}
            </Text>
            {list?.canEdit ? (
              <Button id={`st-save-${s.code}`} className='btn btn--plain' size='mini' loading={busy === s.id} disabled={busy !== null} onClick={() => void save(s.id, s.name)}>
                保存
              </Button>
            ) : null}
          </View>
        ))}
      </View>
    </View>
  );
}
