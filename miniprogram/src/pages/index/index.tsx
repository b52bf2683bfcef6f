import { useEffect, useRef, useState } from 'react';
import Taro, { useRouter } from '@tarojs/taro';
import { Button, Text, View } from '@tarojs/components';
import type { AppConfigOutput } from '@shared/schemas/auth-login.schema';
import { Notice } from '../../components/notice';
import { api } from '../../services/api';
import { errorMessage, isApiError } from '../../services/api-client';
import { homeRouteFor, loadAppConfig, loginAsDemoUser, loginWithWeChat, newDemoOpenid } from '../../services/auth';
import { isH5, isWeapp } from '../../services/platform';
import { getToken, setPendingStoreCode } from '../../services/session-store';
import { storeCodeFromLocation, storeCodeFromParams } from '../../lib/store-code';
import { inviteCodeFromLocation, inviteCodeFromParams, setPendingInviteCode } from '../member/join-scene';
import { ConsoleQrLogin } from './console-qr-login';
import { DemoLoginList } from './demo-login-list';
import './index.scss';

type Phase = 'starting' | 'choose' | 'busy';

// The entry page: remembers the store a member came from, signs in (wx.login in the
// mini-program; a demo identity in the H5 demo), then sends each person to their home page.
export default function StartPage() {
  const router = useRouter();
  const [config, setConfig] = useState<AppConfigOutput | null>(null);
  const [phase, setPhase] = useState<Phase>('starting');
  const [error, setError] = useState<string | null>(null);
  const started = useRef(false);

  const goHome = async (): Promise<void> => {
    const me = await api.me();
    await Taro.reLaunch({ url: homeRouteFor(me) });
  };

  const start = async (): Promise<void> => {
    setPhase('starting');
    setError(null);
    try {
      const appConfig = await loadAppConfig();
      setConfig(appConfig);
      if (getToken()) {
        try {
          await goHome();
          return;
        } catch (e) {
          // An expired session was dropped by the API client: sign in again below.
          if (!(isApiError(e) && e.status === 401)) throw e;
        }
      }
      if (isWeapp) {
        // Signing in with wx.login is silent: no reason to make the member tap for it.
        await loginWithWeChat(appConfig);
        await goHome();
        return;
      }
      setPhase('choose');
    } catch (e) {
      setError(errorMessage(e));
      setPhase('choose');
    }
  };

  useEffect(() => {
    if (started.current) return;
    started.current = true;
    const storeCode =
      storeCodeFromParams(router.params) ?? (isH5 ? storeCodeFromLocation(window.location.search) : undefined);
    if (storeCode) setPendingStoreCode(storeCode);
    // An associate's code (scene a=<code>): the member will be attributed to that associate.
    const inviteCode =
      inviteCodeFromParams(router.params) ?? (isH5 ? inviteCodeFromLocation(window.location.search) : undefined);
    if (inviteCode) setPendingInviteCode(inviteCode);
    void start();
    // Once per page load; `start` reads only state it sets itself.
  }, []);

  const signInAs = async (openid: string): Promise<void> => {
    if (!config || phase === 'busy') return;
    setPhase('busy');
    setError(null);
    try {
      await loginAsDemoUser(config, openid);
      await goHome();
    } catch (e) {
      setError(errorMessage(e));
      setPhase('choose');
    }
  };

  return (
    <View className='page start-page'>
      <View className='start-page__hero'>
        <Text className='start-page__title'>会员中心</Text>
        <Text className='start-page__subtitle'>会员权益 · 专属导购 · 到店服务</Text>
      </View>

      {phase === 'starting' ? (
        <View id='start-loading' className='muted start-page__loading'>
          正在登录…
        </View>
      ) : null}

      <Notice id='start-error' text={error} />

      {phase !== 'starting' && isWeapp ? (
        <Button id='login-wechat' className='btn btn--primary' onClick={() => void start()}>
          微信登录
        </Button>
      ) : null}

      {phase !== 'starting' && isH5 && config?.simulator ? (
        <DemoLoginList
          logins={config.demoLogins ?? []}
          busy={phase === 'busy'}
          onChoose={(openid) => void signInAs(openid)}
          onNewMember={() => void signInAs(newDemoOpenid())}
        />
      ) : null}

      {phase !== 'starting' && isH5 && config && !config.simulator ? (
        <Notice id='login-unavailable' tone='info' text='会员请在微信中打开会员小程序。' />
      ) : null}

      {phase !== 'starting' && isH5 && config ? <ConsoleQrLogin onSignedIn={() => void goHome()} /> : null}
    </View>
  );
}
