import { Text, View } from '@tarojs/components';
import './notice.scss';

type NoticeProps = {
  id: string;
  tone?: 'error' | 'ok' | 'info';
  text: string | null | undefined;
};

// One line of feedback (API error, "saved", …). Renders nothing when there is nothing to say, so
// tests only find it when it matters.
export function Notice({ id, tone = 'error', text }: NoticeProps) {
  if (!text) return null;
  return (
    <View id={id} className={`notice notice--${tone}`}>
      <Text>{text}</Text>
    </View>
  );
}
