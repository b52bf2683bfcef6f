// Errors a handler may throw on purpose. Anything else becomes a 500 without details.
export type FieldError = { path: string; message: string };

export class DomainError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly fields?: FieldError[],
  ) {
    super(message);
    this.name = 'DomainError';
  }
}

export const notFound = (what = 'That record'): DomainError => new DomainError(404, 'not_found', `${what} was not found`);
export const forbidden = (message = 'You are not allowed to do that'): DomainError => new DomainError(403, 'forbidden', message);
export const conflict = (message: string): DomainError => new DomainError(409, 'conflict', message);
