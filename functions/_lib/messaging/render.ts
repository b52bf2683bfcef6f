// Template data: keyword -> text with placeholders, rendered per member. Member-dependent
// placeholders ({name}, {store}) can push a value past WeChat's length limits, so the dry run
// checks those lengths in SQL (lengthRules) and the dispatcher checks the rendered values again
// with the same keyword rules WeChat applies (shared/domain/wechat-keywords.ts).
import { checkTemplateValues, keywordType, KEYWORD_MAX_CHARS } from '../../../shared/domain/wechat-keywords';

export type TemplateData = Record<string, string>;
// years: the anniversary's count (a store's or a member's), empty for other occasions.
export type RenderContext = { name: string | null; store: string | null; date: string; holiday?: string | null; years?: number | null };

export const PLACEHOLDERS = ['name', 'store', 'date', 'holiday', 'years'] as const;
const PLACEHOLDER = /\{(name|store|date|holiday|years)\}/g;
export const DEFAULT_MEMBER_NAME = '会员';

export function renderData(data: TemplateData, ctx: RenderContext): TemplateData {
  const values: Record<string, string> = {
    name: ctx.name?.trim() || DEFAULT_MEMBER_NAME,
    store: ctx.store ?? '',
    date: ctx.date,
    holiday: ctx.holiday ?? '',
    years: ctx.years === null || ctx.years === undefined ? '' : String(ctx.years),
  };
  return Object.fromEntries(Object.entries(data).map(([k, v]) => [k, v.replace(PLACEHOLDER, (_, p: string) => values[p] ?? '')]));
}

/** Problems of the template itself (unknown keyword, static value WeChat rejects); null when fine. */
export function templateProblem(data: TemplateData, templateKeys: string[]): string | null {
  for (const key of Object.keys(data)) {
    if (keywordType(key) === null) return `${key} is not a template keyword`;
    if (templateKeys.length > 0 && !templateKeys.includes(key)) return `${key} is not a keyword of this template`;
  }
  for (const key of templateKeys) if (!(key in data)) return `${key} is missing`;
  // Render with a short sample member to check everything that does not depend on the member.
  return checkTemplateValues(renderData(data, { name: '张三', store: '门店', date: '2026-01-01', holiday: '春节', years: 3 }));
}

export type LengthRule = { s: number; n: number; t: number; y: number; mx: number };

/** For each keyword with a length limit: static length, {name}, {store} and {years} counts, limit. */
export function lengthRules(data: TemplateData, ctx: { date: string; holiday?: string | null }): LengthRule[] {
  const rules: LengthRule[] = [];
  for (const [key, tmpl] of Object.entries(data)) {
    const type = keywordType(key);
    const mx = type === null ? undefined : KEYWORD_MAX_CHARS[type];
    if (mx === undefined) continue;
    const n = (tmpl.match(/\{name\}/g) ?? []).length;
    const t = (tmpl.match(/\{store\}/g) ?? []).length;
    const y = (tmpl.match(/\{years\}/g) ?? []).length;
    if (n === 0 && t === 0 && y === 0) continue;
    const staticText = tmpl.replace(/\{name\}|\{store\}|\{years\}/g, '').replace(/\{date\}/g, ctx.date).replace(/\{holiday\}/g, ctx.holiday ?? '');
    rules.push({ s: Array.from(staticText).length, n, t, y, mx });
  }
  return rules;
}
