// The console dashboards in the built mini-program (weapp), where ECharts is not bundled: the
// charts are plain-view bars, and tapping a bar segment or an RFM cell opens the members page
// with that number's coordinates, which asks the API for exactly those members.
import fs from 'node:fs';
import path from 'node:path';
import { jsdomAvailable, text, waitFor, WEAPP_ROOT, WeappHarness, type SimElement } from './weapp-harness';

const built = fs.existsSync(path.join(WEAPP_ROOT, 'console/dashboards/index.js'));
const canRun = built && jsdomAvailable();
if (!canRun) console.warn('console-dashboards-weapp: skipped, build the mini-program first (npm run build:weapp) and install jsdom');
const describeIfReady = canRun ? describe : describe.skip;

const STORE = '00000000-0000-4000-8000-0000000000a1';
const STAFF = '00000000-0000-4000-8000-0000000000c1';
const MEMBER = '00000000-0000-4000-8000-0000000000d1';
const member = {
  id: MEMBER, memberNo: '10000001', name: '李小红', phoneMasked: '138****1000', storeName: '静安店', associateName: '王导购',
  joinedAt: '2026-11-01T08:00:00.000Z', lastPurchaseAt: null, lifetimeSpendFen: 0, lastContactAt: null, tier: null, rfmClass: null,
  churnState: 'no_purchase', detail: null,
};

describeIfReady('console dashboards (weapp, plain-view charts)', () => {
  const harness = new WeappHarness();
  beforeAll(() => harness.setup());
  beforeEach(async () => {
    await harness.reset();
    harness.storage.set('siyu.token', 'tok-op');
    harness.handler = (request) => {
      const route = `${request.method} ${request.url.pathname}`;
      if (route === 'GET /api/console/dashboard-growth') {
        return {
          status: 200,
          body: {
            months: ['2026-11', '2026-12'],
            byChannel: [{ month: '2026-11', channel: 'store_qr', n: 3 }, { month: '2026-12', channel: 'store_qr', n: 2 }, { month: '2026-12', channel: 'associate_qr', n: 4 }],
            byStore: [{ month: '2026-12', storeId: STORE, n: 6 }],
            stores: [{ id: STORE, code: 'S001', name: '静安店' }],
          },
        };
      }
      if (route === 'GET /api/console/dashboard-segments') {
        return { status: 200, body: { total: 9, rfm: [{ rfmClass: 'important_value', n: 4 }, { rfmClass: null, n: 5 }], churn: [{ churnState: 'active', n: 4 }, { churnState: 'no_purchase', n: 5 }], tier: [{ tier: null, n: 9 }] } };
      }
      if (route === 'GET /api/console/dashboard-greetings') return { status: 200, body: { from: '2026-11-02', to: '2026-12-01', campaigns: [] } };
      if (route === 'GET /api/console/dashboard-associates') {
        return { status: 200, body: { days: 30, since: '2026-11-02', associates: [{ staffId: STAFF, name: '王导购', role: 'associate', active: true, stores: ['静安店'], customers: 9, contacted: 3, interactions: 5, greetings: 1 }] } };
      }
      if (route === 'GET /api/console/dashboard-members') return { status: 200, body: { total: 4, items: [member], nextCursor: null } };
      return { status: 404, body: { error: { code: 'not_found', message: route } } };
    };
  });
  afterAll(() => harness.reset());

  const find = (selector: string): SimElement | null => harness.current.component.querySelector(selector) ?? null;
  const el = (selector: string): Promise<SimElement> => waitFor(() => find(selector), selector);
  const drills = () => harness.requests.filter((r) => r.url.pathname === '/api/console/dashboard-members');

  test('the RFM grid shows the counts; a cell opens its members', async () => {
    harness.open('console/dashboards/index');
    const cell = await el('#dash-rfm-important_value');
    await waitFor(() => (text(cell).includes('4') ? cell : null), 'count in the cell');
    cell.dispatchEvent('tap');
    await waitFor(() => (harness.current.route === 'console/members/index' ? true : null), 'members page');
    await waitFor(() => (drills().length > 0 ? true : null), 'members request');
    expect(Object.fromEntries(drills()[0]!.url.searchParams)).toMatchObject({ kind: 'rfm', rfmClass: 'important_value' });
    const total = await el('#drill-total');
    await waitFor(() => (text(total) === '4' ? true : null), 'the total');
    expect(text(await el(`#drill-member-${MEMBER}`))).toContain('138****1000');
  });

  test('a segment of the growth bars opens that month and channel', async () => {
    harness.open('console/dashboards/index');
    // Month 2026-12 (category 1), channel associate_qr (series 0: channels sorted).
    (await el('#dash-growth-channel-bar-1-0')).dispatchEvent('tap');
    await waitFor(() => (drills().length > 0 ? true : null), 'members request');
    expect(Object.fromEntries(drills()[0]!.url.searchParams)).toMatchObject({ kind: 'growth', month: '2026-12', channel: 'associate_qr' });
  });
});
