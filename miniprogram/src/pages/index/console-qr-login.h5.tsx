import { useEffect, useState } from 'react';
import { Image, Text, View } from '@tarojs/components';
import QRCode from 'qrcode';
import { api } from '../../services/api';
import { errorMessage } from '../../services/api-client';
import { setToken } from '../../services/session-store';

type Props = { onSignedIn: () => void };

const POLL_MS = 1500;

// Console sign-in without a password (H5 only): show a one-time ticket as a QR code; a staff
// member scans it with the mini-program (which knows who they are) and approves; the next poll
// receives the session. A ticket lives two minutes; an expired one is replaced automatically.
export function ConsoleQrLogin({ onSignedIn }: Props) {
  const [qr, setQr] = useState<{ text: string; image: string } | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [round, setRound] = useState(0);

  useEffect(() => {
    let stopped = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const run = async (): Promise<void> => {
      try {
        const ticket = await api.consoleTicket();
        const image = await QRCode.toDataURL(ticket.qrText, { margin: 1, width: 240 });
        if (stopped) return;
        setQr({ text: ticket.qrText, image });
        setError(null);
        const poll = async (): Promise<void> => {
          if (stopped) return;
          try {
            const r = await api.consolePoll(ticket.ticketId, ticket.pollSecret);
            if (r.status === 'approved') {
              setToken(r.token);
              onSignedIn();
              return;
            }
            if (r.status === 'expired') {
              setRound((n) => n + 1);
              return;
            }
          } catch (e) {
            setError(errorMessage(e));
          }
          timer = setTimeout(() => void poll(), POLL_MS);
        };
        timer = setTimeout(() => void poll(), POLL_MS);
      } catch (e) {
        if (!stopped) setError(errorMessage(e));
      }
    };
    void run();
    return () => {
      stopped = true;
      clearTimeout(timer);
    };
  }, [round]);

  return (
    <View id='console-qr-login' className='console-qr' data-qr-text={qr?.text ?? ''}>
      <Text className='console-qr__title'>员工扫码登录控制台</Text>
      {qr ? <Image id='console-qr-image' className='console-qr__image' src={qr.image} /> : <View className='muted'>正在生成二维码…</View>}
      <Text className='muted console-qr__hint'>打开小程序 → 我的客户 → 扫码登录电脑端</Text>
      {error ? <View className='notice notice--error'>{error}</View> : null}
    </View>
  );
}
