import {
  greetingCheckInputSchema,
  greetingCheckSchema,
  greetingSendInputSchema,
  greetingSendResultSchema,
  type GreetingSendInput,
} from '../../../shared/schemas/greeting-send.schema';
import { getConfig } from '../../_lib/config';
import { DomainError } from '../../_lib/errors';
import { person, route } from '../../_lib/handler';
import { requireStaff, requireVisibleMember } from '../../_lib/staff-guard';
import { wechatSubscribeChannel } from '../../_lib/messaging/channel';
import { dispatch } from '../../_lib/messaging/engine';
import { checkManualGreeting } from '../../_lib/messaging/manual';
import { templateProblem } from '../../_lib/messaging/render';
import { requireCleanText, SCENE_ASSOCIATE_MESSAGE } from '../../_lib/messaging/content-security';
import { withServiceTx, type Tx } from '../../_lib/db';
import { getWechatClient } from '../../_lib/wechat-context';

const REASON_TEXT: Record<string, string> = {
  no_openid: 'This customer has not signed in to the mini-program',
  no_consent: 'This customer has not agreed to marketing messages',
  consent_withdrawn: 'This customer withdrew consent to marketing messages',
  no_credit: 'This customer has not subscribed to this message',
  frequency_budget: 'This customer has received enough messages recently',
  already_sent_today: 'This greeting was already sent to this customer today',
};

// Everything that must hold before a 1:1 greeting is queued, in the associate's RLS transaction.
const validate = async (tx: Tx, input: GreetingSendInput) => {
  const { staffId } = await requireStaff(tx);
  await requireVisibleMember(tx, input.memberId);
  const [t] = await tx<{ fields: Array<{ key: string }> }[]>`
    select fields from public.message_templates where org_id = (select private.jwt_org_id()) and id = ${input.templateId} and active`;
  if (!t) throw new DomainError(400, 'invalid_input', 'Some fields are not valid', [{ path: 'templateId', message: 'is not an active template' }]);
  const problem = templateProblem(input.data, t.fields.map((f) => f.key));
  if (problem) throw new DomainError(400, 'invalid_input', 'Some fields are not valid', [{ path: 'data', message: problem }]);
  const check = await checkManualGreeting(tx, input.memberId, input.templateId);
  if (check.reason) throw new DomainError(409, check.reason, REASON_TEXT[check.reason] ?? 'This greeting cannot be sent');
  return { staffId, check };
};

// GET  /api/staff/greetings?memberId=&templateId=: can this 1:1 greeting be sent, and why not.
// POST /api/staff/greetings {memberId, templateId, data}: checks it (consent, credit, budget,
// WeChat's keyword rules), has WeChat's content security judge the associate's text (msgSecCheck,
// scene 2, as the associate; between transactions, never holding one open), records it as an
// outbox row (in the associate's RLS transaction: only to a member they can see, as themselves),
// then the dispatcher sends exactly that row, checking consent, credit and budget again.
export default route({
  GET: person({
    input: greetingCheckInputSchema,
    output: greetingCheckSchema,
    run: ({ input, inTx }) =>
      inTx(async (tx) => {
        await requireStaff(tx);
        await requireVisibleMember(tx, input.memberId);
        const check = await checkManualGreeting(tx, input.memberId, input.templateId);
        return { canSend: check.reason === null, reason: check.reason, credits: check.credits };
      }),
  }),
  POST: person({
    input: greetingSendInputSchema,
    output: greetingSendResultSchema,
    status: 201,
    run: async ({ input, inTx, sql }) => {
      const author = await inTx(async (tx) => {
        await validate(tx, input);
        // The associate's own WeChat identity (RLS: people read their own account).
        const [a] = await tx<{ openid: string }[]>`select wx_openid as openid from public.accounts where id = (select auth.uid())`;
        if (!a) throw new DomainError(403, 'forbidden', 'No WeChat account for this sign-in');
        return a.openid;
      });
      await requireCleanText(getWechatClient(), {
        openid: author,
        scene: SCENE_ASSOCIATE_MESSAGE,
        texts: Object.fromEntries(Object.entries(input.data).map(([k, v]) => [`data.${k}`, v])),
        refused: '问候未发送',
      });
      const sendId = await inTx(async (tx) => {
        // Again: consent, credit or "already sent today" may have changed during the check.
        const { staffId, check } = await validate(tx, input);
        const [row] = await tx<{ id: string }[]>`
          insert into public.greeting_sends (org_id, member_id, occasion_key, occasion_date, channel, template_id, data, staff_id)
          values (${check.orgId}, ${input.memberId}, ${`manual:${input.templateId}`}, ${check.today}::date, 'wechat_subscribe',
            ${input.templateId}, ${tx.json(input.data)}, ${staffId})
          returning id::text as id`;
        if (!row) throw new Error('insert returned nothing');
        return row.id;
      });
      await dispatch(sql, { channel: wechatSubscribeChannel(getWechatClient(), getConfig().WECHAT_APPID), onlyIds: [sendId], maxBatches: 1 });
      const [r] = await withServiceTx(sql, (tx) => tx<{ status: 'queued'; reason: string | null }[]>`
        select status, reason from public.greeting_sends where id = ${sendId}`);
      return { sendId, status: r?.status ?? 'queued', reason: r?.reason ?? null };
    },
  }),
});
