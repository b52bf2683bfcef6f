// The fields an import fills, per kind, with the headers shops use for them (Chinese and
// English; POS systems, e-commerce back ends, spreadsheets). A source's confirmed mapping
// (header → field) is remembered in import_sources and wins over these suggestions.
export type ImportKind = 'customers' | 'orders';
export type CustomerField = 'name' | 'phone' | 'posNo' | 'unionid' | 'openid' | 'gender' | 'birthday' | 'birthdayCalendar' | 'region' | 'storeCode' | 'joinedAt';
export type OrderField = 'orderNo' | 'phone' | 'posNo' | 'unionid' | 'openid' | 'amount' | 'orderedAt' | 'storeCode';
export type ImportField = CustomerField | OrderField;
// header (as written in the file) → field, or null for "not imported".
export type ColumnMapping = Record<string, ImportField | null>;

export const FIELD_LABELS: Record<ImportField, string> = {
  name: '姓名',
  phone: '手机号',
  posNo: '会员卡号',
  unionid: 'unionid',
  openid: 'openid',
  gender: '性别',
  birthday: '生日',
  birthdayCalendar: '生日历法',
  region: '地区',
  storeCode: '门店代码',
  joinedAt: '入会时间',
  orderNo: '订单号',
  amount: '金额',
  orderedAt: '下单时间',
};

export const FIELDS: { customers: readonly CustomerField[]; orders: readonly OrderField[] } = {
  customers: ['name', 'phone', 'posNo', 'unionid', 'openid', 'gender', 'birthday', 'birthdayCalendar', 'region', 'storeCode', 'joinedAt'],
  orders: ['orderNo', 'phone', 'posNo', 'unionid', 'openid', 'amount', 'orderedAt', 'storeCode'],
};

// The identifiers by which a row finds its customer, in rule order (identity resolution).
export const IDENTIFIER_FIELDS = ['unionid', 'openid', 'phone', 'posNo'] as const;

const ALIASES: Record<ImportField, readonly string[]> = {
  name: ['姓名', '名字', '客户姓名', '会员姓名', '顾客姓名', '客户名称', '会员名称', '联系人', '收货人', 'name', 'fullname', 'customername', 'membername'],
  phone: ['手机', '手机号', '手机号码', '电话', '电话号码', '联系电话', '联系方式', '移动电话', '会员手机', '会员手机号', '收货人手机', 'mobile', 'phone', 'phonenumber', 'tel', 'telephone', 'cellphone', 'mobilephone'],
  posNo: ['会员号', '会员卡号', '卡号', '会员编号', '会员卡', 'pos会员号', 'pos卡号', 'vip卡号', 'vip号', 'memberno', 'membernumber', 'cardno', 'cardnumber', 'posid', 'posno', 'membershipnumber', 'vipno'],
  unionid: ['unionid', '微信unionid'],
  openid: ['openid', '微信openid', '小程序openid'],
  gender: ['性别', '性別', 'sex', 'gender'],
  birthday: ['生日', '出生日期', '出生年月日', '出生年月', '生日日期', 'birthday', 'birthdate', 'dateofbirth', 'dob'],
  birthdayCalendar: ['历法', '生日历法', '生日类型', '农历公历', '公历农历', '农历/公历', '公历/农历', 'calendar', 'birthdaycalendar'],
  region: ['地区', '所在地区', '省市区', '所在地', '城市', '区域', '地址', '联系地址', '收货地址', '行政区划', '行政区划代码', '区划代码', 'region', 'city', 'area', 'address', 'regioncode'],
  storeCode: ['门店', '门店代码', '门店编号', '门店编码', '所属门店', '开卡门店', '消费门店', '店铺', '店铺编码', 'store', 'storecode', 'storeid', 'shop', 'shopcode'],
  joinedAt: ['注册时间', '入会时间', '开卡时间', '开卡日期', '注册日期', '入会日期', '建档时间', '创建时间', 'joindate', 'joinedat', 'registeredat', 'registrationdate', 'createdat', 'signupdate'],
  orderNo: ['订单号', '单号', '订单编号', '流水号', '小票号', '交易单号', '销售单号', 'orderno', 'orderid', 'ordernumber', 'receiptno', 'transactionid'],
  amount: ['金额', '订单金额', '实付金额', '实收金额', '支付金额', '消费金额', '总金额', '实付', '应付金额', 'amount', 'total', 'totalamount', 'paid', 'paidamount'],
  orderedAt: ['下单时间', '订单时间', '交易时间', '消费时间', '支付时间', '购买时间', '销售时间', '订单日期', '交易日期', '日期', '时间', 'orderdate', 'orderedat', 'date', 'time', 'createdtime', 'paidat'],
};

// Header comparison key: full-width folded, lower case, no spaces, underscores, punctuation or
// "required" stars ("手机号*", "Phone_Number", "（手机）" all compare equal to their field).
export const headerKey = (header: string): string =>
  header
    .normalize('NFKC')
    .replace(/^\ufeff/, '')
    .toLowerCase()
    .replace(/[\s_\-*:：()（）[\]【】.]/g, '');

const ALIAS_INDEX: Record<ImportKind, Map<string, ImportField>> = {
  customers: new Map(FIELDS.customers.flatMap((f) => ALIASES[f].map((a) => [headerKey(a), f] as [string, ImportField]))),
  orders: new Map(FIELDS.orders.flatMap((f) => ALIASES[f].map((a) => [headerKey(a), f] as [string, ImportField]))),
};

// A suggested mapping for a file's headers: the remembered mapping of the source where it names
// the header, else the alias table; each field is given to one column at most (the first).
export const suggestMapping = (kind: ImportKind, headers: readonly string[], remembered: ColumnMapping | null = null): ColumnMapping => {
  const out: ColumnMapping = {};
  const taken = new Set<ImportField>();
  for (const h of headers) {
    const fromSource = remembered && Object.prototype.hasOwnProperty.call(remembered, h) ? remembered[h] : undefined;
    const field = fromSource !== undefined ? fromSource : (ALIAS_INDEX[kind].get(headerKey(h)) ?? null);
    if (field && !taken.has(field) && (FIELDS[kind] as readonly string[]).includes(field)) {
      out[h] = field;
      taken.add(field);
    } else out[h] = null;
  }
  return out;
};

// What a mapping lacks to be importable, as messages naming the field.
export const mappingProblems = (kind: ImportKind, mapping: ColumnMapping): { path: string; message: string }[] => {
  const fields = new Set(Object.values(mapping).filter((f): f is ImportField => f !== null));
  const problems: { path: string; message: string }[] = [];
  const seen = new Map<ImportField, string>();
  for (const [header, field] of Object.entries(mapping)) {
    if (!field) continue;
    if (!(FIELDS[kind] as readonly string[]).includes(field)) problems.push({ path: `mapping.${header}`, message: `${kind === 'orders' ? '订单' : '顾客'}导入没有“${field}”这一项` });
    const other = seen.get(field);
    if (other !== undefined) problems.push({ path: `mapping.${header}`, message: `“${header}”和“${other}”都对应了${FIELD_LABELS[field]}` });
    seen.set(field, header);
  }
  if (kind === 'customers' && !IDENTIFIER_FIELDS.some((f) => fields.has(f))) {
    problems.push({ path: 'mapping', message: '至少要有一列手机号、会员卡号、unionid 或 openid，才能识别顾客' });
  }
  if (kind === 'orders') {
    for (const f of ['orderNo', 'amount', 'orderedAt'] as const) {
      if (!fields.has(f)) problems.push({ path: 'mapping', message: `需要一列${FIELD_LABELS[f]}` });
    }
  }
  return problems;
};

export type ImportOutcome = 'accepted' | 'fixed' | 'merged' | 'unchanged' | 'conflict' | 'rejected';
export const OUTCOME_LABELS: Record<ImportOutcome, string> = {
  accepted: '已接受',
  fixed: '已修正',
  merged: '已合并',
  unchanged: '无变化',
  conflict: '待合并',
  rejected: '已拒绝',
};
export type IdentityRule = 'unionid' | 'openid' | 'phone' | 'pos' | 'file';
export const RULE_LABELS: Record<IdentityRule, string> = {
  unionid: 'unionid',
  openid: 'openid',
  phone: '手机号',
  pos: '会员卡号',
  file: '同一文件的前一行',
};
