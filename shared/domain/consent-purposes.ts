// The purposes a member decides on separately (PIPL Art. 14: consent per purpose).
// membership_terms and privacy_policy are the basis of membership itself: withdrawing them is
// leaving, which is the account deletion, not a toggle.
export const CONSENT_PURPOSES = ['membership_terms', 'privacy_policy', 'marketing', 'personalization', 'sensitive_data', 'guardian', 'analysis'] as const;
export type ConsentPurpose = (typeof CONSENT_PURPOSES)[number];

export const TOGGLEABLE_PURPOSES = ['marketing', 'personalization', 'sensitive_data'] as const;
export type ToggleablePurpose = (typeof TOGGLEABLE_PURPOSES)[number];

export type ConsentRow = { purpose: string; granted: boolean; policyVersion: string };

// A consent given under an older policy version must be asked again (the app shows the policy
// again): true when the member's privacy-policy consent is missing, withdrawn or outdated.
export const policyNeedsReconsent = (latest: ConsentRow[], currentVersion: string): boolean => {
  const privacy = latest.find((c) => c.purpose === 'privacy_policy');
  return !privacy || !privacy.granted || privacy.policyVersion !== currentVersion;
};
