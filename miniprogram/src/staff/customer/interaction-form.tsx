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

type InteractionFormProps = { memberId: string; onLogged: () => void };

// Log what just happened with the customer: a chat, a call, a store visit or a note.
export function InteractionForm({ memberId, onLogged }: InteractionFormProps) {
  const [kind, setKind] = useState<InteractionKind>('chat');
  const [note, setNote] = useState('');
  const [errors, setErrors] = useState<FieldErrors>({});
  const [error, setError] = useState<string | null>(null);
  const [saved, setSaved] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (): Promise<void> => {
    if (busy) return;
    setSaved(null);
    setError(null);
    const parsed = interactionCreateInputSchema.safeParse({ memberId, kind, note });
    if (!parsed.success) {
      setErrors(zodFieldErrors(parsed.error));
      return;
    }
    setErrors({});
    setBusy(true);
    try {
      await api.logInteraction(parsed.data);
      setNote('');
      setSaved('已记录');
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
      <Notice id='interaction-error' text={error} />
      <Notice id='interaction-saved' tone='ok' text={saved} />
      <Button id='interaction-submit' className='btn btn--primary' loading={busy} disabled={busy} onClick={() => void submit()}>
        保存
      </Button>
    </View>
  );
}
