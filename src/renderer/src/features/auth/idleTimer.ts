// The idle logout's clock: no keyboard or mouse input for `idleMs` and
// `onIdle` runs, once. A warning comes `warnMs` before (`onWarn` with the
// time of the logout), and input after the warning says so (`onActive`).
//
// Input arrives many times a second (every mouse move): `touch` only notes
// the time. One timer runs, set for the next moment that could matter; when
// it fires it looks at the last input and sets itself again if there was
// some. A machine that slept past the deadline logs out when it wakes.
// Pure: the clock and the timer functions are passed in, so tests drive it.

export interface IdleTimerOptions {
  readonly idleMs: number;
  /** How long before the logout the warning comes; 0: no warning. */
  readonly warnMs: number;
  readonly onIdle: () => void;
  readonly onWarn?: (logoutAt: number) => void;
  /** Input after a warning: the logout is off again. */
  readonly onActive?: () => void;
  readonly now?: () => number;
  readonly setTimer?: (fn: () => void, ms: number) => unknown;
  readonly clearTimer?: (handle: unknown) => void;
}

/** How long before an idle logout the HMI warns: a minute, or a quarter of a short idle time. */
export function warnBefore(idleMs: number): number {
  return Math.min(60_000, Math.floor(idleMs / 4));
}

export class IdleTimer {
  private readonly now: () => number;
  private readonly setTimer: (fn: () => void, ms: number) => unknown;
  private readonly clearTimer: (handle: unknown) => void;
  private last = 0;
  private handle: unknown = null;
  private warned = false;
  private running = false;

  constructor(private readonly options: IdleTimerOptions) {
    this.now = options.now ?? Date.now;
    this.setTimer = options.setTimer ?? ((fn, ms) => setTimeout(fn, ms));
    this.clearTimer = options.clearTimer ?? ((handle) => clearTimeout(handle as ReturnType<typeof setTimeout>));
  }

  get isRunning(): boolean {
    return this.running;
  }

  start(): void {
    this.running = true;
    this.warned = false;
    this.last = this.now();
    this.schedule();
  }

  /** Input happened (here, or in another window of this HMI). */
  touch(): void {
    if (!this.running) return;
    this.last = this.now();
    if (this.warned) {
      this.warned = false;
      this.options.onActive?.();
      this.schedule();
    }
  }

  stop(): void {
    this.running = false;
    this.warned = false;
    if (this.handle !== null) this.clearTimer(this.handle);
    this.handle = null;
  }

  private schedule(): void {
    if (this.handle !== null) this.clearTimer(this.handle);
    const { idleMs, warnMs } = this.options;
    const due = this.warned || warnMs <= 0 ? this.last + idleMs : this.last + idleMs - warnMs;
    this.handle = this.setTimer(() => this.check(), Math.max(0, due - this.now()));
  }

  private check(): void {
    this.handle = null;
    if (!this.running) return;
    const { idleMs, warnMs } = this.options;
    const idleFor = this.now() - this.last;
    if (idleFor >= idleMs) {
      this.stop();
      this.options.onIdle();
      return;
    }
    if (!this.warned && warnMs > 0 && idleFor >= idleMs - warnMs) {
      this.warned = true;
      this.options.onWarn?.(this.last + idleMs);
    }
    this.schedule();
  }
}
