import { pinyin } from 'pinyin-pro';

// Search keys for a Chinese name: full pinyin without tones ("zhangsan") and initials ("zs"),
// so associates can type either. Latin names are lower-cased as they are.
export const nameSearchKeys = (name: string): { pinyin: string; initials: string } => {
  const trimmed = name.trim();
  const full = pinyin(trimmed, { toneType: 'none', type: 'array', nonZh: 'consecutive', v: true })
    .join('')
    .replace(/[^a-z0-9]/gi, '')
    .toLowerCase();
  const initials = pinyin(trimmed, { pattern: 'first', toneType: 'none', type: 'array', nonZh: 'consecutive' })
    .join('')
    .replace(/[^a-z0-9]/gi, '')
    .toLowerCase();
  return { pinyin: full, initials };
};
