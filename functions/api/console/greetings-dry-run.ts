import { localDate } from '../../../shared/domain/birthday';
import { greetingDryRunInputSchema, greetingDryRunSchema } from '../../../shared/schemas/greeting-campaign.schema';
import { DomainError } from '../../_lib/errors';
import { person, route } from '../../_lib/handler';
import { loadCampaign, readSettings, requireOperator } from '../../_lib/messaging/campaigns';
import { dryRun } from '../../_lib/messaging/engine';
import { nextOccasion, occasionAt, occasionOn } from '../../_lib/messaging/occasions';

// POST /api/console/greetings-dry-run {campaignId, date? | occasionDate?}: who would receive the
// next occasion (or the one sent on `date`, or the occasion on `occasionDate`: one occurrence of a
// recurring campaign, one store anniversary), counts of everyone else by reason, and a preview.
// Runs in the operator's own RLS transaction: it reads only what the operator may see.
export default route({
  POST: person({
    input: greetingDryRunInputSchema,
    output: greetingDryRunSchema,
    run: ({ input, inTx }) =>
      inTx(async (tx) => {
        const { orgId } = await requireOperator(tx);
        const c = await loadCampaign(tx, input.campaignId);
        const settings = await readSettings(tx, orgId);
        const today = localDate(new Date(), settings.timeZone);
        const occasion = input.date
          ? occasionOn(c, input.date, settings.timeZone)
          : input.occasionDate
            ? occasionAt(c, input.occasionDate, settings.timeZone)
            : nextOccasion(c, today, settings.timeZone);
        if (!occasion) {
          throw new DomainError(400, 'invalid_input', 'Some fields are not valid', [
            { path: input.date ? 'date' : input.occasionDate ? 'occasionDate' : 'campaignId', message: 'has no occasion to send on that day' },
          ]);
        }
        return dryRun(tx, c, occasion, settings);
      }),
  }),
});
