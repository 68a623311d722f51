// The checks the login forms make before anything is sent (the runtime
// makes them again: these only save a round trip and say it sooner), and how
// a refused login reads. Pure.
import type { ContractError } from '../../../../shared/contract';

/** As the contract's user name schema. */
const USER_NAME = /^[A-Za-z0-9_.@-]{1,64}$/;
export const MIN_PASSWORD = 8;
const MAX_PASSWORD = 1024;

export function userNameProblem(name: string): string | null {
  if (name === '') return 'Enter a user name';
  if (!USER_NAME.test(name)) return 'A user name is 1 to 64 letters, digits, _ . @ or -';
  return null;
}

/** A new password and its repetition. */
export function newPasswordProblem(password: string, repeat: string): string | null {
  if (password.length < MIN_PASSWORD) return `A password has at least ${MIN_PASSWORD} characters`;
  if (password.length > MAX_PASSWORD) return `A password has at most ${MAX_PASSWORD} characters`;
  if (password !== repeat) return 'The two passwords differ';
  return null;
}

export interface LoginRefusal {
  readonly kind: ContractError['kind'];
  /** The runtime's own words. */
  readonly text: string;
  /** A rate limit: seconds until the next try is allowed; null otherwise. */
  readonly waitSeconds: number | null;
}

/**
 * A refused login as the dialog shows it: the runtime's words, and for a
 * rate limit the wait it names ("try again in 42 s"), so the button can
 * count down. A rate limit whose wait cannot be read waits a minute (the
 * runtime's window).
 */
export function loginRefusal(error: ContractError): LoginRefusal {
  if (error.kind !== 'rate_limited') return { kind: error.kind, text: error.message, waitSeconds: null };
  const match = /(\d+)\s*s\b/.exec(error.message);
  const seconds = match ? Number(match[1]) : 60;
  return { kind: error.kind, text: error.message, waitSeconds: Number.isFinite(seconds) ? Math.max(1, seconds) : 60 };
}
