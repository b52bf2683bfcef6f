import type { IncomingMessage, ServerResponse } from 'node:http';
import type { VercelRequest, VercelResponse } from '@vercel/node';

// Gives a plain Node request/response the helpers Vercel's Node runtime adds (query, body,
// cookies; status/json/send/redirect), so the same handler files run here and on Vercel.
// 4.5 MB, as on Vercel: a console import sends a file of up to 3 MB as base64 (shared/schemas/import-job.schema.ts).
const MAX_BODY_BYTES = 4.5 * 1024 * 1024;

export class BodyError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

const readBody = async (req: IncomingMessage): Promise<unknown> => {
  if (req.method === 'GET' || req.method === 'HEAD') return undefined;
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buf = chunk as Buffer;
    size += buf.length;
    if (size > MAX_BODY_BYTES) throw new BodyError(413, 'Request body too large');
    chunks.push(buf);
  }
  if (size === 0) return undefined;
  const text = Buffer.concat(chunks).toString('utf8');
  const type = req.headers['content-type'] ?? '';
  if (type.includes('application/json')) {
    try {
      return JSON.parse(text) as unknown;
    } catch {
      throw new BodyError(400, 'Request body is not valid JSON');
    }
  }
  if (type.includes('application/x-www-form-urlencoded')) return Object.fromEntries(new URLSearchParams(text));
  return text;
};

const parseCookies = (header: string | undefined): Record<string, string> => {
  const out: Record<string, string> = {};
  for (const part of (header ?? '').split(';')) {
    const i = part.indexOf('=');
    if (i > 0) out[part.slice(0, i).trim()] = decodeURIComponent(part.slice(i + 1).trim());
  }
  return out;
};

export const toVercel = async (req: IncomingMessage, res: ServerResponse): Promise<[VercelRequest, VercelResponse]> => {
  const url = new URL(req.url ?? '/', 'http://localhost');
  const query: Record<string, string | string[]> = {};
  for (const key of new Set(url.searchParams.keys())) {
    const all = url.searchParams.getAll(key);
    query[key] = all.length === 1 ? (all[0] ?? '') : all;
  }
  const vreq = Object.assign(req, { query, cookies: parseCookies(req.headers.cookie), body: await readBody(req) }) as VercelRequest;
  const vres = res as VercelResponse;
  vres.status = (code: number) => {
    res.statusCode = code;
    return vres;
  };
  vres.json = (body: unknown) => {
    res.setHeader('Content-Type', 'application/json; charset=utf-8');
    res.end(JSON.stringify(body));
    return vres;
  };
  vres.send = (body: unknown) => {
    if (typeof body === 'object' && body !== null && !Buffer.isBuffer(body)) return vres.json(body);
    res.end(body as string | Buffer);
    return vres;
  };
  vres.redirect = (statusOrUrl: string | number, target?: string) => {
    res.statusCode = typeof statusOrUrl === 'number' ? statusOrUrl : 307;
    res.setHeader('Location', typeof statusOrUrl === 'string' ? statusOrUrl : (target ?? '/'));
    res.end();
    return vres;
  };
  return [vreq, vres];
};
