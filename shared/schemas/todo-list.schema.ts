import { z } from 'zod';
import { customerScopeSchema } from './customer-list.schema';

// GET /api/staff/todo?scope=: today's to-do list of an associate (scope mine, the default) or of
// their stores (scope store: managers). Dates are the brand's calendar dates (its time zone).
export const todoInputSchema = z.object({ scope: customerScopeSchema.default('mine') }).strict();
export type TodoInput = z.input<typeof todoInputSchema>;

export const todoPersonSchema = z.object({ id: z.uuid(), memberNo: z.string(), name: z.string().nullable(), phoneMasked: z.string().nullable() });
export type TodoPerson = z.infer<typeof todoPersonSchema>;

export const HOLIDAY_LOOKAHEAD_DAYS = 14;

export const todoOutputSchema = z.object({
  today: z.string(),
  timeZone: z.string(),
  birthdaysToday: z.array(todoPersonSchema.extend({ calendar: z.enum(['solar', 'lunar']) })),
  // The next 6 days (today excluded), each with the date the birthday falls on.
  birthdaysThisWeek: z.array(todoPersonSchema.extend({ calendar: z.enum(['solar', 'lunar']), date: z.string() })),
  // Follow-ups the caller set that are due (today or overdue up to 30 days) and not yet done
  // (no interaction was logged on the customer after the one that set it).
  followUps: z.array(todoPersonSchema.extend({ interactionId: z.uuid(), followUpOn: z.string(), note: z.string() })),
  // Customers at churn risk: silence well past their own purchase rhythm (shared/domain/rfm.ts).
  slipping: z.array(todoPersonSchema.extend({ lastPurchaseAt: z.string(), orderCount: z.number().int(), lifetimeSpendFen: z.number().int() })),
  // Holidays in the next 14 days and the customers most worth a greeting (highest spend with a
  // live marketing consent).
  holidays: z.array(z.object({ key: z.string(), name: z.string(), date: z.string(), daysAway: z.number().int(), customers: z.array(todoPersonSchema) })),
});
export type TodoOutput = z.infer<typeof todoOutputSchema>;
