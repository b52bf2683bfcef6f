import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import path from 'node:path';
import { routes } from '../functions/routes';
import { BodyError, toVercel } from './vercel-adapter';

// One port for everything: the functions under /api, the WeChat simulator under /wx-sim (local
// demo and tests only), and the H5 build of the app at /.
export type SimulatorMount = { handle: (req: IncomingMessage, res: ServerResponse, pathname: string) => Promise<void> };

const contentTypes: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.map': 'application/json',
};

const sendJson = (res: ServerResponse, status: number, body: unknown): void => {
  res.statusCode = status;
  res.setHeader('Content-Type', 'application/json; charset=utf-8');
  res.end(JSON.stringify(body));
};

const serveStatic = async (res: ServerResponse, root: string, pathname: string): Promise<void> => {
  const rel = decodeURIComponent(pathname).replace(/^\/+/, '') || 'index.html';
  let file = path.resolve(root, rel);
  // Never serve outside the build folder.
  if (!file.startsWith(path.resolve(root) + path.sep) && file !== path.resolve(root)) {
    res.statusCode = 403;
    res.end('Forbidden');
    return;
  }
  let info = await stat(file).catch(() => null);
  if (!info || info.isDirectory()) {
    // Hash router: every unknown path is the app.
    file = path.join(root, 'index.html');
    info = await stat(file).catch(() => null);
  }
  if (!info) {
    res.statusCode = 404;
    res.setHeader('Content-Type', 'text/plain; charset=utf-8');
    res.end('The H5 app is not built yet: run `npm run build:h5`.');
    return;
  }
  res.statusCode = 200;
  res.setHeader('Content-Type', contentTypes[path.extname(file)] ?? 'application/octet-stream');
  res.setHeader('Content-Length', info.size);
  res.setHeader('Cache-Control', file.endsWith('index.html') ? 'no-cache' : 'public, max-age=3600');
  createReadStream(file).pipe(res);
};

export const createAppServer = (options: { h5Dir: string; simulator?: SimulatorMount }): Server =>
  createServer((req, res) => {
    void (async () => {
      const pathname = new URL(req.url ?? '/', 'http://localhost').pathname;
      try {
        if (pathname === '/api' || pathname.startsWith('/api/')) {
          const handler = routes[pathname.replace(/\/+$/, '')];
          if (!handler) return sendJson(res, 404, { error: { code: 'not_found', message: `No endpoint ${pathname}` } });
          const [vreq, vres] = await toVercel(req, res);
          return await handler(vreq, vres);
        }
        if (pathname === '/wx-sim' || pathname.startsWith('/wx-sim/')) {
          if (!options.simulator) return sendJson(res, 404, { errcode: 404, errmsg: 'simulator not enabled' });
          return await options.simulator.handle(req, res, pathname.slice('/wx-sim'.length) || '/');
        }
        if (req.method !== 'GET' && req.method !== 'HEAD') return sendJson(res, 405, { error: { code: 'method_not_allowed', message: 'Not allowed' } });
        return await serveStatic(res, options.h5Dir, pathname);
      } catch (e) {
        if (e instanceof BodyError) return sendJson(res, e.status, { error: { code: 'invalid_body', message: e.message } });
        console.error('unhandled', e);
        if (!res.headersSent) sendJson(res, 500, { error: { code: 'internal', message: 'Something went wrong on our side' } });
        else res.end();
      }
    })();
  });
