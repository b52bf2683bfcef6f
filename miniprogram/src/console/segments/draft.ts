import type { ChurnState, RfmClass } from '@shared/domain/rfm';
import { segmentRuleSetSchema, type MarketingConsent, type SegmentRuleSet } from '@shared/schemas/segment-rules.schema';

// The rule builder's form state and its translation to and from segment rules. Amounts are typed
// in yuan and stored in fen; lists typed with commas (regions, tiers) are split here.
export type Draft = {
  tagIds: string[];
  storeIds: string[];
  rfmClasses: RfmClass[];
  churnStates: ChurnState[];
  consents: MarketingConsent[];
  birthdayMonth: number | null;
  spendMin: string;
  spendMax: string;
  lastPurchaseAfter: string;
  lastPurchaseBefore: string;
  regions: string;
  tiers: string;
};

export const emptyDraft = (): Draft => ({
  tagIds: [],
  storeIds: [],
  rfmClasses: [],
  churnStates: [],
  consents: [],
  birthdayMonth: null,
  spendMin: '',
  spendMax: '',
  lastPurchaseAfter: '',
  lastPurchaseBefore: '',
  regions: '',
  tiers: '',
});

const list = (text: string): string[] => text.split(/[,，\s]+/).map((s) => s.trim()).filter((s) => s !== '');

// '' → undefined; '12.5' → 1250; anything else stays as typed so the schema reports it.
const fen = (yuan: string): number | undefined => {
  const t = yuan.trim();
  if (t === '') return undefined;
  const n = Number(t);
  return Number.isFinite(n) ? Math.round(n * 100) : Number.NaN;
};

export const draftToInput = (d: Draft): Record<string, unknown> => {
  const out: Record<string, unknown> = {};
  if (d.tagIds.length) out.tagIds = d.tagIds;
  if (d.storeIds.length) out.storeIds = d.storeIds;
  if (d.rfmClasses.length) out.rfmClasses = d.rfmClasses;
  if (d.churnStates.length) out.churnStates = d.churnStates;
  if (d.consents.length) out.consents = d.consents;
  if (d.birthdayMonth !== null) out.birthdayMonth = d.birthdayMonth;
  const min = fen(d.spendMin);
  const max = fen(d.spendMax);
  if (min !== undefined) out.spendMinFen = min;
  if (max !== undefined) out.spendMaxFen = max;
  if (d.lastPurchaseAfter.trim()) out.lastPurchaseAfter = d.lastPurchaseAfter.trim();
  if (d.lastPurchaseBefore.trim()) out.lastPurchaseBefore = d.lastPurchaseBefore.trim();
  if (list(d.regions).length) out.regionPrefixes = list(d.regions);
  if (list(d.tiers).length) out.tiers = list(d.tiers);
  return out;
};

// Form field of each rule, so a schema error lands under the input that caused it.
const FIELD_OF: Record<string, string> = {
  spendMinFen: 'spendMin',
  spendMaxFen: 'spendMax',
  regionPrefixes: 'regions',
  tiers: 'tiers',
};

// The form field of a rule key (from a schema issue, or an API field path 'rules.<key>').
export const fieldOfRule = (key: string): string => FIELD_OF[key] ?? key;

export type DraftCheck = { rules: SegmentRuleSet; errors: null } | { rules: null; errors: Record<string, string> };

export const checkDraft = (d: Draft): DraftCheck => {
  const parsed = segmentRuleSetSchema.safeParse(draftToInput(d));
  if (parsed.success) return { rules: parsed.data, errors: null };
  const errors: Record<string, string> = {};
  for (const issue of parsed.error.issues) {
    const key = String(issue.path[0] ?? 'rules');
    errors[fieldOfRule(key)] ??= issue.message;
  }
  return { rules: null, errors };
};

const yuan = (fenValue: number | undefined): string => (fenValue === undefined ? '' : String(fenValue / 100));

export const rulesToDraft = (r: SegmentRuleSet): Draft => ({
  tagIds: r.tagIds ?? [],
  storeIds: r.storeIds ?? [],
  rfmClasses: r.rfmClasses ?? [],
  churnStates: r.churnStates ?? [],
  consents: r.consents ?? [],
  birthdayMonth: r.birthdayMonth ?? null,
  spendMin: yuan(r.spendMinFen),
  spendMax: yuan(r.spendMaxFen),
  lastPurchaseAfter: r.lastPurchaseAfter ?? '',
  lastPurchaseBefore: r.lastPurchaseBefore ?? '',
  regions: (r.regionPrefixes ?? []).join(', '),
  tiers: (r.tiers ?? []).join(', '),
});

export const toggle = <T>(xs: readonly T[], x: T): T[] => (xs.includes(x) ? xs.filter((y) => y !== x) : [...xs, x]);
