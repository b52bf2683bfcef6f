// Order amounts to fen, exactly: "¥1,234.50", "￥99", "1234.5元", "RMB 88.00", "１２３.４５".
// Parsed as a decimal string (never through a float), at most two decimals.
export type AmountResult = { ok: true; fen: number; fixes: string[] } | { ok: false; reason: string };

const MAX_FEN = 100_000_000_00; // ¥100 million: beyond any retail order, and safe as a JS number

export const parseAmountFen = (raw: string): AmountResult => {
  const fixes: string[] = [];
  let v = raw.normalize('NFKC');
  if (v !== raw) fixes.push('全角转半角');
  v = v.trim();
  const stripped = v.replace(/^(?:¥|￥|RMB|CNY|人民币)\s*/i, '').replace(/\s*(?:元|RMB|CNY)$/i, '').trim();
  if (stripped !== v) fixes.push('去掉货币符号');
  v = stripped;
  if (/^-/.test(v)) return { ok: false, reason: '金额不能为负数' };
  if (/,/.test(v)) {
    if (!/^\d{1,3}(?:,\d{3})+(?:\.\d*)?$/.test(v)) return { ok: false, reason: `金额格式无法识别“${raw.trim().slice(0, 20)}”` };
    v = v.replace(/,/g, '');
    fixes.push('去掉千分位逗号');
  }
  const m = /^(\d+)(?:\.(\d*))?$/.exec(v);
  if (!m) return { ok: false, reason: `金额格式无法识别“${raw.trim().slice(0, 20)}”` };
  const decimals = m[2] ?? '';
  if (decimals.length > 2 && /[1-9]/.test(decimals.slice(2))) return { ok: false, reason: '金额最多两位小数（分）' };
  const yuan = (m[1] ?? '0').replace(/^0+(?=\d)/, '');
  if (yuan.length > 9) return { ok: false, reason: '金额过大' };
  const fen = Number(yuan) * 100 + Number((decimals + '00').slice(0, 2));
  if (fen > MAX_FEN) return { ok: false, reason: '金额过大' };
  return { ok: true, fen, fixes };
};
