// A small in-memory stand-in for the API, speaking the shared contract (inputs checked with the
// same zod schemas the server uses, errors in the {error:{code,message,fields}} shape), for the
// tests that drive the built mini-program without a server.
import { randomUUID } from 'node:crypto';
import type { z } from 'zod';
import { authLoginInputSchema, type AppConfigOutput } from '../../shared/schemas/auth-login.schema';
import { memberJoinInputSchema } from '../../shared/schemas/member-join.schema';
import { memberPhoneInputSchema } from '../../shared/schemas/member-phone.schema';
import type { MemberCardOutput } from '../../shared/schemas/member-card.schema';
import { customerListInputSchema, type CustomerSummary } from '../../shared/schemas/customer-list.schema';
import type { CustomerCardOutput } from '../../shared/schemas/customer-card.schema';
import { memberTagInputSchema, type TagTaxonomyOutput } from '../../shared/schemas/member-tag.schema';
import { interactionCreateInputSchema } from '../../shared/schemas/interaction-create.schema';
import type { FakeResponse, RequestHandler } from './weapp-harness';

type Who = 'member' | 'staff';

const error = (status: number, code: string, message: string, fields?: { path: string; message: string }[]): FakeResponse => ({
  status,
  body: { error: { code, message, ...(fields ? { fields } : {}) } },
});

const invalid = (e: z.ZodError): FakeResponse =>
  error(
    400,
    'invalid_input',
    'Invalid input',
    e.issues.map((issue) => ({ path: issue.path.join('.'), message: issue.message })),
  );

export class FakeApi {
  readonly config: AppConfigOutput = { appId: 'wx00000000000000aa', privacyPolicyVersion: '2026-11-01', simulator: false };
  readonly orgId = randomUUID();
  readonly storeA = { id: randomUUID(), name: '静安店', code: 'S001' };
  readonly staff = { id: randomUUID(), name: '王导购', role: 'associate' as const, stores: [{ id: this.storeA.id, name: this.storeA.name }] };
  loginAs: Who = 'member';
  member: MemberCardOutput | null = null;
  readonly sessions = new Map<string, { who: Who; accountId: string }>();
  readonly customers: CustomerSummary[];
  readonly cards = new Map<string, CustomerCardOutput>();
  readonly taxonomy: TagTaxonomyOutput;

  constructor() {
    const base = Date.parse('2026-11-01T08:00:00Z');
    this.customers = Array.from({ length: 25 }, (_, i) => ({
      id: randomUUID(),
      memberNo: `M${String(100000 + i)}`,
      name: i === 0 ? '李小红' : `顾客${i}`,
      phoneMasked: `138****${String(1000 + i)}`,
      storeId: this.storeA.id,
      associateId: this.staff.id,
      joinedAt: new Date(base - i * 3600_000).toISOString(),
      lastPurchaseAt: new Date(base - i * 3600_000).toISOString(),
      lifetimeSpendFen: 12900,
      orderCount: 1,
      lastContactAt: null,
    }));
    this.taxonomy = {
      groups: [
        {
          id: randomUUID(),
          name: '偏好',
          selection: 'multiple',
          tags: [
            { id: randomUUID(), name: '护肤', color: '#e91e63' },
            { id: randomUUID(), name: '彩妆', color: '#9c27b0' },
          ],
        },
        { id: randomUUID(), name: '价值', selection: 'single', tags: [{ id: randomUUID(), name: '高价值', color: '#ff9800' }] },
      ],
    };
    for (const c of this.customers) {
      this.cards.set(c.id, {
        id: c.id,
        memberNo: c.memberNo,
        name: c.name,
        gender: 'female',
        phoneMasked: c.phoneMasked,
        canRevealPhone: true,
        birthday: null,
        timeline: [],
        lastPurchaseAt: c.joinedAt,
        lastContactAt: null,
        joinedAt: c.joinedAt,
        store: { id: this.storeA.id, name: this.storeA.name },
        associate: { id: this.staff.id, name: this.staff.name },
        tags: [],
        orders: [{ id: randomUUID(), orderNo: 'SO20261101001', totalFen: 12900, orderedAt: c.joinedAt, lineCount: 2 }],
        interactions: [],
        lifetimeSpendFen: 12900,
        orderCount: 1,
      });
    }
  }

  private session(headers: Record<string, string>): { who: Who; accountId: string } | null {
    const auth = headers.Authorization ?? headers.authorization ?? '';
    const token = auth.startsWith('Bearer ') ? auth.slice(7) : '';
    return this.sessions.get(token) ?? null;
  }

  readonly handle: RequestHandler = ({ method, url, body, headers }) => {
    const route = `${method} ${url.pathname}`;
    if (route === 'GET /api/config') return { status: 200, body: this.config };
    if (route === 'POST /api/auth/wx-login') {
      const input = authLoginInputSchema.safeParse(body);
      if (!input.success) return invalid(input.error);
      const token = `tok-${this.loginAs}-${this.sessions.size + 1}`;
      const accountId = randomUUID();
      this.sessions.set(token, { who: this.loginAs, accountId });
      return { status: 200, body: { token, expiresAt: new Date(Date.now() + 3600_000).toISOString(), accountId, orgId: this.orgId } };
    }

    const session = this.session(headers);
    if (!session) return error(401, 'unauthorized', 'Sign in again');

    if (route === 'GET /api/me') {
      return {
        status: 200,
        body: {
          accountId: session.accountId,
          org: { id: this.orgId, name: '演示品牌' },
          member:
            session.who === 'member' && this.member
              ? { id: this.member.id, memberNo: this.member.memberNo, name: this.member.name, hasPhone: this.member.phone !== null }
              : null,
          staff: session.who === 'staff' ? this.staff : null,
        },
      };
    }

    if (session.who === 'member') {
      if (route === 'POST /api/member/join') {
        const input = memberJoinInputSchema.safeParse(body);
        if (!input.success) return invalid(input.error);
        if (input.data.storeCode && input.data.storeCode !== this.storeA.code) {
          return error(400, 'invalid_input', 'Invalid input', [{ path: 'storeCode', message: 'Unknown store' }]);
        }
        const at = new Date().toISOString();
        this.member ??= {
          id: randomUUID(),
          memberNo: 'M900001',
          name: input.data.name ?? null,
          phone: null,
          phoneMasked: null,
          joinedAt: at,
          store: input.data.storeCode ? { id: this.storeA.id, name: this.storeA.name } : null,
          associate: null,
          consents: [
            { purpose: 'membership_terms', granted: true, policyVersion: input.data.policyVersion, at },
            { purpose: 'privacy_policy', granted: true, policyVersion: input.data.policyVersion, at },
            { purpose: 'marketing', granted: input.data.marketing, policyVersion: input.data.policyVersion, at },
          ],
        };
        return { status: 200, body: this.member };
      }
      if (route === 'GET /api/member/card') {
        return this.member ? { status: 200, body: this.member } : error(404, 'not_found', 'Not a member yet');
      }
      if (route === 'POST /api/member/phone') {
        const input = memberPhoneInputSchema.safeParse(body);
        if (!input.success) return invalid(input.error);
        if (!this.member) return error(404, 'not_found', 'Not a member yet');
        if (input.data.code !== 'phone-code-1') return error(400, 'invalid_input', 'Invalid input', [{ path: 'code', message: 'Code expired' }]);
        this.member = { ...this.member, phone: '13812345678', phoneMasked: '138****5678' };
        return { status: 200, body: this.member };
      }
      return error(403, 'forbidden', 'Staff only');
    }

    if (route === 'GET /api/staff/customers') {
      const input = customerListInputSchema.safeParse(Object.fromEntries(url.searchParams));
      if (!input.success) return invalid(input.error);
      const { q, cursor, limit } = input.data;
      const matching = this.customers.filter(
        (c) => !q || (c.name ?? '').includes(q) || (c.phoneMasked ?? '').endsWith(q),
      );
      const start = cursor ? Number(cursor) : 0;
      const items = matching.slice(start, start + limit);
      const next = start + limit < matching.length ? String(start + limit) : null;
      return { status: 200, body: { items, nextCursor: next } };
    }
    if (route === 'GET /api/staff/customer') {
      const card = this.cards.get(url.searchParams.get('id') ?? '');
      return card ? { status: 200, body: card } : error(404, 'not_found', 'Customer not found');
    }
    if (route === 'GET /api/staff/tags') return { status: 200, body: this.taxonomy };
    if (route === 'POST /api/staff/member-tags' || route === 'DELETE /api/staff/member-tags') {
      const raw = method === 'POST' ? body : Object.fromEntries(url.searchParams);
      const input = memberTagInputSchema.safeParse(raw);
      if (!input.success) return invalid(input.error);
      const card = this.cards.get(input.data.memberId);
      const group = this.taxonomy.groups.find((g) => g.tags.some((t) => t.id === input.data.tagId));
      const tag = group?.tags.find((t) => t.id === input.data.tagId);
      if (!card || !group || !tag) return error(404, 'not_found', 'Not found');
      const others = card.tags.filter((t) => t.id !== tag.id && (method === 'DELETE' || group.selection === 'multiple' || t.groupId !== group.id));
      card.tags = method === 'POST' ? [...others, { ...tag, groupId: group.id, groupName: group.name }] : others;
      return { status: 200, body: { memberId: card.id, tagId: tag.id, tagged: method === 'POST' } };
    }
    if (route === 'POST /api/staff/interactions') {
      const input = interactionCreateInputSchema.safeParse(body);
      if (!input.success) return invalid(input.error);
      const card = this.cards.get(input.data.memberId);
      if (!card) return error(404, 'not_found', 'Customer not found');
      const created = { id: randomUUID(), occurredAt: new Date().toISOString() };
      card.interactions = [{ ...created, kind: input.data.kind, note: input.data.note, staffName: this.staff.name }, ...card.interactions];
      return { status: 200, body: created };
    }
    return error(404, 'not_found', `No route ${route}`);
  };
}
