import { Text, View } from '@tarojs/components';
import './check-row.scss';

type CheckRowProps = {
  id: string;
  checked: boolean;
  label: string;
  onChange: (checked: boolean) => void;
  error?: string;
};

// A tappable consent row. Drawn by hand instead of <Checkbox> so that it looks and behaves the
// same in WeChat and in the browser, and one tap (on the box or the text) toggles it.
export function CheckRow({ id, checked, label, onChange, error }: CheckRowProps) {
  return (
    <View className='check-row-wrap'>
      <View
        id={id}
        className={`check-row${checked ? ' check-row--on' : ''}`}
        onClick={() => onChange(!checked)}
      >
        <View className='check-row__box'>{checked ? '✓' : ''}</View>
        <Text className='check-row__label'>{label}</Text>
      </View>
      {error ? (
        <Text id={`${id}-error`} className='field-error'>
          {error}
        </Text>
      ) : null}
    </View>
  );
}
