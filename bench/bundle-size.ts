import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';

// Sizes of the existing app builds (the bench never builds: the Taro builds are slow and other
// work uses them). WeChat's limits: main package 2 MB, each subpackage 2 MB, 20 MB in all.
export const WEAPP_MAIN_LIMIT = 2 * 1024 * 1024;
export const WEAPP_TOTAL_LIMIT = 20 * 1024 * 1024;

export type WeappSize = { builtAt: Date; main: number; subpackages: { root: string; bytes: number }[]; total: number };
export type H5Size = { builtAt: Date; jsFiles: number; js: number; jsGzip: number };

const walk = (dir: string): string[] =>
  readdirSync(dir).flatMap((f) => {
    const p = path.join(dir, f);
    return statSync(p).isDirectory() ? walk(p) : [p];
  });

// Not uploaded to WeChat: source maps and the tool's project file.
const counted = (file: string): boolean => !file.endsWith('.map') && path.basename(file) !== 'project.config.json';

export const weappSize = (dir: string): WeappSize | null => {
  const appJson = path.join(dir, 'app.json');
  if (!existsSync(appJson)) return null;
  const app = JSON.parse(readFileSync(appJson, 'utf8')) as { subPackages?: { root: string }[]; subpackages?: { root: string }[] };
  const roots = (app.subPackages ?? app.subpackages ?? []).map((s) => s.root.replace(/\/+$/, ''));
  const subpackages = roots.map((root) => ({ root, bytes: 0 }));
  let main = 0;
  let total = 0;
  for (const file of walk(dir).filter(counted)) {
    const bytes = statSync(file).size;
    total += bytes;
    const rel = path.relative(dir, file).split(path.sep).join('/');
    const sub = subpackages.find((s) => rel === s.root || rel.startsWith(`${s.root}/`));
    if (sub) sub.bytes += bytes;
    else main += bytes;
  }
  return { builtAt: statSync(appJson).mtime, main, subpackages, total };
};

export const h5Size = (dir: string): H5Size | null => {
  if (!existsSync(path.join(dir, 'index.html'))) return null;
  const js = walk(dir).filter((f) => f.endsWith('.js'));
  let raw = 0;
  let gz = 0;
  for (const f of js) {
    const buf = readFileSync(f);
    raw += buf.length;
    gz += gzipSync(buf).length;
  }
  return { builtAt: statSync(path.join(dir, 'index.html')).mtime, jsFiles: js.length, js: raw, jsGzip: gz };
};

export const kb = (bytes: number): string => `${(bytes / 1024).toFixed(1)} KB`;
