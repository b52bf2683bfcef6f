import { useEffect, useState } from 'react';
import Taro from '@tarojs/taro';
import { Button, Text, View } from '@tarojs/components';
import { isWeapp } from '../../services/platform';
import './privacy-gate.scss';

type Resolve = (option: { event: 'exposureAuthorization' | 'agree' | 'disagree'; buttonId?: string }) => void;
type Register = (listener: (resolve: Resolve) => void) => void;

// WeChat's own global, for base libraries Taro's API table predates.
declare const wx: { onNeedPrivacyAuthorization?: Register } | undefined;

const privacyListenerApi = (): Register | undefined => {
  const fromTaro = (Taro as unknown as { onNeedPrivacyAuthorization?: Register }).onNeedPrivacyAuthorization;
  if (typeof fromTaro === 'function') return fromTaro;
  const api = typeof wx !== 'undefined' ? wx : undefined;
  return typeof api?.onNeedPrivacyAuthorization === 'function' ? api.onNeedPrivacyAuthorization.bind(api) : undefined;
};

const AGREE_BUTTON_ID = 'privacy-gate-agree';

// WeChat's privacy rules (base library 2.32.3+): before any privacy API or component (phone
// number, avatar, nickname, subscribe messages…) the user must have agreed to the mini-program's
// privacy guide. WeChat fires onNeedPrivacyAuthorization when that agreement is missing; we show
// the guide and answer through `resolve`. The agree button must be an
// openType="agreePrivacyAuthorization" button whose id we pass back, so WeChat can check that the
// user really tapped it. In the browser (H5) there is no such API and nothing is rendered.
export function PrivacyGate() {
  const [pending, setPending] = useState<Resolve | null>(null);

  useEffect(() => {
    if (!isWeapp) return;
    try {
      const register = privacyListenerApi();
      if (!register) return;
      register((resolve) => {
        resolve({ event: 'exposureAuthorization' });
        setPending(() => resolve);
      });
    } catch {
      // Older base library: WeChat then shows its own prompt.
    }
  }, []);

  if (!pending) return null;
  const answer = (event: 'agree' | 'disagree'): void => {
    pending(event === 'agree' ? { event, buttonId: AGREE_BUTTON_ID } : { event });
    setPending(null);
  };
  return (
    <View id='privacy-gate' className='privacy-gate'>
      <View className='privacy-gate__panel'>
        <Text className='card__title'>隐私保护指引</Text>
        <Text className='privacy-gate__text'>
          使用手机号、头像昵称、订阅消息等功能前，请阅读并同意《小程序隐私保护指引》。我们只为会员服务处理这些信息，你可以随时在“我的数据与隐私”中查看、导出、删除或撤回同意。
        </Text>
        <Button
          id={AGREE_BUTTON_ID}
          className='btn btn--primary'
          openType='agreePrivacyAuthorization'
          onAgreePrivacyAuthorization={() => answer('agree')}
        >
          同意并继续
        </Button>
        <Button id='privacy-gate-disagree' className='btn btn--plain' onClick={() => answer('disagree')}>
          不同意
        </Button>
      </View>
    </View>
  );
}
