import type { VercelRequest, VercelResponse } from '@vercel/node';
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { getSql, withPersonTx, type Sql, type Tx } from './db';
import { DomainError, type FieldError } from './errors';
import { verifyAccessToken, type AccessClaims } from './jwt';

// The one wrapper every route goes through: authenticate, parse input with zod (strict), run in
// the person's RLS transaction, parse output through a whitelist schema, map errors.
export type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

// inTx runs work in the person's RLS transaction. Routes normally call it once; a route that
// must call an outside API (WeChat) does so between transactions, never holding one open.
type PersonContext<I> = {
  input: I;
  claims: AccessClaims;
  inTx: <T>(fn: (tx: Tx) => Promise<T>) => Promise<T>;
  // The pool, for the identity service's own transactions only (never for the person's data).
  sql: Sql;
  req: VercelRequest;
};
type PublicContext<I> = { input: I; sql: Sql; req: VercelRequest };

export type Endpoint<I, O> =
  | {
      auth: 'person';
      input: z.ZodType<I, unknown>;
      output: z.ZodType<O, unknown>;
      status?: number;
      run: (ctx: PersonContext<I>) => Promise<O>;
    }
  | {
      auth: 'none';
      input: z.ZodType<I, unknown>;
      output: z.ZodType<O, unknown>;
      status?: number;
      run: (ctx: PublicContext<I>) => Promise<O>;
    };

// Typed builders: they infer the input type from the zod schema, so run() gets parsed input.
export const person = <S extends z.ZodType, O extends z.ZodType>(e: {
  input: S;
  output: O;
  status?: number;
  run: (ctx: PersonContext<z.output<S>>) => Promise<z.input<O>>;
}): Endpoint<unknown, unknown> => ({ auth: 'person', ...e }) as unknown as Endpoint<unknown, unknown>;

export const open = <S extends z.ZodType, O extends z.ZodType>(e: {
  input: S;
  output: O;
  status?: number;
  run: (ctx: PublicContext<z.output<S>>) => Promise<z.input<O>>;
}): Endpoint<unknown, unknown> => ({ auth: 'none', ...e }) as unknown as Endpoint<unknown, unknown>;

export type RouteHandler = (req: VercelRequest, res: VercelResponse) => Promise<void>;

const bearer = (req: VercelRequest): string | null => {
  const h = req.headers.authorization;
  if (!h || !h.startsWith('Bearer ')) return null;
  return h.slice(7).trim() || null;
};

const inputOf = (req: VercelRequest, method: Method): unknown => {
  if (method === 'GET' || method === 'DELETE') {
    // Single-valued query parameters; repeated ones stay arrays and fail strict schemas.
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(req.query ?? {})) out[k] = Array.isArray(v) && v.length === 1 ? v[0] : v;
    return out;
  }
  return req.body ?? {};
};

const zodFields = (error: z.ZodError): FieldError[] =>
  error.issues.flatMap((i) => {
    const at = i.path.map(String);
    // An unknown field is named itself, not its parent object.
    if (i.code === 'unrecognized_keys') return i.keys.map((k) => ({ path: [...at, k].join('.'), message: 'is not a known field' }));
    return [{ path: at.join('.') || '(body)', message: i.message }];
  });

// Postgres errors that are the caller's fault, mapped to what they mean to the caller.
const pgErrorMap: Record<string, { status: number; code: string; message: string }> = {
  '42501': { status: 403, code: 'forbidden', message: 'You are not allowed to do that' },
  '23505': { status: 409, code: 'conflict', message: 'That already exists' },
  '23503': { status: 404, code: 'not_found', message: 'A record it refers to was not found' },
  '23514': { status: 400, code: 'invalid', message: 'A value is out of range' },
  '22P02': { status: 400, code: 'invalid', message: 'A value has the wrong format' },
  P0002: { status: 404, code: 'not_found', message: 'That was not found' },
};

const sendError = (res: VercelResponse, status: number, code: string, message: string, fields?: FieldError[]): void => {
  res.status(status).json({ error: { code, message, ...(fields ? { fields } : {}) } });
};

// Server-Timing (https://w3c.github.io/server-timing/): `app` is the whole handler (auth, zod,
// database, output), `db` the time inside the person's transactions. The bench reads it to
// report server time apart from the network and the client; browsers show it in devtools.
const serverTiming = (res: VercelResponse, started: number, dbMs: number | null): void => {
  const app = `app;dur=${(performance.now() - started).toFixed(2)}`;
  res.setHeader('Server-Timing', dbMs === null ? app : `${app}, db;dur=${dbMs.toFixed(2)}`);
};

export const route =
  (endpoints: Partial<Record<Method, Endpoint<unknown, unknown>>>): RouteHandler =>
  async (req, res) => {
    const started = performance.now();
    let dbMs: number | null = null;
    const method = (req.method ?? 'GET').toUpperCase() as Method;
    const endpoint = endpoints[method];
    res.setHeader('Cache-Control', 'no-store');
    if (!endpoint) {
      res.setHeader('Allow', Object.keys(endpoints).join(', '));
      sendError(res, 405, 'method_not_allowed', `${method} is not supported here`);
      return;
    }
    try {
      let claims: AccessClaims | null = null;
      if (endpoint.auth === 'person') {
        const token = bearer(req);
        if (!token) throw new DomainError(401, 'unauthenticated', 'Sign in first');
        claims = await verifyAccessToken(token);
      }
      const parsed = endpoint.input.safeParse(inputOf(req, method));
      if (!parsed.success) {
        serverTiming(res, started, dbMs);
        sendError(res, 400, 'invalid_input', 'Some fields are not valid', zodFields(parsed.error));
        return;
      }
      const sql = getSql();
      const result =
        endpoint.auth === 'person' && claims
          ? await endpoint.run({
              input: parsed.data,
              claims,
              inTx: async (fn) => {
                const t0 = performance.now();
                try {
                  return await withPersonTx(sql, claims as AccessClaims, fn);
                } finally {
                  dbMs = (dbMs ?? 0) + (performance.now() - t0);
                }
              },
              sql,
              req,
            })
          : endpoint.auth === 'none'
            ? await endpoint.run({ input: parsed.data, sql, req })
            : null;
      const out = endpoint.output.parse(result);
      serverTiming(res, started, dbMs);
      res.status(endpoint.status ?? 200).json(out);
    } catch (e) {
      serverTiming(res, started, dbMs);
      if (e instanceof DomainError) {
        sendError(res, e.status, e.code, e.message, e.fields);
        return;
      }
      if (e instanceof z.ZodError) {
        // Input was checked above, so this is an output or internal parse: our bug, not theirs.
        logInternal(req, e);
        sendError(res, 500, 'internal', 'Something went wrong on our side');
        return;
      }
      const pgCode = (e as { code?: unknown })?.code;
      const mapped = typeof pgCode === 'string' ? pgErrorMap[pgCode] : undefined;
      if (mapped) {
        if (process.env.LOG_ERRORS === '1') logInternal(req, e);
        sendError(res, mapped.status, mapped.code, mapped.message);
        return;
      }
      const id = logInternal(req, e);
      sendError(res, 500, 'internal', `Something went wrong on our side (ref ${id})`);
    }
  };

const logInternal = (req: VercelRequest, e: unknown): string => {
  const id = randomUUID().slice(0, 8);
  if (process.env.NODE_ENV !== 'test' || process.env.LOG_ERRORS === '1') {
    console.error(`[${id}] ${req.method} ${req.url}:`, e);
  }
  return id;
};

// Dates from Postgres → ISO strings for output schemas.
export const iso = (d: Date | string): string => (d instanceof Date ? d.toISOString() : new Date(d).toISOString());
