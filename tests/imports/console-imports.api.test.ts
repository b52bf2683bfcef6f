import iconv from 'iconv-lite';
import type { StartedApp } from '../../server/start-app';
import type { ImportPreview, ImportReport, ImportStartOutput, ImportList } from '../../shared/schemas/import-job.schema';
import type { MergeOverview, MergePreview } from '../../shared/schemas/member-merge.schema';
import { api, loginAs, startTestApp } from '../helpers/api-client';
import { csvText } from './messy-files';

// The console's import and merge endpoints over real HTTP (auth, zod, RLS): preview with the
// suggested and then remembered mapping, dry run (nothing stored), stage + run, the report a
// page at a time and as CSV; merge candidates from an import, preview, apply, undo, dismiss;
// and who may not (associate, manager, anon, another operator's job).
let app: StartedApp;
let operator: string;
let admin: string;
let associate: string;
let manager: string;

const b64 = (s: string, enc: 'utf8' | 'gbk' = 'utf8'): string => (enc === 'gbk' ? iconv.encode(s, 'gbk') : Buffer.from(s, 'utf8')).toString('base64');
const FILE = csvText({
  headers: ['会员姓名', '手机号*', 'VIP卡号', '性别', '生日', '门店', '备注'],
  rows: [
    ['甲一', '+86 186-0000-0001', 'CON-1', '女士', '农历八月十五', 'S001', '老客'],
    ['乙二', '186 0000 0002', 'CON-2', '男', '1990/1/2', 'S002', ''],
    ['丙三', '12345', 'CON-3', '男', '', '', ''],
    ['甲一', '18600000001', '', '', '', '', '重复'],
  ],
});
const upload = { kind: 'customers', fileName: '门店会员.csv', fileBase64: b64(FILE, 'gbk'), source: '门店POS' } as const;

beforeAll(async () => {
  app = await startTestApp(50);
  operator = await loginAs(app, 'demo-operator');
  admin = await loginAs(app, 'demo-admin');
  associate = await loginAs(app, 'demo-associate-a');
  manager = await loginAs(app, 'demo-manager-a');
});
afterAll(async () => {
  await app.close();
});

describe('imports from the console', () => {
  let mapping: Record<string, string | null>;
  let jobId: string;

  test('preview: GBK detected, headers, sample, suggested mapping, no problems', async () => {
    const r = await api<ImportPreview>(app, '/api/console/import-preview', { token: operator, body: upload });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ format: 'csv', encoding: 'gb18030', totalRows: 4, remembered: false, problems: [], previousImport: null });
    expect(r.body.headers).toEqual(['会员姓名', '手机号*', 'VIP卡号', '性别', '生日', '门店', '备注']);
    expect(r.body.sample[0]).toEqual(['甲一', '+86 186-0000-0001', 'CON-1', '女士', '农历八月十五', 'S001', '老客']);
    expect(r.body.mapping).toEqual({ 会员姓名: 'name', '手机号*': 'phone', VIP卡号: 'posNo', 性别: 'gender', 生日: 'birthday', 门店: 'storeCode', 备注: null });
    mapping = r.body.mapping;
  });

  test('a dry run reports every row and stores nothing', async () => {
    const r = await api<ImportStartOutput>(app, '/api/console/imports', { token: operator, body: { ...upload, mapping, dryRun: true } });
    expect(r.status).toBe(201);
    expect(r.body.job.counts).toEqual({ accepted: 0, fixed: 2, merged: 1, unchanged: 0, conflict: 0, rejected: 1 });
    expect(r.body.dryRunRows?.map((x) => [x.rowNo, x.outcome, x.field])).toEqual([[2, 'fixed', null], [3, 'fixed', null], [4, 'rejected', 'phone'], [5, 'merged', null]]);
    const list = await api<ImportList>(app, '/api/console/imports', { token: operator });
    expect(list.body.jobs).toEqual([]);
    expect(list.body.maxUploadBytes).toBe(3 * 1024 * 1024);
  });

  test('stage, then run: the job, its counts and the report a page at a time', async () => {
    const edited = { ...mapping, 性别: null };
    const staged = await api<ImportStartOutput>(app, '/api/console/imports', { token: operator, body: { ...upload, mapping: edited } });
    expect(staged.status).toBe(201);
    expect(staged.body.job).toMatchObject({ status: 'staged', via: 'console', source: '门店POS', totalRows: 4 });
    expect(staged.body.dryRunRows).toBeNull();
    jobId = staged.body.job.id;
    // Only the person who staged it runs it.
    expect((await api(app, '/api/console/import-run', { token: admin, body: { jobId } })).status).toBe(404);
    const ran = await api<{ job: ImportStartOutput['job'] }>(app, '/api/console/import-run', { token: operator, body: { jobId } });
    expect(ran.status).toBe(200);
    expect(ran.body.job).toMatchObject({ status: 'done', counts: { accepted: 0, fixed: 2, merged: 1, unchanged: 0, conflict: 0, rejected: 1 } });
    expect((await api(app, '/api/console/import-run', { token: operator, body: { jobId } })).status).toBe(404);

    const p1 = await api<ImportReport>(app, `/api/console/import-report?jobId=${jobId}&limit=2`, { token: operator });
    expect(p1.status).toBe(200);
    expect(p1.body.rows.map((r) => r.rowNo)).toEqual([2, 3]);
    expect(p1.body.rows[0]).toMatchObject({ outcome: 'fixed', memberNo: expect.stringMatching(/^\d+$/), detail: '新建会员' });
    expect(p1.body.rows[0]?.fixes).toContain('手机号：去掉国家码 +86');
    expect(p1.body.rows[0]?.fixes).not.toContain('性别');
    expect(p1.body.nextAfter).toBe(3);
    const p2 = await api<ImportReport>(app, `/api/console/import-report?jobId=${jobId}&limit=2&after=3`, { token: operator });
    expect(p2.body.rows.map((r) => [r.rowNo, r.outcome, r.rule])).toEqual([[4, 'rejected', null], [5, 'merged', 'phone']]);
    expect(p2.body.rows[1]?.memberNo).toBe(p1.body.rows[0]?.memberNo);
    expect(p2.body.nextAfter).toBeNull();
    const rejected = await api<ImportReport>(app, `/api/console/import-report?jobId=${jobId}&outcome=rejected`, { token: operator });
    expect(rejected.body.rows).toEqual([expect.objectContaining({ rowNo: 4, field: 'phone', detail: '不是有效的电话号码' })]);
    const csv = await api<ImportReport>(app, `/api/console/import-report?jobId=${jobId}&format=csv`, { token: operator });
    expect(csv.body.csv?.fileName).toBe('门店会员.report.csv');
    expect(csv.body.csv?.text.split('\n')[0]).toBe('\ufeff行号,结果,结果代码,会员号,订单号,匹配规则,问题字段,说明,修正');
    expect(csv.body.csv?.text.trim().split('\n')).toHaveLength(5);
  });

  test('preview again: the mapping is remembered for the source, and the file recognised', async () => {
    const r = await api<ImportPreview>(app, '/api/console/import-preview', { token: operator, body: upload });
    expect(r.body.remembered).toBe(true);
    expect(r.body.mapping.性别).toBeNull();
    expect(r.body.previousImport?.jobId).toBe(jobId);
  });

  test('bad input is refused with the field', async () => {
    const bad = async (body: unknown, status: number, path: string) => {
      const r = await api<{ error: { fields?: { path: string }[] } }>(app, '/api/console/imports', { token: operator, body });
      expect([r.status, r.body.error.fields?.map((f) => f.path)]).toEqual([status, expect.arrayContaining([path])]);
    };
    await bad({ ...upload, mapping: { ...mapping, 不存在: 'name' } }, 400, 'mapping.不存在');
    await bad({ ...upload, mapping: { 会员姓名: 'name' } }, 400, 'mapping');
    await bad({ ...upload, mapping, extra: 1 }, 400, 'extra');
    await bad({ ...upload, mapping: { ...mapping, 备注: 'bogus' } }, 400, 'mapping.备注');
    await bad({ ...upload, fileName: 'old.xls', fileBase64: Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 1, 2, 3, 4]).toString('base64'), mapping }, 400, 'fileBase64');
    // Beyond 3 MB: the CLI's job.
    const big = await api<{ error: { message: string } }>(app, '/api/console/import-preview', { token: operator, body: { ...upload, fileBase64: 'A'.repeat(4_200_000) } });
    expect(big.status).toBe(400);
    expect(JSON.stringify(big.body)).toContain('npm run import');
  });

  test.each([
    ['an associate', () => associate, 403],
    ['a store manager', () => manager, 403],
    ['nobody (no token)', () => '', 401],
  ])('%s cannot use them', async (_who, token, status) => {
    const t = token() || undefined;
    expect((await api(app, '/api/console/import-preview', { token: t, body: upload })).status).toBe(status);
    expect((await api(app, '/api/console/imports', { token: t })).status).toBe(status);
    expect((await api(app, '/api/console/imports', { token: t, body: { ...upload, mapping: { 手机号: 'phone' }, dryRun: true } })).status).toBe(status);
    expect((await api(app, `/api/console/import-report?jobId=${jobId}`, { token: t })).status).toBe(status);
    expect((await api(app, '/api/console/import-run', { token: t, body: { jobId } })).status).toBe(status);
    expect((await api(app, '/api/console/merges', { token: t })).status).toBe(status);
  });
});

describe('merges from the console', () => {
  let candidateId: string;
  let a: string;
  let b: string;
  let mergeId: string;

  beforeAll(async () => {
    // Two customers, then a row saying one's phone and the other's card are the same person.
    const first = csvText({ headers: ['姓名', '手机', '会员卡号'], rows: [['合一', '18600001001', ''], ['合二', '', 'MRG-2']] });
    const second = csvText({ headers: ['姓名', '手机', '会员卡号'], rows: [['合一', '18600001001', 'MRG-2']] });
    for (const [i, text] of [first, second].entries()) {
      const body = { kind: 'customers', fileName: `merge-${i}.csv`, fileBase64: b64(text), source: 'merge-test', mapping: { 姓名: 'name', 手机: 'phone', 会员卡号: 'posNo' } };
      const staged = await api<ImportStartOutput>(app, '/api/console/imports', { token: operator, body });
      expect((await api(app, '/api/console/import-run', { token: operator, body: { jobId: staged.body.job.id } })).status).toBe(200);
    }
  });

  test('the candidate is listed with both members', async () => {
    const r = await api<MergeOverview>(app, '/api/console/merges', { token: operator });
    expect(r.status).toBe(200);
    const c = r.body.candidates.find((x) => x.rule === 'phone/pos');
    expect(c).toBeDefined();
    expect([c?.a.name, c?.b.name].sort()).toEqual(['合一', '合二']);
    candidateId = c?.id ?? '';
    a = c?.a.memberNo ?? '';
    b = c?.b.memberNo ?? '';
  });

  test('preview by member numbers, apply, see it listed, undo it, not twice', async () => {
    const p = await api<MergePreview>(app, '/api/console/merge-preview', { token: operator, body: { memberA: a, memberB: b } });
    expect(p.status).toBe(200);
    expect(p.body.blockers).toEqual([]);
    expect(p.body.fields.find((f) => f.field === 'phone')?.result).toBe('186****1001');
    const applied = await api<{ mergeId: string; survivorId: string; moved: Record<string, number> }>(app, '/api/console/merge-apply', { token: operator, body: { memberA: a, memberB: b, candidateId } });
    expect(applied.status).toBe(200);
    expect(applied.body.moved.identity).toBe(1);
    mergeId = applied.body.mergeId;
    const o = await api<MergeOverview>(app, '/api/console/merges', { token: operator });
    expect(o.body.candidates.find((x) => x.id === candidateId)).toBeUndefined();
    expect(o.body.merges[0]).toMatchObject({ id: mergeId, rule: 'phone/pos', undoneAt: null });
    // The retired member cannot be merged again.
    expect((await api(app, '/api/console/merge-preview', { token: operator, body: { memberA: a, memberB: b } })).status).toBe(404);
    const undone = await api<{ restored: Record<string, number> }>(app, '/api/console/merge-undo', { token: admin, body: { mergeId } });
    expect(undone.status).toBe(200);
    expect(undone.body.restored.identities).toBe(1);
    const again = await api<{ error: { message: string } }>(app, '/api/console/merge-undo', { token: admin, body: { mergeId } });
    expect([again.status, again.body.error.message]).toEqual([409, 'this merge was already undone']);
  });

  test('dismiss: the pair is no longer proposed', async () => {
    const r = await api(app, '/api/console/merge-dismiss', { token: operator, body: { candidateId } });
    expect(r.status).toBe(200);
    const o = await api<MergeOverview>(app, '/api/console/merges', { token: operator });
    expect(o.body.candidates.find((x) => x.id === candidateId)).toBeUndefined();
    expect((await api(app, '/api/console/merge-dismiss', { token: operator, body: { candidateId } })).status).toBe(404);
  });

  test('two members with WeChat accounts: refused with the reason', async () => {
    const members = await app.sql<{ member_no: string }[]>`select member_no::text from public.members where account_id is not null and deleted_at is null order by member_no limit 2`;
    const [x, y] = members;
    if (!x || !y) throw new Error('the demo has members with accounts');
    const r = await api<{ error: { message: string } }>(app, '/api/console/merge-apply', { token: operator, body: { memberA: x.member_no, memberB: y.member_no } });
    expect([r.status, r.body.error.message]).toEqual([409, '两位会员都绑定了微信账号，不能合并（一个微信账号只能对应一位会员）']);
  });

  test.each([
    ['an associate', () => associate, 403],
    ['nobody (no token)', () => '', 401],
  ])('%s cannot preview, apply, undo or dismiss', async (_who, token, status) => {
    const t = token() || undefined;
    expect((await api(app, '/api/console/merge-preview', { token: t, body: { memberA: a, memberB: b } })).status).toBe(status);
    expect((await api(app, '/api/console/merge-apply', { token: t, body: { memberA: a, memberB: b } })).status).toBe(status);
    expect((await api(app, '/api/console/merge-undo', { token: t, body: { mergeId } })).status).toBe(status);
    expect((await api(app, '/api/console/merge-dismiss', { token: t, body: { candidateId } })).status).toBe(status);
  });
});
