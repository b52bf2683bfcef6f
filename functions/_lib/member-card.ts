import type { MemberCardOutput } from '../../shared/schemas/member-card.schema';
import type { PrivacyRequestItem } from '../../shared/schemas/privacy-request-actions.schema';
import { policyNeedsReconsent } from '../../shared/domain/consent-purposes';
import { getConfig } from './config';
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
  tier: string | null;
  points: number | null;
};

// The calling member's own card, read through RLS in the caller's transaction.
export const loadOwnMemberCard = async (tx: Tx): Promise<MemberCardOutput> => {
  const [m] = await tx<MemberRow[]>`
    select m.id, m.member_no, m.name, m.phone_masked, m.joined_at, m.store_id, st.name as store_name,
           m.associate_id, sf.name as associate_name, m.tier, m.points
    from public.members m
    left join public.stores st on st.org_id = m.org_id and st.id = m.store_id
    left join public.staff sf on sf.org_id = m.org_id and sf.id = m.associate_id
    where m.account_id = auth.uid() and m.org_id = private.jwt_org_id() and m.deleted_at is null`;
  if (!m) throw notFound('Your membership');
  const [phone] = await tx<{ enc: string | null }[]>`select public.member_phone_ciphertext(${m.id}) as enc`;
  const consents = await tx<{ purpose: string; granted: boolean; policy_version: string; created_at: Date }[]>`
    select distinct on (purpose, channel) purpose, granted, policy_version, created_at
    from public.consents where org_id = private.jwt_org_id() and member_id = ${m.id}
    order by purpose, channel, created_at desc, id desc`;
  const latest = consents.map((c) => ({ purpose: c.purpose, granted: c.granted, policyVersion: c.policy_version }));
  const currentPolicyVersion = getConfig().PRIVACY_POLICY_VERSION;
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
    tier: m.tier,
    points: m.points,
    currentPolicyVersion,
    policyOutdated: policyNeedsReconsent(latest, currentPolicyVersion),
  };
};

// One consent decision as a ledger row, only when it changes what is in force (or the policy
// version does), so repeated taps do not pile up identical rows. The time is the server's.
export const recordConsent = async (
  tx: Tx,
  memberId: string,
  d: { purpose: string; granted: boolean; policyVersion: string; source: string },
): Promise<boolean> => {
  const rows = await tx`
    insert into public.consents (org_id, member_id, purpose, channel, granted, policy_version, source)
    select private.jwt_org_id(), ${memberId}::uuid, ${d.purpose}, 'all', ${d.granted}, ${d.policyVersion}, ${d.source}
    where not exists (
      select 1 from (
        select c.granted, c.policy_version from public.consents c
        where c.org_id = private.jwt_org_id() and c.member_id = ${memberId}::uuid and c.purpose = ${d.purpose} and c.channel = 'all'
        order by c.created_at desc, c.id desc limit 1
      ) latest
      where latest.granted = ${d.granted} and latest.policy_version = ${d.policyVersion}
    )`;
  return rows.count > 0;
};

// Every exercise of a right is logged with its time and outcome (completed at once here).
export const logPrivacyRequest = async (tx: Tx, memberId: string, kind: string, outcome: string): Promise<void> => {
  await tx`
    insert into public.privacy_requests (org_id, member_id, kind, status, outcome, completed_at)
    values (private.jwt_org_id(), ${memberId}::uuid, ${kind}, 'completed', ${outcome}, now())`;
};

// The calling member's id (404 before joining or after deletion).
export const ownMemberId = async (tx: Tx): Promise<string> => {
  const [row] = await tx<{ id: string | null }[]>`select private.my_member_id() as id`;
  if (!row?.id) throw notFound('Your membership');
  return row.id;
};

// Privacy requests as listed to members and admins.
export type PrivacyRequestRow = {
  id: string; member_no: string | null; kind: PrivacyRequestItem['kind']; status: PrivacyRequestItem['status'];
  detail: string | null; outcome: string | null; requested_at: Date; due_on: string | null; completed_at: Date | null; overdue: boolean;
};

export const toPrivacyRequestItem = (r: PrivacyRequestRow): PrivacyRequestItem => ({
  id: r.id,
  memberNo: r.member_no === null ? null : String(r.member_no),
  kind: r.kind,
  status: r.status,
  detail: r.detail,
  outcome: r.outcome,
  requestedAt: iso(r.requested_at),
  dueOn: r.due_on,
  completedAt: r.completed_at ? iso(r.completed_at) : null,
  overdue: r.overdue,
});

// The columns every listing returns (member_no only where the caller can see the member).
export const privacyRequestColumns = (tx: Tx) => tx`
  r.id, m.member_no, r.kind, r.status, r.detail, r.outcome, r.requested_at, to_char(r.due_on, 'YYYY-MM-DD') as due_on,
  r.completed_at, (r.status = 'pending' and r.due_on < (now() at time zone o.timezone)::date) as overdue
  from public.privacy_requests r
  join public.orgs o on o.id = r.org_id
  left join public.members m on m.org_id = r.org_id and m.id = r.member_id`;

