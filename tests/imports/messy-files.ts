import ExcelJS from 'exceljs';
import iconv from 'iconv-lite';

// Messy import files for the tests, generated: the same table as UTF-8 with and without BOM,
// GBK (Excel's "CSV" in China), and XLSX, with Chinese headers and every defect the import
// has to handle. Row numbers in the report are the file's line numbers (the header is row 1).
export type Table = { headers: string[]; rows: string[][] };

const cell = (v: string): string => (/[",\n\r]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v);
export const csvText = (t: Table, eol = '\r\n'): string => [t.headers, ...t.rows].map((r) => r.map(cell).join(',')).join(eol) + eol;

export type Variant = 'utf-8' | 'utf-8-bom' | 'gbk' | 'xlsx';
export const VARIANTS: readonly Variant[] = ['utf-8', 'utf-8-bom', 'gbk', 'xlsx'];

export const encodeTable = async (t: Table, variant: Variant): Promise<{ bytes: Buffer; fileName: string }> => {
  if (variant === 'xlsx') {
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('会员');
    ws.addRow(t.headers);
    // Empty strings become empty cells; an all-digit phone becomes a number cell, as Excel does.
    for (const r of t.rows) ws.addRow(r.map((v) => (v === '' ? null : /^1\d{10}$/.test(v) ? Number(v) : v)));
    return { bytes: Buffer.from(await wb.xlsx.writeBuffer()), fileName: 'members.xlsx' };
  }
  const text = csvText(t);
  if (variant === 'gbk') return { bytes: iconv.encode(text, 'gbk'), fileName: 'members-gbk.csv' };
  const utf8 = Buffer.from(text, 'utf8');
  return variant === 'utf-8-bom' ? { bytes: Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), utf8]), fileName: 'members-bom.csv' } : { bytes: utf8, fileName: 'members.csv' };
};

// Customers: one line per defect (comments say what the report must say about it).
export const CUSTOMER_HEADERS = ['姓名', '手机号码', '会员卡号', '性别', '生日', '历法', '所在地区', '开卡门店', '开卡时间'];
export const CUSTOMERS: Table = {
  headers: CUSTOMER_HEADERS,
  rows: [
    /* 2 */ ['张三', '13800138000', 'VIP001', '男', '1990-08-15', '', '上海市徐汇区', 'A1', '2024-01-05'], // clean: accepted, new
    /* 3 */ [' 李 四 ', '+86 139-0013-9000', 'VIP002', '女士', '八月十五', '农历', '广东深圳南山', 'A2', '2024/1/6 09:30'], // fixed
    /* 4 */ ['王五', '１３７００１３７０００', '', 'F', '1990-02-30', '', '火星', 'ZZZ', '2024年1月7日'], // fixed, details dropped
    /* 5 */ ['赵六', '12345', 'VIP004', '男', '', '', '', '', ''], // rejected: phone
    /* 6 */ ['钱七', '无', '', '女', '', '', '', '', ''], // rejected: no identifier
    /* 7 */ ['张三丰', '138 0013 8000', 'VIP005', '', '', '', '', '', ''], // same phone as row 2: merged into it
    /* 8 */ ['孙八', '13600136000', '', '男', '', '', '', '', ''], // an existing member (by phone) lacking name/gender: merged, filled
    /* 9 */ ['周九', '13500135000', 'VIP900', '', '', '', '', '', ''], // phone → one member, POS → another: conflict
    /* 10 */ ['', '', '', '', '', '', '', '', ''], // blank line: skipped
    /* 11 */ ['吴十', '13300133000', '', '男', '', '', '', '', ''], // an existing member with all of it: unchanged
    /* 12 */ ['郑十一', '13100131000', 'VIP011', '2', '农历2001年闰四月初八', '', '310105', 'A1', '45296'], // lunar leap month, code, Excel serial
  ],
};

export const ORDER_HEADERS = ['订单编号', '手机', '会员卡号', '实付金额', '下单时间', '门店编码'];
export const ORDERS: Table = {
  headers: ORDER_HEADERS,
  rows: [
    /* 2 */ ['SO-1', '13800138000', '', '￥1,234.50', '2024/1/5 10:00', 'A1'], // fixed (amount, date), by phone
    /* 3 */ ['SO-2', '', 'VIP002', '99', '2024-01-06 12:00:00', ''], // accepted, by POS number
    /* 4 */ ['SO-3', '13000000001', '', '10', '2024-01-06', ''], // unknown customer: rejected
    /* 5 */ ['SO-1', '+86 13800138000', '', '1234.5', '2024-01-05 10:00', 'A1'], // same order again: unchanged
    /* 6 */ ['SO-4', '', '', '50', '2024-01-07', ''], // no customer: accepted, not linked
    /* 7 */ ['SO-5', '13800138000', '', '-5', '2024-01-07', ''], // rejected: amount
    /* 8 */ ['SO-2', '', 'VIP002', '100', '2024-01-06 12:00:00', ''], // same number, other amount: rejected
    /* 9 */ ['SO-6', '13500135000', 'VIP900', '20', '2024-01-08', ''], // identifiers of two members: rejected
    /* 10 */ ['SO-7', '13800138000', '', '１２.３', '2024-13-01', ''], // rejected: date
  ],
};
