import { messageTemplateListInputSchema, messageTemplateListOutputSchema } from '../../../shared/schemas/customer-card.schema';
import { person, route } from '../../_lib/handler';
import { requireStaff } from '../../_lib/staff-guard';

// GET /api/staff/message-templates: the active templates of the org, with their keywords, for
// the card's 1:1 greeting (RLS shows people only active templates of their org).
type Field = { key?: unknown; label?: unknown };

export default route({
  GET: person({
    input: messageTemplateListInputSchema,
    output: messageTemplateListOutputSchema,
    run: ({ inTx }) =>
      inTx(async (tx) => {
        await requireStaff(tx);
        const rows = await tx<{ id: string; name: string; purpose: string; fields: Field[] }[]>`
          select id, name, purpose, fields from public.message_templates
          where org_id = (select private.jwt_org_id()) and active and channel = 'wechat_subscribe'
          order by purpose, name`;
        return {
          templates: rows.map((t) => ({
            id: t.id,
            name: t.name,
            purpose: t.purpose,
            fields: (Array.isArray(t.fields) ? t.fields : [])
              .filter((f): f is { key: string; label?: unknown } => typeof f.key === 'string')
              .map((f) => ({ key: f.key, label: typeof f.label === 'string' ? f.label : f.key })),
          })),
        };
      }),
  }),
});
