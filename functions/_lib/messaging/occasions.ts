// Which occasion a campaign has on a given local day, and when its messages go out.
import { addDays, localParts, zonedTimeToUtc } from '../../../shared/domain/birthday';
import { holidayDate, holidayName, type HolidayKey } from '../../../shared/domain/holidays';
import type { CampaignRow } from './audience';

export type Occasion = { occasionDate: string; sendDate: string; sendAt: Date; holidayName: string | null };

/**
 * The occasion to plan on local day `today`, or null. Birthdays: the members whose birthday is
 * `daysAhead` days later. Holidays: when the holiday is `daysAhead` days away. Segment campaigns:
 * on their scheduled day (and the day after, so a late cron still plans it).
 */
export const occasionOn = (c: CampaignRow, today: string, timeZone: string): Occasion | null => {
  const at = (sendDate: string): Date => zonedTimeToUtc(sendDate, c.send_time, timeZone);
  if (c.kind === 'birthday' || c.kind === 'join_anniversary') {
    const occasionDate = addDays(today, c.days_ahead);
    return { occasionDate, sendDate: today, sendAt: at(today), holidayName: null };
  }
  if (c.kind === 'holiday' && c.holiday_key) {
    const key = c.holiday_key as HolidayKey;
    for (const year of [Number(today.slice(0, 4)), Number(today.slice(0, 4)) + 1]) {
      const occasionDate = holidayDate(key, year);
      if (addDays(occasionDate, -c.days_ahead) === today) return { occasionDate, sendDate: today, sendAt: at(today), holidayName: holidayName(key) };
    }
    return null;
  }
  if (c.kind === 'segment' && c.scheduled_on && (c.scheduled_on === today || addDays(c.scheduled_on, 1) === today)) {
    return { occasionDate: c.scheduled_on, sendDate: c.scheduled_on, sendAt: at(c.scheduled_on), holidayName: null };
  }
  return null;
};

/** The next occasion on or after `today` (for the console and the dry run's default date). */
export const nextOccasion = (c: CampaignRow, today: string, timeZone: string): Occasion | null => {
  if (c.kind === 'birthday' || c.kind === 'join_anniversary') return occasionOn(c, today, timeZone);
  if (c.kind === 'segment') return c.scheduled_on && c.scheduled_on >= today ? occasionOn(c, c.scheduled_on, timeZone) : null;
  if (!c.holiday_key) return null;
  const key = c.holiday_key as HolidayKey;
  for (const year of [Number(today.slice(0, 4)), Number(today.slice(0, 4)) + 1]) {
    const occasionDate = holidayDate(key, year);
    const sendDate = addDays(occasionDate, -c.days_ahead);
    if (sendDate >= today) return { occasionDate, sendDate, sendAt: zonedTimeToUtc(sendDate, c.send_time, timeZone), holidayName: holidayName(key) };
  }
  return null;
};

export const localHHMM = (now: Date, timeZone: string): string => {
  const p = localParts(now, timeZone);
  return `${String(p.hour).padStart(2, '0')}:${String(p.minute).padStart(2, '0')}`;
};

