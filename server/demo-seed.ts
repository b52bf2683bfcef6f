import { nameSearchKeys } from '../shared/domain/name-pinyin';
import { protectPhone } from '../functions/_lib/crypto/phone';
import type { Sql } from '../functions/_lib/db';
import { seedGreetingsDemo } from './greetings-demo-seed';

// Demo data for a local run: one brand, two stores, staff of every role, a few thousand members
// with orders, tags, interactions and consents. Deterministic (seeded RNG). Runs as the
// database owner: loading data is not done on behalf of a person.
export const DEMO_APPID = 'wx5a1d0c0de0000001';
export const DEMO_ORG_NAME = '示例服饰 Demo Apparel';

export const createRng = (seed: number): (() => number) => {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
};

const SURNAMES = '王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤欧阳'.split('');
const GIVEN = '伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华玉萍红娥玲芬飞桂兰鹏辉斌宇浩凯健俊帆帅旭宁龙林欢阳建国梅琳雪婷晶颖思怡佳欣雨涵梓轩子豪浩然一诺欣怡诗琪'.split('');
const PRODUCTS = [
  ['SKU-TS01', '纯棉T恤', 9900], ['SKU-JK02', '轻薄羽绒服', 59900], ['SKU-JN03', '直筒牛仔裤', 29900], ['SKU-DR04', '真丝连衣裙', 89900],
  ['SKU-SN05', '运动鞋', 49900], ['SKU-SC06', '羊绒围巾', 39900], ['SKU-BG07', '通勤托特包', 69900], ['SKU-SK08', '棉袜三双装', 3900],
] as const;

// Mainland mobile prefixes that libphonenumber accepts as valid.
const MOBILE_PREFIXES = ['130', '131', '132', '133', '135', '136', '137', '138', '139', '150', '151', '152', '153', '155', '156', '157', '158', '159', '176', '177', '180', '181', '182', '183', '185', '186', '187', '188', '189', '198', '199'] as const;

export type DemoSeedResult = { orgId: string; storeIds: Record<string, string>; members: number; orders: number };

export const seedDemo = async (sql: Sql, options: { members?: number; seed?: number } = {}): Promise<DemoSeedResult> => {
  const rng = createRng(options.seed ?? 20261122);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rng() * xs.length)] as T;
  const memberCount = options.members ?? 3000;

  return sql.begin(async (tx) => {
    const [org] = await tx<{ id: string }[]>`
      insert into public.orgs (name, wx_appid) values (${DEMO_ORG_NAME}, ${DEMO_APPID}) returning id`;
    if (!org) throw new Error('org insert failed');
    const orgId = org.id;
    const stores = await tx<{ id: string; code: string }[]>`
      insert into public.stores (org_id, code, name, city) values
        (${orgId}, 'S001', '上海南京西路旗舰店', '上海'), (${orgId}, 'S002', '深圳万象城店', '深圳')
      returning id, code`;
    const storeIds = Object.fromEntries(stores.map((s) => [s.code, s.id])) as Record<string, string>;
    const s1 = storeIds.S001 as string;
    const s2 = storeIds.S002 as string;

    const staffDefs = [
      { openid: 'demo-associate-a', name: '王芳', role: 'associate', stores: [s1] },
      { openid: 'demo-associate-b', name: '李娜', role: 'associate', stores: [s2] },
      { openid: 'demo-manager-a', name: '陈刚', role: 'manager', stores: [s1] },
      { openid: 'demo-operator', name: '赵敏', role: 'operator', stores: [] },
      { openid: 'demo-admin', name: '周杰', role: 'admin', stores: [] },
    ];
    const staffIds: Record<string, string> = {};
    for (const s of staffDefs) {
      const [acc] = await tx<{ id: string }[]>`insert into public.accounts (org_id, wx_openid) values (${orgId}, ${s.openid}) returning id`;
      const [st] = await tx<{ id: string }[]>`
        insert into public.staff (org_id, account_id, name, role) values (${orgId}, ${acc?.id ?? null}, ${s.name}, ${s.role}) returning id`;
      if (!st) throw new Error('staff insert failed');
      staffIds[s.openid] = st.id;
      for (const storeId of s.stores) await tx`insert into public.staff_stores (org_id, staff_id, store_id) values (${orgId}, ${st.id}, ${storeId})`;
    }
    const associateOf: Record<string, string> = { [s1]: staffIds['demo-associate-a'] as string, [s2]: staffIds['demo-associate-b'] as string };

    // Tag taxonomy.
    const taxonomy: [string, 'single' | 'multiple', string[]][] = [
      ['尺码', 'single', ['S', 'M', 'L', 'XL']],
      ['兴趣偏好', 'multiple', ['运动', '通勤', '户外', '潮流', '亲子']],
      ['客户价值', 'single', ['高价值', '潜力', '普通']],
      ['来源渠道', 'multiple', ['门店', '小程序', '直播']],
    ];
    const colors = ['#07c160', '#1989fa', '#ff976a', '#ee0a24', '#7232dd', '#ffb300'];
    const tagIds: { id: string; group: number }[] = [];
    for (const [i, [name, selection, tags]] of taxonomy.entries()) {
      const [g] = await tx<{ id: string }[]>`
        insert into public.tag_groups (org_id, name, selection, sort_order) values (${orgId}, ${name}, ${selection}, ${i}) returning id`;
      for (const [j, t] of tags.entries()) {
        const [tag] = await tx<{ id: string }[]>`
          insert into public.tags (org_id, group_id, name, color) values (${orgId}, ${g?.id ?? null}, ${t}, ${colors[j % colors.length] ?? '#07c160'}) returning id`;
        if (tag) tagIds.push({ id: tag.id, group: i });
      }
    }

    // Members. The first is the demo member login.
    const demoAccount = await tx<{ id: string }[]>`insert into public.accounts (org_id, wx_openid) values (${orgId}, 'demo-member-1') returning id`;
    const now = Date.now();
    const members: Record<string, unknown>[] = [];
    const usedPhones = new Set<string>();
    for (let i = 0; i < memberCount; i++) {
      const name = i === 0 ? '刘洋' : pick(SURNAMES) + pick(GIVEN) + (rng() < 0.6 ? pick(GIVEN) : '');
      const keys = nameSearchKeys(name);
      let phoneRaw: string;
      do {
        phoneRaw = `${pick(MOBILE_PREFIXES)}${String(Math.floor(rng() * 1e8)).padStart(8, '0')}`;
      } while (usedPhones.has(phoneRaw));
      usedPhones.add(phoneRaw);
      const phone = protectPhone(phoneRaw);
      const storeId = i === 0 || rng() < 0.55 ? s1 : s2;
      const lunar = rng() < 0.2;
      const hasBirthday = rng() < 0.85;
      members.push({
        org_id: orgId,
        account_id: i === 0 ? (demoAccount[0]?.id ?? null) : null,
        store_id: storeId,
        associate_id: rng() < 0.8 ? associateOf[storeId] : null,
        name,
        name_pinyin: keys.pinyin,
        name_initials: keys.initials,
        gender: rng() < 0.68 ? 'female' : rng() < 0.9 ? 'male' : 'unknown',
        birthday_calendar: hasBirthday ? (lunar ? 'lunar' : 'solar') : null,
        birth_year: hasBirthday && rng() < 0.8 ? 1965 + Math.floor(rng() * 45) : null,
        birth_month: hasBirthday ? 1 + Math.floor(rng() * 12) : null,
        birth_day: hasBirthday ? 1 + Math.floor(rng() * 28) : null,
        phone_enc: phone.enc,
        phone_hash: phone.hash,
        phone_last4: phone.last4,
        phone_masked: phone.masked,
        join_channel: pick(['store_qr', 'store_qr', 'organic', 'associate_qr', 'import']),
        joined_at: new Date(now - Math.floor(rng() ** 1.5 * 3 * 365 * 86400000) - 86400000),
      });
    }
    const memberRows: { id: string; store_id: string; phone_hash: string; joined_at: Date }[] = [];
    for (let i = 0; i < members.length; i += 500) {
      const chunk = members.slice(i, i + 500);
      memberRows.push(...(await tx<{ id: string; store_id: string; phone_hash: string; joined_at: Date }[]>`
        insert into public.members ${tx(chunk as Record<string, string>[])} returning id, store_id, phone_hash, joined_at`));
    }

    // Identities, consents, tags, orders, interactions.
    const identities: Record<string, unknown>[] = [];
    const consents: Record<string, unknown>[] = [];
    const memberTags: Record<string, unknown>[] = [];
    const orders: Record<string, unknown>[] = [];
    const lines: Record<string, unknown>[] = [];
    const interactions: Record<string, unknown>[] = [];
    let orderSeq = 0;
    for (const [idx, m] of memberRows.entries()) {
      identities.push({ org_id: orgId, kind: 'phone', value: m.phone_hash, member_id: m.id });
      if (idx === 0) identities.push({ org_id: orgId, kind: 'openid', value: 'demo-member-1', member_id: m.id });
      for (const purpose of ['membership_terms', 'privacy_policy']) {
        consents.push({ org_id: orgId, member_id: m.id, purpose, channel: 'all', granted: true, policy_version: '2026-11-01', source: 'demo_seed', created_at: m.joined_at });
      }
      consents.push({ org_id: orgId, member_id: m.id, purpose: 'marketing', channel: 'all', granted: rng() < 0.6, policy_version: '2026-11-01', source: 'demo_seed', created_at: m.joined_at });
      const seenGroups = new Set<number>();
      const seenTags = new Set<string>();
      const nTags = Math.floor(rng() * 4);
      for (let t = 0; t < nTags; t++) {
        const tag = pick(tagIds);
        if (seenGroups.has(tag.group) && (tag.group === 0 || tag.group === 2)) continue;
        if (seenTags.has(tag.id)) continue;
        seenGroups.add(tag.group);
        seenTags.add(tag.id);
        memberTags.push({ org_id: orgId, member_id: m.id, tag_id: tag.id, tagged_by: associateOf[m.store_id] ?? null });
      }
      // Long-tailed purchase counts.
      const nOrders = Math.floor(-Math.log(1 - rng() * 0.999) * 3);
      for (let o = 0; o < nOrders; o++) {
        const orderId = crypto.randomUUID();
        const nLines = 1 + Math.floor(rng() * 3);
        let total = 0;
        for (let l = 1; l <= nLines; l++) {
          const [sku, pname, price] = pick(PRODUCTS);
          const qty = 1 + Math.floor(rng() * 2);
          total += qty * price;
          lines.push({ org_id: orgId, order_id: orderId, line_no: l, sku, name: pname, quantity: qty, unit_price_fen: price });
        }
        const orderedAt = new Date(m.joined_at.getTime() + Math.floor(rng() * Math.max(1, now - m.joined_at.getTime())));
        orders.push({ org_id: orgId, id: orderId, member_id: m.id, store_id: m.store_id, order_no: `D${String(++orderSeq).padStart(9, '0')}`, total_fen: total, ordered_at: orderedAt, source: 'pos' });
      }
      if (rng() < 0.3) {
        interactions.push({
          org_id: orgId, member_id: m.id, staff_id: associateOf[m.store_id] ?? null, kind: pick(['chat', 'call', 'visit', 'note']),
          note: pick(['询问新品到货', '试穿后未购买，下周再联系', '生日前问候', '推荐了秋冬新款', '反馈尺码偏小']),
          occurred_at: new Date(now - Math.floor(rng() * 60 * 86400000)),
        });
      }
    }
    const insertAll = async (table: string, rows: Record<string, unknown>[]): Promise<void> => {
      for (let i = 0; i < rows.length; i += 1000) {
        await tx`insert into ${tx(table)} ${tx(rows.slice(i, i + 1000) as Record<string, string>[])}`;
      }
    };
    await insertAll('member_identities', identities);
    await insertAll('consents', consents);
    await insertAll('member_tags', memberTags);
    await insertAll('orders', orders);
    await insertAll('order_lines', lines);
    await insertAll('interactions', interactions);

    // ---- Members (issue 4): demo associates' join codes ----------------------------------------
    // Stable codes so the demo's QR links can be printed: /#/pages/index/index?scene=a%3DWANGFANG
    await tx`update public.staff set invite_code = 'WANGFANG' where org_id = ${orgId} and id = ${staffIds['demo-associate-a'] ?? null}`;
    await tx`update public.staff set invite_code = 'LINA2026' where org_id = ${orgId} and id = ${staffIds['demo-associate-b'] ?? null}`;
    // (Subscribe-message templates come from the greetings seed below.)
    // ---- end members (issue 4) ---------------------------------------------------------------
    // --- Workbench (issue 5) demo: a second associate of S001 to hand customers over to, and a
    // few follow-ups due today for 王芳's to-do list. -------------------------------------------
    {
      const [acc] = await tx<{ id: string }[]>`insert into public.accounts (org_id, wx_openid) values (${orgId}, 'demo-associate-c') returning id`;
      const [st] = await tx<{ id: string }[]>`
        insert into public.staff (org_id, account_id, name, role) values (${orgId}, ${acc?.id ?? null}, '张伟', 'associate') returning id`;
      if (st) await tx`insert into public.staff_stores (org_id, staff_id, store_id) values (${orgId}, ${st.id}, ${s1})`;
      const wang = staffIds['demo-associate-a'];
      await tx`
        insert into public.interactions (org_id, member_id, staff_id, kind, note, follow_up_on)
        select m.org_id, m.id, ${wang ?? null}, 'chat', '约好今天回访，确认新款尺码', (now() at time zone 'Asia/Shanghai')::date
        from public.members m where m.org_id = ${orgId} and m.associate_id = ${wang ?? null}
        order by m.member_no limit 3`;
    }
    // ---- Greetings (issue 6): templates, members' accounts and credits, a birthday automation.
    await seedGreetingsDemo(tx, orgId, staffIds['demo-operator'] ?? null);
    // ---- RFM and segments (issue 7): the brand's tiers (by spend, as brands often set them) and
    // members' districts (their store's city), so segments have something to select on; the
    // orders above were scored by the order triggers against breakpoints taken from the first
    // batch, so everyone is scored again against the whole brand's distribution.
    await tx`
      update public.members m set tier = case when m.lifetime_spend_fen >= 500000 then '金卡' when m.lifetime_spend_fen >= 150000 then '银卡' else '普通' end
      where m.org_id = ${orgId} and m.lifetime_spend_fen > 0`;
    await tx`
      update public.members m
      set region_code = case when m.store_id = ${s1} then (array['310101', '310104', '310105', '310106', '310115'])[1 + (m.member_no % 5)::int]
                             else (array['440303', '440304', '440305', '440306'])[1 + (m.member_no % 4)::int] end
      where m.org_id = ${orgId} and m.member_no % 10 <> 0`;
    await tx`select * from public.rfm_refresh_org(${orgId})`;
    return { orgId, storeIds, members: memberRows.length, orders: orders.length };
  }) as Promise<DemoSeedResult>;
};
