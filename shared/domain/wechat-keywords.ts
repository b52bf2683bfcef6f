// WeChat subscribe-message keyword rules (订阅消息 "参数值内容限制"), by key prefix: thing1 -> thing.
// One implementation for the sender (checks before sending) and the simulator (which answers
// 47003 like WeChat): a value that passes here is one WeChat accepts.
import { z } from 'zod';

const HAN = /\p{Script=Han}/u;
const ONLY_HAN = /^\p{Script=Han}+$/u;
const CONTROL = /\p{Cc}/u;

function charCount(value: string): number {
  return Array.from(value).length;
}

function isRealDate(year: number, month: number, day: number): boolean {
  if (month < 1 || month > 12 || day < 1) return false;
  const daysInMonth = new Date(Date.UTC(year, month, 0)).getUTCDate();
  return day <= daysInMonth;
}

function isDate(text: string): boolean {
  const m = /^(\d{4})年(\d{1,2})月(\d{1,2})日$/.exec(text) ?? /^(\d{4})([-/])(\d{1,2})\2(\d{1,2})$/.exec(text);
  if (!m) return false;
  const parts = m.length === 4 ? [m[1], m[2], m[3]] : [m[1], m[3], m[4]];
  const [y, mo, d] = parts.map((p) => Number(p));
  return y !== undefined && mo !== undefined && d !== undefined && isRealDate(y, mo, d);
}

function isClockTime(text: string): boolean {
  return /^([01]?\d|2[0-3]):[0-5]\d(:[0-5]\d)?$/.test(text);
}

// One point in time: "2026-11-22", "2026年11月22日", "15:01", "2026年11月22日 15:01".
function isPoint(text: string, kind: 'date' | 'time'): boolean {
  const pieces = text.trim().split(/\s+/);
  if (pieces.length === 1) {
    const only = pieces[0] ?? '';
    return kind === 'date' ? isDate(only) : isClockTime(only);
  }
  if (pieces.length === 2) return isDate(pieces[0] ?? '') && isClockTime(pieces[1] ?? '');
  return false;
}

// Both date and time accept a span written "A~B".
function isPointOrRange(value: string, kind: 'date' | 'time'): boolean {
  const parts = value.split(/[~～]/);
  if (parts.length > 2) return false;
  return parts.every((p) => isPoint(p, kind));
}

type KeywordRule = (value: string) => string | null;

const KEYWORD_RULES: Record<string, KeywordRule> = {
  thing: (v) => (charCount(v) > 20 ? 'exceeds 20 characters' : CONTROL.test(v) ? 'contains control characters' : null),
  number: (v) => (!/^-?\d+(\.\d+)?$/.test(v) ? 'must be a number' : v.length > 32 ? 'exceeds 32 characters' : null),
  letter: (v) => (/^[A-Za-z]{1,32}$/.test(v) ? null : 'must be at most 32 letters'),
  symbol: (v) => (charCount(v) <= 5 && /^[^\p{L}\p{N}\s]+$/u.test(v) ? null : 'must be at most 5 symbols'),
  character_string: (v) => (/^[\x21-\x7E]{1,32}$/.test(v) ? null : 'must be at most 32 digits, letters or symbols'),
  time: (v) => (isPointOrRange(v, 'time') ? null : 'invalid time format'),
  date: (v) => (isPointOrRange(v, 'date') ? null : 'invalid date format'),
  amount: (v) => (/^[¥￥$€£]?\d{1,10}(\.\d{1,2})?元?$/.test(v) ? null : 'invalid amount'),
  phone_number: (v) => (v.length <= 17 && /^[\d+\-() ]+$/.test(v) && /\d/.test(v) ? null : 'invalid phone number'),
  car_number: (v) =>
    charCount(v) <= 8 && /^[\p{Script=Han}A-Za-z0-9][A-Za-z0-9]*[\p{Script=Han}A-Za-z0-9]?$/u.test(v)
      ? null
      : 'invalid car number',
  // Chinese names: up to 10 characters (mixed Chinese and letters count as Chinese); otherwise up
  // to 20 letters or symbols. Digits are never part of a name.
  name: (v) => {
    if (/\d/.test(v) || CONTROL.test(v)) return 'invalid name';
    if (HAN.test(v)) return charCount(v) <= 10 ? null : 'exceeds 10 Chinese characters';
    return charCount(v) <= 20 ? null : 'exceeds 20 letters';
  },
  phrase: (v) => (ONLY_HAN.test(v) && charCount(v) <= 5 ? null : 'must be at most 5 Chinese characters'),
};

/** Checks subscribe-message data against WeChat's keyword rules; returns the 47003 errmsg or null. */
export function checkSubscribeData(data: unknown): string | null {
  if (typeof data !== 'object' || data === null || Array.isArray(data)) return 'argument invalid! data is empty';
  const entries = Object.entries(data);
  if (entries.length === 0) return 'argument invalid! data is empty';
  for (const [key, raw] of entries) {
    const parsed = z.object({ value: z.string() }).safeParse(raw);
    if (!parsed.success) return `argument invalid! data.${key}.value is not a string`;
    const value = parsed.data.value;
    if (value.trim() === '') return `argument invalid! data.${key}.value is empty`;
    const prefix = /^([a-z_]+)\d+$/.exec(key)?.[1];
    const rule = prefix === undefined ? undefined : KEYWORD_RULES[prefix];
    if (rule === undefined) return `argument invalid! data.${key} is not a template keyword`;
    const problem = rule(value);
    if (problem !== null) return `argument invalid! data.${key}.value ${problem}`;
  }
  return null;
}

/** The keyword type of a template key (thing1 -> thing), or null when it is not a keyword. */
export function keywordType(key: string): string | null {
  const prefix = /^([a-z_]+)\d+$/.exec(key)?.[1];
  return prefix !== undefined && prefix in KEYWORD_RULES ? prefix : null;
}

/** Checks plain keyword values (`{ thing1: '生日快乐' }`); null when WeChat would accept them. */
export function checkTemplateValues(values: Record<string, string>): string | null {
  return checkSubscribeData(Object.fromEntries(Object.entries(values).map(([k, v]) => [k, { value: v }])));
}

/** The most characters a keyword type allows, for the types whose limit is a length. */
export const KEYWORD_MAX_CHARS: Readonly<Record<string, number>> = { thing: 20, name: 10, phrase: 5, number: 32, letter: 32, character_string: 32 };
