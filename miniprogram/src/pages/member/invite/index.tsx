import { useEffect, useState } from 'react';
import { Image, Text, View } from '@tarojs/components';
import type { MemberInviteOutput as Invite } from '@shared/schemas/member-invite.schema';
import { Notice } from '../../../components/notice';
import { api } from '../../../services/api';
import { errorMessage } from '../../../services/api-client';

// An associate's (or manager's) join code: customers who scan it join as their customers
// (scene a=<code>). In production the printed code is WeChat's wxacode.getUnlimited with this
// scene; the simulator has no such API, so this QR encodes the mini-program path + scene.
export default function InvitePage() {
  const [invite, setInvite] = useState<Invite | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    api
      .memberInviteQr()
      .then(setInvite)
      .catch((e: unknown) => setError(errorMessage(e)));
  }, []);

  return (
    <View className='page'>
      <Notice id='invite-error' text={error} />
      {invite ? (
        <View className='card' style={{ textAlign: 'center' }}>
          <Text className='card__title'>扫码成为我的会员</Text>
          <Image id='invite-qr' src={invite.qrDataUrl} style={{ width: '240px', height: '240px' }} />
          <Text id='invite-code' style={{ display: 'block', fontSize: '40px', letterSpacing: '6px' }}>
            {invite.inviteCode}
          </Text>
          <Text className='muted'>{invite.scene}</Text>
        </View>
      ) : null}
    </View>
  );
}
