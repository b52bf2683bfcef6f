import { z } from 'zod';
import {
  appConfigOutputSchema,
  authLoginInputSchema,
  authLoginOutputSchema,
  meOutputSchema,
  type AppConfigOutput,
  type AuthLoginOutput,
  type MeOutput,
} from '@shared/schemas/auth-login.schema';
import { memberJoinInputSchema } from '@shared/schemas/member-join.schema';
import { memberPhoneInputSchema } from '@shared/schemas/member-phone.schema';
import { memberCardOutputSchema, type MemberCardOutput } from '@shared/schemas/member-card.schema';
import {
  customerListOutputSchema,
  type customerListInputSchema,
  type CustomerListOutput,
} from '@shared/schemas/customer-list.schema';
import { customerCardOutputSchema, type CustomerCardOutput } from '@shared/schemas/customer-card.schema';
import {
  memberTagOutputSchema,
  tagTaxonomyOutputSchema,
  type TagTaxonomyOutput,
} from '@shared/schemas/member-tag.schema';
import {
  interactionCreateInputSchema,
  interactionCreateOutputSchema,
} from '@shared/schemas/interaction-create.schema';
import {
  consoleApproveOutputSchema,
  consoleTicketIssueOutputSchema,
  consoleTicketPollOutputSchema,
  type ConsoleTicketIssueOutput,
  type ConsoleTicketPollOutput,
} from '@shared/schemas/console-login.schema';
import { apiRequest } from './api-client';

// One function per endpoint. Inputs are the already-validated outputs of the shared zod schemas
// (the forms run them first and show their messages); responses are parsed with the shared
// output schemas, so a contract drift shows up as an error instead of a broken screen.

export type MemberJoinRequest = z.output<typeof memberJoinInputSchema>;
export type MemberPhoneRequest = z.output<typeof memberPhoneInputSchema>;
export type CustomerListQuery = z.output<typeof customerListInputSchema>;
export type InteractionRequest = z.output<typeof interactionCreateInputSchema>;
export type AuthLoginRequest = z.output<typeof authLoginInputSchema>;
export type MemberTagResult = z.output<typeof memberTagOutputSchema>;
export type InteractionCreated = z.output<typeof interactionCreateOutputSchema>;

const devCodeSchema = z.object({ code: z.string().min(1) });

export const api = {
  config: (): Promise<AppConfigOutput> => apiRequest('GET', '/api/config', { auth: false, output: appConfigOutputSchema }),

  login: (input: AuthLoginRequest): Promise<AuthLoginOutput> =>
    apiRequest('POST', '/api/auth/wx-login', { auth: false, body: input, output: authLoginOutputSchema }),

  me: (): Promise<MeOutput> => apiRequest('GET', '/api/me', { output: meOutputSchema }),

  joinMember: (input: MemberJoinRequest): Promise<MemberCardOutput> =>
    apiRequest('POST', '/api/member/join', { body: input, output: memberCardOutputSchema }),

  bindPhone: (input: MemberPhoneRequest): Promise<MemberCardOutput> =>
    apiRequest('POST', '/api/member/phone', { body: input, output: memberCardOutputSchema }),

  memberCard: (): Promise<MemberCardOutput> => apiRequest('GET', '/api/member/card', { output: memberCardOutputSchema }),

  customers: (query: CustomerListQuery): Promise<CustomerListOutput> =>
    apiRequest('GET', '/api/staff/customers', { query, output: customerListOutputSchema }),

  customer: (id: string): Promise<CustomerCardOutput> =>
    apiRequest('GET', '/api/staff/customer', { query: { id }, output: customerCardOutputSchema }),

  tags: (): Promise<TagTaxonomyOutput> => apiRequest('GET', '/api/staff/tags', { output: tagTaxonomyOutputSchema }),

  addTag: (memberId: string, tagId: string): Promise<MemberTagResult> =>
    apiRequest('POST', '/api/staff/member-tags', { body: { memberId, tagId }, output: memberTagOutputSchema }),

  removeTag: (memberId: string, tagId: string): Promise<MemberTagResult> =>
    apiRequest('DELETE', '/api/staff/member-tags', { query: { memberId, tagId }, output: memberTagOutputSchema }),

  logInteraction: (input: InteractionRequest): Promise<InteractionCreated> =>
    apiRequest('POST', '/api/staff/interactions', { body: input, output: interactionCreateOutputSchema }),

  // Console sign-in by QR code: the browser issues and polls, a staff member's phone approves.
  consoleTicket: (): Promise<ConsoleTicketIssueOutput> =>
    apiRequest('POST', '/api/auth/console-ticket', { auth: false, body: {}, output: consoleTicketIssueOutputSchema }),

  consolePoll: (ticketId: string, pollSecret: string): Promise<ConsoleTicketPollOutput> =>
    apiRequest('GET', '/api/auth/console-ticket', { auth: false, query: { ticketId, pollSecret }, output: consoleTicketPollOutputSchema }),

  consoleApprove: (qrText: string): Promise<{ approved: boolean }> =>
    apiRequest('POST', '/api/auth/console-approve', { body: { qrText }, output: consoleApproveOutputSchema }),

  // The WeChat simulator's dev endpoints (local demo only; /api/config says `simulator: true`).
  // They stand in for what wx.login and <Button openType="getPhoneNumber"> give a real phone.
  simLoginCode: (appid: string, openid: string): Promise<{ code: string }> =>
    apiRequest('POST', '/wx-sim/dev/login-code', { auth: false, body: { appid, openid }, output: devCodeSchema }),

  simPhoneCode: (appid: string, phoneNumber: string): Promise<{ code: string }> =>
    apiRequest('POST', '/wx-sim/dev/phone-code', { auth: false, body: { appid, phoneNumber }, output: devCodeSchema }),
};
