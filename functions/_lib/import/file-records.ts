import { pipeline, Readable, Transform, type TransformCallback } from 'node:stream';
import { parse } from 'csv-parse';
import ExcelJS from 'exceljs';
import iconv from 'iconv-lite';

// Files as shops export them, read as a header and rows of strings, streaming (a million-row
// file never sits in memory). CSV in UTF-8 with or without BOM, UTF-16 with BOM, or GBK/GB18030
// (Excel's default "CSV" in China): a strict UTF-8 decode of the start of the file decides, and
// anything that is not valid UTF-8 is read as GB18030 (a superset of GBK). Comma, tab or
// semicolon separated (whichever the header line uses most). XLSX through exceljs' streaming
// reader, first worksheet; date cells become "YYYY-MM-DD HH:mm:ss" wall times.
export type FileFormat = 'csv' | 'xlsx';
export type Encoding = 'utf-8' | 'utf-16le' | 'utf-16be' | 'gb18030' | 'xlsx';
export type FileRecord = { rowNo: number; cells: string[] };

export class FileFormatError extends Error {}

const ZIP_MAGIC = Buffer.from([0x50, 0x4b, 0x03, 0x04]);
const OLE_MAGIC = Buffer.from([0xd0, 0xcf, 0x11, 0xe0]);

export const detectFormat = (head: Buffer, fileName: string): FileFormat => {
  if (head.subarray(0, 4).equals(ZIP_MAGIC)) return 'xlsx';
  if (head.subarray(0, 4).equals(OLE_MAGIC) || /\.xls$/i.test(fileName)) {
    throw new FileFormatError('这是旧版 Excel（.xls）文件：请在 Excel 里另存为 .xlsx 或 CSV 再导入');
  }
  if (/\.(xlsx|xlsm)$/i.test(fileName)) throw new FileFormatError('文件名是 .xlsx，但内容不是 Excel 文件');
  return 'csv';
};

// The end of a buffer may cut a UTF-8 sequence in half; that is not an encoding error.
const trimPartialUtf8 = (b: Buffer): Buffer => {
  let i = b.length - 1;
  let back = 0;
  while (i >= 0 && back < 4 && (b[i]! & 0xc0) === 0x80) {
    i--;
    back++;
  }
  if (i < 0) return b;
  const lead = b[i]!;
  const need = lead >= 0xf0 ? 4 : lead >= 0xe0 ? 3 : lead >= 0xc0 ? 2 : 1;
  return need > back + 1 ? b.subarray(0, i) : b;
};

export const detectEncoding = (head: Buffer, complete: boolean): { encoding: Exclude<Encoding, 'xlsx'>; bom: number } => {
  if (head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf) return { encoding: 'utf-8', bom: 3 };
  if (head[0] === 0xff && head[1] === 0xfe) return { encoding: 'utf-16le', bom: 2 };
  if (head[0] === 0xfe && head[1] === 0xff) return { encoding: 'utf-16be', bom: 2 };
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(complete ? head : trimPartialUtf8(head));
    return { encoding: 'utf-8', bom: 0 };
  } catch {
    return { encoding: 'gb18030', bom: 0 };
  }
};

// Strict UTF-8 for the rest of the file too: a file that starts as UTF-8 and later is not
// (two exports pasted together) fails with the position, instead of importing mojibake.
class StrictUtf8 extends Transform {
  private decoder = new TextDecoder('utf-8', { fatal: true });
  private offset = 0;
  override _transform(chunk: Buffer, _enc: BufferEncoding, cb: TransformCallback): void {
    try {
      this.push(this.decoder.decode(chunk, { stream: true }));
      this.offset += chunk.length;
      cb();
    } catch {
      cb(new FileFormatError(`文件在第 ${this.offset} 字节附近不是有效的 UTF-8（是否混入了另一种编码？）`));
    }
  }
  override _flush(cb: TransformCallback): void {
    try {
      this.push(this.decoder.decode());
      cb();
    } catch {
      cb(new FileFormatError('文件结尾不是有效的 UTF-8'));
    }
  }
}

const skipBytes = (n: number): Transform => {
  let left = n;
  return new Transform({
    transform(chunk: Buffer, _enc, cb) {
      if (left > 0) {
        const cut = Math.min(left, chunk.length);
        left -= cut;
        chunk = chunk.subarray(cut);
      }
      cb(null, chunk);
    },
  });
};

const cellText = (v: ExcelJS.CellValue): string => {
  if (v === null || v === undefined) return '';
  if (v instanceof Date) {
    // exceljs gives the cell's wall time as a UTC instant.
    const p = (n: number): string => String(n).padStart(2, '0');
    const time = v.getUTCHours() || v.getUTCMinutes() || v.getUTCSeconds() ? ` ${p(v.getUTCHours())}:${p(v.getUTCMinutes())}:${p(v.getUTCSeconds())}` : '';
    return `${v.getUTCFullYear()}-${p(v.getUTCMonth() + 1)}-${p(v.getUTCDate())}${time}`;
  }
  if (typeof v === 'number') return Number.isInteger(v) ? v.toFixed(0) : String(v);
  if (typeof v === 'string') return v;
  if (typeof v === 'boolean') return v ? 'TRUE' : 'FALSE';
  if ('richText' in v) return v.richText.map((t) => t.text).join('');
  if ('result' in v) return cellText((v.result ?? null) as ExcelJS.CellValue);
  if ('text' in v) return String(v.text);
  if ('error' in v) return '';
  return String(v);
};

export type OpenedFile = {
  format: FileFormat;
  encoding: Encoding;
  headers: string[];
  rows: AsyncGenerator<FileRecord>;
};

const delimiterOf = (firstLine: string): string => {
  const counts = [',', '\t', ';'].map((d) => [d, firstLine.split(d).length - 1] as const);
  return [...counts].sort((a, b) => b[1] - a[1])[0]?.[0] ?? ',';
};

// Opens a file for reading: `open` gives a fresh byte stream (called once); `head` is its first
// bytes (at least 64 KB, or all of it) for detection; `complete` says whether head is all of it.
export const openRecords = async (
  fileName: string,
  head: Buffer,
  complete: boolean,
  open: () => Readable,
): Promise<OpenedFile> => {
  const format = detectFormat(head, fileName);
  if (format === 'xlsx') return openXlsx(open());
  const { encoding, bom } = detectEncoding(head, complete);
  const decoder = encoding === 'utf-8' ? new StrictUtf8() : (iconv.decodeStream(encoding) as unknown as Transform);
  const headText = encoding === 'utf-8' ? head.subarray(bom).toString('utf8') : iconv.decode(head.subarray(bom), encoding);
  const firstLine = headText.split(/\r?\n/, 1)[0] ?? '';
  const csv = parse({ delimiter: delimiterOf(firstLine), relax_column_count: true, relax_quotes: true, skip_empty_lines: true, bom: true });
  // pipeline(): an error anywhere (a bad byte, a read error) ends the parser with that error.
  const parser = pipeline(open(), skipBytes(bom), decoder, csv, () => {});
  const iterator = parser[Symbol.asyncIterator]() as AsyncIterator<string[]>;
  const first = await iterator.next();
  if (first.done) throw new FileFormatError('文件是空的');
  const headers = first.value.map((h) => h.replace(/^\ufeff/, '').trim());
  async function* rows(): AsyncGenerator<FileRecord> {
    let rowNo = 1;
    for (;;) {
      const r = await iterator.next();
      if (r.done) return;
      rowNo++;
      if (r.value.every((c) => c.trim() === '')) continue;
      yield { rowNo, cells: r.value };
    }
  }
  return { format, encoding, headers, rows: rows() };
};

const openXlsx = async (stream: Readable): Promise<OpenedFile> => {
  const reader = new ExcelJS.stream.xlsx.WorkbookReader(stream, { sharedStrings: 'cache', styles: 'cache', hyperlinks: 'ignore', worksheets: 'emit', entries: 'emit' });
  const sheets = reader[Symbol.asyncIterator]();
  const sheet = await sheets.next();
  if (sheet.done) throw new FileFormatError('Excel 文件里没有工作表');
  const rowIterator = (sheet.value as unknown as AsyncIterable<ExcelJS.Row>)[Symbol.asyncIterator]();
  const toCells = (row: ExcelJS.Row): string[] => {
    const values = Array.isArray(row.values) ? row.values : [];
    const out: string[] = [];
    for (let i = 1; i < values.length; i++) out.push(cellText(values[i] as ExcelJS.CellValue));
    return out;
  };
  let headerRow: ExcelJS.Row | null = null;
  for (;;) {
    const r = await rowIterator.next();
    if (r.done) break;
    if (toCells(r.value).some((c) => c.trim() !== '')) {
      headerRow = r.value;
      break;
    }
  }
  if (!headerRow) throw new FileFormatError('工作表是空的');
  const headers = toCells(headerRow).map((h) => h.trim());
  async function* rows(): AsyncGenerator<FileRecord> {
    for (;;) {
      const r = await rowIterator.next();
      if (r.done) break;
      const cells = toCells(r.value);
      if (cells.every((c) => c.trim() === '')) continue;
      yield { rowNo: r.value.number, cells };
    }
    // Drain the other sheets so the zip stream ends cleanly.
    for (;;) {
      const s = await sheets.next();
      if (s.done) return;
      for await (const _ of s.value as unknown as AsyncIterable<ExcelJS.Row>) void _;
    }
  }
  return { format: 'xlsx', encoding: 'xlsx', headers, rows: rows() };
};

export const openBuffer = (fileName: string, bytes: Buffer): Promise<OpenedFile> =>
  openRecords(fileName, bytes, true, () => Readable.from([bytes]));
