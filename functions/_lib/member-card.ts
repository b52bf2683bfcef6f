import type { MemberCardOutput } from '../../shared/schemas/member-card.schema';
import { decryptPii } from './crypto/pii-crypto';
import type { Tx } from './db';
import { notFound } from './errors';
import { iso } from './handler';

type MemberRow = {
  id: string;
  member_no: string;
  name: string | null;
  phone_masked: string | null;
  joined_at: Date;
  store_id: string | null;
  store_name: string | null;
  associate_id: string | null;
  associate_name: string | null;
};

// The calling member's own card, read through RLS in the caller's transaction.
export const loadOwnMemberCard = async (tx: Tx): Promise<MemberCardOutput> => {
  const [m] = await tx<MemberRow[]>`
    select m.id, m.member_no, m.name, m.phone_masked, m.joined_at, m.store_id, st.name as store_name,
           m.associate_id, sf.name as associate_name
    from public.members m
    left join public.stores st on st.org_id = m.org_id and st.id = m.store_id
    left join public.staff sf on sf.org_id = m.org_id and sf.id = m.associate_id
    where m.account_id = auth.uid() and m.org_id = private.jwt_org_id()`;
  if (!m) throw notFound('Your membership');
  const [phone] = await tx<{ enc: string | null }[]>`select public.member_phone_ciphertext(${m.id}) as enc`;
  const consents = await tx<{ purpose: string; granted: boolean; policy_version: string; created_at: Date }[]>`
    select distinct on (purpose, channel) purpose, granted, policy_version, created_at
    from public.consents where org_id = private.jwt_org_id() and member_id = ${m.id}
    order by purpose, channel, created_at desc, id desc`;
  return {
    id: m.id,
    memberNo: String(m.member_no),
    name: m.name,
    phone: phone?.enc ? decryptPii(phone.enc, 'phone') : null,
    phoneMasked: m.phone_masked,
    joinedAt: iso(m.joined_at),
    store: m.store_id && m.store_name ? { id: m.store_id, name: m.store_name } : null,
    associate: m.associate_id && m.associate_name ? { id: m.associate_id, name: m.associate_name } : null,
    consents: consents.map((c) => ({ purpose: c.purpose, granted: c.granted, policyVersion: c.policy_version, at: iso(c.created_at) })),
  };
};
