import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { CITIES, GIVEN_FEMALE, GIVEN_MALE, MOBILE_PREFIXES, SURNAMES } from './scale-catalog';

// Realistic import files at scale for the import bench: what a POS export of a million members
// looks like (Chinese headers, phones in every format, genders as 男/女/先生/F/1, birthdays in
// four formats and lunar ones, regions as names or codes, store codes), with a share of
// defects (invalid phones, impossible dates, unknown regions and stores, repeated customers),
// and an order file referring to those customers by phone or POS number. Deterministic for a
// seed (a small xorshift generator; no dependency on the scale seed's streams).
export type CustomerFileStats = { rows: number; customers: number; repeats: number; invalidPhones: number; badBirthdays: number; unknownRegions: number; lunar: number };

class Prng {
  private s: number;
  constructor(seed: number) {
    this.s = seed >>> 0 || 0x9e3779b9;
  }
  next(): number {
    let x = this.s;
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    this.s = x >>> 0;
    return this.s / 0x100000000;
  }
  int(n: number): number {
    return Math.floor(this.next() * n);
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
  pick<T>(xs: readonly T[]): T {
    return xs[this.int(xs.length)] as T;
  }
}

const FULL_WIDTH = (s: string): string => s.replace(/[0-9]/g, (d) => String.fromCharCode(d.charCodeAt(0) + 0xfee0));
const pad = (n: number, w = 2): string => String(n).padStart(w, '0');
const LUNAR_MONTHS = ['正', '二', '三', '四', '五', '六', '七', '八', '九', '十', '冬', '腊'];
const LUNAR_DAYS = ['初一', '初五', '初八', '初十', '十二', '十五', '十八', '二十', '廿三', '廿六'];
const DISTRICT_NAMES: Record<string, string> = {
  '310104': '上海市徐汇区', '310105': '上海市长宁区', '310115': '上海市浦东新区', '110105': '北京市朝阳区', '110108': '北京市海淀区',
  '440305': '广东省深圳市南山区', '440304': '深圳市福田区', '440106': '广州市天河区', '330106': '浙江省杭州市西湖区', '320106': '南京市鼓楼区',
  '510107': '四川省成都市武侯区', '420106': '武汉市武昌区', '500105': '重庆市江北区', '320505': '苏州市虎丘区', '610113': '西安市雁塔区',
};
const REGION_NAMES = Object.entries(DISTRICT_NAMES);

export const phoneOf = (i: number): string => {
  const prefix = MOBILE_PREFIXES[i % MOBILE_PREFIXES.length]?.[0] ?? '138';
  return `${prefix}${pad((i * 48_271 + 12_345_679) % 100_000_000, 8)}`;
};
export const posOf = (i: number): string => `VIP${pad(i + 1, 8)}`;

const csvCell = (v: string): string => (/[",\n\r]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v);

// Writes a customer file of `rows` rows. Customer i has phone phoneOf(i) and POS number posOf(i).
export const writeCustomerFile = async (file: string, rows: number, seed = 7, stores = 200): Promise<CustomerFileStats> => {
  const r = new Prng(seed);
  const out = createWriteStream(file);
  const stats: CustomerFileStats = { rows, customers: 0, repeats: 0, invalidPhones: 0, badBirthdays: 0, unknownRegions: 0, lunar: 0 };
  let buf = '\ufeff会员卡号,姓名,手机号,性别,生日,地区,开卡门店,开卡日期\n';
  let customer = 0;
  for (let n = 0; n < rows; n++) {
    // ~2 % of rows repeat an earlier customer (a second export, another store's record).
    const repeat = customer > 10 && r.chance(0.02);
    const i = repeat ? r.int(customer) : customer++;
    if (repeat) stats.repeats++;
    const female = r.chance(0.6);
    const surname = SURNAMES[r.int(SURNAMES.length)]?.[0] ?? '王';
    let name = surname + r.pick(female ? GIVEN_FEMALE : GIVEN_MALE) + (r.chance(0.7) ? r.pick(female ? GIVEN_FEMALE : GIVEN_MALE) : '');
    if (r.chance(0.02)) name = ` ${name.slice(0, 1)} ${name.slice(1)} `;
    let phone = phoneOf(i);
    const f = r.next();
    if (f < 0.1) phone = `+86 ${phone.slice(0, 3)} ${phone.slice(3, 7)} ${phone.slice(7)}`;
    else if (f < 0.15) phone = `${phone.slice(0, 3)}-${phone.slice(3, 7)}-${phone.slice(7)}`;
    else if (f < 0.18) phone = FULL_WIDTH(phone);
    else if (f < 0.2) phone = `0086${phone}`;
    else if (f < 0.205) {
      phone = phone.slice(0, 10);
      stats.invalidPhones++;
    }
    const gender = r.pick(female ? ['女', '女', '女士', 'F', '2', ''] : ['男', '男', '先生', 'M', '1', '']);
    let birthday = '';
    if (r.chance(0.6)) {
      const y = 1960 + r.int(45);
      const m = 1 + r.int(12);
      const d = 1 + r.int(28);
      const b = r.next();
      if (b < 0.08) {
        birthday = r.chance(0.5) ? `农历${y}年${LUNAR_MONTHS[m - 1]}月${r.pick(LUNAR_DAYS)}` : `农历${y}-${pad(m)}-${pad(d)}`;
        stats.lunar++;
      } else if (b < 0.09) {
        birthday = `${y}-02-30`;
        stats.badBirthdays++;
      } else if (b < 0.4) birthday = `${y}-${pad(m)}-${pad(d)}`;
      else if (b < 0.7) birthday = `${y}/${m}/${d}`;
      else if (b < 0.85) birthday = `${y}${pad(m)}${pad(d)}`;
      else birthday = `${y}年${m}月${d}日`;
    }
    let region = '';
    const g = r.next();
    if (g < 0.55) region = (REGION_NAMES[r.int(REGION_NAMES.length)] as [string, string])[1];
    else if (g < 0.8) region = r.pick(CITIES[r.int(CITIES.length)]?.districts ?? ['310104']);
    else if (g < 0.81) {
      region = '火星基地';
      stats.unknownRegions++;
    }
    const store = `S${pad(1 + r.int(stores + 2), 3)}`; // a few codes beyond the last store: unknown stores
    const joined = `20${pad(18 + r.int(8))}-${pad(1 + r.int(12))}-${pad(1 + r.int(28))} ${pad(r.int(24))}:${pad(r.int(60))}:00`;
    buf += `${posOf(i)},${csvCell(name)},${csvCell(phone)},${gender},${birthday},${csvCell(region)},${store},${joined}\n`;
    if (buf.length > 1 << 18) {
      if (!out.write(buf)) await once(out, 'drain');
      buf = '';
    }
  }
  stats.customers = customer;
  out.end(buf);
  await once(out, 'finish');
  return stats;
};

// Orders of the first `customers` customers: by phone or by POS number, amounts as POS systems
// print them, a few unknown customers and repeated lines.
export const writeOrderFile = async (file: string, rows: number, customers: number, seed = 11, stores = 200): Promise<void> => {
  const r = new Prng(seed);
  const out = createWriteStream(file);
  let buf = '订单号,手机号,会员卡号,实付金额,下单时间,门店\n';
  for (let n = 0; n < rows; n++) {
    const i = r.int(customers);
    const byPhone = r.chance(0.5);
    const unknown = r.chance(0.005);
    const phone = byPhone ? (unknown ? '13312345678' : phoneOf(i)) : '';
    const pos = byPhone ? '' : unknown ? 'VIP99999999' : posOf(i);
    const fen = 990 + r.int(200_000);
    const a = r.next();
    const amount = a < 0.3 ? `¥${(fen / 100).toLocaleString('en-US', { minimumFractionDigits: 2 })}` : a < 0.4 ? `${(fen / 100).toFixed(2)}元` : (fen / 100).toFixed(2);
    const at = `2025-${pad(1 + r.int(12))}-${pad(1 + r.int(28))} ${pad(10 + r.int(12))}:${pad(r.int(60))}:${pad(r.int(60))}`;
    const no = `POS${pad(n + 1, 9)}`;
    const line = `${no},${phone},${pos},${csvCell(amount)},${at},S${pad(1 + r.int(stores), 3)}\n`;
    buf += line;
    if (r.chance(0.002)) buf += line; // the same sale exported twice
    if (buf.length > 1 << 18) {
      if (!out.write(buf)) await once(out, 'drain');
      buf = '';
    }
  }
  out.end(buf);
  await once(out, 'finish');
};
