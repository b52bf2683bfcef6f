import { z } from 'zod';
import { memberCardOutputSchema } from '../../../shared/schemas/member-card.schema';
import { person, route } from '../../_lib/handler';
import { loadOwnMemberCard } from '../../_lib/member-card';

// GET /api/member/card: the member's own card (404 before joining).
export default route({
  GET: person({
    input: z.object({}).strict(),
    output: memberCardOutputSchema,
    run: ({ inTx }) => inTx(loadOwnMemberCard),
  }),
});
