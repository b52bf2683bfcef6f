import { z } from 'zod';
import { ageOn, birthdayProblems, birthdaySolarDate, GUARDIAN_AGE } from '../../../shared/domain/profile-birthday';
import { nameSearchKeys } from '../../../shared/domain/name-pinyin';
import {
  memberProfileInputSchema,
  memberProfileOutputSchema,
  type MemberProfileOutput,
} from '../../../shared/schemas/member-profile.schema';
import { getConfig } from '../../_lib/config';
import type { Tx } from '../../_lib/db';
import { DomainError } from '../../_lib/errors';
import { person, route } from '../../_lib/handler';
import { logPrivacyRequest, ownMemberId, recordConsent } from '../../_lib/member-card';

type ProfileRow = {
  name: string | null;
  gender: 'female' | 'male' | 'unknown';
  region_code: string | null;
  preferences: string[];
  birthday_calendar: 'solar' | 'lunar' | null;
  birth_year: number | null;
  birth_month: number | null;
  birth_day: number | null;
  birth_leap_month: boolean;
  sensitive: boolean;
};

const loadProfile = async (tx: Tx): Promise<MemberProfileOutput> => {
  const [p] = await tx<ProfileRow[]>`
    select name, gender, region_code, preferences, birthday_calendar, birth_year, birth_month, birth_day, birth_leap_month,
           private.consent_in_force(org_id, id, 'sensitive_data') as sensitive
    from public.members where org_id = private.jwt_org_id() and account_id = auth.uid() and deleted_at is null`;
  if (!p) throw new DomainError(404, 'not_found', 'Your membership was not found');
  return {
    name: p.name,
    gender: p.gender,
    regionCode: p.region_code,
    preferences: p.preferences,
    birthday:
      p.birthday_calendar && p.birth_month && p.birth_day
        ? { calendar: p.birthday_calendar, year: p.birth_year, month: p.birth_month, day: p.birth_day, leapMonth: p.birth_leap_month }
        : null,
    sensitiveConsent: p.sensitive,
  };
};

// GET /api/member/profile and POST /api/member/profile (the member corrects their own data,
// PIPL Art. 46). Every check runs before anything is written: a refused save stores nothing.
export default route({
  GET: person({ input: z.object({}).strict(), output: memberProfileOutputSchema, run: ({ inTx }) => inTx(loadProfile) }),
  POST: person({
    input: memberProfileInputSchema,
    output: memberProfileOutputSchema,
    run: ({ input, inTx }) =>
      inTx(async (tx) => {
        const memberId = await ownMemberId(tx);
        const version = getConfig().PRIVACY_POLICY_VERSION;
        const [org] = await tx<{ today: string }[]>`
          select to_char((now() at time zone o.timezone)::date, 'YYYY-MM-DD') as today from public.orgs o where o.id = private.jwt_org_id()`;
        const today = org?.today ?? new Date().toISOString().slice(0, 10);
        let guardianNeeded = false;
        if (input.birthday) {
          const problems = birthdayProblems(input.birthday, today);
          if (problems.length > 0) {
            throw new DomainError(400, 'invalid_birthday', problems[0]?.message ?? 'That birthday does not exist',
              problems.map((p) => ({ path: `birthday.${p.path}`, message: p.message })));
          }
          const solar = birthdaySolarDate(input.birthday);
          guardianNeeded = solar !== null && ageOn(solar, today) < GUARDIAN_AGE;
          if (guardianNeeded && input.guardianConsent !== true) {
            throw new DomainError(400, 'guardian_required', '未满 14 周岁的会员需要监护人同意', [
              { path: 'guardianConsent', message: '未满 14 周岁需要监护人同意' },
            ]);
          }
        }
        const keys = input.name ? nameSearchKeys(input.name) : null;
        const b = input.birthday;
        // Only the fields the member sent change; `birthday: null` removes it.
        await tx`
          update public.members set
            name = ${input.name === undefined ? tx`name` : input.name},
            name_pinyin = ${input.name === undefined ? tx`name_pinyin` : (keys?.pinyin ?? null)},
            name_initials = ${input.name === undefined ? tx`name_initials` : (keys?.initials ?? null)},
            gender = ${input.gender ?? tx`gender`},
            region_code = ${input.regionCode === undefined ? tx`region_code` : input.regionCode},
            preferences = ${input.preferences === undefined ? tx`preferences` : tx`${input.preferences}::text[]`},
            birthday_calendar = ${b === undefined ? tx`birthday_calendar` : (b?.calendar ?? null)},
            birth_year = ${b === undefined ? tx`birth_year` : (b?.year ?? null)},
            birth_month = ${b === undefined ? tx`birth_month` : (b?.month ?? null)},
            birth_day = ${b === undefined ? tx`birth_day` : (b?.day ?? null)},
            birth_leap_month = ${b === undefined ? tx`birth_leap_month` : (b?.leapMonth ?? false)}
          where org_id = private.jwt_org_id() and id = ${memberId}`;
        if (b) {
          await recordConsent(tx, memberId, { purpose: 'sensitive_data', granted: true, policyVersion: version, source: 'miniprogram_profile' });
          if (guardianNeeded) await recordConsent(tx, memberId, { purpose: 'guardian', granted: true, policyVersion: version, source: 'miniprogram_profile' });
        }
        await logPrivacyRequest(tx, memberId, 'correction', `profile updated: ${Object.keys(input).filter((k) => !k.endsWith('Consent')).join(', ') || 'nothing'}`);
        return loadProfile(tx);
      }),
  }),
});
