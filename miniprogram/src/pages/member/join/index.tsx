import { useEffect, useState } from 'react';
import Taro, { useRouter } from '@tarojs/taro';
import { Button, Input, Text, View } from '@tarojs/components';
import type { AppConfigOutput } from '@shared/schemas/auth-login.schema';
import { memberJoinInputSchema } from '@shared/schemas/member-join.schema';
import { CheckRow } from '../../../components/check-row';
import { FieldError } from '../../../components/field-error';
import { Notice } from '../../../components/notice';
import { api } from '../../../services/api';
import { errorMessage } from '../../../services/api-client';
import { loadAppConfig, logout, ROUTES } from '../../../services/auth';
import { getPendingStoreCode, setPendingStoreCode } from '../../../services/session-store';
import { apiFieldErrors, zodFieldErrors, type FieldErrors } from '../../../lib/form-errors';
import { storeCodeFromParams } from '../../../lib/store-code';
import { getPendingInviteCode, inviteCodeFromParams, setPendingInviteCode } from '../join-scene';
import { PrivacyGate } from '../privacy-gate';
import './index.scss';

// Fields this form shows next to an input; any other field message goes to the banner.
const FORM_FIELDS = ['agreeTerms', 'agreePrivacy', 'marketing', 'name', 'storeCode', 'inviteCode'];

// Joining = agreeing to the membership terms and the privacy policy (each a row in the consent
// ledger with the policy version shown here), optionally to marketing messages.
export default function JoinPage() {
  const router = useRouter();
  const [config, setConfig] = useState<AppConfigOutput | null>(null);
  const [agreeTerms, setAgreeTerms] = useState(false);
  const [agreePrivacy, setAgreePrivacy] = useState(false);
  const [marketing, setMarketing] = useState(false);
  const [name, setName] = useState('');
  // A QR code may open this page directly (scene / ?store=); otherwise the start page parked it.
  const [storeCode, setStoreCode] = useState<string | null>(() => {
    const fromLink = storeCodeFromParams(router.params);
    if (fromLink) setPendingStoreCode(fromLink);
    return fromLink ?? getPendingStoreCode();
  });
  // The associate whose QR code was scanned (scene a=<code>): the server resolves the code.
  const [inviteCode, setInviteCode] = useState<string | null>(() => {
    const fromLink = inviteCodeFromParams(router.params);
    if (fromLink) setPendingInviteCode(fromLink);
    return fromLink ?? getPendingInviteCode();
  });
  const [errors, setErrors] = useState<FieldErrors>({});
  const [formError, setFormError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    loadAppConfig()
      .then(setConfig)
      .catch((e: unknown) => setFormError(errorMessage(e)));
  }, []);

  const submit = async (): Promise<void> => {
    if (!config || busy) return;
    setFormError(null);
    const parsed = memberJoinInputSchema.safeParse({
      policyVersion: config.privacyPolicyVersion,
      agreeTerms,
      agreePrivacy,
      marketing,
      name: name.trim() === '' ? undefined : name,
      storeCode: storeCode ?? undefined,
      inviteCode: inviteCode ?? undefined,
    });
    if (!parsed.success) {
      const fieldErrors = zodFieldErrors(parsed.error);
      setErrors(fieldErrors);
      const other = Object.keys(fieldErrors).find((key) => !FORM_FIELDS.includes(key));
      if (other !== undefined) setFormError(fieldErrors[other] ?? null);
      return;
    }
    setErrors({});
    setBusy(true);
    try {
      await api.joinMember(parsed.data);
      setPendingStoreCode(null);
      setPendingInviteCode(null);
      await Taro.reLaunch({ url: ROUTES.memberCard });
    } catch (e) {
      setErrors(apiFieldErrors(e));
      setFormError(errorMessage(e));
    } finally {
      setBusy(false);
    }
  };

  const dropStoreCode = (): void => {
    setStoreCode(null);
    setPendingStoreCode(null);
    setErrors(({ storeCode: _dropped, ...rest }) => rest);
  };

  const dropInviteCode = (): void => {
    setInviteCode(null);
    setPendingInviteCode(null);
    setErrors(({ inviteCode: _dropped, ...rest }) => rest);
  };

  return (
    <View className='page join-page'>
      <View className='card'>
        <Text className='card__title'>欢迎加入会员</Text>
        <Text className='join-page__intro'>
          加入后可享受会员权益和专属导购服务。我们仅为提供会员服务处理你的微信身份和（你授权后的）手机号，
          不会向第三方出售你的个人信息。你可以随时查看、导出或删除你的数据，或撤回同意。
        </Text>
        <View className='row'>
          <Text className='row__label'>隐私政策版本</Text>
          <Text id='join-policy-version'>{config ? config.privacyPolicyVersion : '…'}</Text>
        </View>
        {storeCode ? (
          <View className='row'>
            <Text className='row__label'>开卡门店</Text>
            <View>
              <Text id='join-store-code'>{storeCode}</Text>
              <Text id='join-store-clear' className='join-page__link' onClick={dropStoreCode}>
                不指定
              </Text>
            </View>
          </View>
        ) : null}
        <FieldError id='join-store-code-error' message={errors.storeCode} />
        {inviteCode ? (
          <View className='row'>
            <Text className='row__label'>导购邀请码</Text>
            <View>
              <Text id='join-invite-code'>{inviteCode}</Text>
              <Text id='join-invite-clear' className='join-page__link' onClick={dropInviteCode}>
                不指定
              </Text>
            </View>
          </View>
        ) : null}
        <FieldError id='join-invite-code-error' message={errors.inviteCode} />
      </View>

      <View className='card'>
        <View className='field'>
          <Text className='field__label'>称呼（选填）</Text>
          <Input
            id='join-name'
            className='field__input'
            value={name}
            maxlength={50}
            placeholder='怎么称呼你'
            onInput={(e) => setName(e.detail.value)}
          />
          <FieldError id='join-name-error' message={errors.name} />
        </View>

        <CheckRow
          id='join-terms'
          checked={agreeTerms}
          label='我已阅读并同意《会员服务条款》'
          onChange={setAgreeTerms}
          error={errors.agreeTerms}
        />
        <CheckRow
          id='join-privacy'
          checked={agreePrivacy}
          label={`我已阅读并同意《隐私政策》（${config ? config.privacyPolicyVersion : '…'}）`}
          onChange={setAgreePrivacy}
          error={errors.agreePrivacy}
        />
        <CheckRow
          id='join-marketing'
          checked={marketing}
          label='接收生日祝福、节日问候和活动消息（选填，可随时退订）'
          onChange={setMarketing}
          error={errors.marketing}
        />
      </View>

      <Notice id='join-error' text={formError} />

      <Button
        id='join-agree'
        className='btn btn--primary'
        loading={busy}
        disabled={busy || !config}
        onClick={() => void submit()}
      >
        同意并加入
      </Button>

      <Button id='logout' className='btn btn--plain' onClick={logout}>
        暂不加入，退出登录
      </Button>
      <PrivacyGate />
    </View>
  );
}
