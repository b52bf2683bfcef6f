import { useEffect, useState } from 'react';
import { Button, Input, Text, View } from '@tarojs/components';
import {
  tagAdminCreateInputSchema,
  tagMergeInputSchema,
  type TagAdminListOutput,
} from '@shared/schemas/tag-admin-taxonomy.schema';
import { FieldError } from '../../components/field-error';
import { Notice } from '../../components/notice';
import { api } from '../../services/api';
import { ConsoleNav } from '../components/console-nav';
import { errorMessage } from '../../services/api-client';
import { apiFieldErrors, zodFieldErrors, type FieldErrors } from '../../lib/form-errors';
import './index.scss';

const COLORS = ['#07c160', '#1989fa', '#ff976a', '#ee0a24', '#7232dd', '#ffb300'];

// The operators' tag taxonomy: groups (single- or multiple-choice), tags with colours, retire
// (history stays on the customers; no new tagging) or restore, and merge a duplicate into
// another tag of its group.
export default function TagsAdminPage() {
  const [data, setData] = useState<TagAdminListOutput | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [note, setNote] = useState<string | null>(null);
  const [errors, setErrors] = useState<FieldErrors>({});
  const [groupName, setGroupName] = useState('');
  const [single, setSingle] = useState(false);
  const [tagNames, setTagNames] = useState<Record<string, string>>({});
  const [color, setColor] = useState(COLORS[0] ?? '#07c160');
  const [mergeFrom, setMergeFrom] = useState<string | null>(null);

  const load = (): void => {
    api
      .tagAdminList()
      .then(setData)
      .catch((e: unknown) => setError(errorMessage(e)));
  };
  useEffect(load, []);

  const act = async (work: () => Promise<string>): Promise<void> => {
    setError(null);
    setNote(null);
    try {
      setNote(await work());
      setErrors({});
      load();
    } catch (e) {
      setErrors(apiFieldErrors(e));
      setError(errorMessage(e));
    }
  };

  const createGroup = (): void => {
    const parsed = tagAdminCreateInputSchema.safeParse({ kind: 'group', name: groupName, selection: single ? 'single' : 'multiple' });
    if (!parsed.success) return setErrors({ groupName: zodFieldErrors(parsed.error).name ?? '' });
    void act(async () => {
      await api.tagAdminCreate(parsed.data);
      setGroupName('');
      return '已新建标签组';
    });
  };

  const createTag = (groupId: string): void => {
    const parsed = tagAdminCreateInputSchema.safeParse({ kind: 'tag', groupId, name: tagNames[groupId] ?? '', color });
    if (!parsed.success) return setErrors({ [`tag-${groupId}`]: zodFieldErrors(parsed.error).name ?? '' });
    void act(async () => {
      await api.tagAdminCreate(parsed.data);
      setTagNames((n) => ({ ...n, [groupId]: '' }));
      return '已新建标签';
    });
  };

  const tapTag = (tagId: string, retired: boolean): void => {
    if (mergeFrom && mergeFrom !== tagId && !retired) {
      const parsed = tagMergeInputSchema.safeParse({ fromTagId: mergeFrom, intoTagId: tagId });
      setMergeFrom(null);
      if (!parsed.success) return;
      void act(async () => `已合并，${(await api.tagMerge(parsed.data)).moved} 位顾客换上新标签`);
    }
  };

  return (
    <View className='page tags-admin'>
      <ConsoleNav current='tags' />
      <Notice id='tags-admin-error' text={error} />
      <Notice id='tags-admin-note' tone='ok' text={note} />
      {mergeFrom ? <Notice id='tags-admin-merging' tone='info' text='请点击同组内要保留的标签' /> : null}

      {(data?.groups ?? []).map((g) => (
        <View key={g.id} id={`admin-group-${g.id}`} className='card tags-admin__group'>
          <Text className='card__title'>
            {g.name}（{g.selection === 'single' ? '单选' : '多选'}）
          </Text>
          {g.tags.map((t) => (
            <View key={t.id} id={`admin-tag-${t.id}`} className='tags-admin__tag' onClick={() => tapTag(t.id, t.retiredAt !== null)}>
              <Text className={t.retiredAt ? 'tags-admin__retired' : ''}>
                <Text className='tags-admin__swatch' style={{ backgroundColor: t.color }} />
                {t.name} · {t.memberCount} 人{t.mergedIntoId ? ' · 已合并' : t.retiredAt ? ' · 已停用' : ''}
              </Text>
              <View>
                {!t.mergedIntoId ? (
                  <Text
                    id={`admin-retire-${t.id}`}
                    className='chip'
                    onClick={(e) => {
                      e.stopPropagation();
                      void act(async () => {
                        await api.tagAdminUpdate({ kind: 'tag', id: t.id, retired: t.retiredAt === null });
                        return t.retiredAt === null ? `已停用“${t.name}”，顾客身上的记录保留` : `已恢复“${t.name}”`;
                      });
                    }}
                  >
                    {t.retiredAt ? '恢复' : '停用'}
                  </Text>
                ) : null}
                {!t.retiredAt ? (
                  <Text
                    id={`admin-merge-${t.id}`}
                    className={`chip${mergeFrom === t.id ? ' chip--on' : ''}`}
                    onClick={(e) => {
                      e.stopPropagation();
                      setMergeFrom(mergeFrom === t.id ? null : t.id);
                    }}
                  >
                    合并到…
                  </Text>
                ) : null}
              </View>
            </View>
          ))}
          <View className='tags-admin__new'>
            <Input
              id={`new-tag-${g.id}`}
              className='field__input'
              value={tagNames[g.id] ?? ''}
              maxlength={30}
              placeholder='新标签'
              onInput={(e) => setTagNames((n) => ({ ...n, [g.id]: e.detail.value }))}
            />
            <Button id={`add-tag-${g.id}`} className='btn btn--plain' onClick={() => createTag(g.id)}>
              添加
            </Button>
          </View>
          <FieldError id={`new-tag-${g.id}-error`} message={errors[`tag-${g.id}`]} />
        </View>
      ))}

      <View className='card'>
        <Text className='card__title'>新标签颜色</Text>
        {COLORS.map((c) => (
          <Text key={c} id={`color-${c.slice(1)}`} className={`chip${color === c ? ' chip--on' : ''}`} style={{ color: c }} onClick={() => setColor(c)}>
            ●
          </Text>
        ))}
      </View>

      <View className='card'>
        <Text className='card__title'>新建标签组</Text>
        <Input id='new-group' className='field__input' value={groupName} maxlength={30} placeholder='如：尺码、兴趣偏好' onInput={(e) => setGroupName(e.detail.value)} />
        <FieldError id='new-group-error' message={errors.groupName ?? errors.name} />
        <Text id='new-group-single' className={`chip${single ? ' chip--on' : ''}`} onClick={() => setSingle((v) => !v)}>
          单选（每位顾客只能有一个）
        </Text>
        <Button id='add-group' className='btn btn--primary' onClick={createGroup}>
          新建
        </Button>
      </View>
    </View>
  );
}
