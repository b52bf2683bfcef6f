import type { z } from 'zod';
import { isApiError } from '../services/api-client';

// Messages by field path ('note', 'agreeTerms', …), first message per field, so a form can put
// each one under its input. '' holds errors that belong to no field.
export type FieldErrors = Record<string, string>;

const add = (errors: FieldErrors, path: string, message: string): void => {
  if (errors[path] === undefined) errors[path] = message;
};

export const zodFieldErrors = (error: z.ZodError): FieldErrors => {
  const errors: FieldErrors = {};
  for (const issue of error.issues) add(errors, issue.path.map(String).join('.'), issue.message);
  return errors;
};

// The API names bad fields in `error.fields`; everything else becomes a form-level message.
export const apiFieldErrors = (error: unknown): FieldErrors => {
  const errors: FieldErrors = {};
  if (isApiError(error) && error.fields.length > 0) {
    for (const field of error.fields) add(errors, field.path, field.message);
  }
  return errors;
};
