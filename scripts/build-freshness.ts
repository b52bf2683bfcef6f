import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';

// Whether a Taro build output is older than its sources (app code, shared schemas, config).
const newestMtime = (dir: string): number => {
  if (!existsSync(dir)) return 0;
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === 'node_modules' || entry.name === 'dist' || entry.name.startsWith('.')) continue;
    const p = path.join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(p) : statSync(p).mtimeMs);
  }
  return newest;
};

export const rootDir = path.resolve(__dirname, '..');

export const buildIsStale = (target: 'h5' | 'weapp'): boolean => {
  const marker = path.join(rootDir, 'miniprogram/dist', target, target === 'h5' ? 'index.html' : 'app.json');
  if (!existsSync(marker)) return true;
  const built = statSync(marker).mtimeMs;
  const sources = Math.max(newestMtime(path.join(rootDir, 'miniprogram')), newestMtime(path.join(rootDir, 'shared')));
  return sources > built;
};
