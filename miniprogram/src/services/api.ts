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
import {
  memberProfileOutputSchema,
  type memberProfileInputSchema,
  type MemberProfileOutput,
} from '@shared/schemas/member-profile.schema';
import {
  consentLedgerOutputSchema,
  type consentDecisionInputSchema,
  type ConsentLedgerOutput,
} from '@shared/schemas/consent-decision.schema';
import {
  subscriptionListOutputSchema,
  type SubscriptionAnswersInput,
  type SubscriptionListOutput,
} from '@shared/schemas/subscription-answer.schema';
import {
  memberDataOutputSchema,
  memberDeleteOutputSchema,
  privacyRequestListOutputSchema,
  privacyRequestSchema,
  type MemberDataOutput,
  type PrivacyRequestItem,
  type PrivacyRequestListOutput,
} from '@shared/schemas/privacy-request-actions.schema';
import {
  customerPhoneRevealOutputSchema,
  messageTemplateListOutputSchema,
  type CustomerPhoneRevealOutput,
  type MessageTemplateListOutput,
} from '@shared/schemas/customer-card.schema';
import { bulkTagOutputSchema, type bulkTagInputSchema, type BulkTagOutput } from '@shared/schemas/member-tag.schema';
import { todoOutputSchema, type TodoOutput } from '@shared/schemas/todo-list.schema';
import {
  importListOutputSchema,
  importPreviewOutputSchema,
  importReportOutputSchema,
  importRunOutputSchema,
  importStartOutputSchema,
  type importPreviewInputSchema,
  type ImportList,
  type ImportPreview,
  type ImportReport,
  type ImportStartInput,
  type ImportStartOutput,
} from '@shared/schemas/import-job.schema';
import {
  mergeApplyOutputSchema,
  mergeDismissOutputSchema,
  mergeOverviewOutputSchema,
  mergePreviewOutputSchema,
  mergeUndoOutputSchema,
  type MergeApplyOutput,
  type MergeOverview,
  type MergePairInput,
  type MergePreview,
} from '@shared/schemas/member-merge.schema';
import {
  tagAdminListOutputSchema,
  tagAdminWriteOutputSchema,
  tagMergeOutputSchema,
  type tagAdminCreateInputSchema,
  type TagAdminListOutput,
  type tagAdminUpdateInputSchema,
  type tagMergeInputSchema,
  type TagMergeOutput,
} from '@shared/schemas/tag-admin-taxonomy.schema';
import {
  handoverOutputSchema,
  handoverOverviewOutputSchema,
  handoverUndoOutputSchema,
  staffDeactivateOutputSchema,
  type handoverInputSchema,
  type HandoverOutput,
  type HandoverOverviewOutput,
  type HandoverUndoOutput,
  type StaffDeactivateOutput,
} from '@shared/schemas/handover-customers.schema';
import {
  greetingCampaignSchema,
  type greetingCampaignCreateSchema,
  greetingDryRunSchema,
  greetingOverviewSchema,
  greetingStatsSchema,
  type GreetingCampaign,
  type GreetingDryRun,
  type GreetingOverview,
  type GreetingStats,
} from '@shared/schemas/greeting-campaign.schema';
import {
  greetingCheckSchema,
  greetingSendResultSchema,
  type GreetingCheck,
  type GreetingSendInput,
  type GreetingSendResult,
} from '@shared/schemas/greeting-send.schema';
import { memberInviteOutputSchema, type MemberInviteOutput } from '@shared/schemas/member-invite.schema';
import {
  segmentCountOutputSchema,
  segmentDeleteOutputSchema,
  segmentListOutputSchema,
  segmentOptionsOutputSchema,
  segmentSchema,
  type Segment,
  type SegmentCountInput,
  type SegmentCountOutput,
  type SegmentCreateInput,
  type SegmentListOutput,
  type SegmentOptionsOutput,
  type SegmentUpdateInput,
} from '@shared/schemas/segment-admin.schema';
import { segmentMembersOutputSchema, type SegmentMembersInput, type SegmentMembersOutput } from '@shared/schemas/segment-members.schema';
import { segmentExportOutputSchema, type SegmentExportInput, type SegmentExportOutput } from '@shared/schemas/segment-export.schema';
import {
  dashboardAssociatesSchema,
  dashboardGreetingsSchema,
  dashboardGrowthSchema,
  dashboardSegmentsSchema,
  type DashboardAssociates,
  type DashboardGreetings,
  type DashboardGrowth,
  type DashboardSegments,
} from '@shared/schemas/dashboard-charts.schema';
import { dashboardMembersOutputSchema, type DashboardMembersOutput } from '@shared/schemas/dashboard-members.schema';
import {
  dataQualityReportSchema,
  dataQualityRunOutputSchema,
  type DataQualityReport,
  type DataQualityRunOutput,
} from '@shared/schemas/data-quality-report.schema';
import {
  storeAdminItemSchema,
  storeListOutputSchema,
  type StoreAdminItem,
  type StoreListOutput,
  type StoreOpeningDateInput,
} from '@shared/schemas/store-admin.schema';
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

  // Members (issue 4): profile, consent ledger, subscriptions, PIPL rights.
  memberProfile: (): Promise<MemberProfileOutput> => apiRequest('GET', '/api/member/profile', { output: memberProfileOutputSchema }),
  saveMemberProfile: (input: z.output<typeof memberProfileInputSchema>): Promise<MemberProfileOutput> =>
    apiRequest('POST', '/api/member/profile', { body: input, output: memberProfileOutputSchema }),
  memberConsents: (): Promise<ConsentLedgerOutput> => apiRequest('GET', '/api/member/consents', { output: consentLedgerOutputSchema }),
  decideConsent: (input: z.output<typeof consentDecisionInputSchema>): Promise<ConsentLedgerOutput> =>
    apiRequest('POST', '/api/member/consents', { body: input, output: consentLedgerOutputSchema }),
  memberSubscriptions: (): Promise<SubscriptionListOutput> =>
    apiRequest('GET', '/api/member/subscriptions', { output: subscriptionListOutputSchema }),
  answerSubscriptions: (input: SubscriptionAnswersInput): Promise<SubscriptionListOutput> =>
    apiRequest('POST', '/api/member/subscriptions', { body: input, output: subscriptionListOutputSchema }),
  memberData: (purpose: 'view' | 'export'): Promise<MemberDataOutput> =>
    apiRequest('GET', '/api/member/data', { query: { purpose }, output: memberDataOutputSchema }),
  privacyRequests: (scope: 'mine' | 'due'): Promise<PrivacyRequestListOutput> =>
    apiRequest('GET', '/api/member/privacy-requests', { query: { scope }, output: privacyRequestListOutputSchema }),
  requestCorrection: (detail: string): Promise<PrivacyRequestItem> =>
    apiRequest('POST', '/api/member/privacy-requests', { body: { kind: 'correction', detail }, output: privacyRequestSchema }),
  resolvePrivacyRequest: (input: { id: string; status: 'completed' | 'rejected'; outcome: string }): Promise<PrivacyRequestItem> =>
    apiRequest('POST', '/api/member/privacy-request-resolve', { body: input, output: privacyRequestSchema }),
  memberInviteQr: (): Promise<MemberInviteOutput> => apiRequest('GET', '/api/member/invite-qr', { output: memberInviteOutputSchema }),
  deleteMembership: (): Promise<{ deleted: true; requestId: string }> =>
    apiRequest('POST', '/api/member/delete', { body: { confirm: '注销' }, output: memberDeleteOutputSchema }),

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

  // Associates' workbench (issue 5).
  revealPhone: (memberId: string): Promise<CustomerPhoneRevealOutput> =>
    apiRequest('POST', '/api/staff/customer-phone', { body: { memberId }, output: customerPhoneRevealOutputSchema }),
  bulkTag: (input: z.output<typeof bulkTagInputSchema>): Promise<BulkTagOutput> =>
    apiRequest('POST', '/api/staff/bulk-tags', { body: input, output: bulkTagOutputSchema }),
  todo: (scope: 'mine' | 'store'): Promise<TodoOutput> => apiRequest('GET', '/api/staff/todo', { query: { scope }, output: todoOutputSchema }),
  handoverOverview: (): Promise<HandoverOverviewOutput> => apiRequest('GET', '/api/staff/handover', { output: handoverOverviewOutputSchema }),
  handOver: (input: z.output<typeof handoverInputSchema>): Promise<HandoverOutput> =>
    apiRequest('POST', '/api/staff/handover', { body: input, output: handoverOutputSchema }),
  undoHandover: (batchId: string): Promise<HandoverUndoOutput> =>
    apiRequest('POST', '/api/staff/handover-undo', { body: { batchId }, output: handoverUndoOutputSchema }),
  // Operators' tag taxonomy (console).
  tagAdminList: (): Promise<TagAdminListOutput> => apiRequest('GET', '/api/console/tags', { output: tagAdminListOutputSchema }),
  tagAdminCreate: (input: z.output<typeof tagAdminCreateInputSchema>): Promise<{ id: string }> =>
    apiRequest('POST', '/api/console/tags', { body: input, output: tagAdminWriteOutputSchema }),
  tagAdminUpdate: (input: z.output<typeof tagAdminUpdateInputSchema>): Promise<{ id: string }> =>
    apiRequest('POST', '/api/console/tags-update', { body: input, output: tagAdminWriteOutputSchema }),
  tagMerge: (input: z.output<typeof tagMergeInputSchema>): Promise<TagMergeOutput> =>
    apiRequest('POST', '/api/console/tags-merge', { body: input, output: tagMergeOutputSchema }),
  messageTemplates: (): Promise<MessageTemplateListOutput> =>
    apiRequest('GET', '/api/staff/message-templates', { output: messageTemplateListOutputSchema }),
  deactivateStaff: (staffId: string): Promise<StaffDeactivateOutput> =>
    apiRequest('POST', '/api/staff/staff-deactivate', { body: { staffId }, output: staffDeactivateOutputSchema }),

  // Imports and identity resolution (issue 7, console).
  importPreview: (input: z.input<typeof importPreviewInputSchema>): Promise<ImportPreview> =>
    apiRequest('POST', '/api/console/import-preview', { body: input, output: importPreviewOutputSchema }),
  importStart: (input: ImportStartInput): Promise<ImportStartOutput> =>
    apiRequest('POST', '/api/console/imports', { body: input, output: importStartOutputSchema }),
  importRun: (jobId: string): Promise<{ job: ImportStartOutput['job'] }> =>
    apiRequest('POST', '/api/console/import-run', { body: { jobId }, output: importRunOutputSchema }),
  importJobs: (): Promise<ImportList> => apiRequest('GET', '/api/console/imports', { output: importListOutputSchema }),
  importReport: (query: { jobId: string; outcome?: string; after?: number; limit?: number; format?: 'json' | 'csv' }): Promise<ImportReport> =>
    apiRequest('GET', '/api/console/import-report', { query, output: importReportOutputSchema }),
  merges: (): Promise<MergeOverview> => apiRequest('GET', '/api/console/merges', { output: mergeOverviewOutputSchema }),
  mergePreview: (input: MergePairInput): Promise<MergePreview> =>
    apiRequest('POST', '/api/console/merge-preview', { body: input, output: mergePreviewOutputSchema }),
  mergeApply: (input: MergePairInput): Promise<MergeApplyOutput> =>
    apiRequest('POST', '/api/console/merge-apply', { body: input, output: mergeApplyOutputSchema }),
  mergeUndo: (mergeId: string): Promise<{ mergeId: string; restored: Record<string, number> }> =>
    apiRequest('POST', '/api/console/merge-undo', { body: { mergeId }, output: mergeUndoOutputSchema }),
  mergeDismiss: (candidateId: string): Promise<{ candidateId: string; dismissed: true }> =>
    apiRequest('POST', '/api/console/merge-dismiss', { body: { candidateId }, output: mergeDismissOutputSchema }),

  // Greetings (issue 6): the operator console, and an associate's 1:1 greeting.
  greetings: (): Promise<GreetingOverview> => apiRequest('GET', '/api/console/greetings', { output: greetingOverviewSchema }),
  createGreeting: (input: z.input<typeof greetingCampaignCreateSchema>): Promise<GreetingCampaign> =>
    apiRequest('POST', '/api/console/greetings', { body: input, output: greetingCampaignSchema }),
  greetingDryRun: (campaignId: string, occasionDate?: string): Promise<GreetingDryRun> =>
    apiRequest('POST', '/api/console/greetings-dry-run', { body: { campaignId, ...(occasionDate ? { occasionDate } : {}) }, output: greetingDryRunSchema }),
  launchGreeting: (campaignId: string): Promise<GreetingCampaign> =>
    apiRequest('POST', '/api/console/greetings-launch', { body: { campaignId }, output: greetingCampaignSchema }),
  greetingStats: (campaignId: string): Promise<GreetingStats> =>
    apiRequest('GET', '/api/console/greetings-stats', { query: { campaignId }, output: greetingStatsSchema }),
  // Stores (console): opening dates for store anniversaries, set by admins.
  stores: (): Promise<StoreListOutput> => apiRequest('GET', '/api/console/stores', { output: storeListOutputSchema }),
  setStoreOpeningDate: (input: StoreOpeningDateInput): Promise<StoreAdminItem> =>
    apiRequest('POST', '/api/console/stores', { body: input, output: storeAdminItemSchema }),
  greetingCheck: (memberId: string, templateId: string): Promise<GreetingCheck> =>
    apiRequest('GET', '/api/staff/greetings', { query: { memberId, templateId }, output: greetingCheckSchema }),
  sendGreeting: (input: GreetingSendInput): Promise<GreetingSendResult> =>
    apiRequest('POST', '/api/staff/greetings', { body: input, output: greetingSendResultSchema }),

  // Segments (issue 7): saved rules, live count, members, audited export.
  segments: (): Promise<SegmentListOutput> => apiRequest('GET', '/api/console/segments', { output: segmentListOutputSchema }),
  segmentOptions: (): Promise<SegmentOptionsOutput> => apiRequest('GET', '/api/console/segment-options', { output: segmentOptionsOutputSchema }),
  createSegment: (input: SegmentCreateInput): Promise<Segment> =>
    apiRequest('POST', '/api/console/segments', { body: input, output: segmentSchema }),
  updateSegment: (input: SegmentUpdateInput): Promise<Segment> =>
    apiRequest('POST', '/api/console/segment-update', { body: input, output: segmentSchema }),
  deleteSegment: (id: string): Promise<{ id: string; deleted: true }> =>
    apiRequest('DELETE', '/api/console/segments', { query: { id }, output: segmentDeleteOutputSchema }),
  segmentCount: (input: SegmentCountInput): Promise<SegmentCountOutput> =>
    apiRequest('POST', '/api/console/segment-count', { body: input, output: segmentCountOutputSchema }),
  segmentMembers: (input: SegmentMembersInput): Promise<SegmentMembersOutput> =>
    apiRequest('POST', '/api/console/segment-members', { body: input, output: segmentMembersOutputSchema }),
  segmentExport: (input: SegmentExportInput): Promise<SegmentExportOutput> =>
    apiRequest('POST', '/api/console/segment-export', { body: input, output: segmentExportOutputSchema }),
  greetingDryRunOn: (campaignId: string, date: string): Promise<GreetingDryRun> =>
    apiRequest('POST', '/api/console/greetings-dry-run', { body: { campaignId, date }, output: greetingDryRunSchema }),

  // Console dashboards and the data quality report (issue 7).
  dashboardGrowth: (months = 12): Promise<DashboardGrowth> =>
    apiRequest('GET', '/api/console/dashboard-growth', { query: { months: String(months) }, output: dashboardGrowthSchema }),
  dashboardSegments: (storeId?: string): Promise<DashboardSegments> =>
    apiRequest('GET', '/api/console/dashboard-segments', { query: storeId ? { storeId } : {}, output: dashboardSegmentsSchema }),
  dashboardGreetings: (days = 30): Promise<DashboardGreetings> =>
    apiRequest('GET', '/api/console/dashboard-greetings', { query: { days: String(days) }, output: dashboardGreetingsSchema }),
  dashboardAssociates: (storeId?: string): Promise<DashboardAssociates> =>
    apiRequest('GET', '/api/console/dashboard-associates', { query: storeId ? { storeId } : {}, output: dashboardAssociatesSchema }),
  dashboardMembers: (query: Record<string, string>): Promise<DashboardMembersOutput> =>
    apiRequest('GET', '/api/console/dashboard-members', { query, output: dashboardMembersOutputSchema }),
  dataQuality: (): Promise<DataQualityReport> => apiRequest('GET', '/api/console/data-quality', { output: dataQualityReportSchema }),
  runDataQuality: (): Promise<DataQualityRunOutput> =>
    apiRequest('POST', '/api/console/data-quality', { body: {}, output: dataQualityRunOutputSchema }),

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
