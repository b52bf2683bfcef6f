import { z } from 'zod';
import { CHURN_STATES, RFM_CLASSES } from '../domain/rfm';
import { segmentRulesSchema } from './greeting-campaign.schema';

// The rules of a segment (issue 7): the campaigns' segment rules (tags, stores, birthday month,
// last purchase before / after, so every campaign's stored rules stay valid) plus RFM class,
// churn state, tier, spend range, marketing consent and region. Every rule narrows: a member is
// in the segment when they match all the rules given; within one rule, any of its values.
// Tags combine like WeCom (and the associates' list): any of the chosen tags of a group, for
// every group with a chosen tag. Dates are days in the brand's time zone. One SQL builder reads
// them everywhere (functions/_lib/segments/segment-sql.ts).

export const rfmClassSchema = z.enum(RFM_CLASSES);
export const churnStateSchema = z.enum(CHURN_STATES);
// The member's marketing consent as of now: granted, refused (declined or withdrawn), or never asked.
export const MARKETING_CONSENT_STATES = ['granted', 'refused', 'none'] as const;
export const marketingConsentSchema = z.enum(MARKETING_CONSENT_STATES);
export type MarketingConsent = z.infer<typeof marketingConsentSchema>;

export const MAX_SPEND_FEN = 1_000_000_000_000; // 100 亿元: anything above is a typo

export const segmentRuleSetShape = segmentRulesSchema
  .extend({
    rfmClasses: z.array(rfmClassSchema).min(1).max(RFM_CLASSES.length).optional(),
    churnStates: z.array(churnStateSchema).min(1).max(CHURN_STATES.length).optional(),
    tiers: z.array(z.string().trim().min(1).max(20)).min(1).max(20).optional(),
    spendMinFen: z.number().int().min(0).max(MAX_SPEND_FEN).optional(),
    spendMaxFen: z.number().int().min(0).max(MAX_SPEND_FEN).optional(),
    consents: z.array(marketingConsentSchema).min(1).max(MARKETING_CONSENT_STATES.length).optional(),
    // Region codes are 6-digit administrative codes; 2 digits = a province, 4 = a city.
    regionPrefixes: z
      .array(z.string().regex(/^(\d{2}|\d{4}|\d{6})$/, 'must be 2, 4 or 6 digits of a region code'))
      .min(1)
      .max(20)
      .optional(),
  })
  .strict();

export const segmentRuleSetSchema = segmentRuleSetShape.superRefine((v, ctx) => {
  if (v.spendMinFen !== undefined && v.spendMaxFen !== undefined && v.spendMinFen > v.spendMaxFen) {
    ctx.addIssue({ code: 'custom', path: ['spendMaxFen'], message: 'must not be below spendMinFen' });
  }
  if (v.lastPurchaseAfter && v.lastPurchaseBefore && v.lastPurchaseAfter >= v.lastPurchaseBefore) {
    ctx.addIssue({ code: 'custom', path: ['lastPurchaseBefore'], message: 'must be after lastPurchaseAfter' });
  }
});
export type SegmentRuleSet = z.infer<typeof segmentRuleSetSchema>;

// How many rules a rule set has (an empty one is everybody).
export const ruleCount = (r: SegmentRuleSet): number => Object.values(r).filter((v) => v !== undefined).length;
