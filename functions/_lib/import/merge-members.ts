import type { Tx } from '../db';
import { DomainError, notFound } from '../errors';

// Console merges: members named by id or by member number (what an operator reads off a card),
// resolved through RLS (an operator sees the org's members; anyone else sees none of them).
export const resolveMemberRef = async (tx: Tx, ref: string, path: string): Promise<string> => {
  const byNo = /^\d+$/.test(ref);
  const [m] = await tx<{ id: string }[]>`
    select id from public.members
    where org_id = (select private.jwt_org_id()) and deleted_at is null
      and ${byNo ? tx`member_no = ${ref}::bigint` : tx`id = ${ref.toLowerCase()}::uuid`}`;
  if (!m) throw new DomainError(404, 'not_found', 'That member was not found', [{ path, message: 'no such member' }]);
  return m.id;
};

// The merge functions refuse with a sentence (a WeChat account on both sides, already undone,
// the survivor merged since): it goes to the operator as it is.
export const explainRefusal = (e: unknown): never => {
  const code = (e as { code?: unknown })?.code;
  const message = e instanceof Error ? e.message : '';
  if (code === '23514' || code === '23505') throw new DomainError(409, 'conflict', message);
  if (code === 'P0002') throw notFound(/candidate/.test(message) ? 'That merge candidate' : /merge/.test(message) ? 'That merge' : 'That member');
  throw e;
};
