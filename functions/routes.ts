import type { RouteHandler } from './_lib/handler';
import authConsoleApprove from './api/auth/console-approve';
import authConsoleTicket from './api/auth/console-ticket';
import authWxLogin from './api/auth/wx-login';
import config from './api/config';
import health from './api/health';
import me from './api/me';
import memberCard from './api/member/card';
import memberJoin from './api/member/join';
import memberPhone from './api/member/phone';
import staffCustomer from './api/staff/customer';
import staffCustomers from './api/staff/customers';
import staffInteractions from './api/staff/interactions';
import staffMemberTags from './api/staff/member-tags';
import staffTags from './api/staff/tags';

// The route table of the project's own Node server (local and mainland hosting). On Vercel the
// same files are deployed as functions by path (see vercel.json); this table must list every
// file under functions/api (a test checks it).
export const routes: Record<string, RouteHandler> = {
  '/api/auth/console-approve': authConsoleApprove,
  '/api/auth/console-ticket': authConsoleTicket,
  '/api/auth/wx-login': authWxLogin,
  '/api/config': config,
  '/api/health': health,
  '/api/me': me,
  '/api/member/card': memberCard,
  '/api/member/join': memberJoin,
  '/api/member/phone': memberPhone,
  '/api/staff/customer': staffCustomer,
  '/api/staff/customers': staffCustomers,
  '/api/staff/interactions': staffInteractions,
  '/api/staff/member-tags': staffMemberTags,
  '/api/staff/tags': staffTags,
};
