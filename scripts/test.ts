import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { buildIsStale, rootDir } from './build-freshness';

// `npm test`: build the two app targets when their sources changed (the end-to-end and weapp
// tests run the real builds), then run every jest test. Extra arguments go to jest.
const run = (cmd: string, args: string[]): void => {
  const r = spawnSync(cmd, args, { cwd: rootDir, stdio: 'inherit', env: process.env });
  if (r.status !== 0) process.exit(r.status ?? 1);
};

const jestArgs = process.argv.slice(2);
if (!process.env.SKIP_BUILD) {
  for (const target of ['h5', 'weapp'] as const) {
    if (buildIsStale(target)) {
      console.log(`building ${target} for the tests…`);
      run('npm', ['run', `build:${target}`]);
    }
  }
}
// The browser tests use Debian's chromium. Install it when we can (root with apt, as on these
// machines and in CI); otherwise those tests say plainly that they were skipped and why.
if (!existsSync('/usr/bin/chromium') && process.getuid?.() === 0 && existsSync('/usr/bin/apt-get')) {
  console.log("installing Debian's chromium for the browser tests…");
  spawnSync('sh', ['-c', 'apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null'], { stdio: 'inherit' });
}
if (!process.env.DATABASE_URL) {
  console.log('DATABASE_URL is not set: database tests run against embedded PGlite; concurrency tests that need a server are skipped.');
}
// PGlite loads its WASM with dynamic import(), which jest's VM sandbox only allows with this flag.
process.env.NODE_OPTIONS = `${process.env.NODE_OPTIONS ?? ''} --experimental-vm-modules`.trim();
// Two passes: the database and API tests in parallel, then the browser and mini-program tests
// one at a time (they drive real builds and time real UI; on 2 cores, running them beside the
// rest only makes them slow and flaky). Jest arguments given to npm test replace both passes.
type Summary = { numPassedTests: number; numFailedTests: number; numPendingTests: number };
const runJest = (args: string[]): { status: number; summary: Summary | null } => {
  const resultFile = path.join(mkdtempSync(path.join(tmpdir(), 'siyu-jest-')), 'results.json');
  const r = spawnSync('npx', ['jest', '--json', `--outputFile=${resultFile}`, ...args], { cwd: rootDir, stdio: 'inherit', env: process.env });
  try {
    return { status: r.status ?? 1, summary: JSON.parse(readFileSync(resultFile, 'utf8')) as Summary };
  } catch {
    return { status: r.status ?? 1, summary: null };
  }
};
const browserTests = ['tests/e2e', 'tests/app'];
const passes = jestArgs.length > 0
  ? [jestArgs]
  : [
      ['--testPathIgnorePatterns', ...browserTests.map((p) => `<rootDir>/${p}/`)],
      ['--runInBand', ...browserTests],
    ];
const results = passes.map(runJest);
const total = results.reduce(
  (acc, r) => ({
    passed: acc.passed + (r.summary?.numPassedTests ?? 0),
    failed: acc.failed + (r.summary?.numFailedTests ?? 0) + (r.summary ? 0 : 1),
    skipped: acc.skipped + (r.summary?.numPendingTests ?? 0),
  }),
  { passed: 0, failed: 0, skipped: 0 },
);
// The plain closing line CI reads.
console.log(`${total.passed} passed, ${total.failed} failed, ${total.skipped} skipped`);
process.exit(results.every((r) => r.status === 0) ? 0 : 1);
