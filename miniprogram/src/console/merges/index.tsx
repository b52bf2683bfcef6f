import { useEffect, useState } from 'react';
import { Button, Input, Text, View } from '@tarojs/components';
import { RULE_LABELS, type IdentityRule } from '@shared/domain/import-columns';
import { mergePairInputSchema, type MergeMemberCard, type MergeOverview, type MergePairInput, type MergePreview } from '@shared/schemas/member-merge.schema';
import { FieldError } from '../../components/field-error';
import { Notice } from '../../components/notice';
import { api } from '../../services/api';
import { errorMessage } from '../../services/api-client';
import { apiFieldErrors, zodFieldErrors, type FieldErrors } from '../../lib/form-errors';
import './index.scss';
import { ConsoleNav } from '../components/console-nav';

const FIELD_NAMES: Record<string, string> = {
  name: '姓名', gender: '性别', birthday: '生日', region: '地区', phone: '手机号', store: '门店', associate: '专属导购',
  tier: '等级', points: '积分', preferences: '偏好', joinedAt: '入会日期',
};
const FROM: Record<string, string> = { survivor: '保留方', loser: '并入方', both: '合并两者', none: '—' };
const MOVE_NAMES: Record<string, string> = {
  orders: '订单', interactions: '跟进记录', consents: '授权记录', identities: '身份标识', tags: '标签', tagsAlreadyThere: '标签（保留方已有）', credits: '订阅消息次数',
  order: '订单', interaction: '跟进记录', consent: '授权记录', identity: '身份标识', tag: '标签', credit: '订阅消息',
};
// 'phone/pos': the first member found by phone, the second by POS number.
const ruleText = (rule: string): string =>
  rule === 'manual' ? '手动' : rule.split('/').map((part) => part.split('+').map((r) => RULE_LABELS[r as IdentityRule] ?? r).join('+')).join(' / ');
const card = (m: Pick<MergeMemberCard, 'memberNo' | 'name'> & Partial<MergeMemberCard>): string =>
  `会员 ${m.memberNo} · ${m.name ?? '（无姓名）'}${m.phoneMasked ? ` · ${m.phoneMasked}` : ''}${m.hasAccount ? ' · 已绑定微信' : ''}${m.store ? ` · ${m.store}` : ''}`;

// Identity resolution in the console: pairs an import found to be one person (identifiers
// pointing at two members), or two members an operator names; preview who survives, each field
// and what moves; apply; undo a merge; dismiss a pair ("not the same person").
export default function MergesPage() {
  const [data, setData] = useState<MergeOverview | null>(null);
  const [pair, setPair] = useState<MergePairInput | null>(null);
  const [preview, setPreview] = useState<MergePreview | null>(null);
  const [memberA, setMemberA] = useState('');
  const [memberB, setMemberB] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [note, setNote] = useState<string | null>(null);
  const [errors, setErrors] = useState<FieldErrors>({});
  const [busy, setBusy] = useState(false);

  const load = (): void => {
    api
      .merges()
      .then(setData)
      .catch((e: unknown) => setError(errorMessage(e)));
  };
  useEffect(load, []);

  const act = async (work: () => Promise<string | null>): Promise<void> => {
    setBusy(true);
    setError(null);
    setNote(null);
    try {
      setNote(await work());
      setErrors({});
    } catch (e) {
      setErrors(apiFieldErrors(e));
      setError(errorMessage(e));
    } finally {
      setBusy(false);
    }
  };

  const showPreview = (input: MergePairInput): void => {
    const parsed = mergePairInputSchema.safeParse(input);
    if (!parsed.success) {
      setErrors(zodFieldErrors(parsed.error));
      return;
    }
    void act(async () => {
      setPreview(await api.mergePreview(parsed.data));
      setPair(parsed.data);
      return null;
    });
  };

  const swap = (): void => {
    if (!pair || !preview) return;
    showPreview({ ...pair, survivorId: preview.loser.id });
  };

  const apply = (): void => {
    if (!pair || !preview) return;
    void act(async () => {
      const r = await api.mergeApply({ ...pair, survivorId: preview.survivor.id });
      setPreview(null);
      setPair(null);
      load();
      return `已合并：会员 ${preview.loser.memberNo} 并入会员 ${preview.survivor.memberNo}（${Object.entries(r.moved).map(([k, n]) => `${MOVE_NAMES[k] ?? k} ${n}`).join('、') || '无记录移动'}）`;
    });
  };

  return (
    <View className='page merges'>
      <ConsoleNav current='merges' />
      <Notice id='merges-error' text={error} />
      <Notice id='merges-note' tone='ok' text={note} />

      {preview ? (
        <View className='card' id='merge-preview'>
          <Text className='card__title'>合并预览（尚未合并）</Text>
          <View className='merges__pair'>
            <Text id='merge-survivor' className='merges__member'>保留：{card(preview.survivor)}</Text>
            <Text id='merge-loser' className='merges__member'>并入：{card(preview.loser)}</Text>
          </View>
          <View className='merges__field'>
            <Text className='merges__cell'>字段</Text>
            <Text className='merges__cell'>保留方</Text>
            <Text className='merges__cell'>并入方</Text>
            <Text className='merges__cell'>合并后</Text>
          </View>
          {preview.fields.map((f) => (
            <View key={f.field} id={`merge-field-${f.field}`} className='merges__field'>
              <Text className='merges__cell'>{FIELD_NAMES[f.field] ?? f.field}</Text>
              <Text className='merges__cell'>{f.survivor ?? '—'}</Text>
              <Text className='merges__cell'>{f.loser ?? '—'}</Text>
              <Text className='merges__cell'>
                {f.result ?? '—'} <Text className='merges__from'>（{FROM[f.from]}）</Text>
              </Text>
            </View>
          ))}
          <Text id='merge-moves' className='muted'>
            移到保留方：{Object.entries(preview.moves).map(([k, n]) => `${MOVE_NAMES[k] ?? k} ${n}`).join('、')}
          </Text>
          {preview.blockers.map((b) => (
            <Text key={b} className='field-error'>{b}</Text>
          ))}
          <Button id='merge-swap' className='btn btn--plain' disabled={busy} onClick={swap}>
            改为保留另一位
          </Button>
          <Button id='merge-apply' className='btn btn--primary' disabled={busy || preview.blockers.length > 0} onClick={apply}>
            确认合并
          </Button>
          <Button id='merge-cancel' className='btn btn--plain' onClick={() => setPreview(null)}>
            取消
          </Button>
        </View>
      ) : null}

      <View className='card' id='merge-candidates'>
        <Text className='card__title'>待合并（{data?.candidates.length ?? 0}）</Text>
        {data && data.candidates.length === 0 ? <Text className='muted'>没有待处理的会员</Text> : null}
        {(data?.candidates ?? []).map((c) => (
          <View key={c.id} id={`candidate-${c.id}`} className='merges__field'>
            <Text className='merges__cell'>
              {card(c.a)}
              {'\n'}
              {card(c.b)}
              {'\n'}
              <Text className='muted'>依据：{ruleText(c.rule)}{c.rowNo ? `（导入第 ${c.rowNo} 行）` : ''}</Text>
            </Text>
            <View>
              <Button id={`candidate-${c.id}-preview`} className='btn btn--plain' disabled={busy} onClick={() => showPreview({ memberA: c.a.id, memberB: c.b.id, candidateId: c.id })}>
                预览合并
              </Button>
              <Button
                id={`candidate-${c.id}-dismiss`}
                className='btn btn--plain'
                disabled={busy}
                onClick={() => void act(async () => (await api.mergeDismiss(c.id), load(), '已标记为不是同一人'))}
              >
                不是同一人
              </Button>
            </View>
          </View>
        ))}
      </View>

      <View className='card'>
        <Text className='card__title'>手动合并两位会员</Text>
        <Input id='merge-member-a' className='field__input' value={memberA} placeholder='会员号' onInput={(e) => setMemberA(e.detail.value)} />
        <FieldError id='merge-member-a-error' message={errors.memberA} />
        <Input id='merge-member-b' className='field__input' value={memberB} placeholder='另一位的会员号' onInput={(e) => setMemberB(e.detail.value)} />
        <FieldError id='merge-member-b-error' message={errors.memberB} />
        <Button id='merge-manual-preview' className='btn btn--plain' disabled={busy} onClick={() => showPreview({ memberA: memberA.trim(), memberB: memberB.trim() })}>
          预览合并
        </Button>
      </View>

      <View className='card' id='merge-history'>
        <Text className='card__title'>最近的合并</Text>
        {(data?.merges ?? []).map((m) => (
          <View key={m.id} id={`merge-${m.id}`} className='merges__field'>
            <Text className='merges__cell'>
              {m.performedAt.slice(0, 16).replace('T', ' ')} · 会员 {m.loser.memberNo}（{m.loser.name ?? '无姓名'}）并入 会员 {m.survivor.memberNo}（{m.survivor.name ?? '无姓名'}）· {ruleText(m.rule)}
              {m.undoneAt ? ' · 已撤销' : ''}
            </Text>
            {!m.undoneAt ? (
              <Button
                id={`merge-${m.id}-undo`}
                className='btn btn--plain'
                disabled={busy}
                onClick={() => void act(async () => {
                  const r = await api.mergeUndo(m.id);
                  load();
                  return `已撤销合并（${Object.entries(r.restored).map(([k, n]) => `${MOVE_NAMES[k] ?? k} ${n}`).join('、')}）`;
                })}
              >
                撤销
              </Button>
            ) : null}
          </View>
        ))}
      </View>
    </View>
  );
}
