// The brand's own dates in SQL: store anniversaries (stores.opened_on) and the {years} a member
// celebrates (years since the store opened, or since they joined, in the brand's time zone).
// Kept apart from audience.ts so the segment rules there can change without touching this.
import { localDate } from '../../../shared/domain/birthday';
import { parseIsoDate, isSolarLeapYear } from '../../../shared/domain/lunar-calendar';
import type { Tx } from '../db';
import type { CampaignRow } from './audience';

/**
 * Members of the stores whose anniversary is `occasionDate` (opened in an earlier year on this
 * month and day; Feb 29 openings on Feb 28 in short years). The store list is tiny; the
 * uncorrelated EXISTS becomes a one-time filter, so on the (many) days without an anniversary
 * the members table is not read at all.
 */
export const storeAnniversaryFilter = (q: Tx, orgId: string, occasionDate: string) => {
  const { year, month, day } = parseIsoDate(occasionDate);
  const feb29 = month === 2 && day === 28 && !isSolarLeapYear(year);
  const stores = q`
    select sa.id from public.stores sa
    where sa.org_id = ${orgId} and sa.opened_on is not null and extract(year from sa.opened_on) < ${year}
      and ((extract(month from sa.opened_on) = ${month} and extract(day from sa.opened_on) = ${day})
        ${feb29 ? q`or (extract(month from sa.opened_on) = 2 and extract(day from sa.opened_on) = 29)` : q``})`;
  return q`and exists (${stores}) and m.store_id in (${stores})`;
};

/** SQL for the {years} placeholder of a member row `m` joined to its store `st`. */
export const yearsExpression = (q: Tx, kind: CampaignRow['kind'], occasionDate: string, timeZone: string) => {
  const { year } = parseIsoDate(occasionDate);
  if (kind === 'store_anniversary') return q`(${year} - extract(year from st.opened_on))::int`;
  if (kind === 'join_anniversary') return q`(${year} - extract(year from m.joined_at at time zone ${timeZone}))::int`;
  return q`null::int`;
};

/** The {years} of one member's anniversary occasion, as the dispatcher renders it; null otherwise. */
export const yearsOf = (
  kind: CampaignRow['kind'] | null,
  occasionDate: string,
  m: { storeOpenedOn: string | null; joinedAt: Date | null; timeZone: string },
): number | null => {
  const year = parseIsoDate(occasionDate).year;
  if (kind === 'store_anniversary' && m.storeOpenedOn) return year - parseIsoDate(m.storeOpenedOn).year;
  if (kind === 'join_anniversary' && m.joinedAt) return year - parseIsoDate(localDate(m.joinedAt, m.timeZone)).year;
  return null;
};
