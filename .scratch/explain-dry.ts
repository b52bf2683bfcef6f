import postgres from 'postgres';
import { evaluated, readSettings, type CampaignRow } from '../functions/_lib/messaging/audience';
import { strategyFor } from '../functions/_lib/messaging/engine';
import { lengthRules } from '../functions/_lib/messaging/render';
const sql = postgres(process.env.DATABASE_URL!, { max: 1 });
const main = async () => {
  const [org] = await sql<{ id: string }[]>`select id from orgs where wx_appid = 'wx5ca1e00000000001'`;
  const [tag] = await sql<{ id: string }[]>`select id from tags where org_id = ${org!.id} and name = '高价值'`;
  const [tpl] = await sql<{ id: string }[]>`select id from message_templates where org_id = ${org!.id} and purpose = 'campaign'`;
  const segment = process.argv[2] === 'all' ? {} : { tagIds: [tag!.id], lastPurchaseAfter: '2026-06-01' };
  await sql.begin(async (tx) => {
    if (process.argv[3] === 'nojit') await tx`set local jit = off`;
    const settings = await readSettings(tx, org!.id);
    const c = { org_id: org!.id, id: '00000000-0000-4000-8000-000000000000', kind: 'segment', template_id: tpl!.id, data: { thing1: '会员专享活动', date2: '{date}' }, segment, send_time: '10:00', days_ahead: 0 } as unknown as CampaignRow;
    const base = { campaign: c, occasionDate: '2026-12-02', settings, quiet: false, lengthRules: lengthRules(c.data, { date: '2026-12-02' }) };
    const st = process.argv[4] === 'set' ? 'set_based' as const : await strategyFor(tx, base); console.log('strategy', st);
    const ev = evaluated(tx, { ...base, strategy: st });
    const rows = await tx<{ 'QUERY PLAN': string }[]>`explain (analyze, buffers) with ev as (${ev}) select reason, count(*)::int as n from ev group by reason`;
    console.log(rows.map((r) => r['QUERY PLAN']).join('\n'));
  });
  await sql.end();
};
main();
