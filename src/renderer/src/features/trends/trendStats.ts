// Statistics of each pen over the range on screen, from `history.stats`:
// min, max, time-weighted average and time in Bad quality. For the legend.
//
//   history:  range ──(300 ms debounce)──► history.stats ──► trendStats
//   live:     every 5 s (and 300 ms after the pens or the span change),
//             over the last spanMs ending now.
//
// Only the answer to the latest question counts (LatestOnly); a new range, a
// new set of pens or stopping makes an outstanding answer stale. Figures are
// published OUTSIDE React on a channel; the legend's stats cells listen.
import type { HistoryStats } from '../../../../shared/types';
import { ApiError, type ScadaClient } from '../../api';
import { LatestOnly } from './historyQuery';
import type { TimeWindow } from './trendRange';

export const STATS_DEBOUNCE_MS = 300;
export const STATS_LIVE_EVERY_MS = 5_000;

export interface TrendStats {
  /** The range the figures cover (ms); null before the first answer. */
  readonly window: TimeWindow | null;
  /** When they were asked for: the part of the range after it had not happened yet. */
  readonly askedAt: number;
  /** By path; a path absent here has no figures (not recorded, or not answered yet). */
  readonly byPath: ReadonlyMap<string, HistoryStats>;
  /** Paths the historian does not record, with its message. */
  readonly unrecorded: ReadonlyMap<string, string>;
  /** Why there are no figures at all (historian unavailable, request failed); null when there are. */
  readonly problem: string | null;
  /** A different range has been asked for: the figures shown are for the previous one. */
  readonly stale: boolean;
}

export const NO_STATS: TrendStats = {
  window: null,
  askedAt: 0,
  byPath: new Map(),
  unrecorded: new Map(),
  problem: null,
  stale: false,
};

/** The latest statistics, for `useSyncExternalStore`. */
export class StatsChannel {
  private latest: TrendStats = NO_STATS;
  private readonly listeners = new Set<() => void>();

  readonly current = (): TrendStats => this.latest;

  readonly subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  publish(stats: TrendStats): void {
    if (stats === this.latest) return;
    this.latest = stats;
    for (const listener of this.listeners) listener();
  }

  update(change: Partial<TrendStats>): void {
    this.publish({ ...this.latest, ...change });
  }
}

export const trendStats = new StatsChannel();

export interface StatsAnswer {
  readonly stats: ReadonlyMap<string, HistoryStats>;
  readonly unrecorded: ReadonlyMap<string, string>;
}

/**
 * All paths at once; one path the historian does not record fails the whole
 * request (not_found), so then each is asked on its own, skipping those
 * already known to be unrecorded.
 */
export async function queryStats(
  client: ScadaClient,
  paths: readonly string[],
  window: TimeWindow,
  knownUnrecorded: ReadonlyMap<string, string>,
): Promise<StatsAnswer> {
  const from = Math.floor(window.from);
  const to = Math.max(from + 1, Math.ceil(window.to));
  const asked = paths.filter((p) => !knownUnrecorded.has(p));
  const unrecorded = new Map([...knownUnrecorded].filter(([p]) => paths.includes(p)));
  const stats = new Map<string, HistoryStats>();
  if (asked.length === 0) return { stats, unrecorded };
  const request = async (p: readonly string[]) => {
    const answer = await client['history.stats']({ paths: [...p], from, to });
    for (const s of answer.stats) stats.set(s.path, s);
  };
  try {
    await request(asked);
    return { stats, unrecorded };
  } catch (error) {
    if (!isNotFound(error)) throw error;
    if (asked.length === 1) {
      unrecorded.set(asked[0]!, error.message);
      return { stats, unrecorded };
    }
  }
  await Promise.all(
    asked.map(async (path) => {
      try {
        await request([path]);
      } catch (error) {
        if (!isNotFound(error)) throw error;
        unrecorded.set(path, error.message);
      }
    }),
  );
  return { stats, unrecorded };
}

function isNotFound(error: unknown): error is ApiError {
  return error instanceof ApiError && error.kind === 'not_found';
}

export interface StatsFeedHost {
  readonly client: ScadaClient;
  paths(): readonly string[];
  /** The window on screen now (in live mode it moves with the clock). */
  window(): TimeWindow;
}

/** Keeps `trendStats` up to date with the pens and the range on screen. */
export class StatsFeed {
  // Stats are not what the chart waits for: no busy indicator.
  private readonly query = new LatestOnly(() => {});
  private timer: ReturnType<typeof setTimeout> | null = null;
  private clock: ReturnType<typeof setInterval> | null = null;
  private pensKey = '';
  /** paths|from|to of the figures held or asked for (history mode). */
  private askedKey = '';
  private unrecorded: ReadonlyMap<string, string> = new Map();

  constructor(
    private readonly host: StatsFeedHost,
    private readonly channel: StatsChannel = trendStats,
  ) {}

  /** The pens changed: answers for the old ones are dropped, the figures of those that stay are kept. */
  pensChanged(): void {
    const paths = this.host.paths();
    const key = paths.join('\n');
    if (key === this.pensKey) return;
    this.pensKey = key;
    this.query.cancel();
    this.askedKey = '';
    const current = this.channel.current();
    const keep = <V>(map: ReadonlyMap<string, V>) => new Map([...map].filter(([p]) => paths.includes(p)));
    this.unrecorded = keep(this.unrecorded);
    this.channel.update({ byPath: keep(current.byPath), unrecorded: keep(current.unrecorded) });
  }

  /** History mode: the figures for the range on screen, asked once it has stopped changing. */
  history(): void {
    this.stopClock();
    const key = this.keyOf(this.host.window());
    if (key === this.askedKey) return;
    this.markStale(this.host.window());
    this.schedule();
  }

  /** Live mode: asked soon, then every few seconds over the scrolling window. */
  live(spanChanged: boolean): void {
    if (this.clock !== null && !spanChanged && this.askedKey !== '') return;
    this.askedKey = '';
    if (spanChanged) this.channel.update({ stale: this.channel.current().window !== null });
    this.schedule();
    this.stopClock();
    this.clock = setInterval(() => this.ask(), STATS_LIVE_EVERY_MS);
  }

  /** Asks again now (after an error). */
  refresh(): void {
    this.askedKey = '';
    this.ask();
  }

  destroy(): void {
    this.query.cancel();
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    this.stopClock();
    this.channel.publish(NO_STATS);
  }

  private schedule(): void {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = null;
      this.ask();
    }, STATS_DEBOUNCE_MS);
  }

  private stopClock(): void {
    if (this.clock !== null) clearInterval(this.clock);
    this.clock = null;
  }

  private keyOf(window: TimeWindow): string {
    return `${this.pensKey}|${Math.floor(window.from)}|${Math.ceil(window.to)}`;
  }

  private markStale(window: TimeWindow): void {
    const shown = this.channel.current().window;
    const stale = shown !== null && (shown.from !== window.from || shown.to !== window.to);
    if (stale !== this.channel.current().stale) this.channel.update({ stale });
  }

  private ask(): void {
    const paths = [...this.host.paths()];
    const window = this.host.window();
    const key = this.keyOf(window);
    if (this.clock === null && key === this.askedKey) return;
    this.askedKey = key;
    if (paths.length === 0 || window.to <= window.from) {
      this.query.cancel();
      this.channel.publish(NO_STATS);
      return;
    }
    const pensKey = this.pensKey;
    const askedAt = Date.now();
    this.query.run(
      () => queryStats(this.host.client, paths, window, this.unrecorded),
      (outcome) => {
        if (pensKey !== this.pensKey) return;
        if (!outcome.ok) {
          // Asked again by the next range change, the live clock, or Retry.
          this.askedKey = '';
          this.channel.publish({
            ...NO_STATS,
            window,
            askedAt,
            problem: `Statistics unavailable: ${describe(outcome.error)}`,
          });
          return;
        }
        this.unrecorded = outcome.value.unrecorded;
        this.channel.publish({
          window,
          askedAt,
          byPath: outcome.value.stats,
          unrecorded: outcome.value.unrecorded,
          problem: null,
          stale: false,
        });
      },
    );
  }
}

function describe(error: unknown): string {
  if (error instanceof ApiError) return error.describe();
  return error instanceof Error ? error.message : String(error);
}
