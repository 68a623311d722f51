// The one error type the client throws: a contract error (kind, message and
// the device's own code where there is one) that crossed either transport.
import type { ContractError, ErrorKind } from '../../../shared/contract';

const KINDS: ReadonlySet<string> = new Set<ErrorKind>([
  'invalid_request',
  'unknown_method',
  'not_found',
  'not_writable',
  'device_error',
  'unavailable',
  'unauthenticated',
  'forbidden',
  'rate_limited',
  'internal',
]);

export class ApiError extends Error {
  readonly kind: ErrorKind;
  readonly code: number | undefined;

  constructor(error: ContractError) {
    super(error.message);
    this.name = 'ApiError';
    this.kind = error.kind;
    this.code = error.code;
  }

  toContractError(): ContractError {
    return this.code === undefined
      ? { kind: this.kind, message: this.message }
      : { kind: this.kind, message: this.message, code: this.code };
  }

  /** One line for an operator: the message, then kind and code. */
  describe(): string {
    const code = this.code === undefined ? '' : `, code ${this.code}`;
    return `${this.message} (${this.kind}${code})`;
  }
}

export function isErrorKind(value: unknown): value is ErrorKind {
  return typeof value === 'string' && KINDS.has(value);
}

/** Reads a ContractError out of untrusted data; null when it is not one. */
export function parseContractError(value: unknown): ContractError | null {
  if (typeof value !== 'object' || value === null) return null;
  const { kind, message, code } = value as Record<string, unknown>;
  if (!isErrorKind(kind) || typeof message !== 'string') return null;
  return typeof code === 'number' ? { kind, message, code } : { kind, message };
}

/** The error kind serve mode would have used for an HTTP status without a readable body. */
export function kindOfHttpStatus(status: number): ErrorKind {
  if (status === 400) return 'invalid_request';
  if (status === 401) return 'unauthenticated';
  // 403 is also `not_writable`, but a body names that kind; a bare 403 is a refusal of the caller.
  if (status === 403) return 'forbidden';
  if (status === 404) return 'not_found';
  if (status === 429) return 'rate_limited';
  if (status === 502) return 'device_error';
  if (status === 503 || status === 504) return 'unavailable';
  return 'internal';
}

export function toApiError(error: unknown): ApiError {
  if (error instanceof ApiError) return error;
  const message = error instanceof Error ? error.message : String(error);
  return new ApiError({ kind: 'internal', message });
}
