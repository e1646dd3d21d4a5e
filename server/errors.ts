// One table of the errors the API returns (as Fastify's lib/errors.js): a code, an HTTP status and a
// message template. Routes throw appError(code, detail); one handler renders { message }.

export const ERRORS = {
  BAD_REQUEST: { status: 400, message: (d: string) => d },
  QUERY_SYNTAX: { status: 400, message: (d: string) => `bad query: ${d}` },
  UNAUTHENTICATED: { status: 401, message: (d: string) => d || 'sign in or send an API token' },
  FORBIDDEN: { status: 403, message: (d: string) => d || 'not allowed' },
  NOT_FOUND: { status: 404, message: (d: string) => d || 'not found' },
  CONFLICT: { status: 409, message: (d: string) => d },
  TOO_MANY: { status: 429, message: (d: string) => d || 'too many requests: slow down' },
  UNAVAILABLE: { status: 503, message: (d: string) => d || 'temporarily unavailable: retry later' },
} as const;

export type ErrorCode = keyof typeof ERRORS;

export class AppError extends Error {
  constructor(
    readonly code: ErrorCode,
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export function appError(code: ErrorCode, detail = ''): AppError {
  const e = ERRORS[code];
  return new AppError(code, e.status, e.message(detail));
}
