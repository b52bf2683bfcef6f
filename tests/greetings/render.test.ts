import { wechatSubscribeChannel } from '../../functions/_lib/messaging/channel';
import { inQuietHours } from '../../functions/_lib/messaging/audience';
import { lengthRules, renderData, templateProblem } from '../../functions/_lib/messaging/render';
import { WechatApiError } from '../../functions/_lib/wechat/wechat-client';

describe('template data', () => {
  test('renders placeholders, with a fallback name', () => {
    expect(renderData({ thing1: '{name}，{holiday}快乐', date2: '{date}', thing3: '{store}见' }, { name: null, store: '旗舰店', date: '2026-09-25', holiday: '中秋' })).toEqual({
      thing1: '会员，中秋快乐',
      date2: '2026-09-25',
      thing3: '旗舰店见',
    });
  });

  test.each([
    [{ thing1: '生日快乐', date2: '{date}' }, ['thing1', 'date2'], null],
    [{ thing1: '生日快乐' }, ['thing1', 'date2'], 'date2 is missing'],
    [{ thing1: '生日快乐', date2: '{date}', thing9: 'x' }, ['thing1', 'date2'], 'thing9 is not a keyword of this template'],
    [{ foo: 'x' }, [], 'foo is not a template keyword'],
    [{ phrase1: '生日快乐呀呀' }, [], expect.stringContaining('phrase1')],
    [{ date1: '明天' }, [], expect.stringContaining('date1')],
  ])('templateProblem(%j, %j) = %p', (data, keys, expected) => {
    expect(templateProblem(data, keys)).toEqual(expected);
  });

  test('length rules cover only member-dependent values of limited types', () => {
    expect(lengthRules({ thing1: '{name}，生日快乐', date2: '{date}', name3: '{name}', thing4: '固定文字' }, { date: '2026-01-01' })).toEqual([
      { s: 5, n: 1, t: 0, y: 0, mx: 20 },
      { s: 0, n: 1, t: 0, y: 0, mx: 10 },
    ]);
    expect(lengthRules({ thing1: '{store}开业{years}周年' }, { date: '2026-01-01' })).toEqual([{ s: 4, n: 0, t: 1, y: 1, mx: 20 }]);
  });

  test('{years} renders the anniversary count, empty elsewhere', () => {
    expect(renderData({ thing1: '{store}{years}周年' }, { name: null, store: '旗舰店', date: '2026-12-01', years: 3 })).toEqual({ thing1: '旗舰店3周年' });
    expect(renderData({ thing1: '{store}{years}周年' }, { name: null, store: '旗舰店', date: '2026-12-01' })).toEqual({ thing1: '旗舰店周年' });
  });
});

describe('quiet hours', () => {
  test.each([
    ['21:00', '09:00', '22:30', true],
    ['21:00', '09:00', '08:59', true],
    ['21:00', '09:00', '09:00', false],
    ['21:00', '09:00', '12:00', false],
    ['12:00', '14:00', '13:00', true],
    ['00:00', '00:00', '03:00', false],
  ])('%s–%s at %s: %p', (quietStart, quietEnd, at, expected) => {
    expect(inQuietHours(at, { quietStart, quietEnd })).toBe(expected);
  });
});

describe('WeChat outcomes', () => {
  const deliverWith = (error: unknown) =>
    wechatSubscribeChannel({ sendSubscribeMessage: async () => Promise.reject(error) }).deliver({ toUser: 'o', externalTemplateId: 'TPL_x_0123456', page: null, data: { thing1: 'x' } });

  test.each([
    [new WechatApiError({ endpoint: 'subscribe_send', errcode: 43101, errmsg: '' }), { outcome: 'permanent', reason: 'refused', noCredit: true }],
    [new WechatApiError({ endpoint: 'subscribe_send', errcode: 47003, errmsg: '' }), { outcome: 'permanent', reason: 'invalid_template_data', noCredit: false }],
    [new WechatApiError({ endpoint: 'subscribe_send', errcode: 40003, errmsg: '' }), { outcome: 'permanent', reason: 'bad_openid', noCredit: false }],
    [new WechatApiError({ endpoint: 'subscribe_send', errcode: 45011, errmsg: '' }), { outcome: 'retry', reason: 'wechat_45011' }],
    [new WechatApiError({ endpoint: 'subscribe_send', errcode: -1, errmsg: '' }), { outcome: 'retry', reason: 'wechat_-1' }],
    [new WechatApiError({ endpoint: 'subscribe_send', errcode: 'timeout', errmsg: '', ambiguous: true }), { outcome: 'unknown', reason: 'ambiguous_timeout' }],
    [new WechatApiError({ endpoint: 'subscribe_send', errcode: 'network', errmsg: 'ECONNREFUSED', ambiguous: false }), { outcome: 'retry', reason: 'wechat_network' }],
    [new Error('boom'), { outcome: 'unknown', reason: 'internal_error' }],
  ])('%s → %j', async (error, expected) => {
    expect(await deliverWith(error)).toEqual(expected);
  });
});
