// Gender values as POS systems, shops and spreadsheets write them.
export type Gender = 'female' | 'male' | 'unknown';

const ALIASES: Record<string, Gender> = {
  男: 'male', 男性: 'male', 男士: 'male', 先生: 'male', 男生: 'male', m: 'male', male: 'male', man: 'male', boy: 'male', '1': 'male',
  女: 'female', 女性: 'female', 女士: 'female', 小姐: 'female', 女生: 'female', 太太: 'female', f: 'female', female: 'female', woman: 'female', girl: 'female', '2': 'female',
  未知: 'unknown', 保密: 'unknown', 不详: 'unknown', 其他: 'unknown', u: 'unknown', unknown: 'unknown', '0': 'unknown',
};

export const normaliseGender = (raw: string): { ok: true; value: Gender; fixes: string[] } | { ok: false; reason: string } => {
  const key = raw.normalize('NFKC').trim().toLowerCase();
  const value = ALIASES[key];
  if (!value) return { ok: false, reason: `无法识别的性别“${raw.trim().slice(0, 10)}”` };
  const canonical = value === 'male' ? '男' : value === 'female' ? '女' : '未知';
  return { ok: true, value, fixes: key === canonical ? [] : [`性别“${raw.trim()}”记为${canonical}`] };
};
