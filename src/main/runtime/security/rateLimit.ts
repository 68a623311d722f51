// Failed logins, limited so that guessing is slow and nobody can lock an
// operator out:
//
// - Per user name from the same address (`maxFailures` within `windowMs`):
//   further attempts of that user from there are refused (429) until the
//   oldest failure leaves the window. An operator's own typos stop there.
// - Per client address elsewhere (remote clients only): the same limit over
//   all user names, so one address cannot spray names.
// - Per user name from OTHER addresses: no refusal, a delay. Failures of the
//   user from anywhere but the caller's address (within `slowWindowMs`) slow
//   the caller's attempt by a delay that doubles with each failure past
//   `maxFailures`, up to `slowMaxMs`. Whoever fails logins as "olga" from
//   other machines slows olga down, but she still gets in (anyone could
//   otherwise lock her out by failing five logins in her name during an
//   incident).
// - A login attack: `attackFailures` failures within `slowWindowMs` for one
//   user name or from one address. `attack()` says so (the security module
//   raises a diagnostic system alarm while it lasts).
//
// A success clears its own address's count for that user only: one good
// password does not license guessing others, nor does it forgive what other
// addresses did.
export interface RateLimitOptions {
  readonly maxFailures?: number;
  readonly windowMs?: number;
  /** How long failures from other addresses count towards the delay, and towards an attack. */
  readonly slowWindowMs?: number;
  /** The first delay, once the user's failures from other addresses reach maxFailures. */
  readonly slowBaseMs?: number;
  /** The longest delay: an operator always gets in within it. */
  readonly slowMaxMs?: number;
  /** Failures within slowWindowMs, for one user name or from one address, that are an attack. */
  readonly attackFailures?: number;
}

interface Failure {
  readonly ts: number;
  readonly user: string;
  readonly address: string;
}

/** What an attack looks like, for the alarm's message. */
export interface LoginAttack {
  /** The user name (or address) with the most failures. */
  readonly target: { readonly user: string } | { readonly address: string };
  readonly failures: number;
  /** From how many addresses (for a user name) or for how many user names (for an address). */
  readonly spread: number;
  readonly windowMs: number;
}

/** Recent failures kept for the delay and the attack detector: enough for any real attack's picture. */
const MAX_RECENT = 10_000;

export class LoginLimiter {
  private readonly failures = new Map<string, number[]>();
  private recentFailures: Failure[] = [];
  private readonly maxFailures: number;
  private readonly windowMs: number;
  private readonly slowWindowMs: number;
  private readonly slowBaseMs: number;
  private readonly slowMaxMs: number;
  private readonly attackFailures: number;

  constructor(options: RateLimitOptions = {}) {
    this.maxFailures = options.maxFailures ?? 5;
    this.windowMs = options.windowMs ?? 60_000;
    this.slowWindowMs = options.slowWindowMs ?? 15 * 60_000;
    this.slowBaseMs = options.slowBaseMs ?? 1000;
    this.slowMaxMs = options.slowMaxMs ?? 15_000;
    this.attackFailures = options.attackFailures ?? 4 * this.maxFailures;
  }

  /** Milliseconds until `user` may try again from `address` (refused meanwhile); 0: now. */
  retryAfter(user: string, address: string, remote: boolean, now: number): number {
    let wait = 0;
    for (const key of hardKeys(user, address, remote)) {
      const list = this.recent(key, now);
      if (list.length >= this.maxFailures) wait = Math.max(wait, list[0]! + this.windowMs - now);
    }
    return wait;
  }

  /** How long to hold this attempt before checking it: the user's failures from other addresses. */
  delay(user: string, address: string, now: number): number {
    const since = now - this.slowWindowMs;
    let count = 0;
    for (const f of this.recentFailures) if (f.ts > since && f.user === user && f.address !== address) count++;
    if (count < this.maxFailures) return 0;
    return Math.min(this.slowMaxMs, this.slowBaseMs * 2 ** Math.min(30, count - this.maxFailures));
  }

  failed(user: string, address: string, remote: boolean, now: number): void {
    for (const key of hardKeys(user, address, remote)) {
      const list = this.recent(key, now);
      list.push(now);
      this.failures.set(key, list);
    }
    this.recentFailures.push({ ts: now, user, address });
    if (this.recentFailures.length > MAX_RECENT) this.recentFailures = this.recentFailures.slice(-MAX_RECENT / 2);
    // Keep the map from growing without bound under a spray of names.
    if (this.failures.size > 10_000) {
      for (const [key, list] of this.failures) if (list.every((t) => t <= now - this.windowMs)) this.failures.delete(key);
    }
  }

  succeeded(user: string, address: string): void {
    this.failures.delete(pairKey(user, address));
  }

  /** The largest attack now (most failures for one user name or from one address), or null. */
  attack(now: number): LoginAttack | null {
    const since = now - this.slowWindowMs;
    this.recentFailures = this.recentFailures.filter((f) => f.ts > since);
    const byUser = new Map<string, Set<string>>();
    const byAddress = new Map<string, Set<string>>();
    const userCount = new Map<string, number>();
    const addressCount = new Map<string, number>();
    for (const f of this.recentFailures) {
      userCount.set(f.user, (userCount.get(f.user) ?? 0) + 1);
      addressCount.set(f.address, (addressCount.get(f.address) ?? 0) + 1);
      addTo(byUser, f.user, f.address);
      addTo(byAddress, f.address, f.user);
    }
    let worst: LoginAttack | null = null;
    for (const [user, failures] of userCount) {
      if (failures >= this.attackFailures && failures > (worst?.failures ?? 0)) worst = { target: { user }, failures, spread: byUser.get(user)!.size, windowMs: this.slowWindowMs };
    }
    for (const [address, failures] of addressCount) {
      if (failures >= this.attackFailures && failures > (worst?.failures ?? 0)) worst = { target: { address }, failures, spread: byAddress.get(address)!.size, windowMs: this.slowWindowMs };
    }
    return worst;
  }

  private recent(key: string, now: number): number[] {
    return (this.failures.get(key) ?? []).filter((t) => t > now - this.windowMs);
  }
}

function pairKey(user: string, address: string): string {
  return `pair:${address}\u0000${user}`;
}

/** The refusing limits: the user from this address, and (clients elsewhere) the address over all names. */
function hardKeys(user: string, address: string, remote: boolean): string[] {
  return remote ? [pairKey(user, address), `address:${address}`] : [pairKey(user, address)];
}

function addTo(map: Map<string, Set<string>>, key: string, value: string): void {
  const set = map.get(key);
  if (set) set.add(value);
  else map.set(key, new Set([value]));
}

/** "24 failed logins for "olga" from 6 addresses in 15 min". */
export function attackText(attack: LoginAttack): string {
  const minutes = Math.round(attack.windowMs / 60_000);
  const where =
    'user' in attack.target
      ? `for "${attack.target.user}" from ${attack.spread} address${attack.spread === 1 ? '' : 'es'}`
      : `from ${attack.target.address} for ${attack.spread} user name${attack.spread === 1 ? '' : 's'}`;
  return `${attack.failures} failed logins ${where} in ${minutes} min`;
}
