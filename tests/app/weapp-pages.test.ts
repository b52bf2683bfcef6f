// The built mini-program (npm run build:weapp → miniprogram/dist/weapp) in WeChat's
// miniprogram-simulate, against an in-memory fake of the API: pages render, and taps and input
// reach the React code and turn into the right API calls.
import fs from 'node:fs';
import path from 'node:path';
import { FakeApi } from './fake-api';
import { jsdomAvailable, text, waitFor, WEAPP_ROOT, WeappHarness, type SimElement } from './weapp-harness';

const built = fs.existsSync(path.join(WEAPP_ROOT, 'app.js'));
const canRun = built && jsdomAvailable();
if (!canRun) {
  // Say why in the output instead of failing the whole run on a machine that lacks them.
  console.warn(
    built
      ? 'weapp-pages: skipped, `jsdom` is not installed (miniprogram-simulate renders into a DOM)'
      : 'weapp-pages: skipped, build the mini-program first (npm run build:weapp)',
  );
}
const describeIfReady = canRun ? describe : describe.skip;

describeIfReady('built weapp pages in miniprogram-simulate', () => {
  const harness = new WeappHarness();
  let fake: FakeApi;

  beforeAll(() => harness.setup());
  beforeEach(async () => {
    await harness.reset();
    fake = new FakeApi();
    harness.handler = fake.handle;
  });
  afterAll(() => harness.reset());

  const find = (selector: string): SimElement | null => harness.current.component.querySelector(selector) ?? null;
  const el = (selector: string): Promise<SimElement> => waitFor(() => find(selector), selector);
  const onPage = (route: string): Promise<unknown> =>
    waitFor(() => harness.stack.length > 0 && harness.current.route === route, `page ${route}`);
  const tap = async (selector: string): Promise<void> => (await el(selector)).dispatchEvent('tap');
  const type = async (selector: string, value: string): Promise<void> =>
    (await el(selector)).dispatchEvent('input', { detail: { value, cursor: value.length, keyCode: 0 } });
  const calls = (method: string, pathname: string) =>
    harness.requests.filter((r) => r.method === method && r.url.pathname === pathname);

  test('a new WeChat user is signed in with wx.login and sent to the sign-up, keeping the store from the QR scene', async () => {
    harness.open('pages/index/index', { scene: encodeURIComponent('store=S001') });
    await onPage('pages/member/join/index');

    const [login] = calls('POST', '/api/auth/wx-login');
    expect(login?.body).toEqual({ code: 'wx-code-1', appId: 'wx00000000000000aa' });
    expect(login?.url.origin).toBe('http://localhost:3000');
    expect(harness.storage.get('siyu.token')).toMatch(/^tok-member-/);
    expect(harness.storage.get('siyu.pendingStoreCode')).toBe('S001');
    expect(calls('GET', '/api/me')[0]?.headers.Authorization).toMatch(/^Bearer tok-member-/);
  });

  test('sign-up: shows the policy version, refuses without consent (schema messages), joins with the store code', async () => {
    harness.storage.set('siyu.token', 'tok-x');
    fake.sessions.set('tok-x', { who: 'member', accountId: 'a' });
    harness.storage.set('siyu.pendingStoreCode', 'S001');
    harness.open('pages/member/join/index');

    await waitFor(() => text(find('#join-policy-version')) === '2026-11-01', 'policy version');
    expect(text(find('#join-store-code'))).toBe('S001');

    await tap('#join-agree');
    expect(text(await el('#join-terms-error'))).toBe('You must agree to the membership terms');
    expect(text(find('#join-privacy-error'))).toBe('You must agree to the privacy policy');
    expect(calls('POST', '/api/member/join')).toHaveLength(0);

    await tap('#join-terms');
    await waitFor(() => find('#join-terms')?.dom.className.includes('check-row--on'), 'terms checked');
    await tap('#join-privacy');
    await tap('#join-marketing');
    await type('#join-name', '小王');
    await waitFor(() => find('#join-marketing')?.dom.className.includes('check-row--on'), 'marketing checked');
    await tap('#join-agree');

    await onPage('pages/member/card/index');
    expect(text(await el('#card-member-no'))).toBe('M900001');
    expect(text(find('#card-store'))).toBe('静安店');
    expect(calls('POST', '/api/member/join')[0]?.body).toEqual({
      policyVersion: '2026-11-01',
      agreeTerms: true,
      agreePrivacy: true,
      marketing: true,
      name: '小王',
      storeCode: 'S001',
    });
    expect(harness.storage.has('siyu.pendingStoreCode')).toBe(false);
  });

  test('sign-up shows the field message the API returns', async () => {
    harness.storage.set('siyu.token', 'tok-x');
    fake.sessions.set('tok-x', { who: 'member', accountId: 'a' });
    harness.storage.set('siyu.pendingStoreCode', 'S999');
    harness.open('pages/member/join/index');
    await waitFor(() => text(find('#join-policy-version')) === '2026-11-01', 'policy version');
    await tap('#join-terms');
    await tap('#join-privacy');
    await waitFor(() => find('#join-privacy')?.dom.className.includes('check-row--on'), 'privacy checked');
    await tap('#join-agree');
    expect(text(await el('#join-store-code-error'))).toBe('Unknown store');
    expect(text(find('#join-error'))).toBe('Invalid input');
  });

  test('member card: number, store, consents; the getPhoneNumber button binds the phone', async () => {
    harness.storage.set('siyu.token', 'tok-x');
    fake.sessions.set('tok-x', { who: 'member', accountId: 'a' });
    fake.member = {
      id: '9d0f8e1e-5b1a-4c59-9a53-0a4f6f0f7a11',
      memberNo: 'M900001',
      name: '小王',
      phone: null,
      phoneMasked: null,
      joinedAt: '2026-11-20T02:00:00.000Z',
      store: { id: fake.storeA.id, name: '静安店' },
      associate: null,
      consents: [
        { purpose: 'membership_terms', granted: true, policyVersion: '2026-11-01', at: '2026-11-20T02:00:00.000Z' },
        { purpose: 'marketing', granted: false, policyVersion: '2026-11-01', at: '2026-11-20T02:00:00.000Z' },
      ],
    };
    harness.open('pages/member/card/index');

    expect(text(await el('#card-member-no'))).toBe('M900001');
    expect(text(find('#card-store'))).toBe('静安店');
    expect(text(find('#card-phone'))).toBe('未绑定');
    expect(text(find('#consent-membership_terms'))).toContain('已同意');
    expect(text(find('#consent-marketing'))).toContain('未同意');

    // The member declines in WeChat's dialog: no code, nothing sent.
    (await el('#phone-share')).dispatchEvent('getphonenumber', { detail: { errMsg: 'getPhoneNumber:fail user deny' } });
    expect(text(await el('#phone-error'))).toBe('未获得手机号授权，可稍后再绑定');

    (await el('#phone-share')).dispatchEvent('getphonenumber', { detail: { errMsg: 'getPhoneNumber:ok', code: 'phone-code-1' } });
    await waitFor(() => text(find('#card-phone')) === '13812345678', 'bound phone');
    expect(calls('POST', '/api/member/phone')[0]?.body).toEqual({ code: 'phone-code-1' });
    expect(find('#phone-binder')).toBeNull();
  });

  test('associate: list, search, load more, open a card', async () => {
    fake.loginAs = 'staff';
    harness.open('pages/index/index');
    await onPage('staff/customers/index');

    await waitFor(() => harness.current.component.querySelectorAll('.customer-row').length === 20, '20 rows');
    expect(text(find('#staff-name'))).toBe('王导购');

    await tap('#customers-more');
    await waitFor(() => harness.current.component.querySelectorAll('.customer-row').length === 25, '25 rows');
    expect(calls('GET', '/api/staff/customers')[1]?.url.searchParams.get('cursor')).toBe('20');
    expect(find('#customers-more')).toBeNull();

    await type('#customer-search', ' 1000 ');
    await tap('#customer-search-submit');
    await waitFor(() => harness.current.component.querySelectorAll('.customer-row').length === 1, 'one match');
    const search = calls('GET', '/api/staff/customers')[2];
    expect(search?.url.searchParams.get('q')).toBe('1000');
    expect(search?.url.searchParams.get('cursor')).toBeNull();

    const first = fake.customers[0];
    await tap(`#customer-${first?.id}`);
    await onPage('staff/customer/index');
    expect(harness.current.query.id).toBe(first?.id);
    expect(text(await el('#customer-phone'))).toBe('138****1000');
  });

  test('customer card: tags toggle in one tap, interactions are validated and logged', async () => {
    harness.storage.set('siyu.token', 'tok-s');
    fake.sessions.set('tok-s', { who: 'staff', accountId: 'b' });
    const customer = fake.customers[0];
    const skincare = fake.taxonomy.groups[0]?.tags[0];
    if (!customer || !skincare) throw new Error('fixture');
    harness.open('staff/customer/index', { id: customer.id });

    expect(text(await el('#customer-name'))).toBe('李小红');
    expect(text(find('#customer-spend'))).toContain('¥129.00');
    const chip = `#tag-${skincare.id}`;
    await waitFor(() => find(chip), 'tag chip');
    expect(find(chip)?.dom.className).not.toContain('tag-chip--on');

    await tap(chip);
    await waitFor(() => find(chip)?.dom.className.includes('tag-chip--on'), 'tag on');
    expect(calls('POST', '/api/staff/member-tags')[0]?.body).toEqual({ memberId: customer.id, tagId: skincare.id });

    await tap(chip);
    await waitFor(() => !find(chip)?.dom.className.includes('tag-chip--on'), 'tag off');
    const removal = calls('DELETE', '/api/staff/member-tags')[0];
    expect(removal?.url.searchParams.get('memberId')).toBe(customer.id);
    expect(removal?.url.searchParams.get('tagId')).toBe(skincare.id);

    // An empty note is refused with the schema's own message, before any request.
    await tap('#interaction-submit');
    expect(text(await el('#interaction-note-error'))).toBe('Write what happened');
    expect(calls('POST', '/api/staff/interactions')).toHaveLength(0);

    await tap('#interaction-kind-visit');
    await type('#interaction-note', '到店试用了新品精华');
    await waitFor(() => find('#interaction-kind-visit')?.dom.className.includes('interaction-kind--on'), 'kind chosen');
    await tap('#interaction-submit');
    await el('#interaction-saved');
    expect(calls('POST', '/api/staff/interactions')[0]?.body).toEqual({
      memberId: customer.id,
      kind: 'visit',
      note: '到店试用了新品精华',
    });
    await waitFor(() => harness.current.component.querySelectorAll('.interaction-row').length === 1, 'logged interaction');
    expect(text(harness.current.component.querySelectorAll('.interaction-row')[0])).toContain('到店试用了新品精华');
  });

  test('a customer outside the associate’s stores shows "not found"', async () => {
    harness.storage.set('siyu.token', 'tok-s');
    fake.sessions.set('tok-s', { who: 'staff', accountId: 'b' });
    harness.open('staff/customer/index', { id: '00000000-0000-4000-8000-000000000000' });
    expect(text(await el('#customer-not-found'))).toContain('没有找到这位顾客');
  });

  test('a 401 drops the token and goes back to the start page', async () => {
    harness.storage.set('siyu.token', 'tok-expired');
    harness.open('staff/customers/index');
    await onPage('pages/index/index');
    expect(harness.navigations[0]).toEqual({ kind: 'reLaunch', url: '/pages/index/index' });
    // …where wx.login signs in again.
    await onPage('pages/member/join/index');
    expect(harness.storage.get('siyu.token')).toMatch(/^tok-member-/);
  });
});
