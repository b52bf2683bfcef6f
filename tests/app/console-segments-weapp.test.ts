// The segments console page as the mini-program builds it (weapp), in miniprogram-simulate
// against the fake API plus the segment endpoints: the H5-only file saving is not in this build
// (save-file.ts, not save-file.h5.ts: no export offered, so no audited read nobody can keep),
// while the rule builder, its debounced live count and the member list work.
import fs from 'node:fs';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { segmentCountInputSchema } from '../../shared/schemas/segment-admin.schema';
import { segmentMembersInputSchema } from '../../shared/schemas/segment-members.schema';
import { FakeApi } from './fake-api';
import { jsdomAvailable, text, waitFor, WEAPP_ROOT, WeappHarness, type RequestHandler, type SimElement } from './weapp-harness';

const built = fs.existsSync(path.join(WEAPP_ROOT, 'console/segments/index.js'));
const canRun = built && jsdomAvailable();
if (!canRun) console.warn('console-segments-weapp: skipped, build the mini-program first (npm run build:weapp) and install jsdom');
const describeIfReady = canRun ? describe : describe.skip;

const SEGMENT = randomUUID();

describeIfReady('segments console page (weapp build) in miniprogram-simulate', () => {
  const harness = new WeappHarness();
  let fake: FakeApi;

  beforeAll(() => harness.setup());
  beforeEach(async () => {
    await harness.reset();
    fake = new FakeApi();
    const base: RequestHandler = fake.handle;
    harness.handler = (request) => {
      const route = `${request.method} ${request.url.pathname}`;
      if (route === 'GET /api/console/segment-options') {
        return {
          status: 200,
          body: {
            totalMembers: 300,
            stores: [{ id: fake.storeA.id, code: 'S001', name: fake.storeA.name, city: '上海' }],
            tagGroups: [],
            rfmClasses: [{ key: 'important_value', label: '重要价值' }, { key: 'general_keep', label: '一般保持' }],
            churnStates: [{ key: 'at_risk', label: '流失风险' }],
            consents: [{ key: 'granted', label: '已同意' }],
            rfmComputedAt: '2026-12-01T00:00:00.000Z',
          },
        };
      }
      if (route === 'GET /api/console/segments') {
        const at = '2026-12-01T02:00:00.000Z';
        return {
          status: 200,
          body: {
            segments: [
              { id: SEGMENT, name: '重要价值', description: null, rules: { rfmClasses: ['important_value'] }, lastCount: 25, lastCountedAt: at, createdBy: '赵敏', createdAt: at, updatedAt: at, campaigns: [] },
            ],
          },
        };
      }
      if (route === 'POST /api/console/segment-count') {
        const input = segmentCountInputSchema.safeParse(request.body);
        if (!input.success) return { status: 400, body: { error: { code: 'invalid_input', message: 'bad' } } };
        return { status: 200, body: { count: input.data.rules?.rfmClasses ? 25 : 300, countedAt: new Date().toISOString() } };
      }
      if (route === 'POST /api/console/segment-members') {
        const input = segmentMembersInputSchema.safeParse(request.body);
        if (!input.success) return { status: 400, body: { error: { code: 'invalid_input', message: 'bad' } } };
        const from = input.data.cursor ? 20 : 0;
        const items = fake.customers.slice(from, from + 20).map((c) => ({
          id: c.id, memberNo: c.memberNo, name: c.name, phoneMasked: c.phoneMasked, storeName: fake.storeA.name, tier: '金卡',
          rfmClass: 'important_value', churnState: 'active', lifetimeSpendFen: c.lifetimeSpendFen, orderCount: c.orderCount,
          lastPurchaseAt: c.lastPurchaseAt, joinedAt: c.joinedAt,
        }));
        return { status: 200, body: { items, nextCursor: input.data.cursor ? null : 'next' } };
      }
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

  test('the rule builder counts live (once per pause); the list offers members but no export', async () => {
    harness.open('console/segments/index');
    expect(text(await el('#seg-count'))).toBe('300');
    expect(calls('POST', '/api/console/segment-count').map((r) => r.body)).toEqual([{ rules: {} }]);

    await tap('#seg-rfm-important_value');
    await tap('#seg-store-S001');

    await waitFor(() => text(find('#seg-count')) === '25', 'count of the new rules');
    await new Promise((resolve) => setTimeout(resolve, 600));
    expect(calls('POST', '/api/console/segment-count').map((r) => r.body)).toEqual([
      { rules: {} },
      { rules: { rfmClasses: ['important_value'], storeIds: [fake.storeA.id] } },
    ]);

    await el(`#seg-item-${SEGMENT}`);
    expect(find(`#seg-export-${SEGMENT}`)).toBeNull();
    expect(find(`#seg-members-${SEGMENT}`)).not.toBeNull();
    await tap(`#seg-members-${SEGMENT}`);
    await waitFor(() => text(find('#seg-member-shown')) === '已显示 20 位', 'first page shown');
    expect(text(find(`#seg-row-${fake.customers[0]?.memberNo}`))).toContain('138****1000');
    await tap('#seg-members-more');
    await waitFor(() => calls('POST', '/api/console/segment-members').length === 2, 'second page');
    expect(calls('POST', '/api/console/segment-members').map((r) => r.body)).toEqual([
      { segmentId: SEGMENT, limit: 20 },
      { segmentId: SEGMENT, limit: 20, cursor: 'next' },
    ]);
    await waitFor(() => text(find('#seg-member-shown')) === '已显示 25 位', 'both pages shown');
    expect(find('#seg-members-more')).toBeNull();
  });
});
