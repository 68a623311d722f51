// A stopped driver leaves no socket, timer or listener behind. This helper
// counts the process's active resources (`process.getActiveResourcesInfo()`:
// sockets, servers, timers, child processes, pending requests…) when a suite
// starts and again when it ends, and fails the suite naming what is left
// over, e.g. `2 × TCPSocketWrap, 1 × Timeout`.
//
// Vitest runs each file in its own process (pool: forks), but the process
// has resources of its own (the IPC channel to the main process, the timer of
// the hook that is running, sometimes a batched report on its way), so the
// helper compares counts around the suite's own lifetime and only complains
// about what grew. Closing is asynchronous (a destroyed socket's handle goes
// on a later tick, a killed child after its exit), so the end is polled until
// the counts are back or `settleMs` has passed.
//
// Use: call `failOnLeaks()` first thing in the suite file (or describe). Its
// beforeAll then runs before the suite's own, and its afterAll after the
// suite's own afterAll/afterEach hooks (vitest runs after-hooks as a stack),
// so everything the suite started must be stopped by then.
import { afterAll, beforeAll } from 'vitest';

export type ResourceCounts = ReadonlyMap<string, number>;

export interface LeakOptions {
  /** How long the end may take to settle before what is left counts as leaked. */
  readonly settleMs?: number;
  /** Resource types not to count (e.g. a type the suite legitimately leaves to the process). */
  readonly ignore?: readonly string[];
}

const DEFAULT_SETTLE_MS = 2000;

/**
 * The active resources of this process, by type (`TCPSocketWrap`, `Timeout`,
 * `ProcessWrap`…), and the listeners on `process` itself (`process.on(exit)`):
 * a driver that hooks the process and never lets go leaks as surely.
 */
export function activeResources(): ResourceCounts {
  const counts = new Map<string, number>();
  for (const type of process.getActiveResourcesInfo()) counts.set(type, (counts.get(type) ?? 0) + 1);
  for (const event of process.eventNames()) {
    const listeners = process.listenerCount(event);
    if (listeners > 0) counts.set(`process.on(${String(event)})`, listeners);
  }
  return counts;
}

/** What `after` has more of than `before`, as `2 × TCPSocketWrap` (most first); empty when nothing grew. */
export function grownResources(before: ResourceCounts, after: ResourceCounts, ignore: readonly string[] = []): string[] {
  const grown: [string, number][] = [];
  for (const [type, count] of after) {
    const more = count - (before.get(type) ?? 0);
    if (more > 0 && !ignore.includes(type)) grown.push([type, more]);
  }
  return grown.sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).map(([type, more]) => `${more} × ${type}`);
}

/**
 * Waits (up to `settleMs`) for the active resources to be no more than
 * `before`, and returns what is still left over (empty: nothing leaked).
 */
export async function leftOver(before: ResourceCounts, options: LeakOptions = {}): Promise<string[]> {
  const deadline = Date.now() + (options.settleMs ?? DEFAULT_SETTLE_MS);
  for (;;) {
    // Measured after a turn of the event loop: handles closed by the suite's last hook go on the next ticks.
    await new Promise((resolve) => setImmediate(resolve));
    const grown = grownResources(before, activeResources(), options.ignore);
    if (grown.length === 0 || Date.now() >= deadline) return grown;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/** Sockets still open, with their ends: says which connection a leaked TCPSocketWrap is. */
function openSockets(): string[] {
  // `_getActiveHandles` is undocumented; it only adds detail to a failure, so its absence is no error.
  const handles = (process as { _getActiveHandles?: () => unknown[] })._getActiveHandles?.() ?? [];
  const sockets: string[] = [];
  for (const handle of handles) {
    const socket = handle as { remotePort?: number; remoteAddress?: string; localPort?: number; constructor?: { name?: string } };
    if (socket.constructor?.name === 'Socket' && socket.remotePort !== undefined) {
      sockets.push(`${socket.localPort ?? '?'} → ${socket.remoteAddress ?? '?'}:${socket.remotePort}`);
    }
  }
  return sockets;
}

/** Throws, naming what is left over, unless the resources settle back to `before`. */
export async function assertNoLeaks(before: ResourceCounts, options: LeakOptions = {}): Promise<void> {
  const leaked = await leftOver(before, options);
  if (leaked.length === 0) return;
  const sockets = openSockets();
  const detail = sockets.length > 0 ? ` (open sockets: ${sockets.join(', ')})` : '';
  throw new Error(`the suite left resources behind: ${leaked.join(', ')}${detail}`);
}

/** Fails the enclosing suite when it ends with more active resources than it started with. */
export function failOnLeaks(options: LeakOptions = {}): void {
  let before: ResourceCounts = new Map();
  beforeAll(() => {
    before = activeResources();
  });
  afterAll(() => assertNoLeaks(before, options));
}
