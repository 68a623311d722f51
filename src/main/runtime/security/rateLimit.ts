// Failed logins, limited per client address and per user name: after
// `maxFailures` within `windowMs`, further attempts are refused until the
// oldest failure leaves the window. A success clears the user's count (not
// the address's: one good password does not license guessing others).
export interface RateLimitOptions {
  readonly maxFailures?: number;
  readonly windowMs?: number;
}

export class LoginLimiter {
  private readonly failures = new Map<string, number[]>();
  private readonly maxFailures: number;
  private readonly windowMs: number;

  constructor(options: RateLimitOptions = {}) {
    this.maxFailures = options.maxFailures ?? 5;
    this.windowMs = options.windowMs ?? 60_000;
  }

  /** Milliseconds until these keys may try again; 0: now. */
  retryAfter(keys: readonly string[], now: number): number {
    let wait = 0;
    for (const key of keys) {
      const list = this.recent(key, now);
      if (list.length >= this.maxFailures) wait = Math.max(wait, list[0]! + this.windowMs - now);
    }
    return wait;
  }

  failed(keys: readonly string[], now: number): void {
    for (const key of keys) {
      const list = this.recent(key, now);
      list.push(now);
      this.failures.set(key, list);
    }
    // Keep the map from growing without bound under a spray of names.
    if (this.failures.size > 10_000) {
      for (const [key, list] of this.failures) if (list.every((t) => t <= now - this.windowMs)) this.failures.delete(key);
    }
  }

  succeeded(key: string): void {
    this.failures.delete(key);
  }

  private recent(key: string, now: number): number[] {
    return (this.failures.get(key) ?? []).filter((t) => t > now - this.windowMs);
  }
}
