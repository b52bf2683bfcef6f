// A stand-in for WeChat's servers (api.weixin.qq.com) for the local demo and tests. It speaks the
// real paths, request and response shapes and errcodes, so the production client is pointed at it
// by configuration alone and exercises exactly the code paths it uses against WeChat.
//
// Like WeChat, API errors are HTTP 200 with `{errcode, errmsg}`; only unknown paths get a 404.

import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomBytes } from 'node:crypto';
import { parsePhoneNumberFromString } from 'libphonenumber-js';
import { z } from 'zod';
import { checkSubscribeData } from '../shared/domain/wechat-keywords';

export type WechatSimEndpoint = 'jscode2session' | 'stable_token' | 'getuserphonenumber' | 'subscribe_send' | 'msg_sec_check';

/**
 * Text content security (msgSecCheck 2.0) stands in for WeChat's model with a list of words: a
 * text containing one (case and spaces ignored) gets that word's verdict and label; "risky"
 * outranks "review". Labels as WeChat's: 10001 ad, 20001 politics, 20002 porn, 20003 abuse,
 * 20006 crime, 20008 fraud, 20012 vulgar, 20013 copyright, 21000 other.
 */
export type ContentRule = { word: string; suggest: 'risky' | 'review'; label: number };

export const DEFAULT_CONTENT_RULES: ReadonlyArray<ContentRule> = [
  { word: '赌博', suggest: 'risky', label: 20006 },
  { word: '代开发票', suggest: 'risky', label: 20006 },
  { word: '刷单', suggest: 'risky', label: 20008 },
  { word: '色情', suggest: 'risky', label: 20002 },
  { word: '兼职日结', suggest: 'review', label: 20008 },
  { word: '私聊领取', suggest: 'review', label: 10001 },
  // WeChat's own test texts for msgSecCheck 1.0 (87014).
  { word: '特3456书yuuo莞6543李zxcz蒜7782法fgnv级', suggest: 'risky', label: 21000 },
  { word: '完2347全dfji试3726测asad感3847知qwez到', suggest: 'risky', label: 21000 },
];

export type ContentCheck = { appid: string; openid: string | null; scene: number | null; version: 1 | 2; content: string; suggest: 'pass' | 'review' | 'risky' };

export type MiniprogramState = 'developer' | 'trial' | 'formal';
export type SubscribeLang = 'zh_CN' | 'en_US' | 'zh_HK' | 'zh_TW';

export type SentMessage = {
  msgid: number;
  appid: string;
  toUser: string;
  templateId: string;
  page: string | null;
  data: Record<string, { value: string }>;
  miniprogramState: MiniprogramState;
  lang: SubscribeLang;
  sentAt: Date;
};

export type FaultSpec = {
  endpoint: WechatSimEndpoint;
  /** errcode to answer with; 0 means "only delay, then behave normally" (a slow but successful call). */
  errcode: number;
  errmsg?: string;
  /** How many consecutive calls the fault applies to (default 1). */
  times?: number;
  /** Wait this long before answering, to make clients hit their timeouts. */
  delayMs?: number;
};

export type WechatSimulatorOptions = {
  /** appid -> appsecret */
  apps: Record<string, string>;
  /** Clock in epoch ms; tests move it to expire codes and tokens without waiting. */
  now?: () => number;
  /** Lifetime of login and phone codes (WeChat: 5 minutes). */
  codeTtlMs?: number;
  /** Lifetime of access tokens in seconds (WeChat: 7200). */
  tokenTtlSeconds?: number;
  /** msgSecCheck's words (default DEFAULT_CONTENT_RULES). */
  contentRules?: ReadonlyArray<ContentRule>;
  /** msgSecCheck 2.0 needs a user who opened the mini-program this recently (WeChat: 2 hours), else 61010. */
  visitWindowMs?: number;
  /** Network round trip plus WeChat's own work: every API call (not the dev endpoints) answers this late (default 0). */
  latencyMs?: number;
  /**
   * Calls per appid and day (China time) before errcode 45009. WeChat documents a daily limit
   * for subscribeMessage.send (10 M a day, 30 M with WeChat Pay); absent = no limit.
   */
  dailyQuota?: Partial<Record<WechatSimEndpoint, number>>;
};

/** What `POST /dev/config` (and `configure`) may change while the simulator runs. */
export type WechatSimulatorSettings = Pick<WechatSimulatorOptions, 'latencyMs' | 'dailyQuota'>;

export type WechatSimulator = {
  handle(req: IncomingMessage, res: ServerResponse, pathname: string): Promise<void>;
  mintLoginCode(input: { appid: string; openid: string; unionid?: string }): string;
  mintPhoneCode(input: { appid: string; phoneNumber: string }): string;
  /** Adds one-time subscription credits (what the user's tap on wx.requestSubscribeMessage grants). Returns the remaining credit. */
  grantSubscription(input: { appid: string; openid: string; templateId: string; count?: number }): number;
  injectFault(fault: FaultSpec): void;
  /** Replaces msgSecCheck's words. */
  setContentRules(rules: ReadonlyArray<ContentRule>): void;
  /** The user opened the mini-program now (wx.login, a subscription tap … do this too). */
  recordVisit(input: { appid: string; openid: string }): void;
  /** Every text msgSecCheck judged, with its verdict. */
  contentChecks(): ReadonlyArray<ContentCheck>;
  /** Makes every issued access token expired, as if two hours had passed for them. */
  expireAccessTokens(): void;
  sentMessages(): ReadonlyArray<SentMessage>;
  /** Number of requests received by an endpoint, whatever their outcome (faults included). */
  calls(endpoint: WechatSimEndpoint): number;
  /** Latency and daily quotas (undefined leaves a setting as it is). */
  configure(settings: WechatSimulatorSettings): void;
  reset(): void;
};

export const WECHAT_SIM_ENDPOINTS: ReadonlyArray<WechatSimEndpoint> = [
  'jscode2session',
  'stable_token',
  'getuserphonenumber',
  'subscribe_send',
  'msg_sec_check',
];

// errmsg texts as WeChat writes them (clients must only rely on errcode).
const ERRMSG: Record<number, string> = {
  [-1]: 'system error',
  40001: 'invalid credential, access_token is invalid or not latest',
  40002: 'invalid grant_type',
  40003: 'invalid openid',
  40013: 'invalid appid',
  40029: 'invalid code',
  40037: 'invalid template_id',
  40125: 'invalid appsecret',
  40163: 'code been used',
  41001: 'access_token missing',
  41002: 'appid missing',
  41004: 'appsecret missing',
  41008: 'missing code',
  42001: 'access_token expired',
  43001: 'require GET method',
  43002: 'require POST method',
  43101: 'user refuse to accept the msg',
  44002: 'empty post data',
  45009: 'reach max api daily quota limit',
  45011: 'api minute-quota reach limit  mustslower  retry next minute',
  47001: 'data format error',
  47003: 'argument invalid!',
  40129: 'invalid scene',
  43104: 'appid not match openid',
  43302: 'http method error, please use POST',
  61010: 'user access record expired',
  87014: 'risky content',
};

const TEMPLATE_ID_PATTERN = /^[A-Za-z0-9_-]{10,64}$/;
const MINIPROGRAM_STATES: ReadonlyArray<MiniprogramState> = ['developer', 'trial', 'formal'];
const LANGS: ReadonlyArray<SubscribeLang> = ['zh_CN', 'en_US', 'zh_HK', 'zh_TW'];
// WeChat renews a stable token in its last 5 minutes while the old one keeps working until it
// expires; without this hand-over a client refreshing early would get the dying token back.
const STABLE_TOKEN_RENEW_WINDOW_MS = 5 * 60 * 1000;
const MAX_BODY_BYTES = 1024 * 1024;

// Subscribe-message keyword rules live in shared/domain so the sender checks exactly what this
// simulator (standing in for WeChat) enforces.
export { checkSubscribeData };

// ---------------------------------------------------------------------------------------------

type LoginCode = { appid: string; openid: string; unionid: string | undefined; expiresAt: number; used: boolean };
type PhoneCode = { appid: string; phoneNumber: string; expiresAt: number; used: boolean };
type IssuedToken = { appid: string; expiresAt: number; revoked: boolean };
type PendingFault = { errcode: number; errmsg: string | undefined; remaining: number; delayMs: number };
type Reply = { status: number; body: unknown; contentType?: string };

class BadDevRequest extends Error {}

const jsonObject = z.record(z.string(), z.unknown());

const devLoginCodeBody = z.object({ appid: z.string().min(1), openid: z.string().min(1), unionid: z.string().min(1).optional() });
const devPhoneCodeBody = z.object({ appid: z.string().min(1), phoneNumber: z.string().min(1) });
const devSubscribeBody = z.object({
  appid: z.string().min(1),
  openid: z.string().min(1),
  templateId: z.string().min(1),
  count: z.number().int().positive().max(1000).optional(),
});
const devSubscribeManyBody = z.object({
  appid: z.string().min(1),
  templateId: z.string().min(1),
  openids: z.array(z.string().min(1)).min(1).max(100_000),
  count: z.number().int().positive().max(1000).optional(),
});
const devContentRulesBody = z.object({
  rules: z.array(z.object({ word: z.string().min(1), suggest: z.enum(['risky', 'review']), label: z.number().int() })).max(1000),
});
const devFaultBody = z.object({
  endpoint: z.enum(['jscode2session', 'stable_token', 'getuserphonenumber', 'subscribe_send', 'msg_sec_check']),
  errcode: z.number().int(),
  errmsg: z.string().optional(),
  times: z.number().int().positive().max(10_000).optional(),
  delayMs: z.number().int().nonnegative().max(120_000).optional(),
});
const simEndpointEnum = z.enum(['jscode2session', 'stable_token', 'getuserphonenumber', 'subscribe_send', 'msg_sec_check']);
const devConfigBody = z
  .object({
    latencyMs: z.number().int().nonnegative().max(60_000).optional(),
    dailyQuota: z.partialRecord(simEndpointEnum, z.number().int().nonnegative()).optional(),
  })
  .strict();

// WeChat's quotas reset at midnight in China (UTC+8, no daylight saving).
function chinaDay(epochMs: number): string {
  return new Date(epochMs + 8 * 3600 * 1000).toISOString().slice(0, 10);
}

function randomToken(bytes: number): string {
  return randomBytes(bytes).toString('base64url');
}

function rid(): string {
  return `${randomBytes(4).toString('hex')}-${randomBytes(4).toString('hex')}-${randomBytes(4).toString('hex')}`;
}

function wxError(errcode: number, errmsg?: string): { errcode: number; errmsg: string } {
  return { errcode, errmsg: `${errmsg ?? ERRMSG[errcode] ?? 'error'} rid: ${rid()}` };
}

function splitPhone(input: string): { phoneNumber: string; purePhoneNumber: string; countryCode: string } {
  const parsed = parsePhoneNumberFromString(input, 'CN');
  if (!parsed) throw new BadDevRequest(`not a phone number: ${input}`);
  const countryCode = parsed.countryCallingCode;
  const pure = parsed.nationalNumber;
  // WeChat gives mainland numbers without the country code and foreign ones with it.
  return { phoneNumber: countryCode === '86' ? pure : `+${countryCode}${pure}`, purePhoneNumber: pure, countryCode };
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buf = typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer);
    size += buf.length;
    if (size > MAX_BODY_BYTES) throw new BadDevRequest('body too large');
    chunks.push(buf);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function send(res: ServerResponse, reply: Reply): void {
  if (res.writableEnded || res.destroyed) return;
  const payload = JSON.stringify(reply.body);
  res.writeHead(reply.status, {
    'content-type': reply.contentType ?? 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(payload),
  });
  res.end(payload);
}

type SimulatorInternals = { simulator: WechatSimulator; cancelPending(): void };

function buildSimulator(options: WechatSimulatorOptions): SimulatorInternals {
  const apps = new Map(Object.entries(options.apps));
  const now = options.now ?? Date.now;
  const codeTtlMs = options.codeTtlMs ?? 5 * 60 * 1000;
  const tokenTtlMs = (options.tokenTtlSeconds ?? 7200) * 1000;
  const visitWindowMs = options.visitWindowMs ?? 2 * 3600 * 1000;
  let contentRules: ReadonlyArray<ContentRule> = options.contentRules ?? DEFAULT_CONTENT_RULES;
  let latencyMs = options.latencyMs ?? 0;
  let dailyQuota: Partial<Record<WechatSimEndpoint, number>> = { ...options.dailyQuota };
  // Successful calls per "appid endpoint day" (the day in China time, when WeChat's quotas reset).
  let quotaUsed = new Map<string, number>();

  let loginCodes = new Map<string, LoginCode>();
  let phoneCodes = new Map<string, PhoneCode>();
  let tokens = new Map<string, IssuedToken>();
  let currentToken = new Map<string, string>();
  let knownOpenids = new Map<string, Set<string>>();
  let credits = new Map<string, number>();
  let faults = new Map<WechatSimEndpoint, PendingFault[]>();
  let sent: SentMessage[] = [];
  let callCounts = new Map<WechatSimEndpoint, number>();
  let visits = new Map<string, number>();
  let checks: ContentCheck[] = [];
  let nextMsgid = 2_000_000_000_000 + Math.floor(Math.random() * 1_000_000_000);
  // Delays still running; reset()/close() end them so nothing outlives a test.
  let pendingAbort = new AbortController();

  function requireApp(appid: string): void {
    if (!apps.has(appid)) throw new BadDevRequest(`unknown appid: ${appid}`);
  }

  function rememberOpenid(appid: string, openid: string): void {
    let set = knownOpenids.get(appid);
    if (!set) {
      set = new Set();
      knownOpenids.set(appid, set);
    }
    set.add(openid);
  }

  function visit(appid: string, openid: string): void {
    rememberOpenid(appid, openid);
    visits.set(`${appid}\u0000${openid}`, now());
  }

  function creditKey(appid: string, openid: string, templateId: string): string {
    return `${appid}\u0000${openid}\u0000${templateId}`;
  }

  function countCall(endpoint: WechatSimEndpoint): void {
    callCounts.set(endpoint, (callCounts.get(endpoint) ?? 0) + 1);
  }

  function takeFault(endpoint: WechatSimEndpoint): PendingFault | null {
    const queue = faults.get(endpoint);
    const head = queue?.[0];
    if (!queue || !head) return null;
    head.remaining -= 1;
    if (head.remaining <= 0) queue.shift();
    return head;
  }

  // Resolves true after ms, or false early if the simulator is reset. A client that gave up
  // waiting does not stop WeChat from finishing the work, so the answer is then written to nobody
  // (and a delayed send is still delivered: exactly the ambiguity clients must live with).
  function delay(ms: number): Promise<boolean> {
    const signal = pendingAbort.signal;
    return new Promise((resolve) => {
      if (signal.aborted) return resolve(false);
      const finish = (completed: boolean): void => {
        clearTimeout(timer);
        signal.removeEventListener('abort', onAbort);
        resolve(completed);
      };
      const onAbort = (): void => finish(false);
      const timer = setTimeout(() => finish(true), ms);
      signal.addEventListener('abort', onAbort);
    });
  }

  // ---- WeChat endpoints --------------------------------------------------------------------

  function jscode2session(query: URLSearchParams): Reply {
    const appid = query.get('appid');
    const secret = query.get('secret');
    const jsCode = query.get('js_code');
    if (!appid) return { status: 200, body: wxError(41002) };
    if (!secret) return { status: 200, body: wxError(41004) };
    if (!jsCode) return { status: 200, body: wxError(41008) };
    if (query.get('grant_type') !== 'authorization_code') return { status: 200, body: wxError(40002) };
    const expected = apps.get(appid);
    if (expected === undefined) return { status: 200, body: wxError(40013) };
    if (expected !== secret) return { status: 200, body: wxError(40125) };
    const code = loginCodes.get(jsCode);
    if (!code || code.appid !== appid || code.expiresAt <= now()) return { status: 200, body: wxError(40029) };
    if (code.used) return { status: 200, body: wxError(40163) };
    code.used = true;
    visit(appid, code.openid);
    const body: Record<string, string> = { session_key: randomBytes(16).toString('base64'), openid: code.openid };
    if (code.unionid !== undefined) body.unionid = code.unionid;
    return { status: 200, body };
  }

  function issueToken(appid: string): { token: string; expiresAt: number } {
    const token = randomToken(96);
    const expiresAt = now() + tokenTtlMs;
    tokens.set(token, { appid, expiresAt, revoked: false });
    currentToken.set(appid, token);
    return { token, expiresAt };
  }

  function stableToken(body: Record<string, unknown>): Reply {
    const parsed = z
      .object({
        grant_type: z.unknown(),
        appid: z.string().optional(),
        secret: z.string().optional(),
        force_refresh: z.boolean().optional(),
      })
      .safeParse(body);
    if (!parsed.success) return { status: 200, body: wxError(47001) };
    const { grant_type: grantType, appid, secret, force_refresh: forceRefresh } = parsed.data;
    if (grantType !== 'client_credential') return { status: 200, body: wxError(40002) };
    if (!appid) return { status: 200, body: wxError(41002) };
    if (!secret) return { status: 200, body: wxError(41004) };
    const expected = apps.get(appid);
    if (expected === undefined) return { status: 200, body: wxError(40013) };
    if (expected !== secret) return { status: 200, body: wxError(40125) };

    const currentId = currentToken.get(appid);
    const current = currentId === undefined ? undefined : tokens.get(currentId);
    let token: string;
    let expiresAt: number;
    if (forceRefresh === true) {
      // Force mode invalidates the previous token at once.
      if (current) current.revoked = true;
      ({ token, expiresAt } = issueToken(appid));
    } else if (currentId !== undefined && current && !current.revoked && current.expiresAt - now() > STABLE_TOKEN_RENEW_WINDOW_MS) {
      token = currentId;
      expiresAt = current.expiresAt;
    } else {
      // Normal mode in the last 5 minutes (or after expiry) hands out a new token; the old one
      // stays valid until its own expiry.
      ({ token, expiresAt } = issueToken(appid));
    }
    return { status: 200, body: { access_token: token, expires_in: Math.max(0, Math.floor((expiresAt - now()) / 1000)) } };
  }

  function checkToken(query: URLSearchParams): { appid: string } | { error: Reply } {
    const token = query.get('access_token');
    if (!token) return { error: { status: 200, body: wxError(41001) } };
    const issued = tokens.get(token);
    if (!issued || issued.revoked) return { error: { status: 200, body: wxError(40001) } };
    if (issued.expiresAt <= now()) return { error: { status: 200, body: wxError(42001) } };
    return { appid: issued.appid };
  }

  function getUserPhoneNumber(appid: string, body: Record<string, unknown>): Reply {
    const parsed = z.object({ code: z.string().min(1) }).safeParse(body);
    if (!parsed.success) return { status: 200, body: wxError(47001) };
    const code = phoneCodes.get(parsed.data.code);
    // Single use: a spent, expired or foreign code is simply invalid.
    if (!code || code.used || code.appid !== appid || code.expiresAt <= now()) return { status: 200, body: wxError(40029) };
    code.used = true;
    const phone = splitPhone(code.phoneNumber);
    return {
      status: 200,
      body: {
        errcode: 0,
        errmsg: 'ok',
        phone_info: { ...phone, watermark: { timestamp: Math.floor(now() / 1000), appid } },
      },
    };
  }

  function subscribeSend(appid: string, body: Record<string, unknown>): Reply {
    const toUser = body.touser;
    if (typeof toUser !== 'string' || !knownOpenids.get(appid)?.has(toUser)) return { status: 200, body: wxError(40003) };
    const templateId = body.template_id;
    if (typeof templateId !== 'string' || !TEMPLATE_ID_PATTERN.test(templateId)) return { status: 200, body: wxError(40037) };
    const page = body.page;
    if (page !== undefined && typeof page !== 'string') return { status: 200, body: wxError(47003, 'argument invalid! page') };
    const state = body.miniprogram_state ?? 'formal';
    if (!MINIPROGRAM_STATES.includes(state as MiniprogramState)) {
      return { status: 200, body: wxError(47003, 'argument invalid! miniprogram_state') };
    }
    const lang = body.lang ?? 'zh_CN';
    if (!LANGS.includes(lang as SubscribeLang)) return { status: 200, body: wxError(47003, 'argument invalid! lang') };
    const problem = checkSubscribeData(body.data);
    if (problem !== null) return { status: 200, body: wxError(47003, problem) };

    const key = creditKey(appid, toUser, templateId);
    const credit = credits.get(key) ?? 0;
    if (credit <= 0) return { status: 200, body: wxError(43101) };
    credits.set(key, credit - 1);

    const msgid = nextMsgid++;
    const data = Object.fromEntries(
      Object.entries(body.data as Record<string, { value: string }>).map(([k, v]) => [k, { value: v.value }]),
    );
    sent.push({
      msgid,
      appid,
      toUser,
      templateId,
      page: typeof page === 'string' ? page : null,
      data,
      miniprogramState: state as MiniprogramState,
      lang: lang as SubscribeLang,
      sentAt: new Date(now()),
    });
    return { status: 200, body: { errcode: 0, errmsg: 'ok', msgid } };
  }

  // Normalised for matching: case and whitespace do not hide a word.
  function normalise(text: string): string {
    return text.toLowerCase().replace(/\s+/gu, '');
  }

  function verdict(text: string): { suggest: 'pass' | 'review' | 'risky'; label: number; keyword: string | null } {
    const t = normalise(text);
    const hits = contentRules.filter((r) => t.includes(normalise(r.word)));
    const top = hits.find((r) => r.suggest === 'risky') ?? hits.find((r) => r.suggest === 'review');
    return top ? { suggest: top.suggest, label: top.label, keyword: top.word } : { suggest: 'pass', label: 100, keyword: null };
  }

  function msgSecCheck(appid: string, body: Record<string, unknown>): Reply {
    const content = body.content;
    if (typeof content !== 'string') return { status: 200, body: wxError(47001, 'data format error, content') };
    if (content === '') return { status: 200, body: wxError(44002) };
    if (Array.from(content).length > 2500) return { status: 200, body: wxError(47001, 'data format error, content too long') };
    // Version 1 (no version field): errcode 87014 for risky content, nothing more.
    if (body.version === undefined) {
      const v = verdict(content);
      const suggest = v.suggest === 'risky' ? 'risky' : 'pass';
      checks.push({ appid, openid: null, scene: null, version: 1, content, suggest });
      return { status: 200, body: suggest === 'risky' ? wxError(87014) : { errcode: 0, errmsg: 'ok' } };
    }
    if (body.version !== 2 && body.version !== '2') return { status: 200, body: wxError(47001, 'data format error, version') };
    const scene = body.scene;
    if (typeof scene !== 'number' || ![1, 2, 3, 4].includes(scene)) return { status: 200, body: wxError(40129) };
    const openid = body.openid;
    if (typeof openid !== 'string' || openid === '') return { status: 200, body: wxError(40003) };
    if (!knownOpenids.get(appid)?.has(openid)) {
      const elsewhere = [...knownOpenids.entries()].some(([other, set]) => other !== appid && set.has(openid));
      return { status: 200, body: wxError(elsewhere ? 43104 : 40003) };
    }
    const seen = visits.get(`${appid}\u0000${openid}`);
    if (seen === undefined || now() - seen > visitWindowMs) return { status: 200, body: wxError(61010) };
    const extras = ['title', 'nickname', 'signature'].map((k) => body[k]).filter((v): v is string => typeof v === 'string');
    const v = verdict([content, ...extras].join('\n'));
    checks.push({ appid, openid, scene, version: 2, content, suggest: v.suggest });
    const detail: Array<Record<string, unknown>> = [
      { strategy: 'content_model', errcode: 0, suggest: v.suggest, label: v.label, prob: v.suggest === 'pass' ? 0 : 90 },
      v.keyword ? { strategy: 'keyword', errcode: 0, suggest: v.suggest, label: v.label, level: 90, keyword: v.keyword } : { strategy: 'keyword', errcode: 0 },
    ];
    return {
      status: 200,
      body: { errcode: 0, errmsg: 'ok', trace_id: rid(), result: { suggest: v.suggest, label: v.label }, detail },
    };
  }

  // Parses a WeChat POST body the way WeChat reports problems with it.
  function parseWxBody(raw: string): { ok: true; body: Record<string, unknown> } | { ok: false; reply: Reply } {
    if (raw.trim() === '') return { ok: false, reply: { status: 200, body: wxError(44002) } };
    let value: unknown;
    try {
      value = JSON.parse(raw);
    } catch {
      return { ok: false, reply: { status: 200, body: wxError(47001) } };
    }
    const parsed = jsonObject.safeParse(value);
    return parsed.success ? { ok: true, body: parsed.data } : { ok: false, reply: { status: 200, body: wxError(47001) } };
  }

  async function wechatEndpoint(
    endpoint: WechatSimEndpoint,
    method: 'GET' | 'POST',
    req: IncomingMessage,
    query: URLSearchParams,
  ): Promise<Reply | null> {
    countCall(endpoint);
    const fault = takeFault(endpoint);
    // WeChat has the whole request before it is slow: a client that gives up while waiting does
    // not stop the work (a delayed send is still delivered).
    const raw = req.method === 'POST' ? await readBody(req) : '';
    if (fault && fault.delayMs > 0) {
      const completed = await delay(fault.delayMs);
      if (!completed) return null;
    }
    if (latencyMs > 0 && !(await delay(latencyMs))) return null;
    if (fault && fault.errcode !== 0) return { status: 200, body: wxError(fault.errcode, fault.errmsg) };

    if (method === 'GET' && req.method !== 'GET') return { status: 200, body: wxError(43001) };
    // msgSecCheck documents its own code for a wrong method.
    if (method === 'POST' && req.method !== 'POST') return { status: 200, body: wxError(endpoint === 'msg_sec_check' ? 43302 : 43002) };

    if (endpoint === 'jscode2session') return { ...jscode2session(query), contentType: 'text/plain' };

    if (endpoint === 'stable_token') {
      const parsed = parseWxBody(raw);
      return parsed.ok ? stableToken(parsed.body) : parsed.reply;
    }
    // Token-authenticated APIs check the token before looking at the body.
    const auth = checkToken(query);
    if ('error' in auth) return auth.error;
    const parsed = parseWxBody(raw);
    if (!parsed.ok) return parsed.reply;
    // The daily quota counts the calls WeChat accepted; once spent, every call is 45009 until
    // midnight China time.
    const limit = dailyQuota[endpoint];
    const quotaKey = `${auth.appid} ${endpoint} ${chinaDay(now())}`;
    if (limit !== undefined && (quotaUsed.get(quotaKey) ?? 0) >= limit) return { status: 200, body: wxError(45009) };
    const reply =
      endpoint === 'msg_sec_check'
        ? msgSecCheck(auth.appid, parsed.body)
        : endpoint === 'getuserphonenumber'
          ? getUserPhoneNumber(auth.appid, parsed.body)
          : subscribeSend(auth.appid, parsed.body);
    if (limit !== undefined && (reply.body as { errcode?: number }).errcode === 0) quotaUsed.set(quotaKey, (quotaUsed.get(quotaKey) ?? 0) + 1);
    return reply;
  }

  // ---- dev endpoints -----------------------------------------------------------------------

  async function devJson<T>(req: IncomingMessage, schema: z.ZodType<T>): Promise<T> {
    const raw = await readBody(req);
    let value: unknown;
    try {
      value = raw.trim() === '' ? {} : JSON.parse(raw);
    } catch {
      throw new BadDevRequest('body is not JSON');
    }
    const parsed = schema.safeParse(value);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new BadDevRequest(`${issue?.path.join('.') || 'body'}: ${issue?.message ?? 'invalid'}`);
    }
    return parsed.data;
  }

  async function devEndpoint(pathname: string, req: IncomingMessage): Promise<Reply> {
    const route = `${req.method ?? 'GET'} ${pathname}`;
    switch (route) {
      case 'POST /dev/login-code':
        return { status: 200, body: { code: simulator.mintLoginCode(await devJson(req, devLoginCodeBody)) } };
      case 'POST /dev/phone-code':
        return { status: 200, body: { code: simulator.mintPhoneCode(await devJson(req, devPhoneCodeBody)) } };
      case 'POST /dev/subscribe':
        return { status: 200, body: { remaining: simulator.grantSubscription(await devJson(req, devSubscribeBody)) } };
      case 'POST /dev/faults':
        simulator.injectFault(await devJson(req, devFaultBody));
        return { status: 200, body: { ok: true } };
      case 'POST /dev/subscribe-many': {
        // Many users tapped "allow" (benches): one request instead of one per user.
        const b = await devJson(req, devSubscribeManyBody);
        for (const openid of b.openids) simulator.grantSubscription({ appid: b.appid, openid, templateId: b.templateId, count: b.count ?? 1 });
        return { status: 200, body: { granted: b.openids.length } };
      }
      case 'POST /dev/content-rules':
        simulator.setContentRules((await devJson(req, devContentRulesBody)).rules);
        return { status: 200, body: { ok: true } };
      case 'GET /dev/content-checks':
        return { status: 200, body: { checks } };
      case 'POST /dev/expire-tokens':
        simulator.expireAccessTokens();
        return { status: 200, body: { ok: true } };
      case 'GET /dev/messages':
        return { status: 200, body: { messages: sent.map((m) => ({ ...m, sentAt: m.sentAt.toISOString() })) } };
      case 'GET /dev/calls':
        return { status: 200, body: Object.fromEntries(WECHAT_SIM_ENDPOINTS.map((e) => [e, callCounts.get(e) ?? 0])) };
      case 'POST /dev/config':
        simulator.configure(await devJson(req, devConfigBody));
        return { status: 200, body: { ok: true } };
      case 'POST /dev/reset':
        simulator.reset();
        return { status: 200, body: { ok: true } };
      default:
        return { status: 404, body: { error: 'not found' } };
    }
  }

  const ROUTES: Record<string, { endpoint: WechatSimEndpoint; method: 'GET' | 'POST' }> = {
    '/sns/jscode2session': { endpoint: 'jscode2session', method: 'GET' },
    '/cgi-bin/stable_token': { endpoint: 'stable_token', method: 'POST' },
    '/wxa/business/getuserphonenumber': { endpoint: 'getuserphonenumber', method: 'POST' },
    '/cgi-bin/message/subscribe/send': { endpoint: 'subscribe_send', method: 'POST' },
    '/wxa/msg_sec_check': { endpoint: 'msg_sec_check', method: 'POST' },
  };

  const simulator: WechatSimulator = {
    async handle(req, res, pathname) {
      res.on('error', () => undefined);
      try {
        const query = new URL(req.url ?? '/', 'http://wx-sim.local').searchParams;
        const route = ROUTES[pathname];
        if (route) {
          const reply = await wechatEndpoint(route.endpoint, route.method, req, query);
          if (reply === null) {
            res.destroy();
            return;
          }
          send(res, reply);
          return;
        }
        if (pathname.startsWith('/dev/')) {
          // The browser console calls these from another origin during local development.
          res.setHeader('access-control-allow-origin', '*');
          res.setHeader('access-control-allow-headers', 'content-type');
          res.setHeader('access-control-allow-methods', 'GET, POST, OPTIONS');
          if (req.method === 'OPTIONS') {
            res.writeHead(204);
            res.end();
            return;
          }
          send(res, await devEndpoint(pathname, req));
          return;
        }
        send(res, { status: 404, body: { errcode: 404, errmsg: 'not found' } });
      } catch (error) {
        if (error instanceof BadDevRequest) send(res, { status: 400, body: { error: error.message } });
        else send(res, { status: 500, body: wxError(-1) });
      }
    },

    mintLoginCode({ appid, openid, unionid }) {
      requireApp(appid);
      if (!openid) throw new BadDevRequest('openid is required');
      const code = randomToken(24);
      loginCodes.set(code, { appid, openid, unionid, expiresAt: now() + codeTtlMs, used: false });
      // wx.login runs in the mini-program: the user is in it now.
      visit(appid, openid);
      return code;
    },

    mintPhoneCode({ appid, phoneNumber }) {
      requireApp(appid);
      splitPhone(phoneNumber);
      const code = randomBytes(32).toString('hex');
      phoneCodes.set(code, { appid, phoneNumber, expiresAt: now() + codeTtlMs, used: false });
      return code;
    },

    grantSubscription({ appid, openid, templateId, count }) {
      requireApp(appid);
      if (!TEMPLATE_ID_PATTERN.test(templateId)) throw new BadDevRequest(`invalid template id: ${templateId}`);
      const add = count ?? 1;
      if (!Number.isInteger(add) || add < 1) throw new BadDevRequest('count must be a positive integer');
      // The tap on wx.requestSubscribeMessage happens in the mini-program.
      visit(appid, openid);
      const key = creditKey(appid, openid, templateId);
      const total = (credits.get(key) ?? 0) + add;
      credits.set(key, total);
      return total;
    },

    injectFault({ endpoint, errcode, errmsg, times, delayMs }) {
      if (!WECHAT_SIM_ENDPOINTS.includes(endpoint)) throw new BadDevRequest(`unknown endpoint: ${endpoint}`);
      const queue = faults.get(endpoint) ?? [];
      queue.push({ errcode, errmsg, remaining: times ?? 1, delayMs: delayMs ?? 0 });
      faults.set(endpoint, queue);
    },

    setContentRules(rules) {
      contentRules = [...rules];
    },

    recordVisit({ appid, openid }) {
      requireApp(appid);
      visit(appid, openid);
    },

    contentChecks() {
      return checks.slice();
    },

    expireAccessTokens() {
      const at = now();
      for (const token of tokens.values()) token.expiresAt = Math.min(token.expiresAt, at);
    },

    sentMessages() {
      return sent.slice();
    },

    calls(endpoint) {
      return callCounts.get(endpoint) ?? 0;
    },

    configure(settings) {
      if (settings.latencyMs !== undefined) latencyMs = settings.latencyMs;
      if (settings.dailyQuota !== undefined) dailyQuota = { ...settings.dailyQuota };
    },

    reset() {
      latencyMs = options.latencyMs ?? 0;
      dailyQuota = { ...options.dailyQuota };
      quotaUsed = new Map();
      pendingAbort.abort();
      pendingAbort = new AbortController();
      loginCodes = new Map();
      phoneCodes = new Map();
      tokens = new Map();
      currentToken = new Map();
      knownOpenids = new Map();
      credits = new Map();
      faults = new Map();
      sent = [];
      callCounts = new Map();
      visits = new Map();
      checks = [];
      contentRules = options.contentRules ?? DEFAULT_CONTENT_RULES;
    },
  };

  return {
    simulator,
    cancelPending() {
      pendingAbort.abort();
      pendingAbort = new AbortController();
    },
  };
}

export function createWechatSimulator(options: WechatSimulatorOptions): WechatSimulator {
  return buildSimulator(options).simulator;
}

export type WechatSimulatorServer = { url: string; close(): Promise<void>; simulator: WechatSimulator };

/** Serves the simulator on its own port (0 = any free port). Also accepts the `/wx-sim` prefix. */
export async function startWechatSimulatorServer(
  options: WechatSimulatorOptions & { port?: number; host?: string },
): Promise<WechatSimulatorServer> {
  const { simulator, cancelPending } = buildSimulator(options);
  const host = options.host ?? '127.0.0.1';
  const server = createServer((req, res) => {
    const rawPath = new URL(req.url ?? '/', 'http://wx-sim.local').pathname;
    const pathname = rawPath === '/wx-sim' || rawPath.startsWith('/wx-sim/') ? rawPath.slice('/wx-sim'.length) || '/' : rawPath;
    void simulator.handle(req, res, pathname);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  return {
    url: `http://${host}:${address.port}`,
    simulator,
    close: () =>
      new Promise<void>((resolve, reject) => {
        cancelPending();
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}
