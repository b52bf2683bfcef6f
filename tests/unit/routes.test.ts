import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { routes } from '../../functions/routes';

// The Node server's route table and Vercel's file routes must name the same endpoints.
const apiDir = path.resolve(__dirname, '../../functions/api');
const walk = (dir: string): string[] =>
  readdirSync(dir).flatMap((f) => {
    const p = path.join(dir, f);
    return statSync(p).isDirectory() ? walk(p) : [p];
  });

describe('route table', () => {
  const files = walk(apiDir).filter((f) => f.endsWith('.ts')).map((f) => `/api/${path.relative(apiDir, f).replace(/\.ts$/, '')}`).sort();

  test('every function file is served by the Node server, and nothing else is', () => {
    expect(Object.keys(routes).sort()).toEqual(files);
  });

  test('vercel.json sends /api/* to those files', () => {
    const vercel = JSON.parse(readFileSync(path.resolve(__dirname, '../../vercel.json'), 'utf8')) as { routes: { src?: string; dest?: string }[] };
    const apiRoute = vercel.routes.find((r) => r.src === '/api/(.*)');
    expect(apiRoute?.dest).toBe('/functions/api/$1.ts');
  });
});
