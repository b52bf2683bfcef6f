import type { RouteHandler } from './_lib/handler';
import consoleDashboardAssociates from './api/console/dashboard-associates';
import consoleDashboardGreetings from './api/console/dashboard-greetings';
import consoleDashboardGrowth from './api/console/dashboard-growth';
import consoleDashboardMembers from './api/console/dashboard-members';
import consoleDashboardSegments from './api/console/dashboard-segments';
import consoleDataQuality from './api/console/data-quality';
import cronDashboardCounters from './api/cron/dashboard-counters';
import cronDataQuality from './api/cron/data-quality';
import consoleGreetings from './api/console/greetings';
import consoleGreetingsDryRun from './api/console/greetings-dry-run';
import consoleGreetingsLaunch from './api/console/greetings-launch';
import consoleGreetingsStats from './api/console/greetings-stats';
import consoleStores from './api/console/stores';
import cronGreetingsDispatch from './api/cron/greetings-dispatch';
import cronGreetingsPlan from './api/cron/greetings-plan';
import cronRfmRefresh from './api/cron/rfm-refresh';
import consoleSegmentCount from './api/console/segment-count';
import consoleSegmentExport from './api/console/segment-export';
import consoleSegmentMembers from './api/console/segment-members';
import consoleSegmentOptions from './api/console/segment-options';
import consoleSegmentUpdate from './api/console/segment-update';
import consoleSegments from './api/console/segments';
import staffGreetings from './api/staff/greetings';
import authConsoleApprove from './api/auth/console-approve';
import authConsoleTicket from './api/auth/console-ticket';
import authWxLogin from './api/auth/wx-login';
import config from './api/config';
import consoleImportPreview from './api/console/import-preview';
import consoleImportReport from './api/console/import-report';
import consoleImportRun from './api/console/import-run';
import consoleImports from './api/console/imports';
import consoleMergeApply from './api/console/merge-apply';
import consoleMergeDismiss from './api/console/merge-dismiss';
import consoleMergePreview from './api/console/merge-preview';
import consoleMergeUndo from './api/console/merge-undo';
import consoleMerges from './api/console/merges';
import consoleTags from './api/console/tags';
import consoleTagsMerge from './api/console/tags-merge';
import consoleTagsUpdate from './api/console/tags-update';
import health from './api/health';
import me from './api/me';
import memberCard from './api/member/card';
import memberConsents from './api/member/consents';
import memberData from './api/member/data';
import memberDelete from './api/member/delete';
import memberInviteQr from './api/member/invite-qr';
import memberJoin from './api/member/join';
import memberPhone from './api/member/phone';
import memberPrivacyRequestResolve from './api/member/privacy-request-resolve';
import memberPrivacyRequests from './api/member/privacy-requests';
import memberProfile from './api/member/profile';
import memberSubscriptions from './api/member/subscriptions';
import staffBulkTags from './api/staff/bulk-tags';
import staffCustomer from './api/staff/customer';
import staffCustomerPhone from './api/staff/customer-phone';
import staffCustomers from './api/staff/customers';
import staffHandover from './api/staff/handover';
import staffHandoverUndo from './api/staff/handover-undo';
import staffInteractions from './api/staff/interactions';
import staffMemberTags from './api/staff/member-tags';
import staffMessageTemplates from './api/staff/message-templates';
import staffStaffDeactivate from './api/staff/staff-deactivate';
import staffTags from './api/staff/tags';
import staffTodo from './api/staff/todo';

// The route table of the project's own Node server (local and mainland hosting). On Vercel the
// same files are deployed as functions by path (see vercel.json); this table must list every
// file under functions/api (a test checks it).
export const routes: Record<string, RouteHandler> = {
  '/api/console/dashboard-associates': consoleDashboardAssociates,
  '/api/console/dashboard-greetings': consoleDashboardGreetings,
  '/api/console/dashboard-growth': consoleDashboardGrowth,
  '/api/console/dashboard-members': consoleDashboardMembers,
  '/api/console/dashboard-segments': consoleDashboardSegments,
  '/api/console/data-quality': consoleDataQuality,
  '/api/cron/dashboard-counters': cronDashboardCounters,
  '/api/cron/data-quality': cronDataQuality,
  '/api/console/greetings': consoleGreetings,
  '/api/console/greetings-dry-run': consoleGreetingsDryRun,
  '/api/console/greetings-launch': consoleGreetingsLaunch,
  '/api/console/greetings-stats': consoleGreetingsStats,
  '/api/console/stores': consoleStores,
  '/api/cron/greetings-dispatch': cronGreetingsDispatch,
  '/api/cron/greetings-plan': cronGreetingsPlan,
  '/api/cron/rfm-refresh': cronRfmRefresh,
  '/api/console/segment-count': consoleSegmentCount,
  '/api/console/segment-export': consoleSegmentExport,
  '/api/console/segment-members': consoleSegmentMembers,
  '/api/console/segment-options': consoleSegmentOptions,
  '/api/console/segment-update': consoleSegmentUpdate,
  '/api/console/segments': consoleSegments,
  '/api/staff/greetings': staffGreetings,
  '/api/auth/console-approve': authConsoleApprove,
  '/api/auth/console-ticket': authConsoleTicket,
  '/api/auth/wx-login': authWxLogin,
  '/api/config': config,
  '/api/console/import-preview': consoleImportPreview,
  '/api/console/import-report': consoleImportReport,
  '/api/console/import-run': consoleImportRun,
  '/api/console/imports': consoleImports,
  '/api/console/merge-apply': consoleMergeApply,
  '/api/console/merge-dismiss': consoleMergeDismiss,
  '/api/console/merge-preview': consoleMergePreview,
  '/api/console/merge-undo': consoleMergeUndo,
  '/api/console/merges': consoleMerges,
  '/api/console/tags': consoleTags,
  '/api/console/tags-merge': consoleTagsMerge,
  '/api/console/tags-update': consoleTagsUpdate,
  '/api/health': health,
  '/api/me': me,
  '/api/member/card': memberCard,
  '/api/member/consents': memberConsents,
  '/api/member/data': memberData,
  '/api/member/delete': memberDelete,
  '/api/member/invite-qr': memberInviteQr,
  '/api/member/join': memberJoin,
  '/api/member/phone': memberPhone,
  '/api/member/privacy-request-resolve': memberPrivacyRequestResolve,
  '/api/member/privacy-requests': memberPrivacyRequests,
  '/api/member/profile': memberProfile,
  '/api/member/subscriptions': memberSubscriptions,
  '/api/staff/bulk-tags': staffBulkTags,
  '/api/staff/customer': staffCustomer,
  '/api/staff/customer-phone': staffCustomerPhone,
  '/api/staff/customers': staffCustomers,
  '/api/staff/handover': staffHandover,
  '/api/staff/handover-undo': staffHandoverUndo,
  '/api/staff/interactions': staffInteractions,
  '/api/staff/member-tags': staffMemberTags,
  '/api/staff/message-templates': staffMessageTemplates,
  '/api/staff/staff-deactivate': staffStaffDeactivate,
  '/api/staff/tags': staffTags,
  '/api/staff/todo': staffTodo,
};
