import { useEffect, useState } from 'react';
import Taro from '@tarojs/taro';
import { Button, Text, View } from '@tarojs/components';
import type { AppConfigOutput } from '@shared/schemas/auth-login.schema';
import type { MemberCardOutput } from '@shared/schemas/member-card.schema';
import { Notice } from '../../../components/notice';
import { api } from '../../../services/api';
import { errorMessage, isApiError } from '../../../services/api-client';
import { loadAppConfig, logout, ROUTES } from '../../../services/auth';
import { MEMBER_ROUTES } from '../member-routes';
import { consentPurposeLabel, formatDate } from '../../../lib/format';
import { MemberQr } from '../member-qr';
import { PrivacyGate } from '../privacy-gate';
import { SubscribePanel } from '../subscribe-panel';
import { PhoneBinder } from './phone-binder';
import './index.scss';

// The member's own card: member number, their phone (in full: it is theirs), store, associate
// and what they have agreed to.
export default function MemberCardPage() {
  const [card, setCard] = useState<MemberCardOutput | null>(null);
  const [config, setConfig] = useState<AppConfigOutput | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);

  useEffect(() => {
    // A page the member already left must not navigate anywhere when its answer arrives.
    let active = true;
    api
      .memberCard()
      .then((loaded) => {
        if (active) setCard(loaded);
      })
      .catch((e: unknown) => {
        if (!active) return;
        // Signed in but not a member yet: the sign-up is the place to be.
        if (isApiError(e) && e.status === 404) void Taro.reLaunch({ url: ROUTES.join });
        else setError(errorMessage(e));
      });
    loadAppConfig()
      .then(setConfig)
      .catch(() => {
        // Only the H5 demo phone form needs it; the card shows without.
      });
    return () => {
      active = false;
    };
  }, []);

  const onPhoneBound = (updated: MemberCardOutput): void => {
    setCard(updated);
    // A number that already belonged to a member (joined at the till) merges the memberships.
    setNotice(updated.notice ?? '手机号已绑定');
  };

  // A newer privacy policy than the one agreed to: show it again and ask (one tap).
  const reconsent = async (): Promise<void> => {
    if (!card?.currentPolicyVersion) return;
    try {
      await api.decideConsent({ purpose: 'privacy_policy', granted: true, policyVersion: card.currentPolicyVersion });
      setCard(await api.memberCard());
      setNotice('已同意新版隐私政策');
    } catch (e) {
      setError(errorMessage(e));
    }
  };

  return (
    <View className='page member-card-page'>
      <Notice id='card-error' text={error} />
      {!card && !error ? <View className='muted'>加载中…</View> : null}

      {card ? (
        <View id='member-card' className='member-card'>
          <Text className='member-card__brand'>会员卡</Text>
          <Text id='card-name' className='member-card__name'>
            {card.name ?? '会员'}
          </Text>
          <Text id='card-member-no' className='member-card__no'>
            {card.memberNo}
          </Text>
          <Text className='member-card__since'>{formatDate(card.joinedAt)} 入会</Text>
        </View>
      ) : null}

      <Notice id='card-notice' tone='ok' text={notice} />

      {card?.policyOutdated ? (
        <View id='policy-outdated' className='card'>
          <Text className='card__title'>隐私政策已更新（{card.currentPolicyVersion}）</Text>
          <Text className='muted'>
            我们更新了《隐私政策》。请阅读新版本后继续使用会员服务；如不同意，可在“我的数据与隐私”中注销账户。
          </Text>
          <Button id='policy-reconsent' className='btn btn--primary' onClick={() => void reconsent()}>
            我已阅读并同意新版隐私政策
          </Button>
        </View>
      ) : null}

      {card ? (
        <View className='card'>
          <MemberQr value={card.memberNo} />
        </View>
      ) : null}

      {card ? (
        <View className='card'>
          <View className='row'>
            <Text className='row__label'>手机号</Text>
            <Text id='card-phone'>{card.phone ?? card.phoneMasked ?? '未绑定'}</Text>
          </View>
          <View className='row'>
            <Text className='row__label'>开卡门店</Text>
            <Text id='card-store'>{card.store?.name ?? '—'}</Text>
          </View>
          <View className='row'>
            <Text className='row__label'>专属导购</Text>
            <Text id='card-associate'>{card.associate?.name ?? '—'}</Text>
          </View>
          {card.tier ? (
            <View className='row'>
              <Text className='row__label'>会员等级</Text>
              <Text id='card-tier'>{card.tier}</Text>
            </View>
          ) : null}
          {card.points !== null && card.points !== undefined ? (
            <View className='row'>
              <Text className='row__label'>积分</Text>
              <Text id='card-points'>{card.points}</Text>
            </View>
          ) : null}
        </View>
      ) : null}

      {card && !card.phone && !card.phoneMasked ? <PhoneBinder config={config} onBound={onPhoneBound} /> : null}

      {card ? (
        <View id='card-consents' className='card'>
          <Text className='card__title'>我的授权</Text>
          {card.consents.length === 0 ? <Text className='muted'>暂无记录</Text> : null}
          {card.consents.map((consent) => (
            <View key={consent.purpose} id={`consent-${consent.purpose}`} className='row consent-row'>
              <Text>{consentPurposeLabel(consent.purpose)}</Text>
              <Text className={consent.granted ? 'consent-row__on' : 'consent-row__off'}>
                {consent.granted ? '已同意' : '未同意'} · {consent.policyVersion} · {formatDate(consent.at)}
              </Text>
            </View>
          ))}
        </View>
      ) : null}

      {card ? <SubscribePanel config={config} /> : null}

      {card ? (
        <View className='card'>
          <Button id='go-profile' className='btn btn--plain' onClick={() => void Taro.navigateTo({ url: MEMBER_ROUTES.profile })}>
            编辑资料（生日、偏好）
          </Button>
          <Button id='go-privacy' className='btn btn--plain' onClick={() => void Taro.navigateTo({ url: MEMBER_ROUTES.privacy })}>
            我的数据与隐私
          </Button>
        </View>
      ) : null}

      <Button id='logout' className='btn btn--plain' onClick={logout}>
        退出登录
      </Button>
      <PrivacyGate />
    </View>
  );
}
