import { Text } from '@tarojs/components';

type FieldErrorProps = { id: string; message: string | undefined };

// The message for one form field, right under it (id `<field id>-error`).
export function FieldError({ id, message }: FieldErrorProps) {
  if (!message) return null;
  return (
    <Text id={id} className='field-error'>
      {message}
    </Text>
  );
}
