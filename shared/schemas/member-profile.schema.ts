import { z } from 'zod';
import { genderSchema } from './common.schema';

// GET/PUT /api/member/profile: the member's own profile. A birthday reveals age, which PIPL
// treats as sensitive for minors: saving one needs the sensitive-data consent, and a member
// under 14 needs a guardian's consent (or is refused).

const DAYS_IN_SOLAR_MONTH = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31] as const;
const isSolarLeap = (y: number): boolean => (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;

export const birthdaySchema = z
  .object({
    calendar: z.enum(['solar', 'lunar'], { message: 'calendar is solar (公历) or lunar (农历)' }),
    // Optional: many members give the day but not the year.
    year: z.number().int().min(1900, 'year must be 1900 or later').max(2100).nullable().default(null),
    month: z.number({ message: 'month is required' }).int().min(1, 'month is 1–12').max(12, 'month is 1–12'),
    day: z.number({ message: 'day is required' }).int().min(1, 'day is 1–31 (lunar: 1–30)').max(31, 'day is 1–31 (lunar: 1–30)'),
    // Lunar only: the leap month (闰月) of that number.
    leapMonth: z.boolean().default(false),
  })
  .strict()
  .superRefine((b, ctx) => {
    if (b.calendar === 'solar') {
      if (b.leapMonth) ctx.addIssue({ code: 'custom', path: ['leapMonth'], message: 'only a lunar month can be a leap month' });
      const max = b.month === 2 && b.year !== null && !isSolarLeap(b.year) ? 28 : (DAYS_IN_SOLAR_MONTH[b.month - 1] ?? 31);
      if (b.day > max) ctx.addIssue({ code: 'custom', path: ['day'], message: `${b.year ?? ''}${b.year ? '年' : ''}${b.month}月没有${b.day}日` });
    } else if (b.day > 30) {
      ctx.addIssue({ code: 'custom', path: ['day'], message: '农历每月最多 30 天' });
    }
  });
export type BirthdayInput = z.output<typeof birthdaySchema>;

export const regionCodeSchema = z.string().regex(/^[1-9][0-9]{5}$/, 'region is a 6-digit administrative code, e.g. 310101');
export const preferencesSchema = z
  .array(z.string().trim().min(1, 'a preference cannot be empty').max(20, 'a preference is at most 20 characters'))
  .max(10, 'at most 10 preferences');

export const memberProfileInputSchema = z
  .object({
    name: z.string().trim().min(1, 'name cannot be empty').max(50, 'name is at most 50 characters').nullable().optional(),
    gender: genderSchema.optional(),
    regionCode: regionCodeSchema.nullable().optional(),
    preferences: preferencesSchema.optional(),
    // null removes the birthday.
    birthday: birthdaySchema.nullable().optional(),
    // Required (true) when a birthday is given: consent to process it (sensitive data).
    sensitiveConsent: z.boolean().optional(),
    // Required (true) when the birthday makes the member younger than 14.
    guardianConsent: z.boolean().optional(),
  })
  .strict()
  .superRefine((p, ctx) => {
    if (p.birthday && p.sensitiveConsent !== true) {
      ctx.addIssue({ code: 'custom', path: ['sensitiveConsent'], message: '保存生日需要你同意处理敏感个人信息' });
    }
  });
export type MemberProfileInput = z.input<typeof memberProfileInputSchema>;

export const memberProfileOutputSchema = z.object({
  name: z.string().nullable(),
  gender: genderSchema,
  regionCode: z.string().nullable(),
  preferences: z.array(z.string()),
  birthday: z
    .object({
      calendar: z.enum(['solar', 'lunar']),
      year: z.number().nullable(),
      month: z.number(),
      day: z.number(),
      leapMonth: z.boolean(),
    })
    .nullable(),
  sensitiveConsent: z.boolean(),
});
export type MemberProfileOutput = z.infer<typeof memberProfileOutputSchema>;
