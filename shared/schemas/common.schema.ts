import { z } from 'zod';

// Building blocks shared by the action schemas.
export const uuidSchema = z.uuid();
export const staffRoleSchema = z.enum(['associate', 'manager', 'operator', 'admin']);
export type StaffRole = z.infer<typeof staffRoleSchema>;
export const genderSchema = z.enum(['female', 'male', 'unknown']);
export const interactionKindSchema = z.enum(['chat', 'call', 'visit', 'note']);
export type InteractionKind = z.infer<typeof interactionKindSchema>;

// The error body every endpoint returns on failure.
export const apiErrorSchema = z.object({
  error: z.object({
    code: z.string(),
    message: z.string(),
    fields: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
  }),
});
export type ApiError = z.infer<typeof apiErrorSchema>;
