import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { startApp } from '../server/start-app';
import { DEMO_LOGINS } from '../functions/_lib/demo-logins';
import { buildIsStale, rootDir } from './build-freshness';

// `npm start`: the whole app on one port. With no DATABASE_URL the data lives in embedded PGlite
// under .data/ (kept across restarts); secrets for the local run are generated there too.
const main = async (): Promise<void> => {
  const args = process.argv.slice(2);
  if (!args.includes('--no-build') && buildIsStale('h5')) {
    console.log('Building the H5 app (first start or changed sources, ~30 s)…');
    const r = spawnSync('npm', ['run', 'build:h5'], { cwd: rootDir, stdio: 'inherit' });
    if (r.status !== 0) {
      console.error('The H5 build failed; see above.');
      process.exit(1);
    }
  }
  const dataDir = path.join(rootDir, '.data');
  const started = Date.now();
  const app = await startApp({
    dataDir,
    log: (line) => console.log(`  ${line}`),
  });
  console.log('');
  console.log(`私域客户平台 is running at ${app.url}  (started in ${((Date.now() - started) / 1000).toFixed(1)} s)`);
  console.log(`  database: ${app.embedded ? 'embedded PGlite (.data/pgdata)' : 'DATABASE_URL'}`);
  console.log(`  health:   ${app.url}/api/health`);
  if (app.simulator) {
    console.log(`  WeChat:   simulator at ${app.url}/wx-sim (appid ${app.demo.appId})`);
    console.log('  demo logins (open the URL and pick one):');
    for (const d of DEMO_LOGINS) console.log(`    - ${d.label}  [${d.openid}]`);
    console.log(`  a new member joining store S001: ${app.url}/#/pages/index/index?store=S001`);
  }
  const stop = async (): Promise<void> => {
    console.log('\nstopping…');
    await app.close();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop());
  process.on('SIGTERM', () => void stop());
};

main().catch((e: unknown) => {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
});
