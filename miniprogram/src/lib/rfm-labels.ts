import { CHURN_STATE_LABELS, RFM_CLASS_LABELS, type ChurnState, type RfmClass } from '@shared/domain/rfm';

// RFM class and churn state as staff read them (重要价值, 流失风险 …); unknown keys as they are.
export const rfmClassLabel = (key: string | null | undefined): string =>
  key ? (RFM_CLASS_LABELS[key as RfmClass] ?? key) : '未购买';

export const churnLabel = (key: string | null | undefined): string => (key ? (CHURN_STATE_LABELS[key as ChurnState] ?? key) : '');
