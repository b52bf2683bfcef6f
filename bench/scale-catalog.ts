// Reference lists for the scale generator: what a Chinese apparel brand's data looks like.
// Pure data, no randomness.

// Surnames with their approximate share of the population (percent; 2020 census order). The
// skew matters for search: 王/李/张 prefixes match ~7 % of a store each, rare ones a handful.
export const SURNAMES: readonly (readonly [string, number])[] = [
  ['王', 7.1], ['李', 7.0], ['张', 6.7], ['刘', 5.4], ['陈', 4.5], ['杨', 3.1], ['黄', 2.2], ['赵', 2.0], ['吴', 2.0], ['周', 1.9],
  ['徐', 1.5], ['孙', 1.5], ['马', 1.3], ['朱', 1.3], ['胡', 1.3], ['郭', 1.1], ['何', 1.1], ['高', 1.0], ['林', 1.0], ['罗', 0.9],
  ['郑', 0.9], ['梁', 0.8], ['谢', 0.7], ['宋', 0.7], ['唐', 0.7], ['许', 0.7], ['韩', 0.6], ['冯', 0.6], ['邓', 0.6], ['曹', 0.6],
  ['彭', 0.5], ['曾', 0.5], ['肖', 0.5], ['田', 0.5], ['董', 0.5], ['袁', 0.5], ['潘', 0.4], ['于', 0.4], ['蒋', 0.4], ['蔡', 0.4],
  ['余', 0.4], ['杜', 0.4], ['叶', 0.4], ['程', 0.4], ['苏', 0.4], ['魏', 0.4], ['吕', 0.4], ['丁', 0.3], ['任', 0.3], ['沈', 0.3],
  ['姚', 0.3], ['卢', 0.3], ['姜', 0.3], ['崔', 0.3], ['钟', 0.3], ['谭', 0.3], ['陆', 0.3], ['汪', 0.3], ['范', 0.3], ['金', 0.3],
  ['石', 0.3], ['廖', 0.3], ['贾', 0.2], ['夏', 0.2], ['韦', 0.2], ['付', 0.2], ['方', 0.2], ['白', 0.2], ['邹', 0.2], ['孟', 0.2],
  ['熊', 0.2], ['秦', 0.2], ['邱', 0.2], ['江', 0.2], ['尹', 0.2], ['薛', 0.2], ['闫', 0.2], ['段', 0.2], ['雷', 0.2], ['侯', 0.2],
  ['龙', 0.2], ['史', 0.2], ['陶', 0.1], ['黎', 0.1], ['贺', 0.1], ['顾', 0.1], ['毛', 0.1], ['郝', 0.1], ['龚', 0.1], ['邵', 0.1],
  ['万', 0.1], ['钱', 0.1], ['严', 0.1], ['覃', 0.1], ['武', 0.1], ['戴', 0.1], ['莫', 0.1], ['孔', 0.1], ['向', 0.1], ['汤', 0.1],
  ['欧阳', 0.03], ['司马', 0.01], ['上官', 0.01], ['诸葛', 0.01], ['慕容', 0.005], ['单', 0.05], ['乐', 0.02], ['解', 0.02],
];

// Given-name characters. Members of an apparel brand are ~68 % women.
export const GIVEN_FEMALE = '芳娜秀英敏静丽艳娟霞平玲芬燕红梅琳雪婷晶颖思怡佳欣雨涵梓萱诗琪可馨悦妍婧瑶月蓉倩露洁莉慧璐菲蕾茜琦嘉瑜晴岚薇'.split('');
export const GIVEN_MALE = '伟强磊军洋勇杰涛明超刚平辉鹏斌宇浩凯健俊帆帅旭宁龙林阳建国峰波亮成志永浩然子豪一博轩睿泽晨铭昊宏鑫'.split('');
export const GIVEN_UNISEX = '文华玉春海子一嘉安明晓佳思雨天'.split('');

// Latin names some members register with (about 1 %).
export const LATIN_NAMES = ['Emily', 'Grace', 'Jason', 'Kevin', 'Vivian', 'Cindy', 'Tony', 'Amy Wang', 'Lily Chen', 'Jack Li', 'Sophie', 'Eric Zhang'] as const;

// Mainland mobile prefixes (all valid for libphonenumber), weighted by how common they are.
export const MOBILE_PREFIXES: readonly (readonly [string, number])[] = [
  ['138', 8], ['139', 8], ['137', 6], ['136', 6], ['135', 6], ['150', 5], ['151', 5], ['152', 4], ['158', 5], ['159', 5],
  ['186', 6], ['187', 4], ['188', 4], ['189', 5], ['185', 3], ['183', 3], ['182', 3], ['181', 3], ['180', 3], ['177', 2],
  ['176', 2], ['130', 3], ['131', 3], ['132', 3], ['133', 3], ['155', 2], ['156', 2], ['157', 2], ['153', 2], ['198', 2], ['199', 2],
];

// Cities the brand has stores in: relative store count, and county-level GB/T 2260 codes
// (districts) members of that city give as their region.
export type City = { name: string; weight: number; districts: readonly string[] };
export const CITIES: readonly City[] = [
  { name: '上海', weight: 34, districts: ['310101', '310104', '310105', '310106', '310107', '310109', '310110', '310112', '310113', '310115'] },
  { name: '北京', weight: 25, districts: ['110101', '110102', '110105', '110106', '110108', '110114'] },
  { name: '深圳', weight: 15, districts: ['440303', '440304', '440305', '440306', '440307'] },
  { name: '广州', weight: 15, districts: ['440103', '440104', '440105', '440106', '440111'] },
  { name: '杭州', weight: 12, districts: ['330102', '330105', '330106', '330108'] },
  { name: '南京', weight: 10, districts: ['320102', '320104', '320105', '320106'] },
  { name: '成都', weight: 10, districts: ['510104', '510105', '510106', '510107'] },
  { name: '武汉', weight: 8, districts: ['420102', '420103', '420106', '420111'] },
  { name: '重庆', weight: 8, districts: ['500103', '500105', '500106', '500108'] },
  { name: '苏州', weight: 8, districts: ['320505', '320506', '320508'] },
  { name: '西安', weight: 6, districts: ['610102', '610103', '610104', '610113'] },
  { name: '天津', weight: 6, districts: ['120101', '120103', '120104'] },
  { name: '长沙', weight: 6, districts: ['430102', '430103', '430104'] },
  { name: '郑州', weight: 5, districts: ['410102', '410103', '410105'] },
  { name: '青岛', weight: 5, districts: ['370202', '370203'] },
  { name: '宁波', weight: 5, districts: ['330203', '330212'] },
  { name: '沈阳', weight: 4, districts: ['210102', '210103'] },
  { name: '厦门', weight: 4, districts: ['350203', '350206'] },
  { name: '合肥', weight: 4, districts: ['340102', '340104'] },
  { name: '昆明', weight: 4, districts: ['530102', '530103'] },
  { name: '福州', weight: 4, districts: ['350102', '350103'] },
];

export const MALLS = [
  '万象城', '太古里', '大悦城', '来福士', '恒隆广场', '银泰百货', '万达广场', '龙湖天街', '吾悦广场', '印象城', '国金中心', '新世界',
  '百联', 'SKP', '凯德广场', '环球港', '德基广场', '正佳广场', '砂之船', '奥特莱斯',
] as const;

// Tag taxonomy: 9 groups, 50 tags. `share` is the fraction of members carrying the tag (single
// groups: the group's coverage is split by the shares), so a few tags are on a quarter of all
// members and the tail on a fraction of a percent — what real tagging looks like.
export type TagDef = { name: string; share: number };
export type TagGroupDef = { name: string; selection: 'single' | 'multiple'; tags: readonly TagDef[] };
export const TAXONOMY: readonly TagGroupDef[] = [
  { name: '尺码', selection: 'single', tags: [{ name: 'XS', share: 0.03 }, { name: 'S', share: 0.12 }, { name: 'M', share: 0.2 }, { name: 'L', share: 0.14 }, { name: 'XL', share: 0.05 }, { name: 'XXL', share: 0.01 }] },
  { name: '客户价值', selection: 'single', tags: [{ name: '高价值', share: 0.06 }, { name: '潜力', share: 0.12 }, { name: '普通', share: 0.2 }, { name: '沉睡', share: 0.08 }] },
  { name: '生命周期', selection: 'single', tags: [{ name: '新客', share: 0.1 }, { name: '活跃', share: 0.15 }, { name: '复购', share: 0.12 }, { name: '流失风险', share: 0.05 }, { name: '已流失', share: 0.03 }] },
  { name: '兴趣偏好', selection: 'multiple', tags: [{ name: '通勤', share: 0.25 }, { name: '运动', share: 0.18 }, { name: '户外', share: 0.06 }, { name: '潮流', share: 0.08 }, { name: '亲子', share: 0.07 }, { name: '极简', share: 0.04 }, { name: '复古', share: 0.015 }, { name: '商务', share: 0.03 }] },
  { name: '风格', selection: 'multiple', tags: [{ name: '休闲', share: 0.2 }, { name: '优雅', share: 0.07 }, { name: '街头', share: 0.02 }, { name: '国潮', share: 0.03 }, { name: '法式', share: 0.015 }, { name: '日系', share: 0.02 }] },
  { name: '来源渠道', selection: 'multiple', tags: [{ name: '门店', share: 0.3 }, { name: '小程序', share: 0.15 }, { name: '直播', share: 0.05 }, { name: '社群', share: 0.04 }, { name: '企业微信', share: 0.03 }, { name: '电商', share: 0.02 }] },
  { name: '偏好品类', selection: 'multiple', tags: [{ name: '羽绒服', share: 0.1 }, { name: '连衣裙', share: 0.09 }, { name: '牛仔', share: 0.06 }, { name: '针织', share: 0.05 }, { name: '鞋履', share: 0.04 }, { name: '配饰', share: 0.02 }, { name: '内衣', share: 0.01 }, { name: '童装', share: 0.005 }] },
  { name: '节日营销', selection: 'multiple', tags: [{ name: '生日礼遇', share: 0.04 }, { name: '春节', share: 0.02 }, { name: '七夕', share: 0.01 }, { name: '双十一', share: 0.03 }, { name: '会员日', share: 0.02 }] },
  { name: '服务', selection: 'multiple', tags: [{ name: 'VIP专属', share: 0.01 }, { name: '不打扰', share: 0.005 }] },
];
export const TAG_COLORS = ['#07c160', '#1989fa', '#ff976a', '#ee0a24', '#7232dd', '#ffb300'] as const;

// Products: [sku prefix, name, price in fen]. Sizes/colours multiply them into SKUs.
export const PRODUCTS: readonly (readonly [string, string, number])[] = [
  ['SK', '棉袜三双装', 3900], ['TS', '纯棉T恤', 9900], ['PL', 'POLO衫', 19900], ['SH', '牛津纺衬衫', 25900], ['JN', '直筒牛仔裤', 29900],
  ['PT', '九分西裤', 35900], ['SC', '羊绒围巾', 39900], ['KN', '针织开衫', 45900], ['SN', '运动鞋', 49900], ['SW', '连帽卫衣', 32900],
  ['JK', '轻薄羽绒服', 59900], ['BG', '通勤托特包', 69900], ['TR', '风衣', 99900], ['DR', '真丝连衣裙', 89900], ['CT', '双面羊绒大衣', 259900],
  ['DW', '长款羽绒服', 129900], ['BL', '真丝衬衫', 79900], ['SK2', '半身裙', 39900], ['BT', '皮靴', 119900], ['AC', '皮带', 29900],
];
export const COLORS = ['黑', '白', '灰', '藏青', '驼', '燕麦'] as const;

export const INTERACTION_NOTES = [
  '询问新品到货时间', '试穿后未购买，下周再联系', '生日前问候，已领券', '推荐了秋冬新款', '反馈尺码偏小，已换货',
  '到店试穿大衣，考虑中', '微信发了搭配图', '电话回访售后', '约周末到店', '询问会员积分', '对羽绒服感兴趣', '帮朋友问童装',
  '投诉物流慢，已安抚', '参加了会员日活动', '想要同款其他颜色', '确认收货地址', '预约改裤长', '表示暂时不需要', '新品直播预约', '退换货咨询',
] as const;

export const JOIN_CHANNELS_WITH_ACCOUNT = ['store_qr', 'store_qr', 'store_qr', 'associate_qr', 'associate_qr', 'organic', 'live'] as const;
export const JOIN_CHANNELS_WITHOUT_ACCOUNT = ['import', 'pos'] as const;

// Privacy policy versions in force over time (the latest is the app's default).
export const POLICY_VERSIONS: readonly (readonly [string, number])[] = [
  ['2022-01-01', Date.UTC(2021, 11, 1)],
  ['2024-06-01', Date.UTC(2024, 5, 1)],
  ['2026-11-01', Date.UTC(2026, 10, 1)],
];
