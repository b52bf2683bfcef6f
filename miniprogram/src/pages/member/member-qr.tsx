import { useMemo } from 'react';
import { Text, View } from '@tarojs/components';
import { create } from 'qrcode/lib/core/qrcode';
import './member-qr.scss';

type MemberQrProps = { value: string };

// The member number as a QR code for the store's POS scanner. Drawn as rows of plain views from
// qrcode's module matrix: no <Canvas> (which in the mini-program needs a node query, a pixel
// ratio dance and an async draw) and no image file, so it renders identically in WeChat and in
// the browser, and the number itself is printed large underneath for manual entry.
export function MemberQr({ value }: MemberQrProps) {
  const rows = useMemo(() => {
    const qr = create(value, { errorCorrectionLevel: 'M' });
    const size = qr.modules.size;
    const out: boolean[][] = [];
    for (let r = 0; r < size; r++) {
      const row: boolean[] = [];
      for (let c = 0; c < size; c++) row.push(Boolean(qr.modules.get(r, c)));
      out.push(row);
    }
    return out;
  }, [value]);
  return (
    <View id='member-qr' className='member-qr' data-value={value} data-size={rows.length}>
      <View className='member-qr__code'>
        {rows.map((row, r) => (
          <View key={r} className='member-qr__row'>
            {row.map((on, c) => (
              <View key={c} className={on ? 'member-qr__cell member-qr__cell--on' : 'member-qr__cell'} />
            ))}
          </View>
        ))}
      </View>
      <Text id='member-qr-number' className='member-qr__number'>
        {value}
      </Text>
      <Text className='muted'>结账时出示，店员扫码或输入会员号</Text>
    </View>
  );
}
