// Text clean-up for imported values: what shops' exports really contain (full-width letters and
// digits typed with a Chinese IME, stray spaces, zero-width and control characters, NBSP).
// NFKC folds full-width forms to their ordinary ones (ＡＢＣ１２３ → ABC123, "\u3000" (ideographic space) → " ").

// Control characters (not tab or newlines), zero-width characters, BOM: matching control
// characters is the point here.
// eslint-disable-next-line no-control-regex
const INVISIBLE = new RegExp('[\\u0000-\\u0008\\u000b\\u000c\\u000e-\\u001f\\u007f\\u200b-\\u200f\\u2060\\ufeff]', 'g');
const CJK = '\\u3400-\\u9fff\\uf900-\\ufaff\\u{20000}-\\u{2fa1f}·';

export type Cleaned = { value: string; fixes: string[] };

// NFKC, invisible characters removed, trimmed, inner runs of whitespace collapsed to one space.
export const foldText = (raw: string): Cleaned => {
  const fixes: string[] = [];
  let v = raw;
  const noInvisible = v.replace(INVISIBLE, '');
  if (noInvisible !== v) fixes.push('去掉不可见字符');
  v = noInvisible;
  const folded = v.normalize('NFKC');
  if (folded !== v) fixes.push('全角转半角');
  v = folded;
  const trimmed = v.trim().replace(/\s+/g, ' ');
  if (trimmed !== v) fixes.push('去掉多余空格');
  return { value: trimmed, fixes };
};

const BETWEEN_CJK = new RegExp(`(?<=[${CJK}]) (?=[${CJK}])`, 'gu');

// A person's name: folded as above, and spaces between Chinese characters removed ("张 三" is
// 张三; "John Smith" keeps its space). At most 50 characters (the members.name constraint).
export const normaliseName = (raw: string): { ok: true; value: string | null; fixes: string[] } | { ok: false; reason: string } => {
  const { value, fixes } = foldText(raw);
  const joined = value.replace(BETWEEN_CJK, '');
  if (joined !== value && !fixes.includes('去掉多余空格')) fixes.push('去掉多余空格');
  if (joined === '') return { ok: true, value: null, fixes };
  if ([...joined].length > 50) return { ok: false, reason: '姓名超过 50 个字' };
  return { ok: true, value: joined, fixes };
};

// An identifier (POS member number, openid, unionid): folded, no whitespace inside at all.
export const normaliseIdentifier = (
  raw: string,
  pattern: RegExp,
  label: string,
): { ok: true; value: string | null; fixes: string[] } | { ok: false; reason: string } => {
  const { value, fixes } = foldText(raw);
  const compact = value.replace(/\s+/g, '');
  if (compact !== value && !fixes.includes('去掉多余空格')) fixes.push('去掉多余空格');
  if (compact === '') return { ok: true, value: null, fixes };
  if (!pattern.test(compact)) return { ok: false, reason: `不是有效的${label}` };
  return { ok: true, value: compact, fixes };
};

// Values that mean "nothing here" in exports: empty, dashes, 无, N/A, NULL.
export const isBlank = (raw: string | null | undefined): boolean =>
  raw === null || raw === undefined || /^\s*(?:|-+|—+|\/|无|暂无|空|null|NULL|n\/a|N\/A|#N\/A|none|None)\s*$/.test(raw.normalize('NFKC'));
