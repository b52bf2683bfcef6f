// RFM scores, the eight classic customer classes and the churn state (issue 7), as pure
// functions. The database computes the same thing set-based (migration 20261201002000_rfm.sql,
// private.rfm_class_of / private.churn_state_of); the scale seed uses these to write scored
// members directly, and the tests check that both agree.
//
// - R, F, M are scored 1–5 against the org's own quintile breakpoints (four edges per measure,
//   the 20/40/60/80 % percentiles of the org's purchasers, recomputed daily): a value scores
//   1 + the number of edges it is strictly above, so 5 = the most recent / most frequent /
//   biggest-spending fifth. R is measured on the last purchase time itself (edges are points in
//   time), so a score does not drift between refreshes; F is the lifetime order count, M the
//   lifetime spend in fen.
// - A score is "high" from RFM_HIGH_SCORE up (the top two fifths); the class is 重要 (important)
//   when M is high, and value / develop / keep / retain by R and F.
// - Churn: a member who bought at least twice is at risk when silent for more than twice their
//   own average gap between purchases, and at least 30 days; lapsed after a year of silence.

export const RFM_CLASSES = [
  'important_value',
  'important_develop',
  'important_keep',
  'important_retain',
  'general_value',
  'general_develop',
  'general_keep',
  'general_retain',
] as const;
export type RfmClass = (typeof RFM_CLASSES)[number];

export const RFM_CLASS_LABELS: Record<RfmClass, string> = {
  important_value: '重要价值',
  important_develop: '重要发展',
  important_keep: '重要保持',
  important_retain: '重要挽留',
  general_value: '一般价值',
  general_develop: '一般发展',
  general_keep: '一般保持',
  general_retain: '一般挽留',
};

export const CHURN_STATES = ['no_purchase', 'one_time', 'active', 'at_risk', 'lapsed'] as const;
export type ChurnState = (typeof CHURN_STATES)[number];

export const CHURN_STATE_LABELS: Record<ChurnState, string> = {
  no_purchase: '未购买',
  one_time: '仅购一次',
  active: '活跃',
  at_risk: '流失风险',
  lapsed: '已流失',
};

export const RFM_HIGH_SCORE = 4;
export const CHURN_MIN_SILENT_DAYS = 30;
export const CHURN_LAPSED_DAYS = 365;
const DAY_MS = 86_400_000;

// The percentiles of the breakpoints. The edge's row is ceil(p × n), computed in float8 as
// Postgres' percentile_disc does, from these same literals, so both pick the same row.
export const RFM_PERCENTILES = [0.2, 0.4, 0.6, 0.8] as const;

export type Edges = readonly [number, number, number, number];
// R edges are epoch milliseconds of last purchase; F order counts; M fen.
export type RfmBreakpoints = { r: Edges; f: Edges; m: Edges };
export type RfmScores = { r: number; f: number; m: number };

/** percentile_disc(0.2, 0.4, 0.6, 0.8) of ascending-sorted values (at least one). */
export const quintileEdges = (sortedAscending: ArrayLike<number>): Edges => {
  const n = sortedAscending.length;
  if (n === 0) throw new Error('quintile edges of no values');
  const at = (p: number): number => sortedAscending[Math.max(1, Math.ceil(p * n)) - 1] as number;
  return [at(RFM_PERCENTILES[0]), at(RFM_PERCENTILES[1]), at(RFM_PERCENTILES[2]), at(RFM_PERCENTILES[3])];
};

/** 1 + the number of edges the value is strictly above: 1–5, higher is better. */
export const scoreAgainst = (value: number, edges: Edges): number => 1 + edges.filter((e) => value > e).length;

export const isHigh = (score: number): boolean => score >= RFM_HIGH_SCORE;

export const rfmClassOf = (s: RfmScores): RfmClass => {
  const tier = isHigh(s.m) ? 'important' : 'general';
  const r = isHigh(s.r);
  const f = isHigh(s.f);
  const kind = r && f ? 'value' : r ? 'develop' : f ? 'keep' : 'retain';
  return `${tier}_${kind}`;
};

export type PurchaseFacts = { firstPurchaseAt: Date | null; lastPurchaseAt: Date | null; orderCount: number; lifetimeSpendFen: number };

/** The member's R, F and M scores, or null when they never bought. */
export const scoreMember = (p: PurchaseFacts, b: RfmBreakpoints): RfmScores | null => {
  if (p.orderCount <= 0 || !p.lastPurchaseAt) return null;
  return { r: scoreAgainst(p.lastPurchaseAt.getTime(), b.r), f: scoreAgainst(p.orderCount, b.f), m: scoreAgainst(p.lifetimeSpendFen, b.m) };
};

export const churnStateOf = (p: Pick<PurchaseFacts, 'firstPurchaseAt' | 'lastPurchaseAt' | 'orderCount'>, now: Date): ChurnState => {
  if (p.orderCount <= 0 || !p.lastPurchaseAt) return 'no_purchase';
  const silence = now.getTime() - p.lastPurchaseAt.getTime();
  if (silence >= CHURN_LAPSED_DAYS * DAY_MS) return 'lapsed';
  if (p.orderCount === 1 || !p.firstPurchaseAt) return 'one_time';
  const rhythm = (p.lastPurchaseAt.getTime() - p.firstPurchaseAt.getTime()) / (p.orderCount - 1);
  return silence > Math.max(2 * rhythm, CHURN_MIN_SILENT_DAYS * DAY_MS) ? 'at_risk' : 'active';
};

/** Breakpoints of a set of purchasers (members with at least one order), or null if none. */
export const breakpointsOf = (purchasers: readonly Pick<PurchaseFacts, 'lastPurchaseAt' | 'orderCount' | 'lifetimeSpendFen'>[]): RfmBreakpoints | null => {
  const bought = purchasers.filter((p) => p.orderCount > 0 && p.lastPurchaseAt);
  if (bought.length === 0) return null;
  const sorted = (xs: number[]): Float64Array => Float64Array.from(xs).sort();
  return {
    r: quintileEdges(sorted(bought.map((p) => (p.lastPurchaseAt as Date).getTime()))),
    f: quintileEdges(sorted(bought.map((p) => p.orderCount))),
    m: quintileEdges(sorted(bought.map((p) => p.lifetimeSpendFen))),
  };
};
