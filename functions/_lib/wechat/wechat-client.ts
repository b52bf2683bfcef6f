// The one client the functions use to talk to WeChat. The base URL is configuration: the real
// api.weixin.qq.com in production, the simulator locally and in tests.
//
// Every documented errcode maps to one of four dispositions:
//   refresh_token  the access token was rejected: get a new one once and repeat the call;
//   retry          transient (system busy, minute quota, network): bounded exponential backoff + jitter;
//   quota          the API's daily quota is spent (45009): nothing will pass before it resets at
//                  midnight China time, so the client does not repeat the call; the caller defers;
//   permanent      repeating cannot help (bad code, user refused, invalid argument, bad config).
//
// Secrets: the appsecret travels only in the request to WeChat and never appears in an error;
// session_key is returned to the in-process caller only, and this module logs nothing.

import { z } from 'zod';

export const WECHAT_API_BASE_URL = 'https://api.weixin.qq.com';

export type WechatEndpoint = 'jscode2session' | 'stable_token' | 'getuserphonenumber' | 'subscribe_send' | 'msg_sec_check';
export type WechatErrorDisposition = 'refresh_token' | 'retry' | 'quota' | 'permanent';
/** Failures below WeChat's errcode layer. */
export type WechatTransportFailure = 'timeout' | 'network' | 'server_error' | 'bad_response';
export type WechatErrorCode = number | WechatTransportFailure;

export type StoredToken = { accessToken: string; expiresAt: Date };

/**
 * Where the access token lives, shared by all function instances. `refresh` must hold a lock
 * (per appId) for its whole duration, re-read the stored token under it, return that token when
 * `isStillValid` accepts it, and otherwise store and return what `fetchNew` gives. That is what
 * makes N instances with a stale token produce one call to WeChat, not N.
 */
export type TokenStore = {
  get(appId: string): Promise<StoredToken | null>;
  refresh(
    appId: string,
    fetchNew: () => Promise<StoredToken>,
    isStillValid: (token: StoredToken) => boolean,
  ): Promise<StoredToken>;
};

// Token rejected: 40001 invalid credential, 40014 invalid access_token, 42001 expired.
const REFRESH_TOKEN_CODES: ReadonlySet<number> = new Set([40001, 40014, 42001]);
// -1 system busy, 45011 minute quota (and 45033 call frequency).
const RETRY_CODES: ReadonlySet<number> = new Set([-1, 45011, 45033]);
// 45009 "reach max api daily quota limit".
const DAILY_QUOTA_CODE = 45009;

/**
 * Everything else is permanent, including: 40002 invalid grant_type, 40003 invalid openid,
 * 40013 invalid appid, 40029 invalid code, 40037 invalid template_id, 40125 invalid appsecret,
 * 40163 code been used, 40164 IP not whitelisted, 40226 high-risk user, 41001/41002/41004/41008
 * missing token/appid/secret/code, 43101 user refused (no subscription credit), 44002 empty body,
 * 47001 data format error, 47003 argument invalid, 48001 api unauthorized, 40129 invalid scene,
 * 43104 appid and openid do not match, 61010 the user has not opened the mini-program in the last
 * two hours (msg_sec_check), 87014 risky content (msg_sec_check v1). Unknown codes are
 * permanent too: hammering WeChat with a request it does not understand only burns quota.
 */
export function classifyWechatError(errcode: WechatErrorCode): WechatErrorDisposition {
  if (typeof errcode === 'string') {
    // A response we cannot read will read the same next time; anything else is transient.
    return errcode === 'bad_response' ? 'permanent' : 'retry';
  }
  if (REFRESH_TOKEN_CODES.has(errcode)) return 'refresh_token';
  if (RETRY_CODES.has(errcode)) return 'retry';
  if (errcode === DAILY_QUOTA_CODE) return 'quota';
  return 'permanent';
}

/** WeChat's daily quotas reset at midnight in China (UTC+8, no daylight saving): the next one after `now`. */
export const nextWechatQuotaReset = (now: Date): Date => {
  const day = 86_400_000;
  const shift = 8 * 3_600_000;
  return new Date(Math.floor((now.getTime() + shift) / day + 1) * day - shift);
};

export class WechatApiError extends Error {
  readonly endpoint: WechatEndpoint;
  readonly errcode: WechatErrorCode;
  readonly errmsg: string;
  readonly disposition: WechatErrorDisposition;
  /**
   * True when WeChat may have acted on the request although we got no answer (timeout, dropped
   * connection). Subscribe sends are not repeated in that case: the user might get the message
   * twice; the caller decides.
   */
  readonly ambiguous: boolean;

  constructor(input: { endpoint: WechatEndpoint; errcode: WechatErrorCode; errmsg: string; ambiguous?: boolean }) {
    super(`WeChat ${input.endpoint} failed: ${input.errcode} ${input.errmsg}`);
    this.name = 'WechatApiError';
    this.endpoint = input.endpoint;
    this.errcode = input.errcode;
    this.errmsg = input.errmsg;
    this.disposition = classifyWechatError(input.errcode);
    this.ambiguous = input.ambiguous ?? false;
  }
}

export type WechatClientOptions = {
  baseUrl: string;
  appId: string;
  secret: string;
  tokenStore: TokenStore;
  fetchImpl?: typeof fetch;
  /** Per HTTP attempt (default 5000 ms). */
  timeoutMs?: number;
  /** Extra attempts after the first for `retry` errors (default 3). */
  maxRetries?: number;
  sleep?: (ms: number) => Promise<void>;
  /** Epoch ms; tests move it to age tokens. */
  now?: () => number;
  /** In [0, 1); tests pin it to make backoff deterministic. */
  random?: () => number;
};

export type Code2SessionResult = { openid: string; sessionKey: string; unionid?: string };
export type PhoneNumberResult = { phoneNumber: string; purePhoneNumber: string; countryCode: string };
export type SubscribeMessageInput = {
  toUser: string;
  templateId: string;
  page?: string;
  /** Keyword -> value, e.g. `{ thing1: '生日快乐', date2: '2026-11-22' }` (the `{value}` wrapper is optional). */
  data: Record<string, string | { value: string }>;
  miniprogramState?: 'developer' | 'trial' | 'formal';
  lang?: 'zh_CN' | 'en_US' | 'zh_HK' | 'zh_TW';
};

/**
 * Text content security (msgSecCheck 2.0). scene: 1 profile (资料), 2 comment (评论), 3 forum
 * (论坛), 4 social log (社交日志). openid: the person who wrote the text, who must have opened the
 * mini-program in the last two hours (else 61010).
 */
export type ContentScene = 1 | 2 | 3 | 4;
export type MsgSecCheckInput = { openid: string; content: string; scene: ContentScene; title?: string; nickname?: string; signature?: string };
export type ContentSuggest = 'pass' | 'review' | 'risky';
export type MsgSecCheckResult = {
  suggest: ContentSuggest;
  /** 100 normal, 10001 ad, 20001 politics, 20002 porn, 20003 abuse, 20006 crime, 20008 fraud, 20012 vulgar, 20013 copyright, 21000 other. */
  label: number;
  traceId: string | null;
  /** Keywords WeChat matched (strategy "keyword"), when it says. */
  keywords: string[];
};

export type WechatClient = {
  code2Session(code: string): Promise<Code2SessionResult>;
  getPhoneNumber(code: string): Promise<PhoneNumberResult>;
  /** msgid as a string: WeChat's msgid is a 64-bit integer, beyond what a JS number holds exactly. */
  sendSubscribeMessage(input: SubscribeMessageInput): Promise<{ msgid: string }>;
  /** WeChat's verdict on a text; a risky or review verdict is a result, not an error. */
  msgSecCheck(input: MsgSecCheckInput): Promise<MsgSecCheckResult>;
  /** forceRefresh asks WeChat for a new token unconditionally, which invalidates the old one everywhere. */
  getAccessToken(options?: { forceRefresh?: boolean }): Promise<string>;
};

// Refresh this long before expiry; WeChat's stable token API starts handing out the next token
// in the same window, so an early refresh gets a genuinely new token.
const REFRESH_MARGIN_MS = 5 * 60 * 1000;
const BACKOFF_BASE_MS = 200;
const BACKOFF_CAP_MS = 5000;
// Connection failures where the request surely never reached WeChat.
const NOT_SENT_CODES: ReadonlySet<string> = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'ENETUNREACH', 'EHOSTUNREACH']);

const envelopeSchema = z.object({ errcode: z.number().optional(), errmsg: z.string().optional() });
const sessionSchema = z.object({
  openid: z.string().min(1),
  session_key: z.string().min(1),
  unionid: z.string().min(1).optional(),
});
const stableTokenSchema = z.object({ access_token: z.string().min(1), expires_in: z.number().int().positive() });
const phoneSchema = z.object({
  phone_info: z.object({
    phoneNumber: z.string().min(1),
    purePhoneNumber: z.string().min(1),
    // Documented as a string, shown as a number in WeChat's own example: accept both.
    countryCode: z.union([z.string(), z.number()]).transform(String),
    watermark: z.object({ timestamp: z.number(), appid: z.string() }),
  }),
});
const sendSchema = z.object({ msgid: z.union([z.number(), z.string()]).transform(String) });
// label is documented as a string and answered as a number: accept both.
const labelSchema = z.union([z.number(), z.string().regex(/^\d+$/)]).transform(Number);
const secCheckSchema = z.object({
  trace_id: z.string().optional(),
  result: z.object({ suggest: z.enum(['pass', 'review', 'risky']), label: labelSchema }),
  detail: z
    .array(z.object({ strategy: z.string().optional(), keyword: z.string().optional() }).passthrough())
    .optional(),
});
const MSG_SEC_CHECK_MAX_CHARS = 2500;

function errorCode(error: unknown): string | undefined {
  let current: unknown = error;
  // fetch wraps the socket error: TypeError('fetch failed', { cause: Error { code } }).
  for (let depth = 0; depth < 4 && typeof current === 'object' && current !== null; depth += 1) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string') return code;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

const defaultSleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

export function createWechatClient(options: WechatClientOptions): WechatClient {
  const baseUrl = options.baseUrl.replace(/\/+$/, '');
  const { appId, secret, tokenStore } = options;
  const fetchImpl = options.fetchImpl ?? fetch;
  const timeoutMs = options.timeoutMs ?? 5000;
  const maxRetries = options.maxRetries ?? 3;
  const sleep = options.sleep ?? defaultSleep;
  const now = options.now ?? Date.now;
  const random = options.random ?? Math.random;

  // Belt and braces: nothing WeChat or the network says should carry the secret into our errors.
  function redact(text: string): string {
    return secret.length > 0 ? text.split(secret).join('***') : text;
  }

  async function call(
    endpoint: WechatEndpoint,
    path: string,
    request: { method: 'GET' } | { method: 'POST'; body: unknown },
  ): Promise<unknown> {
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), timeoutMs);
    let status: number;
    let text: string;
    try {
      const response = await fetchImpl(`${baseUrl}${path}`, {
        method: request.method,
        headers: request.method === 'POST' ? { 'content-type': 'application/json' } : undefined,
        body: request.method === 'POST' ? JSON.stringify(request.body) : undefined,
        signal: controller.signal,
      });
      status = response.status;
      text = await response.text();
    } catch (error) {
      if (controller.signal.aborted) {
        throw new WechatApiError({ endpoint, errcode: 'timeout', errmsg: `no answer within ${timeoutMs} ms`, ambiguous: true });
      }
      const code = errorCode(error);
      throw new WechatApiError({
        endpoint,
        errcode: 'network',
        errmsg: code ?? 'network error',
        ambiguous: code === undefined || !NOT_SENT_CODES.has(code),
      });
    } finally {
      clearTimeout(timer);
    }

    if (status >= 500 || status === 429) {
      throw new WechatApiError({ endpoint, errcode: 'server_error', errmsg: `HTTP ${status}` });
    }
    if (status < 200 || status >= 300) {
      throw new WechatApiError({ endpoint, errcode: 'bad_response', errmsg: `HTTP ${status}` });
    }
    // jscode2session answers JSON labelled text/plain, so the content type is not trusted.
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      throw new WechatApiError({ endpoint, errcode: 'bad_response', errmsg: 'response is not JSON' });
    }
    const envelope = envelopeSchema.safeParse(json);
    if (!envelope.success) {
      throw new WechatApiError({ endpoint, errcode: 'bad_response', errmsg: 'response is not a JSON object' });
    }
    const { errcode, errmsg } = envelope.data;
    if (errcode !== undefined && errcode !== 0) {
      throw new WechatApiError({ endpoint, errcode, errmsg: redact(errmsg ?? '') });
    }
    return json;
  }

  function parse<T>(endpoint: WechatEndpoint, schema: z.ZodType<T>, json: unknown): T {
    const parsed = schema.safeParse(json);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const where = issue?.path.join('.') || 'response';
      throw new WechatApiError({ endpoint, errcode: 'bad_response', errmsg: `unexpected response at ${where}` });
    }
    return parsed.data;
  }

  function backoffMs(attempt: number): number {
    const ceiling = Math.min(BACKOFF_CAP_MS, BACKOFF_BASE_MS * 2 ** attempt);
    // "Equal jitter": at least half the ceiling, so retries never bunch up at zero.
    return Math.round(ceiling / 2 + random() * (ceiling / 2));
  }

  type RetryPolicy = { endpoint: WechatEndpoint; retryAmbiguous: boolean };

  // Only failures of `endpoint` itself are repeated here: a token fetch that failed inside a call
  // has already had its own retries and is not multiplied by the outer loop.
  async function withRetries<T>(attemptOnce: () => Promise<T>, policy: RetryPolicy): Promise<T> {
    for (let attempt = 0; ; attempt += 1) {
      try {
        return await attemptOnce();
      } catch (error) {
        const retryable =
          error instanceof WechatApiError &&
          error.endpoint === policy.endpoint &&
          error.disposition === 'retry' &&
          (policy.retryAmbiguous || !error.ambiguous) &&
          attempt < maxRetries;
        if (!retryable) throw error;
        await sleep(backoffMs(attempt));
      }
    }
  }

  function isFresh(token: StoredToken): boolean {
    return token.expiresAt.getTime() - now() > REFRESH_MARGIN_MS;
  }

  function fetchStableToken(forceRefresh: boolean): Promise<StoredToken> {
    return withRetries(
      async () => {
        const json = await call('stable_token', '/cgi-bin/stable_token', {
          method: 'POST',
          body: { grant_type: 'client_credential', appid: appId, secret, force_refresh: forceRefresh },
        });
        const { access_token: accessToken, expires_in: expiresIn } = parse('stable_token', stableTokenSchema, json);
        return { accessToken, expiresAt: new Date(now() + expiresIn * 1000) };
      },
      // Fetching a token changes nothing a repeat could double.
      { endpoint: 'stable_token', retryAmbiguous: true },
    );
  }

  async function getAccessToken(opts: { forceRefresh?: boolean } = {}): Promise<string> {
    if (opts.forceRefresh === true) {
      const token = await tokenStore.refresh(appId, () => fetchStableToken(true), () => false);
      return token.accessToken;
    }
    const cached = await tokenStore.get(appId);
    if (cached && isFresh(cached)) return cached.accessToken;
    const token = await tokenStore.refresh(appId, () => fetchStableToken(false), isFresh);
    return token.accessToken;
  }

  // WeChat rejected `rejected`. If another instance already replaced it, use theirs. Otherwise ask
  // in normal mode first (after expiry or someone else's force refresh that already yields a new
  // token) and force only if WeChat hands back the very token it just rejected: force refresh is
  // rate-limited by WeChat and invalidates the token for every other holder at once.
  async function replaceRejectedToken(rejected: string): Promise<string> {
    const token = await tokenStore.refresh(
      appId,
      async () => {
        const normal = await fetchStableToken(false);
        return normal.accessToken !== rejected ? normal : fetchStableToken(true);
      },
      (stored) => stored.accessToken !== rejected && isFresh(stored),
    );
    return token.accessToken;
  }

  async function withToken<T>(useToken: (accessToken: string) => Promise<T>, policy: RetryPolicy): Promise<T> {
    let accessToken = await getAccessToken();
    let refreshed = false;
    return withRetries(async () => {
      try {
        return await useToken(accessToken);
      } catch (error) {
        if (refreshed || !(error instanceof WechatApiError) || error.disposition !== 'refresh_token') throw error;
        // One refresh per call: a second rejection of a brand-new token is not a token problem.
        refreshed = true;
        accessToken = await replaceRejectedToken(accessToken);
        return await useToken(accessToken);
      }
    }, policy);
  }

  function requireCode(endpoint: WechatEndpoint, code: string): void {
    if (typeof code !== 'string' || code.trim() === '') {
      throw new WechatApiError({ endpoint, errcode: 41008, errmsg: 'missing code' });
    }
  }

  return {
    getAccessToken,

    async code2Session(code) {
      requireCode('jscode2session', code);
      const query = new URLSearchParams({ appid: appId, secret, js_code: code, grant_type: 'authorization_code' });
      // A repeat after a lost answer may meet 40163 (code already used): still the best chance.
      const json = await withRetries(
        () => call('jscode2session', `/sns/jscode2session?${query.toString()}`, { method: 'GET' }),
        { endpoint: 'jscode2session', retryAmbiguous: true },
      );
      const session = parse('jscode2session', sessionSchema, json);
      return {
        openid: session.openid,
        sessionKey: session.session_key,
        ...(session.unionid !== undefined ? { unionid: session.unionid } : {}),
      };
    },

    async getPhoneNumber(code) {
      requireCode('getuserphonenumber', code);
      const info = await withToken(
        async (accessToken) => {
          const json = await call(
            'getuserphonenumber',
            `/wxa/business/getuserphonenumber?access_token=${encodeURIComponent(accessToken)}`,
            { method: 'POST', body: { code } },
          );
          return parse('getuserphonenumber', phoneSchema, json).phone_info;
        },
        { endpoint: 'getuserphonenumber', retryAmbiguous: true },
      );
      // The watermark proves the number was issued to this mini-program.
      if (info.watermark.appid !== appId) {
        throw new WechatApiError({ endpoint: 'getuserphonenumber', errcode: 'bad_response', errmsg: 'watermark appid mismatch' });
      }
      return { phoneNumber: info.phoneNumber, purePhoneNumber: info.purePhoneNumber, countryCode: info.countryCode };
    },

    async msgSecCheck(input) {
      if (Array.from(input.content).length > MSG_SEC_CHECK_MAX_CHARS) {
        throw new WechatApiError({ endpoint: 'msg_sec_check', errcode: 47001, errmsg: `content exceeds ${MSG_SEC_CHECK_MAX_CHARS} characters` });
      }
      const body = {
        content: input.content,
        version: 2,
        scene: input.scene,
        openid: input.openid,
        ...(input.title !== undefined ? { title: input.title } : {}),
        ...(input.nickname !== undefined ? { nickname: input.nickname } : {}),
        ...(input.signature !== undefined ? { signature: input.signature } : {}),
      };
      try {
        return await withToken(
          async (accessToken) => {
            const json = await call('msg_sec_check', `/wxa/msg_sec_check?access_token=${encodeURIComponent(accessToken)}`, { method: 'POST', body });
            const r = parse('msg_sec_check', secCheckSchema, json);
            const keywords = (r.detail ?? []).flatMap((d) => (d.strategy === 'keyword' && d.keyword ? [d.keyword] : []));
            return { suggest: r.result.suggest, label: r.result.label, traceId: r.trace_id ?? null, keywords };
          },
          // A check changes nothing at WeChat: repeating one whose answer was lost is safe.
          { endpoint: 'msg_sec_check', retryAmbiguous: true },
        );
      } catch (error) {
        // Version 1's answer for risky content; a verdict, not a failure.
        if (error instanceof WechatApiError && error.errcode === 87014) return { suggest: 'risky', label: 21000, traceId: null, keywords: [] };
        throw error;
      }
    },

    async sendSubscribeMessage(input) {
      const data = Object.fromEntries(
        Object.entries(input.data).map(([key, value]) => [key, typeof value === 'string' ? { value } : { value: value.value }]),
      );
      const body = {
        touser: input.toUser,
        template_id: input.templateId,
        page: input.page,
        data,
        miniprogram_state: input.miniprogramState,
        lang: input.lang,
      };
      return withToken(
        async (accessToken) => {
          const json = await call(
            'subscribe_send',
            `/cgi-bin/message/subscribe/send?access_token=${encodeURIComponent(accessToken)}`,
            { method: 'POST', body },
          );
          return { msgid: parse('subscribe_send', sendSchema, json).msgid };
        },
        // A send WeChat may have delivered is not repeated here (duplicate greeting).
        { endpoint: 'subscribe_send', retryAmbiguous: false },
      );
    },
  };
}

/** In-process TokenStore for tests and single-process tools; the lock is a per-appId promise chain. */
export function createMemoryTokenStore(): TokenStore {
  const tokens = new Map<string, StoredToken>();
  const tails = new Map<string, Promise<void>>();

  return {
    async get(appId) {
      const token = tokens.get(appId);
      return token ? { ...token } : null;
    },

    async refresh(appId, fetchNew, isStillValid) {
      const previous = tails.get(appId) ?? Promise.resolve();
      let release: () => void = () => undefined;
      const held = new Promise<void>((resolve) => {
        release = resolve;
      });
      const tail = previous.then(() => held);
      tails.set(appId, tail);
      await previous;
      try {
        const stored = tokens.get(appId);
        if (stored && isStillValid(stored)) return { ...stored };
        const fresh = await fetchNew();
        tokens.set(appId, { ...fresh });
        return fresh;
      } finally {
        release();
        if (tails.get(appId) === tail) tails.delete(appId);
      }
    },
  };
}
