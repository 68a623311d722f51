// The live half of a trend: one `tags.changed` subscription for the pens'
// paths, one PenBuffer per pen, and the back-fill from the historian.
//
// Samples that arrive while a back-fill is on its way wait (by path) and are
// appended after it; those not newer than the back-fill are dropped, so the
// history and the stream meet without a seam. A clock ticks as often as one
// pixel column's worth of time (between 100 ms and 5 s) to scroll the
// window; the back-fill is redone every ten minutes, or when the live tail
// has outgrown the plot (more samples than four per pixel column).
import type { TagChange } from '../../../../shared/types';
import { ApiError, type ScadaClient, type Subscription } from '../../api';
import { maxPointsFor, queryPens, type LatestOnly } from './historyQuery';
import { liveSampleOf, PenBuffer, type LiveSample } from './liveBuffer';
import { EMPTY_SERIES, type PenSeries, type SeriesSlice } from './trendData';

const REFILL_EVERY_MS = 10 * 60_000;
const MAX_PENDING = 10_000;

export interface LiveFeedHost {
  readonly client: ScadaClient;
  /** Shared with history queries: only the latest request of either counts. */
  readonly query: LatestOnly;
  paths(): readonly string[];
  spanMs(): number;
  plotWidth(): number;
  /** New samples, or time to scroll: redraw (once per frame). */
  changed(): void;
  error(message: string | null): void;
  unrecorded(unrecorded: ReadonlyMap<string, string>): void;
}

export class LiveFeed {
  private active = false;
  private buffers: PenBuffer[] = [];
  private indexOf = new Map<string, number>();
  private pending: Map<string, LiveSample[]> | null = null;
  private subscription: Subscription<'tags.changed'> | null = null;
  private clock: ReturnType<typeof setInterval> | null = null;
  private lastFill = 0;

  constructor(private readonly host: LiveFeedHost) {}

  get running(): boolean {
    return this.active;
  }

  /** Follows a new list of pens, keeping the buffers of those that stay. */
  remap(paths: readonly string[]): void {
    const old = new Map([...this.indexOf].map(([path, i]) => [path, this.buffers[i]]));
    this.buffers = paths.map((path) => old.get(path) ?? new PenBuffer());
    this.indexOf = new Map(paths.map((path, i) => [path, i]));
  }

  /** Starts (or, with new pens or a new span, restarts) the live trend. */
  start(): void {
    if (!this.active) for (const buffer of this.buffers) buffer.clear();
    this.active = true;
    const paths = [...this.host.paths()];
    if (this.subscription) this.subscription.update({ paths });
    else {
      this.subscription = this.host.client.subscribe('tags.changed', { paths }, (changes) => this.receive(changes), {
        onError: (error) => this.host.error(`Live values refused: ${error.describe()}`),
      });
    }
    this.fill();
    this.restartClock();
  }

  /** Ends the live trend; returns what it held (copied), for the history view to start from. */
  stop(): PenSeries[] {
    this.active = false;
    this.subscription?.();
    this.subscription = null;
    this.stopClock();
    this.pending = null;
    const held = this.buffers.map((b) => {
      const s = b.series();
      return { ...s, t: s.t.slice(), v: s.v.slice(), q: s.q.slice() };
    });
    for (const buffer of this.buffers) buffer.clear();
    return held;
  }

  /** Forgets samples before the window (keeping each pen's value carried into it). */
  trimBefore(tMs: number): void {
    for (const buffer of this.buffers) buffer.trimBefore(tMs);
  }

  slices(): SeriesSlice[] {
    return this.buffers.map((b) => b.slice());
  }

  series(index: number): PenSeries {
    return this.buffers[index]?.series() ?? EMPTY_SERIES;
  }

  /** Back-fills the window from the historian. */
  fill(): void {
    if (!this.active) return;
    const paths = [...this.host.paths()];
    this.lastFill = Date.now();
    // Samples still waiting for an earlier back-fill go into the buffers
    // now; the next load keeps those newer than what it brings.
    this.flushPending();
    if (paths.length === 0) return;
    this.pending = new Map(paths.map((path) => [path, []]));
    const to = Date.now();
    const from = to - this.host.spanMs();
    const pensKey = paths.join('\n');
    this.host.query.run(
      () => queryPens(this.host.client, paths, from, to, maxPointsFor(this.host.plotWidth())),
      (outcome) => {
        if (!this.active || this.host.paths().join('\n') !== pensKey) return;
        if (outcome.ok) {
          this.host.error(null);
          this.host.unrecorded(outcome.value.unrecorded);
          outcome.value.series.forEach((series, i) => this.buffers[i]?.load(series));
        } else {
          // Without history the trend still runs on live values.
          this.host.error(describe(outcome.error));
        }
        this.flushPending();
        this.host.changed();
      },
    );
  }

  /** The back-fill was cancelled: stop holding samples back for it. */
  flushPending(): void {
    const pending = this.pending;
    this.pending = null;
    if (!pending) return;
    for (const [path, samples] of pending) {
      const i = this.indexOf.get(path);
      const buffer = i === undefined ? undefined : this.buffers[i];
      if (buffer) for (const sample of samples) buffer.append(sample);
    }
  }

  restartClock(): void {
    this.stopClock();
    if (!this.active) return;
    const every = Math.min(5_000, Math.max(100, this.host.spanMs() / this.host.plotWidth()));
    this.clock = setInterval(() => this.tick(), every);
  }

  destroy(): void {
    this.active = false;
    this.stopClock();
    this.subscription?.();
    this.subscription = null;
  }

  private stopClock(): void {
    if (this.clock !== null) clearInterval(this.clock);
    this.clock = null;
  }

  private tick(): void {
    if (!this.active) return;
    const tail = Math.max(0, ...this.buffers.map((b) => b.appended));
    const due = Date.now() - this.lastFill > REFILL_EVERY_MS || tail > maxPointsFor(this.host.plotWidth());
    if (this.pending === null && due) this.fill();
    this.host.changed();
  }

  private receive(changes: readonly TagChange[]): void {
    if (!this.active || !Array.isArray(changes)) return;
    let any = false;
    for (const change of changes) {
      const i = this.indexOf.get(change.path);
      if (i === undefined) continue;
      const sample = liveSampleOf(change);
      const waiting = this.pending?.get(change.path);
      if (waiting) {
        if (waiting.length >= MAX_PENDING) waiting.shift();
        waiting.push(sample);
      } else if (this.buffers[i]?.append(sample)) any = true;
    }
    if (any) this.host.changed();
  }
}

function describe(error: unknown): string {
  const text = error instanceof ApiError ? error.describe() : error instanceof Error ? error.message : String(error);
  return `history back-fill failed: ${text}`;
}
