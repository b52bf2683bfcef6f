import { useEffect, useState } from 'react';
import { Button, Image, Input, Text, View } from '@tarojs/components';
import { memberProfileInputSchema, type MemberProfileOutput } from '@shared/schemas/member-profile.schema';
import { CheckRow } from '../../../components/check-row';
import { FieldError } from '../../../components/field-error';
import { Notice } from '../../../components/notice';
import { api } from '../../../services/api';
import { errorMessage } from '../../../services/api-client';
import { isWeapp } from '../../../services/platform';
import { apiFieldErrors, zodFieldErrors, type FieldErrors } from '../../../lib/form-errors';
import { PrivacyGate } from '../privacy-gate';
import './index.scss';

type Calendar = 'none' | 'solar' | 'lunar';
type Gender = MemberProfileOutput['gender'];

const GENDERS: { value: Gender; label: string }[] = [
  { value: 'female', label: '女' },
  { value: 'male', label: '男' },
  { value: 'unknown', label: '不透露' },
];

// Text fields → numbers for the schema: '' is "not given", anything else must be a whole number
// (the schema then says what is wrong with it).
const num = (text: string): number | null => (text.trim() === '' ? null : Number(text.trim()));

// The member's own profile (PIPL Art. 46: correct it). Avatar and nickname come from WeChat's
// fill-in components (<Button openType="chooseAvatar">, <Input type="nickname">), not from the
// retired getUserProfile. A birthday can be solar or lunar (农历, leap months included), with or
// without the year; it needs the sensitive-data consent, and under 14 a guardian's consent.
export default function ProfilePage() {
  const [loaded, setLoaded] = useState<MemberProfileOutput | null>(null);
  const [avatar, setAvatar] = useState<string | null>(null);
  const [name, setName] = useState('');
  const [gender, setGender] = useState<Gender>('unknown');
  const [region, setRegion] = useState('');
  const [prefs, setPrefs] = useState('');
  const [calendar, setCalendar] = useState<Calendar>('none');
  const [year, setYear] = useState('');
  const [month, setMonth] = useState('');
  const [day, setDay] = useState('');
  const [leap, setLeap] = useState(false);
  const [sensitive, setSensitive] = useState(false);
  const [guardian, setGuardian] = useState(false);
  const [errors, setErrors] = useState<FieldErrors>({});
  const [error, setError] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const fill = (p: MemberProfileOutput): void => {
    setLoaded(p);
    setName(p.name ?? '');
    setGender(p.gender);
    setRegion(p.regionCode ?? '');
    setPrefs(p.preferences.join('，'));
    setCalendar(p.birthday?.calendar ?? 'none');
    setYear(p.birthday?.year ? String(p.birthday.year) : '');
    setMonth(p.birthday ? String(p.birthday.month) : '');
    setDay(p.birthday ? String(p.birthday.day) : '');
    setLeap(p.birthday?.leapMonth ?? false);
    setSensitive(p.sensitiveConsent);
  };

  useEffect(() => {
    api
      .memberProfile()
      .then(fill)
      .catch((e: unknown) => setError(errorMessage(e)));
  }, []);

  const save = async (): Promise<void> => {
    if (busy) return;
    setError(null);
    setNotice(null);
    const preferences = prefs
      .split(/[,，、\s]+/)
      .map((p) => p.trim())
      .filter((p) => p !== '');
    const parsed = memberProfileInputSchema.safeParse({
      name: name.trim() === '' ? null : name,
      gender,
      regionCode: region.trim() === '' ? null : region.trim(),
      preferences,
      birthday:
        calendar === 'none'
          ? null
          : { calendar, year: num(year), month: num(month), day: num(day), leapMonth: calendar === 'lunar' && leap },
      ...(calendar === 'none' ? {} : { sensitiveConsent: sensitive }),
      ...(guardian ? { guardianConsent: true } : {}),
    });
    if (!parsed.success) {
      setErrors(zodFieldErrors(parsed.error));
      setError('请检查标红的内容');
      return;
    }
    setErrors({});
    setBusy(true);
    try {
      fill(await api.saveMemberProfile(parsed.data));
      setNotice('资料已保存');
    } catch (e) {
      setErrors(apiFieldErrors(e));
      setError(errorMessage(e));
    } finally {
      setBusy(false);
    }
  };

  return (
    <View className='page profile-page'>
      <Notice id='profile-error' text={error} />
      {!loaded && !error ? <View className='muted'>加载中…</View> : null}
      <View className='card'>
        <Text className='card__title'>头像与昵称</Text>
        {isWeapp ? (
          <Button
            id='profile-avatar'
            className='profile-page__avatar-btn'
            openType='chooseAvatar'
            onChooseAvatar={(e) => setAvatar((e.detail as { avatarUrl?: string }).avatarUrl ?? null)}
          >
            {avatar ? <Image className='profile-page__avatar' src={avatar} /> : <View className='profile-page__avatar' />}
          </Button>
        ) : null}
        <View className='field'>
          <Text className='field__label'>昵称</Text>
          <Input
            id='profile-name'
            className='field__input'
            type={isWeapp ? 'nickname' : 'text'}
            value={name}
            maxlength={50}
            placeholder='怎么称呼你'
            onInput={(e) => setName(e.detail.value)}
            onBlur={(e) => setName(e.detail.value)}
          />
          <FieldError id='profile-name-error' message={errors.name} />
        </View>
        <View className='field'>
          <Text className='field__label'>性别</Text>
          <View>
            {GENDERS.map((g) => (
              <Text key={g.value} id={`profile-gender-${g.value}`} className={gender === g.value ? 'chip chip--on' : 'chip'} onClick={() => setGender(g.value)}>
                {g.label}
              </Text>
            ))}
          </View>
          <FieldError id='profile-gender-error' message={errors.gender} />
        </View>
      </View>

      <View className='card'>
        <Text className='card__title'>生日</Text>
        <View>
          {(['none', 'solar', 'lunar'] as const).map((c) => (
            <Text key={c} id={`profile-calendar-${c}`} className={calendar === c ? 'chip chip--on' : 'chip'} onClick={() => setCalendar(c)}>
              {c === 'none' ? '不填写' : c === 'solar' ? '公历' : '农历'}
            </Text>
          ))}
        </View>
        {calendar !== 'none' ? (
          <View>
            <View className='profile-page__inline'>
              <Input id='profile-year' className='field__input profile-page__small' type='number' maxlength={4} value={year} placeholder='年(选填)' onInput={(e) => setYear(e.detail.value)} />
              <Input id='profile-month' className='field__input profile-page__small' type='number' maxlength={2} value={month} placeholder='月' onInput={(e) => setMonth(e.detail.value)} />
              <Input id='profile-day' className='field__input profile-page__small' type='number' maxlength={2} value={day} placeholder='日' onInput={(e) => setDay(e.detail.value)} />
            </View>
            <FieldError id='profile-birthday-year-error' message={errors['birthday.year']} />
            <FieldError id='profile-birthday-month-error' message={errors['birthday.month']} />
            <FieldError id='profile-birthday-day-error' message={errors['birthday.day']} />
            {calendar === 'lunar' ? (
              <CheckRow id='profile-leap' checked={leap} label='闰月' onChange={setLeap} error={errors['birthday.leapMonth']} />
            ) : null}
            <CheckRow
              id='profile-sensitive'
              checked={sensitive}
              label='我同意品牌处理我的生日（敏感个人信息），用于生日祝福和会员权益'
              onChange={setSensitive}
              error={errors.sensitiveConsent}
            />
            {errors.guardianConsent || guardian ? (
              <CheckRow
                id='profile-guardian'
                checked={guardian}
                label='我是未满 14 周岁会员的监护人，同意处理其个人信息'
                onChange={setGuardian}
                error={errors.guardianConsent}
              />
            ) : null}
          </View>
        ) : null}
      </View>

      <View className='card'>
        <View className='field'>
          <Text className='field__label'>所在地区（6 位行政区划代码，选填）</Text>
          <Input id='profile-region' className='field__input' type='number' maxlength={6} value={region} placeholder='如 310101' onInput={(e) => setRegion(e.detail.value)} />
          <FieldError id='profile-region-error' message={errors.regionCode} />
        </View>
        <View className='field'>
          <Text className='field__label'>偏好（用逗号分隔，最多 10 个）</Text>
          <Input id='profile-prefs' className='field__input' value={prefs} placeholder='如 通勤，羊绒' onInput={(e) => setPrefs(e.detail.value)} />
          <FieldError id='profile-prefs-error' message={errors.preferences ?? Object.entries(errors).find(([k]) => k.startsWith('preferences.'))?.[1]} />
        </View>
      </View>

      <Notice id='profile-notice' tone='ok' text={notice} />
      <Button id='profile-save' className='btn btn--primary' loading={busy} disabled={busy || !loaded} onClick={() => void save()}>
        保存
      </Button>
      <PrivacyGate />
    </View>
  );
}
