import { parseArgs } from 'node:util';
import { resetConfig } from '../functions/_lib/config';
import { applySecrets, loadOrCreateSecrets } from '../server/local-secrets';
import { SCALE_APPID, SCALE_DEFAULT_AS_OF, SCALE_LOGINS, SCALE_ORG_NAME, SCALE_SECRETS_DIR } from '../bench/scale-config';
import { seedScale } from '../bench/scale-seed';

// `npm run seed:scale -- --members 1000000 [--seed N] [--org-name …]`: one org with realistic
// data at scale, loaded by COPY into DATABASE_URL (a server: embedded PGlite is not for this).
const usage = `usage: npm run seed:scale -- [--members 1000000] [--seed 1] [--org-name NAME] [--appid ${SCALE_APPID}]
       [--orders-per-member 10] [--lines-per-order 2.5] [--stores 200] [--as-of ${SCALE_DEFAULT_AS_OF}]

Needs DATABASE_URL (a Postgres server; use a database of its own, e.g.
  createdb -h 127.0.0.1 -U postgres siyu_bench
  DATABASE_URL=postgres://postgres@127.0.0.1:5432/siyu_bench npm run seed:scale -- --members 1000000).`;

const main = async (): Promise<void> => {
  const { values } = parseArgs({
    options: {
      members: { type: 'string', default: '1000000' },
      seed: { type: 'string', default: '1' },
      'org-name': { type: 'string', default: SCALE_ORG_NAME },
      appid: { type: 'string', default: SCALE_APPID },
      'orders-per-member': { type: 'string', default: '10' },
      'lines-per-order': { type: 'string', default: '2.5' },
      stores: { type: 'string', default: '200' },
      'as-of': { type: 'string', default: SCALE_DEFAULT_AS_OF },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) {
    console.log(usage);
    return;
  }
  const databaseUrl = process.env.DATABASE_URL;
  if (!databaseUrl) {
    console.error(`DATABASE_URL is not set. The scale data goes into a Postgres server, not the embedded database.\n\n${usage}`);
    process.exit(2);
  }
  const num = (name: string, raw: string, min: number, max: number, integer = true): number => {
    const v = Number(raw);
    if (!Number.isFinite(v) || v < min || v > max || (integer && !Number.isInteger(v))) {
      console.error(`--${name} must be ${integer ? 'an integer' : 'a number'} between ${min} and ${max} (got ${raw})`);
      process.exit(2);
    }
    return v;
  };
  const members = num('members', values.members.replace(/[_,]/g, ''), 100, 20_000_000);
  const seed = num('seed', values.seed, 0, 2 ** 31 - 1);
  const ordersPerMember = num('orders-per-member', values['orders-per-member'], 0, 100, false);
  const linesPerOrder = num('lines-per-order', values['lines-per-order'], 1, 10, false);
  const stores = num('stores', values.stores, 1, 2000);
  const asOf = new Date(values['as-of']);
  if (Number.isNaN(asOf.getTime())) {
    console.error(`--as-of must be a date/time (got ${values['as-of']})`);
    process.exit(2);
  }
  if (!/^wx[0-9a-zA-Z]{16}$/.test(values.appid)) {
    console.error('--appid must look like a mini-program appid: wx + 16 letters/digits');
    process.exit(2);
  }

  // Phones are encrypted with the local keys (.data/secrets.json, or the environment's), the
  // same ones the app started by `npm run bench` / `npm start` uses.
  applySecrets(await loadOrCreateSecrets(SCALE_SECRETS_DIR));
  process.env.WECHAT_APPID = values.appid;
  resetConfig();

  const target = new URL(databaseUrl);
  console.log(
    `seed:scale → ${target.host}${target.pathname}: ${members.toLocaleString('en-US')} members, ~${ordersPerMember} orders/member × ~${linesPerOrder} lines, ` +
      `${stores} stores, seed ${seed}, as of ${asOf.toISOString()}`,
  );
  const result = await seedScale(databaseUrl, {
    members,
    seed,
    orgName: values['org-name'],
    appId: values.appid,
    ordersPerMember,
    linesPerOrder,
    stores,
    asOf,
    log: (line) => console.log(line),
  });
  const rows = Object.entries(result.counts)
    .map(([t, n]) => `${t} ${n.toLocaleString('en-US')}`)
    .join(', ');
  console.log(`\norg ${result.orgId} (appid ${values.appid}): ${rows}`);
  console.log(`phases (s): ${Object.entries(result.phases).map(([k, ms]) => `${k} ${(ms / 1000).toFixed(1)}`).join(', ')}`);
  console.log(`total ${(result.totalMs / 1000).toFixed(1)} s`);
  console.log(`bench logins (openids): ${Object.values(SCALE_LOGINS).join(', ')} — run \`npm run bench\` with the same DATABASE_URL.`);
};

main().catch((e: unknown) => {
  console.error(e instanceof Error ? e.message : e);
  if (process.env.DEBUG) console.error(e);
  process.exit(1);
});
