// The workbench pages of the built mini-program (weapp) in miniprogram-simulate, against the
// in-memory fake API plus the workbench endpoints: the to-do list's one-tap actions open the
// card at the right section, the owner reveals the phone, and a follow-up date is sent.
import fs from 'node:fs';
import path from 'node:path';
import { FakeApi } from './fake-api';
import { jsdomAvailable, text, waitFor, WEAPP_ROOT, WeappHarness, type RequestHandler, type SimElement } from './weapp-harness';

const built = fs.existsSync(path.join(WEAPP_ROOT, 'staff/todo/index.js'));
const canRun = built && jsdomAvailable();
if (!canRun) console.warn('staff-workbench: skipped, build the mini-program first (npm run build:weapp) and install jsdom');
const describeIfReady = canRun ? describe : describe.skip;

const pad = (n: number): string => String(n).padStart(2, '0');
const today = (): string => {
  const d = new Date();
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
};

const BLOCKED = '00000000-0000-4000-8000-0000000000b1';
const OPEN = '00000000-0000-4000-8000-0000000000b2';

describeIfReady('workbench pages (weapp) in miniprogram-simulate', () => {
  const harness = new WeappHarness();
  let fake: FakeApi;

  beforeAll(() => harness.setup());
  beforeEach(async () => {
    await harness.reset();
    fake = new FakeApi();
    const base: RequestHandler = fake.handle;
    harness.handler = (request) => {
      const route = `${request.method} ${request.url.pathname}`;
      const c = fake.customers[0];
      if (!c) throw new Error('fixture');
      const person = { id: c.id, memberNo: c.memberNo, name: c.name, phoneMasked: c.phoneMasked };
      if (route === 'GET /api/staff/todo') {
        return {
          status: 200,
          body: {
            today: today(),
            timeZone: 'Asia/Shanghai',
            birthdaysToday: [{ ...person, calendar: 'lunar' }],
            birthdaysThisWeek: [],
            followUps: [{ ...person, interactionId: '00000000-0000-4000-8000-000000000001', followUpOn: today(), note: '回访尺码' }],
            slipping: [],
            holidays: [],
          },
        };
      }
      if (route === 'POST /api/staff/customer-phone') return { status: 200, body: { memberId: c.id, phone: '+8613800001000' } };
      if (route === 'GET /api/staff/message-templates') {
        return {
          status: 200,
          body: {
            templates: [
              { id: BLOCKED, name: '生日祝福', purpose: 'birthday', fields: [{ key: 'thing1', label: '祝福语' }] },
              { id: OPEN, name: '到店提醒', purpose: 'service', fields: [{ key: 'thing1', label: '内容' }, { key: 'date2', label: '日期' }] },
            ],
          },
        };
      }
      if (route === 'GET /api/staff/greetings') {
        const open = request.url.searchParams.get('templateId') === OPEN;
        return { status: 200, body: { canSend: open, reason: open ? null : 'no_credit', credits: open ? 1 : 0 } };
      }
      if (route === 'POST /api/staff/greetings') return { status: 201, body: { sendId: '1', status: 'sent', reason: null } };
      return base(request);
    };
    harness.storage.set('siyu.token', 'tok-s');
    fake.sessions.set('tok-s', { who: 'staff', accountId: 'b' });
  });
  afterAll(() => harness.reset());

  const find = (selector: string): SimElement | null => harness.current.component.querySelector(selector) ?? null;
  const el = (selector: string): Promise<SimElement> => waitFor(() => find(selector), selector);
  const tap = async (selector: string): Promise<void> => (await el(selector)).dispatchEvent('tap');
  const calls = (method: string, pathname: string) => harness.requests.filter((r) => r.method === method && r.url.pathname === pathname);

  test('to-do: birthdays and due follow-ups; "记录" opens the card at the log form', async () => {
    const c = fake.customers[0];
    harness.open('staff/todo/index');
    await el(`#todo-birthday-${c?.id}`);
    expect(text(find(`#todo-birthday-${c?.id}`))).toContain('农历生日');
    expect(text(await el(`#todo-follow-up-${c?.id}`))).toContain('回访尺码');
    expect(calls('GET', '/api/staff/todo')[0]?.url.searchParams.get('scope')).toBe('mine');
    await tap(`#todo-follow-up-${c?.id}-log`);
    await waitFor(() => harness.current.route === 'staff/customer/index', 'card page');
    expect(harness.current.query).toMatchObject({ id: c?.id, section: 'log' });
  });

  test('card: the owner reveals the full number; a follow-up date goes with the interaction', async () => {
    const c = fake.customers[0];
    harness.open('staff/customer/index', { id: c?.id ?? '' });
    expect(text(await el('#customer-phone'))).toBe('138****1000');
    await tap('#phone-reveal');
    await waitFor(() => text(find('#customer-phone')) === '+8613800001000', 'revealed phone');
    expect(calls('POST', '/api/staff/customer-phone')[0]?.body).toEqual({ memberId: c?.id });

    await (await el('#interaction-note')).dispatchEvent('input', { detail: { value: '约了周末到店', cursor: 6, keyCode: 0 } });
    await tap('#follow-up-1');
    await waitFor(() => find('#follow-up-1')?.dom.className.includes('chip--on'), 'follow-up chosen');
    await tap('#interaction-submit');
    await waitFor(() => calls('POST', '/api/staff/interactions').length === 1, 'interaction posted');
    const body = calls('POST', '/api/staff/interactions')[0]?.body as { followUpOn?: string };
    expect(body.followUpOn).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(body.followUpOn && body.followUpOn > today()).toBe(true);
  });

  test('greeting: says why a template cannot be sent; sends one that can, with its keywords', async () => {
    const c = fake.customers[0];
    harness.open('staff/customer/index', { id: c?.id ?? '', section: 'greet' });
    await tap(`#greeting-template-${BLOCKED}`);
    expect(text(await el('#greeting-blocked'))).toContain('没有订阅');
    expect(find('#greeting-send')).toBeNull();

    await tap(`#greeting-template-${OPEN}`);
    await el('#greeting-send');
    await (await el('#greeting-field-thing1')).dispatchEvent('input', { detail: { value: '新品到店', cursor: 4, keyCode: 0 } });
    await (await el('#greeting-field-date2')).dispatchEvent('input', { detail: { value: '2026-12-01', cursor: 10, keyCode: 0 } });
    // Let React apply both inputs before the tap reads them (a person types slower than this).
    await new Promise((resolve) => setTimeout(resolve, 50));
    await tap('#greeting-send');
    await waitFor(() => calls('POST', '/api/staff/greetings').length === 1, 'greeting posted');
    expect(calls('POST', '/api/staff/greetings')[0]?.body).toEqual({ memberId: c?.id, templateId: OPEN, data: { thing1: '新品到店', date2: '2026-12-01' } });
    expect(text(await el('#greeting-result'))).toContain('已发送');
  });
});
