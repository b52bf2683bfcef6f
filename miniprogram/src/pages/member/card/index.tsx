import { useEffect, useState } from 'react';
import Taro from '@tarojs/taro';
import { Button, Text, View } from '@tarojs/components';
import type { AppConfigOutput } from '@shared/schemas/auth-login.schema';
import type { MemberCardOutput } from '@shared/schemas/member-card.schema';
import { Notice } from '../../../components/notice';
import { api } from '../../../services/api';
import { errorMessage, isApiError } from '../../../services/api-client';
import { loadAppConfig, logout, ROUTES } from '../../../services/auth';
import { consentPurposeLabel, formatDate } from '../../../lib/format';
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
    setNotice('手机号已绑定');
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

      <Button id='logout' className='btn btn--plain' onClick={logout}>
        退出登录
      </Button>
    </View>
  );
}
