// The holiday keys alone, without the lunar library: the app's main package imports them
// through the shared schemas, and lunar-javascript (~250 kB) must stay out of it.
export const HOLIDAY_KEYS = [
  'new_year',
  'spring_festival',
  'lantern',
  'valentines',
  'womens_day',
  'qingming',
  'labour_day',
  'mothers_day',
  'dragon_boat',
  'childrens_day',
  'fathers_day',
  'qixi',
  'mid_autumn',
  'national_day',
  'double_ninth',
  'winter_solstice',
  'christmas',
] as const;
export type HolidayKey = (typeof HOLIDAY_KEYS)[number];
