// The member pages of issue 4 in the BUILT mini-program (miniprogram-simulate), with WeChat's
// own APIs faked: the privacy guide answers wx.onNeedPrivacyAuthorization, subscribing calls
// wx.requestSubscribeMessage from a tap and sends WeChat's per-template answers, the card shows
// the member number as a canvas-free QR code, and the profile uses the nickname input.
import fs from 'node:fs';
import path from 'node:path';
import { memberProfileInputSchema, type MemberProfileOutput } from '../../shared/schemas/member-profile.schema';
import { subscriptionAnswersInputSchema, type SubscriptionListOutput } from '../../shared/schemas/subscription-answer.schema';
import type { MemberCardOutput } from '../../shared/schemas/member-card.schema';
import { jsdomAvailable, text, waitFor, WEAPP_ROOT, WeappHarness, type FakeResponse, type SimElement } from './weapp-harness';

const built = fs.existsSync(path.join(WEAPP_ROOT, 'pages/member/profile/index.js'));
const canRun = built && jsdomAvailable();
if (!canRun) console.warn('member-weapp: skipped, build the mini-program first (npm run build:weapp) and install jsdom');
const describeIfReady = canRun ? describe : describe.skip;

const T1 = '11111111-1111-4111-8111-111111111111';
const T2 = '22222222-2222-4222-8222-222222222222';
const T3 = '33333333-3333-4333-8333-333333333333';

describeIfReady('member pages in the built weapp', () => {
  const harness = new WeappHarness();
  let privacyListener: ((resolve: (o: { event: string; buttonId?: string }) => void) => void) | null = null;
  let subscribeAsked: string[][] = [];
  let subscribeAnswer: Record<string, string> = {};
  let templates: SubscriptionListOutput['templates'] = [];
  let profile: MemberProfileOutput;
  const card: MemberCardOutput = {
    id: '9d0f8e1e-5b1a-4c59-9a53-0a4f6f0f7a11', memberNo: '10000042', name: '小林', phone: '+8613800000000', phoneMasked: '138****0000',
    joinedAt: '2026-11-20T02:00:00.000Z', store: null, associate: { id: '9d0f8e1e-5b1a-4c59-9a53-0a4f6f0f7a12', name: '王芳' },
    consents: [], tier: '金卡', points: 320, currentPolicyVersion: '2026-11-01', policyOutdated: false,
  };

  const handler = (r: { method: string; url: URL; body: unknown }): FakeResponse => {
    const route = `${r.method} ${r.url.pathname}`;
    if (route === 'GET /api/config') return { status: 200, body: { appId: 'wx00000000000000aa', privacyPolicyVersion: '2026-11-01', simulator: false } };
    if (route === 'GET /api/member/card') return { status: 200, body: card };
    if (route === 'GET /api/member/subscriptions') return { status: 200, body: { templates } };
    if (route === 'POST /api/member/subscriptions') {
      const parsed = subscriptionAnswersInputSchema.safeParse(r.body);
      if (!parsed.success) return { status: 400, body: { error: { code: 'invalid_input', message: 'bad' } } };
      templates = templates.map((t) => {
        const a = parsed.data.answers[t.id];
        return a ? { ...t, credits: t.credits + (a === 'accept' ? 1 : 0), lastDecision: a, askable: a !== 'ban' } : t;
      });
      return { status: 200, body: { templates } };
    }
    if (route === 'GET /api/member/profile') return { status: 200, body: profile };
    if (route === 'POST /api/member/profile') {
      const parsed = memberProfileInputSchema.safeParse(r.body);
      if (!parsed.success) {
        return { status: 400, body: { error: { code: 'invalid_input', message: 'bad', fields: parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })) } } };
      }
      profile = { ...profile, name: parsed.data.name ?? null, birthday: parsed.data.birthday ?? null, sensitiveConsent: Boolean(parsed.data.birthday) };
      return { status: 200, body: profile };
    }
    return { status: 404, body: { error: { code: 'not_found', message: 'not found' } } };
  };

  beforeAll(() => {
    harness.setup();
    // The WeChat APIs these pages use beyond the harness's.
    Object.assign((globalThis as unknown as { wx: object }).wx, {
      onNeedPrivacyAuthorization: (listener: typeof privacyListener) => {
        privacyListener = listener;
      },
      requestSubscribeMessage: (options: { tmplIds: string[]; success?: (r: unknown) => void; complete?: (r: unknown) => void }) => {
        subscribeAsked.push(options.tmplIds);
        const res = { errMsg: 'requestSubscribeMessage:ok', ...subscribeAnswer };
        setTimeout(() => {
          options.success?.(res);
          options.complete?.(res);
        }, 0);
      },
    });
  });
  beforeEach(async () => {
    await harness.reset();
    harness.handler = handler;
    harness.storage.set('siyu.token', 'tok-m');
    privacyListener = null;
    subscribeAsked = [];
    templates = [
      { id: T1, externalId: 'tplBirthday000001', name: '生日祝福', purpose: 'birthday', credits: 0, lastDecision: null, askable: true },
      { id: T2, externalId: 'tplHoliday0000002', name: '节日问候', purpose: 'holiday', credits: 0, lastDecision: null, askable: true },
      { id: T3, externalId: 'tplCampaign000003', name: '活动通知', purpose: 'campaign', credits: 0, lastDecision: 'ban', askable: false },
    ];
    profile = { name: '小林', gender: 'unknown', regionCode: null, preferences: [], birthday: null, sensitiveConsent: false };
  });
  afterAll(() => harness.reset());

  const find = (selector: string): SimElement | null => harness.current.component.querySelector(selector) ?? null;
  const el = (selector: string): Promise<SimElement> => waitFor(() => find(selector), selector);
  const tap = async (selector: string): Promise<void> => (await el(selector)).dispatchEvent('tap');
  const type = async (selector: string, value: string): Promise<void> =>
    (await el(selector)).dispatchEvent('input', { detail: { value, cursor: value.length, keyCode: 0 } });

  test('card: member number as a QR matrix (no canvas), tier, points and the associate', async () => {
    harness.open('pages/member/card/index');
    expect(text(await el('#member-qr-number'))).toBe('10000042');
    const cells = harness.current.component.querySelectorAll('.member-qr__cell');
    expect(cells.length).toBe(21 * 21);
    expect(text(find('#card-tier'))).toBe('金卡');
    expect(text(find('#card-points'))).toBe('320');
    expect(text(find('#card-associate'))).toBe('王芳');
  });

  test('the privacy guide answers onNeedPrivacyAuthorization with the agree button\'s id', async () => {
    harness.open('pages/member/card/index');
    await el('#member-qr');
    await waitFor(() => privacyListener, 'the listener');
    const answers: { event: string; buttonId?: string }[] = [];
    privacyListener?.((o) => answers.push(o));
    (await el('#privacy-gate-agree')).dispatchEvent('agreeprivacyauthorization');
    await waitFor(() => answers.length === 2, 'two answers');
    expect(answers).toEqual([{ event: 'exposureAuthorization' }, { event: 'agree', buttonId: 'privacy-gate-agree' }]);
    await waitFor(() => find('#privacy-gate') === null, 'the guide closes');
  });

  test('subscribing asks WeChat for the askable templates only and stores each answer', async () => {
    subscribeAnswer = { tplBirthday000001: 'accept', tplHoliday0000002: 'reject' };
    harness.open('pages/member/card/index');
    await tap('#subscribe-btn');
    await el('#subscribe-notice');
    expect(subscribeAsked).toEqual([['tplBirthday000001', 'tplHoliday0000002']]);
    const post = harness.requests.find((r) => r.method === 'POST' && r.url.pathname === '/api/member/subscriptions');
    expect(post?.body).toEqual({ answers: { [T1]: 'accept', [T2]: 'reject' } });
    expect(text(find('#sub-birthday'))).toContain('可收 1 条');
  });

  test('profile: nickname input, lunar leap-month birthday; a missing consent is refused before sending', async () => {
    harness.open('pages/member/profile/index');
    await el('#profile-name');
    await type('#profile-name', '林月');
    await tap('#profile-calendar-lunar');
    await type('#profile-month', '4');
    await type('#profile-day', '30');
    await tap('#profile-leap');
    await waitFor(() => text(find('#profile-leap')).includes('✓'), 'the ticked leap month');
    await tap('#profile-save');
    expect(text(await el('#profile-sensitive-error'))).toContain('敏感');
    expect(harness.requests.filter((r) => r.method === 'POST')).toHaveLength(0);
    await tap('#profile-sensitive');
    // Wait for the render that carries the ticked box before tapping save.
    await waitFor(() => text(find('#profile-sensitive')).includes('✓'), 'the ticked consent');
    await tap('#profile-save');
    await el('#profile-notice');
    const post = harness.requests.find((r) => r.method === 'POST' && r.url.pathname === '/api/member/profile');
    expect(post?.body).toMatchObject({ name: '林月', birthday: { calendar: 'lunar', year: null, month: 4, day: 30, leapMonth: true }, sensitiveConsent: true });
  });
});
