import { z } from 'zod';

// POST /api/member/phone: the code from <Button openType="getPhoneNumber">, exchanged on the
// server (WeChat's getuserphonenumber); the number is stored encrypted.
export const memberPhoneInputSchema = z.object({ code: z.string().min(1).max(128) }).strict();
export type MemberPhoneInput = z.infer<typeof memberPhoneInputSchema>;
