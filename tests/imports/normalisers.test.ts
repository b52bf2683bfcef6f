import { parseAmountFen } from '../../shared/domain/import-amount';
import { headerKey, mappingProblems, suggestMapping } from '../../shared/domain/import-columns';
import { parseBirthday, parseCalendar, parseDate, parseInstant } from '../../shared/domain/import-dates';
import { normaliseGender } from '../../shared/domain/import-gender';
import { normaliseCnPhone } from '../../shared/domain/import-phone';
import { normaliseCustomerRecord, normaliseOrderRecord } from '../../shared/domain/import-row';
import { isBlank, normaliseName } from '../../shared/domain/import-text';
import { regionResolver } from '../../functions/_lib/import/regions';

// The pure normalisers, table by table: what shops' exports contain → the stored value and the
// fix the report names, or the reason a value is refused.

describe('phones → E.164', () => {
  test.each([
    ['13800138000', '+8613800138000', []],
    ['+86 138-0013-8000', '+8613800138000', ['去掉空格、横线或括号', '去掉国家码 +86']],
    ['0086 13800138000', '+8613800138000', ['去掉空格、横线或括号', '去掉国家码 +86']],
    ['8613800138000', '+8613800138000', ['去掉国家码 +86']],
    ['+8613800138000', '+8613800138000', ['去掉国家码 +86']],
    ['138 0013 8000', '+8613800138000', ['去掉空格、横线或括号']],
    ['138-0013-8000', '+8613800138000', ['去掉空格、横线或括号']],
    ['１３８００１３８０００', '+8613800138000', ['全角转半角']],
    ['＋８６　１３８００１３８０００', '+8613800138000', ['全角转半角', '去掉空格、横线或括号', '去掉国家码 +86']],
    [' 13800138000 ', '+8613800138000', []],
    ['(021) 6432 1234', '+862164321234', ['去掉空格、横线或括号']],
    ['021-64321234', '+862164321234', ['去掉空格、横线或括号']],
  ])('%j → %s', (raw, e164, fixes) => {
    const r = normaliseCnPhone(raw);
    expect(r).toEqual({ ok: true, e164, national: e164.replace(/^\+86/, ''), fixes });
  });

  test.each(['12345', '138001380001', '11000000000', '1380013800', 'abc', '138-0013-800x'])('%j is refused', (raw) => {
    const r = normaliseCnPhone(raw);
    expect(r.ok).toBe(false);
  });

  test('an invalid mobile prefix stays invalid after the per-prefix cache is warm', () => {
    expect(normaliseCnPhone('10000000000').ok).toBe(false);
    expect(normaliseCnPhone('10000000001').ok).toBe(false);
    expect(normaliseCnPhone('13900000000').ok).toBe(true);
  });
});

describe('names: trimmed, full-width folded', () => {
  test.each([
    ['张三', '张三', []],
    ['  张三  ', '张三', ['去掉多余空格']],
    ['张 三', '张三', ['去掉多余空格']],
    ['张　三', '张三', ['全角转半角', '去掉多余空格']],
    ['Ｊｏｈｎ　Ｓｍｉｔｈ', 'John Smith', ['全角转半角']],
    ['John   Smith', 'John Smith', ['去掉多余空格']],
    ['李\u200b四', '李四', ['去掉不可见字符']],
    ['\ufeff王五', '王五', ['去掉不可见字符']],
    ['阿卜杜·热合曼', '阿卜杜·热合曼', []],
  ])('%j → %j', (raw, value, fixes) => {
    expect(normaliseName(raw)).toEqual({ ok: true, value, fixes });
  });
  test('blank is no name; more than 50 characters is refused', () => {
    expect(normaliseName('   ')).toEqual({ ok: true, value: null, fixes: ['去掉多余空格'] });
    expect(normaliseName('张'.repeat(50)).ok).toBe(true);
    expect(normaliseName('张'.repeat(51))).toEqual({ ok: false, reason: '姓名超过 50 个字' });
  });
  test.each(['', ' ', '-', '--', '无', '暂无', 'NULL', 'null', 'N/A', '#N/A', '／'])('%j counts as blank', (v) => {
    expect(isBlank(v)).toBe(true);
  });
  test.each(['0', '张三', 'x'])('%j is not blank', (v) => expect(isBlank(v)).toBe(false));
});

describe('gender', () => {
  test.each([
    ['男', 'male', []],
    ['女', 'female', []],
    ['未知', 'unknown', []],
    ['M', 'male', ['性别“M”记为男']],
    ['F', 'female', ['性别“F”记为女']],
    ['female', 'female', ['性别“female”记为女']],
    ['先生', 'male', ['性别“先生”记为男']],
    ['女士', 'female', ['性别“女士”记为女']],
    ['小姐', 'female', ['性别“小姐”记为女']],
    ['1', 'male', ['性别“1”记为男']],
    ['2', 'female', ['性别“2”记为女']],
    ['0', 'unknown', ['性别“0”记为未知']],
    ['保密', 'unknown', ['性别“保密”记为未知']],
    [' 男 ', 'male', []],
    ['Ｍ', 'male', ['性别“Ｍ”记为男']],
  ])('%j → %s', (raw, value, fixes) => {
    expect(normaliseGender(raw)).toEqual({ ok: true, value, fixes });
  });
  test.each(['？', '3', 'x', '男女'])('%j is refused', (raw) => expect(normaliseGender(raw).ok).toBe(false));
});

describe('dates in several formats', () => {
  const day = (y: number, m: number, d: number, hour = 0, minute = 0, second = 0, hasTime = false) => ({ year: y, month: m, day: d, hour, minute, second, hasTime });
  test.each([
    ['2024-01-05', day(2024, 1, 5), []],
    ['2024-1-5', day(2024, 1, 5), ['日期格式统一为 YYYY-MM-DD']],
    ['2024/1/5', day(2024, 1, 5), ['日期格式统一为 YYYY-MM-DD']],
    ['2024.01.05', day(2024, 1, 5), ['日期格式统一为 YYYY-MM-DD']],
    ['20240105', day(2024, 1, 5), ['日期格式统一为 YYYY-MM-DD']],
    ['2024年1月5日', day(2024, 1, 5), ['日期格式统一为 YYYY-MM-DD']],
    ['2024年01月05号', day(2024, 1, 5), ['日期格式统一为 YYYY-MM-DD']],
    ['２０２４－０１－０５', day(2024, 1, 5), ['全角转半角']],
    ['45296', day(2024, 1, 5), ['Excel 日期序号转为日期']],
    ['45296.5', day(2024, 1, 5, 12, 0, 0, true), ['Excel 日期序号转为日期']],
    ['25/12/2023', day(2023, 12, 25), ['日/月/年 格式统一为 YYYY-MM-DD']],
    ['12/25/2023', day(2023, 12, 25), ['月/日/年 格式统一为 YYYY-MM-DD']],
    ['2024-01-05 14:30', day(2024, 1, 5, 14, 30, 0, true), []],
    ['2024/01/05 14:30:15', day(2024, 1, 5, 14, 30, 15, true), ['日期格式统一为 YYYY-MM-DD']],
    ['2024-01-05T09:08:07', day(2024, 1, 5, 9, 8, 7, true), []],
    ['2024-02-29', day(2024, 2, 29), []],
  ])('%j', (raw, value, fixes) => {
    expect(parseDate(raw)).toEqual({ ok: true, value, fixes });
  });
  test.each([
    ['03/04/2023', '有歧义'],
    ['2023-02-29', '2023 年 2 月没有 29 日'],
    ['2024-13-01', '没有 13 月'],
    ['1899-12-31', '不在 1900–2100 之间'],
    ['2024-01-05 25:00', '时间无效'],
    ['昨天', '无法识别的日期'],
    ['12345', '无法识别的日期'],
  ])('%j is refused (%s)', (raw, reason) => {
    const r = parseDate(raw);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.reason).toContain(reason);
  });
  test('a wall time is read in the brand zone', () => {
    expect(parseInstant('2024-01-05 08:00', 'Asia/Shanghai')).toEqual({ ok: true, iso: '2024-01-05T00:00:00.000Z', fixes: [] });
    expect(parseInstant('2024/7/1', 'Asia/Shanghai')).toEqual({ ok: true, iso: '2024-06-30T16:00:00.000Z', fixes: ['日期格式统一为 YYYY-MM-DD'] });
    // A zone with daylight saving: the offset of that date, not of January.
    expect(parseInstant('2024-07-01 12:00', 'Europe/Berlin')).toEqual({ ok: true, iso: '2024-07-01T10:00:00.000Z', fixes: [] });
    expect(parseInstant('2024-01-01 12:00', 'Europe/Berlin')).toEqual({ ok: true, iso: '2024-01-01T11:00:00.000Z', fixes: [] });
  });
});

describe('birthdays: lunar ones marked as such', () => {
  const today = '2026-12-01';
  const b = (calendar: 'solar' | 'lunar', year: number | null, month: number, day: number, leapMonth = false) => ({ calendar, year, month, day, leapMonth });
  test.each([
    ['1990-08-15', null, b('solar', 1990, 8, 15), []],
    ['1990/8/15', null, b('solar', 1990, 8, 15), ['日期格式统一为 YYYY-MM-DD']],
    ['8月15日', null, b('solar', null, 8, 15), []],
    ['08-15', null, b('solar', null, 8, 15), []],
    ['农历1990年正月初一', null, b('lunar', 1990, 1, 1), ['农历日期转为数字']],
    ['阴历 八月十五', null, b('lunar', null, 8, 15), ['农历日期转为数字']],
    ['农历腊月廿三', null, b('lunar', null, 12, 23), ['农历日期转为数字']],
    ['农历冬月三十', null, b('lunar', null, 11, 30), ['农历日期转为数字']],
    ['农历2023年闰二月初十', null, b('lunar', 2023, 2, 10, true), ['农历日期转为数字']],
    ['农历1990-08-15', null, b('lunar', 1990, 8, 15), []],
    ['lunar: 1990-08-15', null, b('lunar', 1990, 8, 15), []],
    ['公历1990-08-15', null, b('solar', 1990, 8, 15), []],
    // the calendar column marks it
    ['1990-08-15', 'lunar', b('lunar', 1990, 8, 15), []],
    ['八月十五', 'lunar', b('lunar', null, 8, 15), ['农历日期转为数字']],
  ] as const)('%j (calendar column %s)', (raw, calendar, value, fixes) => {
    expect(parseBirthday(raw, { calendar, today })).toEqual({ ok: true, value, fixes });
  });
  test.each([
    ['农历2023年闰三月初一', null, '农历2023年的闰月是2月，没有闰3月'],
    ['农历2024年闰二月初一', null, '农历2024年没有闰月'],
    ['农历1990-08-31', null, '农历没有31日'],
    ['2099-01-01', null, '生日年份 2099 无效'],
    ['2026-12-25', null, '生日不能在未来'],
    ['1990-02-30', null, '1990 年 2 月没有 30 日'],
    ['农历1990-08-15', 'solar', '生日写着农历，历法一栏却是公历'],
    ['公历1990-08-15', 'lunar', '生日写着公历，历法一栏却是农历'],
    ['13月1日', null, '生日的月份无效'],
  ] as const)('%j is refused', (raw, calendar, reason) => {
    const r = parseBirthday(raw, { calendar, today });
    expect(r).toEqual({ ok: false, reason });
  });
  test('lunar month lengths are checked per year', () => {
    // 农历2023年正月 has 29 days (a 小月), 二月 30.
    const r29 = parseBirthday('农历2023年正月三十', { calendar: null, today });
    const r30 = parseBirthday('农历2023年二月三十', { calendar: null, today });
    expect([r29.ok, r30.ok]).toEqual([false, true]);
  });
  test.each([
    ['农历', 'lunar'], ['阴历', 'lunar'], ['L', 'lunar'], ['公历', 'solar'], ['阳历', 'solar'], ['solar', 'solar'],
  ])('calendar column %j → %s', (raw, value) => expect(parseCalendar(raw)).toEqual({ ok: true, value }));
  test('an unknown calendar is refused', () => expect(parseCalendar('佛历').ok).toBe(false));
});

describe('GB/T 2260 regions', () => {
  const resolve = regionResolver();
  test.each([
    ['310104', '310104', []],
    ['3101', '310000', ['区划代码补全为 6 位']],
    ['31', '310000', ['区划代码补全为 6 位']],
    ['4403', '440300', ['区划代码补全为 6 位']],
    ['310104000000', '310104', ['区划代码补全为 6 位']],
    ['上海市徐汇区', '310104', []],
    ['上海 徐汇', '310104', []],
    ['广东深圳南山', '440305', []],
    ['广东省深圳市南山区', '440305', []],
    ['深圳市南山区', '440305', []],
    ['深圳', '440300', []],
    ['浙江省杭州市西湖区文三路90号', '330106', []],
    ['北京', '110000', []],
    ['北京市朝阳区', '110105', []],
    ['延边', '222400', []],
    ['内蒙古', '150000', []],
  ])('%j → %s', (raw, code, fixes) => expect(resolve(raw)).toEqual({ ok: true, code, fixes }));
  test.each([
    ['朝阳区', '不唯一'],
    ['南山区', '不唯一'],
    ['火星', '无法识别的地区'],
    ['999999', '没有这个行政区划代码'],
  ])('%j is refused (%s)', (raw, reason) => {
    const r = resolve(raw);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.reason).toContain(reason);
  });
});

describe('amounts in fen (never through a float)', () => {
  test.each([
    ['99', 9900, []],
    ['99.9', 9990, []],
    ['0.01', 1, []],
    ['1.230', 123, []],
    ['¥1,234.50', 123450, ['去掉货币符号', '去掉千分位逗号']],
    ['￥99', 9900, ['全角转半角', '去掉货币符号']],
    ['1234.5元', 123450, ['去掉货币符号']],
    ['RMB 88.00', 8800, ['去掉货币符号']],
    ['１２３.４５', 12345, ['全角转半角']],
    ['1,000,000.10', 100000010, ['去掉千分位逗号']],
    ['0.29', 29, []],
    ['4.35', 435, []],
    ['1.005', 0, null],
  ])('%j → %d fen', (raw, fen, fixes) => {
    const r = parseAmountFen(raw);
    if (fixes === null) expect(r).toEqual({ ok: false, reason: '金额最多两位小数（分）' });
    else expect(r).toEqual({ ok: true, fen, fixes });
  });
  test.each(['-5', '12,34', 'abc', '', '1e3', '1000000000'])('%j is refused', (raw) => expect(parseAmountFen(raw).ok).toBe(false));
});

describe('headers and mapping', () => {
  test('Chinese and English headers, stars, brackets and full-width letters map to fields', () => {
    expect(headerKey('手机号*')).toBe(headerKey('手机号'));
    expect(headerKey('（手机）')).toBe('手机');
    expect(suggestMapping('customers', ['姓名', '手机号码*', '会员卡号', '性别', '出生日期', '生日类型', '所在地区', '开卡门店', '开卡时间', '备注'])).toEqual({
      姓名: 'name', '手机号码*': 'phone', 会员卡号: 'posNo', 性别: 'gender', 出生日期: 'birthday', 生日类型: 'birthdayCalendar',
      所在地区: 'region', 开卡门店: 'storeCode', 开卡时间: 'joinedAt', 备注: null,
    });
    expect(suggestMapping('orders', ['订单编号', 'Mobile', '实付金额', '下单时间', '门店编码'])).toEqual({
      订单编号: 'orderNo', Mobile: 'phone', 实付金额: 'amount', 下单时间: 'orderedAt', 门店编码: 'storeCode',
    });
  });
  test('a remembered mapping wins; a field goes to one column only', () => {
    expect(suggestMapping('customers', ['电话', '手机'], null)).toEqual({ 电话: 'phone', 手机: null });
    expect(suggestMapping('customers', ['电话', '手机', 'VIP'], { 电话: null, 手机: 'phone', VIP: 'posNo' })).toEqual({ 电话: null, 手机: 'phone', VIP: 'posNo' });
  });
  test('problems: no identifier, duplicates, order fields missing', () => {
    expect(mappingProblems('customers', { 姓名: 'name' }).map((p) => p.path)).toEqual(['mapping']);
    expect(mappingProblems('customers', { a: 'phone', b: 'phone' }).map((p) => p.path)).toEqual(['mapping.b']);
    expect(mappingProblems('orders', { 订单号: 'orderNo' }).map((p) => p.message)).toEqual(['需要一列金额', '需要一列下单时间']);
    expect(mappingProblems('orders', { 订单号: 'orderNo', 金额: 'amount', 时间: 'orderedAt', 生日: 'birthday' }).map((p) => p.path)).toEqual(['mapping.生日']);
  });
});

describe('a whole row', () => {
  const ctx = { regions: regionResolver(), today: '2026-12-01', timeZone: 'Asia/Shanghai', now: new Date('2026-12-01T04:00:00Z') };
  test('a messy customer row: identifiers required, bad details dropped with the reason', () => {
    const r = normaliseCustomerRecord({ name: ' 张 三 ', phone: '+86 138-0013-8000', gender: '？', birthday: '农历八月十五', region: '火星', joinedAt: '2030-01-01' }, ctx);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.values).toMatchObject({ name: '张三', phone: { e164: '+8613800138000' }, gender: null, birthday: { calendar: 'lunar', month: 8, day: 15 }, regionCode: null, joinedAt: null });
    expect(r.values.namePinyin).toBeTruthy();
    expect(r.fixes).toEqual([
      '手机号：去掉空格、横线或括号', '手机号：去掉国家码 +86', '姓名：去掉多余空格', '性别：无法识别的性别“？”，未导入',
      '生日：农历日期转为数字', '地区：无法识别的地区“火星”，未导入', '入会时间：入会时间在未来，未导入',
    ]);
  });
  test('a customer row without any identifier, or with a bad phone, is rejected naming the field', () => {
    expect(normaliseCustomerRecord({ name: '李四', phone: '无' }, ctx)).toMatchObject({ ok: false, field: 'phone', reason: expect.stringContaining('无法识别是哪位顾客') });
    expect(normaliseCustomerRecord({ phone: '12345' }, ctx)).toMatchObject({ ok: false, field: 'phone', reason: '不是有效的电话号码' });
    expect(normaliseCustomerRecord({ posNo: 'VIP 001!' }, ctx)).toMatchObject({ ok: false, field: 'posNo' });
  });
  test('an order row: number, amount and time required; future orders refused', () => {
    expect(normaliseOrderRecord({ orderNo: 'A1', amount: '¥12.50', orderedAt: '2024/1/5 10:00' }, ctx)).toMatchObject({ ok: true, values: { orderNo: 'A1', totalFen: 1250, orderedAt: '2024-01-05T02:00:00.000Z' } });
    expect(normaliseOrderRecord({ amount: '1', orderedAt: '2024-01-05' }, ctx)).toMatchObject({ ok: false, field: 'orderNo', reason: '缺少订单号' });
    expect(normaliseOrderRecord({ orderNo: 'A1', amount: '-1', orderedAt: '2024-01-05' }, ctx)).toMatchObject({ ok: false, field: 'amount' });
    expect(normaliseOrderRecord({ orderNo: 'A1', amount: '1', orderedAt: '2027-06-01' }, ctx)).toMatchObject({ ok: false, field: 'orderedAt', reason: '下单时间在未来' });
  });
});
