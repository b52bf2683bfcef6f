import { z } from 'zod';
import { staffRoleSchema } from './common.schema';

// POST /api/auth/wx-login: exchange a wx.login code for a session token.
export const authLoginInputSchema = z
  .object({
    code: z.string().min(1).max(128),
    appId: z.string().regex(/^wx[0-9a-zA-Z]{16}$/, 'appId must look like wx followed by 16 characters'),
  })
  .strict();
export type AuthLoginInput = z.infer<typeof authLoginInputSchema>;

export const authLoginOutputSchema = z.object({
  token: z.string(),
  expiresAt: z.string(),
  accountId: z.uuid(),
  orgId: z.uuid(),
});
export type AuthLoginOutput = z.infer<typeof authLoginOutputSchema>;

// GET /api/me: who the token belongs to, and what they are in the org.
export const meOutputSchema = z.object({
  accountId: z.uuid(),
  org: z.object({ id: z.uuid(), name: z.string() }),
  member: z
    .object({ id: z.uuid(), memberNo: z.string(), name: z.string().nullable(), hasPhone: z.boolean() })
    .nullable(),
  staff: z
    .object({
      id: z.uuid(),
      name: z.string(),
      role: staffRoleSchema,
      stores: z.array(z.object({ id: z.uuid(), name: z.string() })),
    })
    .nullable(),
});
export type MeOutput = z.infer<typeof meOutputSchema>;

// GET /api/config: what the app needs to know before login.
export const appConfigOutputSchema = z.object({
  appId: z.string(),
  privacyPolicyVersion: z.string(),
  simulator: z.boolean(),
  demoLogins: z
    .array(z.object({ openid: z.string(), label: z.string(), kind: z.enum(['member', 'staff']) }))
    .optional(),
});
export type AppConfigOutput = z.infer<typeof appConfigOutputSchema>;
