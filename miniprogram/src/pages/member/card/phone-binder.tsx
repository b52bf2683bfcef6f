import { useState } from 'react';
import { Button, Input, Text, View } from '@tarojs/components';
import type { AppConfigOutput } from '@shared/schemas/auth-login.schema';
import type { MemberCardOutput } from '@shared/schemas/member-card.schema';
import { memberPhoneInputSchema } from '@shared/schemas/member-phone.schema';
import { FieldError } from '../../../components/field-error';
import { Notice } from '../../../components/notice';
import { api } from '../../../services/api';
import { errorMessage } from '../../../services/api-client';
import { isH5, isWeapp } from '../../../services/platform';
import { apiFieldErrors, zodFieldErrors } from '../../../lib/form-errors';

type PhoneBinderProps = {
  config: AppConfigOutput | null;
  onBound: (card: MemberCardOutput) => void;
};

const MOBILE = /^1[3-9]\d{9}$/;

// Sharing the phone number. In WeChat the member taps the getPhoneNumber button and WeChat hands
// us a one-time code (never the number); the server exchanges it. In the H5 demo there is no
// WeChat, so the member types a number and the simulator issues the code WeChat would have.
export function PhoneBinder({ config, onBound }: PhoneBinderProps) {
  const [phone, setPhone] = useState('');
  const [fieldError, setFieldError] = useState<string | undefined>(undefined);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const bindWithCode = async (code: string): Promise<void> => {
    const parsed = memberPhoneInputSchema.safeParse({ code });
    if (!parsed.success) {
      setError(zodFieldErrors(parsed.error).code ?? '手机号授权失败，请重试');
      return;
    }
    onBound(await api.bindPhone(parsed.data));
  };

  const run = async (work: () => Promise<void>): Promise<void> => {
    if (busy) return;
    setBusy(true);
    setError(null);
    setFieldError(undefined);
    try {
      await work();
    } catch (e) {
      const fields = apiFieldErrors(e);
      setFieldError(fields.phoneNumber ?? fields.code);
      setError(errorMessage(e));
    } finally {
      setBusy(false);
    }
  };

  const submitDemoNumber = (): void => {
    const number = phone.replace(/\s/g, '');
    if (!MOBILE.test(number)) {
      setFieldError('请输入 11 位手机号');
      return;
    }
    if (!config) return;
    void run(async () => {
      const { code } = await api.simPhoneCode(config.appId, number);
      await bindWithCode(code);
    });
  };

  return (
    <View id='phone-binder' className='card'>
      <Text className='card__title'>绑定手机号</Text>
      <Text className='muted'>绑定后可凭手机号在门店识别会员身份、累计消费。</Text>

      {isWeapp ? (
        <Button
          id='phone-share'
          className='btn btn--primary'
          openType='getPhoneNumber'
          loading={busy}
          onGetPhoneNumber={(e) => {
            const code = e.detail.code;
            if (!code) {
              setError('未获得手机号授权，可稍后再绑定');
              return;
            }
            void run(() => bindWithCode(code));
          }}
        >
          微信手机号快捷绑定
        </Button>
      ) : null}

      {isH5 && config?.simulator ? (
        <View className='field'>
          <Text className='field__label'>手机号（演示环境）</Text>
          <Input
            id='phone-input'
            className='field__input'
            type='number'
            maxlength={11}
            value={phone}
            placeholder='11 位手机号'
            onInput={(e) => setPhone(e.detail.value)}
            onConfirm={submitDemoNumber}
          />
          <FieldError id='phone-input-error' message={fieldError} />
          <Button id='phone-submit' className='btn btn--primary' loading={busy} disabled={busy} onClick={submitDemoNumber}>
            绑定手机号
          </Button>
        </View>
      ) : null}

      {isH5 && config && !config.simulator ? (
        <Notice id='phone-unavailable' tone='info' text='请在微信小程序中绑定手机号。' />
      ) : null}

      <Notice id='phone-error' text={error} />
    </View>
  );
}
