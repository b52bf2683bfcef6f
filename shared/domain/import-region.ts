// Administrative regions (GB/T 2260): a 6-digit code from what shops write — a code (310104,
// 3101, 31, or the 12-digit statistics code), a name ("上海市徐汇区", "上海 徐汇", "广东深圳南山",
// "深圳市南山区", "南山区" when unique) or an address that starts with one ("浙江省杭州市西湖区
// 文三路 90 号"). The division data is passed in (the server loads it from a data package), so
// this stays pure and the data never reaches the mini-program bundle.
export type Division = { code: string; name: string; children?: Division[] };
export type RegionResult = { ok: true; code: string; fixes: string[] } | { ok: false; reason: string };
export type RegionResolver = (raw: string) => RegionResult;

// 延边朝鲜族自治州 → 延边, 恩施土家族苗族自治州 → 恩施, 深圳市 → 深圳, 内蒙古自治区 → 内蒙古.
const shortName = (name: string): string | null => {
  const s = name
    .replace(/^(.{2,}?)(?:[\u4e00-\u9fa5]{1,4}?族)+自治(?:州|县|旗|区)$/, '$1')
    .replace(/(?:维吾尔|回族|壮族)?自治区$/, '')
    .replace(/特别行政区$/, '')
    .replace(/(?:省|市|地区|盟|林区|区|县|旗)$/, '');
  return s.length >= 2 && s !== name ? s : null;
};

type Node = { code: string; name: string; short: string | null; children: Node[]; parent: Node | null };

export const createRegionResolver = (divisions: Division[]): RegionResolver => {
  const byCode = new Map<string, Node>();
  const all: Node[] = [];
  const build = (d: Division, parent: Node | null): Node => {
    const node: Node = { code: d.code, name: d.name, short: shortName(d.name), children: [], parent };
    // "市辖区"/"县" are placeholders of the statistics tables, never a place someone lives in.
    if (d.name !== '市辖区' && d.name !== '县') {
      byCode.set(d.code, node);
      all.push(node);
    }
    node.children = (d.children ?? []).map((c) => build(c, node));
    return node;
  };
  const roots = divisions.map((d) => build(d, null));

  // Longest-name-first matching of a prefix among candidates.
  const matchPrefix = (text: string, nodes: Node[]): { node: Node; rest: string } | null => {
    let best: { node: Node; rest: string; len: number } | null = null;
    for (const n of nodes) {
      for (const label of [n.name, n.short]) {
        if (label && text.startsWith(label) && (!best || label.length > best.len)) best = { node: n, rest: text.slice(label.length), len: label.length };
      }
    }
    return best ? { node: best.node, rest: best.rest } : null;
  };
  const descend = (start: Node, text: string): Node => {
    let node = start;
    let rest = text;
    for (;;) {
      const next = matchPrefix(rest, node.children.filter((c) => byCode.has(c.code)));
      if (!next) {
        // A municipality's districts hang off a placeholder ("市辖区"): look through it.
        const through = node.children.filter((c) => !byCode.has(c.code)).flatMap((c) => c.children);
        const deeper = through.length ? matchPrefix(rest, through) : null;
        if (!deeper) return node;
        node = deeper.node;
        rest = deeper.rest;
        continue;
      }
      node = next.node;
      rest = next.rest;
    }
  };
  // 1 province, 2 city (prefecture), 3 district (county) — from the code, since municipalities'
  // districts hang directly under the province in the data.
  const level = (n: Node): number => (n.code.endsWith('0000') ? 1 : n.code.endsWith('00') ? 2 : 3);

  const cache = new Map<string, RegionResult>();
  const resolve = (raw: string): RegionResult => {
    const text = raw.normalize('NFKC').replace(/[\s,，、/-]+/g, '');
    if (/^\d+$/.test(text)) {
      if (text.length === 6 && byCode.has(text)) return { ok: true, code: text, fixes: [] };
      const padded = text.length === 2 || text.length === 4 ? text.padEnd(6, '0') : text.length === 12 || text.length === 9 ? text.slice(0, 6) : null;
      if (padded && byCode.has(padded)) return { ok: true, code: padded, fixes: ['区划代码补全为 6 位'] };
      // 3101 (a municipality's "city" code) is the municipality itself.
      const province = text.length === 4 ? `${text.slice(0, 2)}0000` : null;
      if (province && byCode.has(province) && !byCode.get(province)?.children.some((c) => byCode.has(c.code) && level(c) === 2)) {
        return { ok: true, code: province, fixes: ['区划代码补全为 6 位'] };
      }
      return { ok: false, reason: `没有这个行政区划代码“${raw.trim().slice(0, 12)}”` };
    }
    // A name is the ordinary way to write a region: reading it is not a fix (a code padded is).
    const fixes: string[] = [];
    const province = matchPrefix(text, roots);
    if (province) return { ok: true, code: descend(province.node, province.rest).code, fixes };
    // No province given: a city or district on its own, if only one place has that name.
    const candidates = all.filter((n) => level(n) > 1 && [n.name, n.short].some((l) => l && text.startsWith(l)));
    if (candidates.length === 0) return { ok: false, reason: `无法识别的地区“${raw.trim().slice(0, 20)}”` };
    const longest = Math.max(...candidates.map((n) => Math.max(text.startsWith(n.name) ? n.name.length : 0, n.short && text.startsWith(n.short) ? n.short.length : 0)));
    const top = candidates.filter((n) => (text.startsWith(n.name) ? n.name.length : (n.short?.length ?? 0)) === longest);
    // Prefer the higher level (a city over a same-named district elsewhere).
    const minLevel = Math.min(...top.map(level));
    const best = top.filter((n) => level(n) === minLevel);
    if (best.length > 1) return { ok: false, reason: `地区“${raw.trim().slice(0, 20)}”不唯一，请写上省或市` };
    const only = best[0] as Node;
    const label = text.startsWith(only.name) ? only.name : (only.short ?? '');
    return { ok: true, code: descend(only, text.slice(label.length)).code, fixes };
  };
  return (raw) => {
    let r = cache.get(raw);
    if (!r) {
      r = resolve(raw);
      if (cache.size < 100_000) cache.set(raw, r);
    }
    return r;
  };
};
