import { customerListInputSchema, customerListOutputSchema } from '../../../shared/schemas/customer-list.schema';
import { DomainError } from '../../_lib/errors';
import { iso, person, route } from '../../_lib/handler';
import { requireStaff } from '../../_lib/staff-guard';
import type { Tx } from '../../_lib/db';

// GET /api/staff/customers: a store's members, newest first, keyset-paginated (no OFFSET), with
// an optional search term: last 4 digits, member number, pinyin / initials, or name prefix.
type Row = { id: string; member_no: string; name: string | null; phone_masked: string | null; store_id: string | null; joined_at: Date; cursor_ts: string };

const encodeCursor = (ts: string, id: string): string => Buffer.from(JSON.stringify([ts, id])).toString('base64url');
const decodeCursor = (cursor: string): [string, string] => {
  try {
    const v: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (Array.isArray(v) && v.length === 2 && typeof v[0] === 'string' && typeof v[1] === 'string' && /^[0-9a-f-]{36}$/.test(v[1])) {
      return [v[0], v[1]];
    }
  } catch {
    // fall through
  }
  throw new DomainError(400, 'invalid_input', 'Some fields are not valid', [{ path: 'cursor', message: 'not a cursor from this list' }]);
};

const searchFilter = (tx: Tx, q: string | undefined) => {
  if (!q) return tx``;
  if (/^\d{4}$/.test(q)) return tx`and m.phone_last4 = ${q}`;
  if (/^\d{5,}$/.test(q)) return tx`and m.member_no = ${q}`;
  if (/^[a-zA-Z]+$/.test(q)) {
    const p = `${q.toLowerCase()}%`;
    return tx`and (m.name_initials like ${p} or m.name_pinyin like ${p})`;
  }
  return tx`and m.name like ${`${q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`}`;
};

export default route({
  GET: person({
    input: customerListInputSchema,
    output: customerListOutputSchema,
    run: ({ input, inTx }) =>
      inTx(async (tx) => {
        await requireStaff(tx);
        const limit = input.limit ?? 20;
        const after = input.cursor ? decodeCursor(input.cursor) : null;
        const rows = await tx<Row[]>`
          select m.id, m.member_no, m.name, m.phone_masked, m.store_id, m.joined_at, m.joined_at::text as cursor_ts
          from public.members m
          where m.org_id = private.jwt_org_id() and m.deleted_at is null
            ${input.storeId ? tx`and m.store_id = ${input.storeId}` : tx`and m.store_id = any ((select private.my_store_ids())::uuid[])`}
            ${searchFilter(tx, input.q)}
            ${after ? tx`and (m.joined_at, m.id) < (${after[0]}::timestamptz, ${after[1]}::uuid)` : tx``}
          order by m.joined_at desc, m.id desc
          limit ${limit + 1}`;
        const page = rows.slice(0, limit);
        const last = page[page.length - 1];
        return {
          items: page.map((r) => ({
            id: r.id,
            memberNo: String(r.member_no),
            name: r.name,
            phoneMasked: r.phone_masked,
            storeId: r.store_id,
            joinedAt: iso(r.joined_at),
          })),
          nextCursor: rows.length > limit && last ? encodeCursor(last.cursor_ts, last.id) : null,
        };
      }),
  }),
});
