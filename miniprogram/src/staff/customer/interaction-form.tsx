import { useState } from 'react';
import { Button, Text, Textarea, View } from '@tarojs/components';
import { interactionKindSchema, type InteractionKind } from '@shared/schemas/common.schema';
import { interactionCreateInputSchema } from '@shared/schemas/interaction-create.schema';
import { FieldError } from '../../components/field-error';
import { Notice } from '../../components/notice';
import { api } from '../../services/api';
import { errorMessage } from '../../services/api-client';
import { apiFieldErrors, zodFieldErrors, type FieldErrors } from '../../lib/form-errors';
import { interactionKindLabels } from '../../lib/format';
import { daysFromToday } from '../customers/list-filters';

// A follow-up date in one tap; it shows in the to-do list on that day.
const FOLLOW_UPS = [
  { days: 0, label: '今天' },
  { days: 1, label: '明天' },
  { days: 3, label: '3天后' },
  { days: 7, label: '一周后' },
];

type InteractionFormProps = { memberId: string; onLogged: () => void };

// Log what just happened with the customer: a chat, a call, a store visit or a note.
export function InteractionForm({ memberId, onLogged }: InteractionFormProps) {
  const [kind, setKind] = useState<InteractionKind>('chat');
  const [note, setNote] = useState('');
  const [errors, setErrors] = useState<FieldErrors>({});
  const [error, setError] = useState<string | null>(null);
  const [saved, setSaved] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [followUpIn, setFollowUpIn] = useState<number | null>(null);

  const submit = async (): Promise<void> => {
    if (busy) return;
    setSaved(null);
    setError(null);
    const parsed = interactionCreateInputSchema.safeParse({
      memberId,
      kind,
      note,
      followUpOn: followUpIn === null ? undefined : daysFromToday(followUpIn),
    });
    if (!parsed.success) {
      setErrors(zodFieldErrors(parsed.error));
      return;
    }
    setErrors({});
    setBusy(true);
    try {
      await api.logInteraction(parsed.data);
      setNote('');
      setFollowUpIn(null);
      setSaved(parsed.data.followUpOn ? `已记录，${parsed.data.followUpOn} 提醒跟进` : '已记录');
      onLogged();
    } catch (e) {
      setErrors(apiFieldErrors(e));
      setError(errorMessage(e));
    } finally {
      setBusy(false);
    }
  };

  return (
    <View id='interaction-form' className='card'>
      <Text className='card__title'>记录互动</Text>
      <View className='interaction-form__kinds'>
        {interactionKindSchema.options.map((option) => (
          <Text
            key={option}
            id={`interaction-kind-${option}`}
            className={`chip interaction-kind${kind === option ? ' chip--on interaction-kind--on' : ''}`}
            onClick={() => setKind(option)}
          >
            {interactionKindLabels[option]}
          </Text>
        ))}
      </View>
      <FieldError id='interaction-kind-error' message={errors.kind} />
      <Textarea
        id='interaction-note'
        className='field__input interaction-form__note'
        value={note}
        maxlength={1000}
        placeholder='聊了什么、顾客的需求、下次跟进的事…'
        onInput={(e) => setNote(e.detail.value)}
      />
      <FieldError id='interaction-note-error' message={errors.note} />
      <View className='follow-up'>
        <Text className='muted'>跟进提醒：</Text>
        {FOLLOW_UPS.map((f) => (
          <Text
            key={f.days}
            id={`follow-up-${f.days}`}
            className={`chip follow-up-chip${followUpIn === f.days ? ' chip--on' : ''}`}
            onClick={() => setFollowUpIn(followUpIn === f.days ? null : f.days)}
          >
            {f.label}
          </Text>
        ))}
      </View>
      <FieldError id='interaction-follow-up-error' message={errors.followUpOn} />
      <Notice id='interaction-error' text={error} />
      <Notice id='interaction-saved' tone='ok' text={saved} />
      <Button id='interaction-submit' className='btn btn--primary' loading={busy} disabled={busy} onClick={() => void submit()}>
        保存
      </Button>
    </View>
  );
}
