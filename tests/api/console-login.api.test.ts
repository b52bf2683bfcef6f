import type { StartedApp } from '../../server/start-app';
import { api, loginAs, startTestApp } from '../helpers/api-client';

// QR sign-in for the browser console: one-time, short-lived, approved only by active staff.
type Ticket = { ticketId: string; pollSecret: string; qrText: string; expiresAt: string };
type Poll = { status: string; token?: string };

let app: StartedApp;
beforeAll(async () => {
  app = await startTestApp(20);
});
afterAll(async () => {
  await app.close();
});

const issue = async (): Promise<Ticket> => (await api<Ticket>(app, '/api/auth/console-ticket', { body: {} })).body;
const poll = (t: Ticket, secret = t.pollSecret) =>
  api<Poll>(app, `/api/auth/console-ticket?ticketId=${t.ticketId}&pollSecret=${encodeURIComponent(secret)}`);

test('pending until a staff member approves; then the session is handed over exactly once', async () => {
  const t = await issue();
  expect(t.qrText).toBe(`siyu-console-login:${t.ticketId}`);
  expect((await poll(t)).body.status).toBe('pending');
  const staff = await loginAs(app, 'demo-operator');
  const approve = await api(app, '/api/auth/console-approve', { token: staff, body: { qrText: t.qrText } });
  expect(approve.status).toBe(200);
  const first = await poll(t);
  expect(first.body.status).toBe('approved');
  const me = await api<{ staff: { role: string } | null }>(app, '/api/me', { token: first.body.token });
  expect(me.body.staff?.role).toBe('operator');
  expect((await poll(t)).body.status).toBe('expired');
  const [audit] = await app.sql<{ n: number }[]>`select count(*)::int as n from public.audit_log where action = 'console.sign_in_approved' and target_id = ${t.ticketId}`;
  expect(audit?.n).toBe(1);
});

test('a poll with the wrong secret learns nothing and does not consume the ticket', async () => {
  const t = await issue();
  await api(app, '/api/auth/console-approve', { token: await loginAs(app, 'demo-admin'), body: { qrText: t.qrText } });
  expect((await poll(t, 'x'.repeat(32))).body.status).toBe('expired');
  expect((await poll(t)).body.status).toBe('approved');
});

test('a member (not staff) cannot approve a console sign-in', async () => {
  const t = await issue();
  const r = await api(app, '/api/auth/console-approve', { token: await loginAs(app, 'demo-member-1'), body: { qrText: t.qrText } });
  expect(r.status).toBe(403);
  expect((await poll(t)).body.status).toBe('pending');
});

test('an expired ticket cannot be approved', async () => {
  const t = await issue();
  await app.sql`update private.console_tickets set expires_at = now() - interval '1 second' where id = ${t.ticketId}`;
  const r = await api(app, '/api/auth/console-approve', { token: await loginAs(app, 'demo-operator'), body: { qrText: t.qrText } });
  expect(r.status).toBe(410);
  expect((await poll(t)).body.status).toBe('expired');
});

test('a ticket is approved once: a second staff member cannot take it over', async () => {
  const t = await issue();
  expect((await api(app, '/api/auth/console-approve', { token: await loginAs(app, 'demo-operator'), body: { qrText: t.qrText } })).status).toBe(200);
  expect((await api(app, '/api/auth/console-approve', { token: await loginAs(app, 'demo-admin'), body: { qrText: t.qrText } })).status).toBe(410);
});

test('something that is not a sign-in code is a 400 naming qrText', async () => {
  const r = await api<{ error: { fields: { path: string }[] } }>(app, '/api/auth/console-approve', { token: await loginAs(app, 'demo-operator'), body: { qrText: 'https://evil.example' } });
  expect(r.status).toBe(400);
  expect(r.body.error.fields[0]?.path).toBe('qrText');
});
