// Which occasions a campaign has on a given local day, and when their messages go out.
// Recurrence decides only the occasion dates of a segment campaign; who receives each occurrence
// stays whatever the campaign's segment selects (audience.ts).
import { addDays, localParts, zonedTimeToUtc } from '../../../shared/domain/birthday';
import { holidayDate, holidayName, type HolidayKey } from '../../../shared/domain/holidays';
import { isOccurrence, occurrencesFrom, scheduleEndedBefore, type IsoWeekday, type Recurrence, type Schedule } from '../../../shared/domain/recurrence';
import type { CampaignRow } from './audience';

export type Occasion = { occasionDate: string; sendDate: string; sendAt: Date; holidayName: string | null };

type ScheduleFields = Pick<CampaignRow, 'kind' | 'scheduled_on' | 'repeat_every' | 'repeat_weekdays' | 'repeat_month_day' | 'repeat_until'>;

export const recurrenceOf = (c: ScheduleFields): Recurrence | null => {
  if (c.repeat_every === 'week' && c.repeat_weekdays) return { every: 'week', weekdays: c.repeat_weekdays.map(Number) as IsoWeekday[] };
  if (c.repeat_every === 'month' && c.repeat_month_day) return { every: 'month', day: Number(c.repeat_month_day) };
  return null;
};

/** A segment campaign's schedule (one-off or recurring); null for the other kinds. */
export const scheduleOf = (c: ScheduleFields): Schedule | null =>
  c.kind === 'segment' && c.scheduled_on ? { startsOn: c.scheduled_on, recurrence: recurrenceOf(c), until: c.repeat_until } : null;

/**
 * The occasion whose messages go out on local day `sendDate`, or null. Birthdays, join and
 * store anniversaries: the members whose day is `daysAhead` days later. Holidays: when the
 * holiday is `daysAhead` days away. Segment campaigns: on each occurrence of their schedule.
 */
export const occasionOn = (c: CampaignRow, sendDate: string, timeZone: string): Occasion | null => {
  const at = (d: string): Date => zonedTimeToUtc(d, c.send_time, timeZone);
  if (c.kind === 'birthday' || c.kind === 'join_anniversary' || c.kind === 'store_anniversary') {
    return { occasionDate: addDays(sendDate, c.days_ahead), sendDate, sendAt: at(sendDate), holidayName: null };
  }
  if (c.kind === 'holiday' && c.holiday_key) {
    const key = c.holiday_key as HolidayKey;
    for (const year of [Number(sendDate.slice(0, 4)), Number(sendDate.slice(0, 4)) + 1]) {
      const occasionDate = holidayDate(key, year);
      if (addDays(occasionDate, -c.days_ahead) === sendDate) return { occasionDate, sendDate, sendAt: at(sendDate), holidayName: holidayName(key) };
    }
    return null;
  }
  const s = scheduleOf(c);
  if (s && isOccurrence(s, sendDate)) return { occasionDate: sendDate, sendDate, sendAt: at(sendDate), holidayName: null };
  return null;
};

/**
 * What the planning cron plans on local day `today`: the day's occasion, and for segment
 * campaigns also yesterday's occurrence (a grace day, so a cron that did not run on the day still
 * plans it; the outbox key makes planning it again a no-op).
 */
export const occasionsToPlan = (c: CampaignRow, today: string, timeZone: string): Occasion[] => {
  if (c.kind !== 'segment') {
    const o = occasionOn(c, today, timeZone);
    return o ? [o] : [];
  }
  return [addDays(today, -1), today].map((d) => occasionOn(c, d, timeZone)).filter((o): o is Occasion => o !== null);
};

/** The occasion with the given occasion date (one occurrence, one store anniversary …), or null. */
export const occasionAt = (c: CampaignRow, occasionDate: string, timeZone: string): Occasion | null => {
  const o = occasionOn(c, c.kind === 'segment' ? occasionDate : addDays(occasionDate, -c.days_ahead), timeZone);
  return o && o.occasionDate === occasionDate ? o : null;
};

/** The next occasion on or after `today` (for the console and the dry run's default date). */
export const nextOccasion = (c: CampaignRow, today: string, timeZone: string): Occasion | null => {
  if (c.kind === 'birthday' || c.kind === 'join_anniversary' || c.kind === 'store_anniversary') return occasionOn(c, today, timeZone);
  if (c.kind === 'segment') {
    const s = scheduleOf(c);
    const [first] = s ? occurrencesFrom(s, today, 1) : [];
    return first ? occasionOn(c, first, timeZone) : null;
  }
  if (!c.holiday_key) return null;
  const key = c.holiday_key as HolidayKey;
  for (const year of [Number(today.slice(0, 4)), Number(today.slice(0, 4)) + 1]) {
    const occasionDate = holidayDate(key, year);
    const sendDate = addDays(occasionDate, -c.days_ahead);
    if (sendDate >= today) return { occasionDate, sendDate, sendAt: zonedTimeToUtc(sendDate, c.send_time, timeZone), holidayName: holidayName(key) };
  }
  return null;
};

/** A segment campaign's next occurrences (occasion dates) from `today`. */
export const upcomingOccurrences = (c: CampaignRow, today: string, limit: number): string[] => {
  const s = scheduleOf(c);
  return s ? occurrencesFrom(s, today, limit) : [];
};

/** A segment campaign is over once no occurrence is left on or after yesterday (the grace day). */
export const campaignFinished = (c: CampaignRow, today: string): boolean => {
  const s = scheduleOf(c);
  return s !== null && scheduleEndedBefore(s, addDays(today, -1));
};

export const localHHMM = (now: Date, timeZone: string): string => {
  const p = localParts(now, timeZone);
  return `${String(p.hour).padStart(2, '0')}:${String(p.minute).padStart(2, '0')}`;
};
