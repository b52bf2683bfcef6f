import {
  breakpointsOf,
  churnStateOf,
  quintileEdges,
  rfmClassOf,
  RFM_CLASS_LABELS,
  RFM_CLASSES,
  scoreAgainst,
  scoreMember,
  type RfmClass,
} from '../../shared/domain/rfm';
import { segmentRuleSetSchema, ruleCount } from '../../shared/schemas/segment-rules.schema';
import { segmentRulesSchema } from '../../shared/schemas/greeting-campaign.schema';
import { customerFilterSchema } from '../../shared/schemas/customer-list.schema';
import { segmentCountInputSchema } from '../../shared/schemas/segment-admin.schema';
import { segmentExportInputSchema } from '../../shared/schemas/segment-export.schema';

// The pure RFM rules (shared/domain/rfm.ts) and the segment rule schema, table by table.

const day = 86_400_000;
const now = new Date('2026-11-22T00:00:00Z');
const ago = (d: number): Date => new Date(now.getTime() - d * day);

describe('the eight classes', () => {
  test.each([
    // r, f, m → class: M decides 重要 / 一般; R and F decide value / develop / keep / retain.
    [5, 5, 5, 'important_value'],
    [4, 4, 4, 'important_value'],
    [5, 1, 5, 'important_develop'],
    [1, 5, 5, 'important_keep'],
    [3, 3, 4, 'important_retain'],
    [5, 5, 3, 'general_value'],
    [4, 2, 1, 'general_develop'],
    [2, 4, 3, 'general_keep'],
    [1, 1, 1, 'general_retain'],
    [3, 3, 3, 'general_retain'],
  ] as const)('R%i F%i M%i is %s', (r, f, m, expected) => {
    expect(rfmClassOf({ r, f, m })).toBe(expected);
  });

  test('every class has its Chinese name', () => {
    expect(RFM_CLASSES.map((c) => RFM_CLASS_LABELS[c])).toEqual(['重要价值', '重要发展', '重要保持', '重要挽留', '一般价值', '一般发展', '一般保持', '一般挽留']);
    const all = new Set<RfmClass>();
    for (const r of [1, 5]) for (const f of [1, 5]) for (const m of [1, 5]) all.add(rfmClassOf({ r, f, m }));
    expect(all.size).toBe(8);
  });
});

describe('scores against quintile edges', () => {
  test.each([
    // value, edges → score: 1 + the number of edges strictly below the value.
    [1, [1, 1, 2, 4], 1],
    [2, [1, 1, 2, 4], 3],
    [3, [1, 1, 2, 4], 4],
    [4, [1, 1, 2, 4], 4],
    [9, [1, 1, 2, 4], 5],
    [0, [10, 20, 30, 40], 1],
    [25, [10, 20, 30, 40], 3],
  ] as const)('%i against %j scores %i', (value, edges, expected) => {
    expect(scoreAgainst(value, edges)).toBe(expected);
  });

  test('edges are percentile_disc(0.2, 0.4, 0.6, 0.8): the row ceil(p × n), computed in float like Postgres', () => {
    expect(quintileEdges([1, 2, 3, 4, 5])).toEqual([1, 2, 3, 4]);
    expect(quintileEdges([1, 2, 3, 4, 5, 6, 7])).toEqual([2, 3, 5, 6]);
    expect(quintileEdges([7])).toEqual([7, 7, 7, 7]);
    expect(quintileEdges(Array.from({ length: 10 }, (_, i) => i + 1))).toEqual([2, 4, 6, 8]);
    expect(() => quintileEdges([])).toThrow();
  });

  test('a member who never bought has no scores; the others are scored on last purchase, order count and spend', () => {
    const b = breakpointsOf([
      { lastPurchaseAt: ago(300), orderCount: 1, lifetimeSpendFen: 100 },
      { lastPurchaseAt: ago(200), orderCount: 2, lifetimeSpendFen: 200 },
      { lastPurchaseAt: ago(100), orderCount: 3, lifetimeSpendFen: 300 },
      { lastPurchaseAt: ago(50), orderCount: 4, lifetimeSpendFen: 400 },
      { lastPurchaseAt: ago(10), orderCount: 5, lifetimeSpendFen: 500 },
      { lastPurchaseAt: null, orderCount: 0, lifetimeSpendFen: 0 },
    ]);
    if (!b) throw new Error('no breakpoints');
    expect(b.f).toEqual([1, 2, 3, 4]);
    expect(scoreMember({ firstPurchaseAt: null, lastPurchaseAt: null, orderCount: 0, lifetimeSpendFen: 0 }, b)).toBeNull();
    expect(scoreMember({ firstPurchaseAt: ago(400), lastPurchaseAt: ago(10), orderCount: 5, lifetimeSpendFen: 500 }, b)).toEqual({ r: 5, f: 5, m: 5 });
    expect(scoreMember({ firstPurchaseAt: ago(300), lastPurchaseAt: ago(300), orderCount: 1, lifetimeSpendFen: 100 }, b)).toEqual({ r: 1, f: 1, m: 1 });
    expect(breakpointsOf([{ lastPurchaseAt: null, orderCount: 0, lifetimeSpendFen: 0 }])).toBeNull();
  });
});

describe('churn state from the member\'s own rhythm', () => {
  test.each([
    ['never bought', null, null, 0, 'no_purchase'],
    ['one purchase, 200 days ago', ago(200), ago(200), 1, 'one_time'],
    ['one purchase, 400 days ago: lapsed', ago(400), ago(400), 1, 'lapsed'],
    ['every 10 days, silent 60 days', ago(80), ago(60), 3, 'at_risk'],
    ['every 10 days, silent 15 days (under 30)', ago(35), ago(15), 3, 'active'],
    ['every 10 days, silent exactly 30 days (not more)', ago(50), ago(30), 3, 'active'],
    ['every 10 days, silent 31 days', ago(51), ago(31), 3, 'at_risk'],
    ['every 100 days, silent 150 days (under twice the rhythm)', ago(350), ago(150), 3, 'active'],
    ['every 100 days, silent 201 days', ago(401), ago(201), 3, 'at_risk'],
    ['silent for over a year', ago(600), ago(400), 5, 'lapsed'],
    ['silent exactly 365 days', ago(465), ago(365), 3, 'lapsed'],
    ['two orders the same day, silent 40 days', ago(40), ago(40), 2, 'at_risk'],
  ] as const)('%s: %s', (_name, first, last, n, expected) => {
    expect(churnStateOf({ firstPurchaseAt: first, lastPurchaseAt: last, orderCount: n }, now)).toBe(expected);
  });
});

describe('segment rules', () => {
  const uuid = '3f41f9a1-4829-4663-a161-7da8c50f54dc';
  test('every campaign segment the greetings console could store is still a valid segment', () => {
    const stored = [
      {},
      { tagIds: [uuid] },
      { storeIds: [uuid], birthdayMonth: 3 },
      { lastPurchaseBefore: '2026-01-01', lastPurchaseAfter: '2025-01-01' },
    ];
    for (const r of stored) {
      expect(segmentRulesSchema.safeParse(r).success).toBe(true);
      expect(segmentRuleSetSchema.safeParse(r).success).toBe(true);
    }
  });

  test.each([
    [{ rfmClasses: ['important_value', 'general_keep'] }, true, null],
    [{ churnStates: ['at_risk'] }, true, null],
    [{ consents: ['granted'], regionPrefixes: ['31', '3101', '310104'] }, true, null],
    [{ spendMinFen: 100, spendMaxFen: 100 }, true, null],
    [{ tiers: ['金卡'] }, true, null],
    [{ rfmClasses: ['vip'] }, false, 'rfmClasses.0'],
    [{ rfmClasses: [] }, false, 'rfmClasses'],
    [{ churnStates: ['gone'] }, false, 'churnStates.0'],
    [{ regionPrefixes: ['310'] }, false, 'regionPrefixes.0'],
    [{ spendMinFen: 500, spendMaxFen: 100 }, false, 'spendMaxFen'],
    [{ spendMinFen: -1 }, false, 'spendMinFen'],
    [{ lastPurchaseAfter: '2026-02-01', lastPurchaseBefore: '2026-01-01' }, false, 'lastPurchaseBefore'],
    [{ birthdayMonth: 13 }, false, 'birthdayMonth'],
    [{ tagIds: ['nope'] }, false, 'tagIds.0'],
    [{ colour: 'red' }, false, ''],
  ] as const)('%j valid: %s', (rules, ok, path) => {
    const r = segmentRuleSetSchema.safeParse(rules);
    expect(r.success).toBe(ok);
    if (!r.success && path !== null) expect(r.error.issues.map((i) => i.path.join('.'))).toContain(path);
  });

  test('rule counts, and a count needs exactly one of rules or a saved segment', () => {
    expect(ruleCount({})).toBe(0);
    expect(ruleCount({ rfmClasses: ['important_value'], tagIds: [uuid] })).toBe(2);
    expect(segmentCountInputSchema.safeParse({ rules: {} }).success).toBe(true);
    expect(segmentCountInputSchema.safeParse({ segmentId: uuid }).success).toBe(true);
    expect(segmentCountInputSchema.safeParse({}).success).toBe(false);
    expect(segmentCountInputSchema.safeParse({ rules: {}, segmentId: uuid }).success).toBe(false);
  });

  test('a full-phone export needs a purpose', () => {
    expect(segmentExportInputSchema.safeParse({ segmentId: uuid }).success).toBe(true);
    const r = segmentExportInputSchema.safeParse({ segmentId: uuid, fullPhones: true });
    expect(r.success).toBe(false);
    expect(r.error?.issues.map((i) => i.path.join('.'))).toEqual(['purpose']);
    expect(segmentExportInputSchema.safeParse({ segmentId: uuid, fullPhones: true, purpose: '短信服务商导入' }).success).toBe(true);
  });

  test('the associates\' list takes RFM classes and churn states as comma lists', () => {
    expect(customerFilterSchema.safeParse({ rfmClass: 'important_value' }).success).toBe(true);
    expect(customerFilterSchema.safeParse({ rfmClass: 'important_value,general_retain', churn: 'at_risk' }).success).toBe(true);
    const bad = customerFilterSchema.safeParse({ rfmClass: 'vip', churn: 'gone' });
    expect(bad.success).toBe(false);
    expect(bad.error?.issues.map((i) => i.path.join('.')).sort()).toEqual(['churn', 'rfmClass']);
  });
});
