// Drives one trend chart, outside React: pens and range come in from the
// store (`update`), samples from the historian and the live stream, and at
// most one uPlot redraw happens per animation frame.
//
//   history:  range ──(200 ms debounce)──► history.query, maxPoints = 4 × plot px
//             ──► PenSeries per pen ──► alignSeries ──► uPlot
//             Every range change redraws at once with the data already held
//             (zoom and pan feel immediate), then re-queries; only the latest
//             query's answer is used (LatestOnly), Cancel ignores it too.
//   live:     LiveFeed: tags.changed ──► PenBuffer per pen, back-filled from
//             history.query; its clock scrolls the window.
//   stats:    StatsFeed: history.stats over the window on screen, for the
//             legend (300 ms after a range change; every 5 s when live).
//
// Gestures on the chart (wheel zoom, drag-select, shift-drag pan, keys) do
// not change the view here: they ask for a range (`onRange`), the store
// takes it, and it comes back through `update`. The store is the one truth.
import uPlot from 'uplot';
import { ApiError, type ScadaClient } from '../../api';
import type { TrendRange } from '../../stores';
import { attachGestures } from './chartGestures';
import { buildChartOptions, type ChartPen } from './chartOptions';
import { downloadBlob, fileStamp, trendPng, type PngLegendLine } from './exportTrend';
import { LatestOnly, maxPointsFor, queryPens, rawMaxPointsPerPen } from './historyQuery';
import { LiveFeed } from './liveFeed';
import { trendReadout } from './readout';
import { buildCsv } from './trendCsv';
import { StatsFeed } from './trendStats';
import { AlignedBuffers, alignSeries, EMPTY_SERIES, readingAt, wholeSlice, type Aligned, type PenSeries } from './trendData';
import { endingAt, selectRange, windowOf, type TimeWindow } from './trendRange';

export interface TrendInputs {
  readonly pens: readonly ChartPen[];
  readonly range: TrendRange;
  /** Reviewing a historian file: no live mode, the present is the file's newest sample. */
  readonly review: boolean;
  readonly newestMs: number | null;
}

export interface TrendEvents {
  onRange(range: TrendRange): void;
  onBusy(busy: boolean): void;
  onError(message: string | null): void;
  onUnrecorded(unrecorded: ReadonlyMap<string, string>): void;
}

const QUERY_DEBOUNCE_MS = 200;

export class TrendController {
  private chart: uPlot | null = null;
  private detachGestures: (() => void) | null = null;
  private inputs: TrendInputs | null = null;
  private chartKey = '';
  private size = { width: 0, height: 0 };
  private window: TimeWindow = { from: 0, to: 1 };
  private frame: number | null = null;
  private cursorAt: number | null = null;
  private readonly query: LatestOnly;
  private readonly live: LiveFeed;
  private readonly stats: StatsFeed;
  private readonly liveAligned = new AlignedBuffers();

  // history mode
  private history: PenSeries[] = [];
  private historyData: Aligned | null = null;
  /** paths|from|to|maxPoints of the data held or asked for. */
  private requestedKey = '';
  private queryTimer: ReturnType<typeof setTimeout> | null = null;

  constructor(
    private readonly client: ScadaClient,
    private readonly root: HTMLElement,
    private readonly events: TrendEvents,
  ) {
    this.query = new LatestOnly((busy) => events.onBusy(busy));
    this.live = new LiveFeed({
      client,
      query: this.query,
      paths: () => this.paths(),
      spanMs: () => this.window.to - this.window.from,
      plotWidth: () => this.plotWidth(),
      changed: () => this.scheduleDraw(),
      error: (message) => events.onError(message),
      unrecorded: (unrecorded) => events.onUnrecorded(unrecorded),
    });
    this.stats = new StatsFeed({ client, paths: () => this.paths(), window: () => this.statsWindow() });
  }

  // ---- inputs ----

  update(next: TrendInputs): void {
    const prev = this.inputs;
    const range = effectiveRange(next);
    this.inputs = { ...next, range };
    const pathsChanged = prev === null || pathsKey(prev.pens) !== pathsKey(next.pens);
    if (pathsChanged) {
      // An answer for the old pens must not land on the new ones.
      this.query.cancel();
      this.remap(prev?.pens ?? [], next.pens);
      this.stats.pensChanged();
    }
    const key = chartKey(next.pens);
    if (key !== this.chartKey) {
      this.chartKey = key;
      this.rebuildChart();
    }

    if (range.mode === 'live') {
      const spanChanged = prev === null || prev.range.mode !== 'live' || prev.range.spanMs !== range.spanMs;
      this.window = windowOf(range, Date.now());
      if (!this.live.running || pathsChanged || spanChanged) this.live.start();
      this.stats.live(pathsChanged || spanChanged);
    } else {
      if (this.live.running) this.useHistory(this.live.stop());
      this.window = windowOf(range, this.presentMs());
      this.scheduleQuery();
      this.stats.history();
    }
    this.scheduleDraw();
  }

  resize(width: number, height: number): void {
    const w = Math.floor(width);
    const h = Math.floor(height);
    if (w === this.size.width && h === this.size.height) return;
    this.size = { width: w, height: h };
    if (this.chart) this.chart.setSize({ width: Math.max(50, w), height: Math.max(50, h) });
    else this.rebuildChart();
    if (this.live.running) this.live.restartClock();
    else if (this.inputs) this.scheduleQuery();
  }

  /** Stop waiting for the outstanding query; its answer will be ignored. */
  cancel(): void {
    this.query.cancel();
    this.requestedKey = '';
    this.live.flushPending();
  }

  /** Asks again for what is on screen (after an error). */
  refresh(): void {
    this.stats.refresh();
    if (this.live.running) this.live.fill();
    else {
      this.requestedKey = '';
      this.runHistoryQuery();
    }
  }

  /** The window on screen now (for keyboard zoom and pan). */
  currentWindow(): TimeWindow {
    return this.window;
  }

  destroy(): void {
    this.query.cancel();
    if (this.queryTimer !== null) clearTimeout(this.queryTimer);
    if (this.frame !== null) cancelAnimationFrame(this.frame);
    this.live.destroy();
    this.stats.destroy();
    this.detachGestures?.();
    this.chart?.destroy();
    this.chart = null;
  }

  // ---- pens ----

  private paths(): string[] {
    return this.inputs?.pens.map((p) => p.path) ?? [];
  }

  /** What the statistics cover: the window on screen; live, the span ending now. */
  private statsWindow(): TimeWindow {
    const range = this.inputs?.range;
    if (range?.mode === 'live' && this.live.running) {
      const now = Date.now();
      return { from: now - range.spanMs, to: now };
    }
    return this.window;
  }

  /** Keeps the samples of pens that stay, in their new order. */
  private remap(before: readonly ChartPen[], after: readonly ChartPen[]): void {
    const old = new Map(before.map((p, i) => [p.path, this.history[i] ?? EMPTY_SERIES]));
    this.useHistory(after.map((p) => old.get(p.path) ?? EMPTY_SERIES));
    this.live.remap(after.map((p) => p.path));
  }

  private useHistory(series: PenSeries[]): void {
    this.history = series;
    this.historyData = series.length > 0 ? alignSeries(series.map(wholeSlice), this.historyEnd()) : null;
    this.requestedKey = '';
  }

  // ---- the chart ----

  private rebuildChart(): void {
    this.detachGestures?.();
    this.detachGestures = null;
    this.chart?.destroy();
    this.chart = null;
    if (!this.inputs || this.size.width < 50 || this.size.height < 50) return;
    const options = buildChartOptions(this.inputs.pens, this.size, {
      xRange: () => [this.window.from / 1000, this.window.to / 1000],
      onCursor: (u) => this.onCursor(u),
      onSelect: (u) => this.onSelect(u),
      onDraw: () => this.measureDraw(),
    });
    this.chart = new uPlot(options, this.currentData(), this.root);
    this.detachGestures = attachGestures(this.chart, this.root, {
      window: () => this.window,
      request: (range) => this.events.onRange(range),
    });
  }

  private currentData(): Aligned {
    if (this.live.running) return alignSeries(this.live.slices(), Date.now(), this.liveAligned);
    return this.historyData ?? emptyData(this.inputs?.pens.length ?? 0);
  }

  private drawStartedAt: number | null = null;

  private scheduleDraw(): void {
    if (this.frame !== null) return;
    this.frame = requestAnimationFrame(() => {
      this.frame = null;
      this.draw();
    });
  }

  private draw(): void {
    const chart = this.chart;
    const inputs = this.inputs;
    if (!chart || !inputs) return;
    if (this.live.running && inputs.range.mode === 'live') {
      const now = Date.now();
      this.window = { from: now - inputs.range.spanMs, to: now };
      this.live.trimBefore(this.window.from);
    }
    this.drawStartedAt = performance.now();
    chart.setData(this.currentData());
    this.publishReadout();
  }

  /**
   * Records how long the last setData took to reach the screen, as a
   * `trend.draw` performance measure (read by the trend render benchmark
   * and visible in the browser's performance tools).
   */
  private measureDraw(): void {
    if (this.drawStartedAt === null) return;
    const points = this.historyData ? this.historyData[0].length : 0;
    performance.measure('trend.draw', { start: this.drawStartedAt, end: performance.now(), detail: { points } });
    this.drawStartedAt = null;
  }

  private plotWidth(): number {
    if (this.chart) return Math.max(100, this.chart.bbox.width / uPlot.pxRatio);
    return Math.max(100, this.size.width - 80);
  }

  // ---- cursor and selection ----

  private onCursor(u: uPlot): void {
    const left = u.cursor.left ?? -1;
    this.cursorAt = left >= 0 ? u.posToVal(left, 'x') * 1000 : null;
    this.publishReadout();
  }

  /** The legend's values: at the cursor, or the latest of the range. */
  private publishReadout(): void {
    const pens = this.inputs?.pens ?? [];
    const at = this.cursorAt ?? Math.min(this.window.to, this.presentMs());
    const byPath = new Map(pens.map((pen, i) => [pen.path, readingAt(this.seriesOf(i), at)]));
    trendReadout.publish({ timeMs: pens.length > 0 ? at : null, atCursor: this.cursorAt !== null, byPath });
  }

  private seriesOf(index: number): PenSeries {
    return this.live.running ? this.live.series(index) : (this.history[index] ?? EMPTY_SERIES);
  }

  private onSelect(u: uPlot): void {
    const { left, width } = u.select;
    if (width < 3) return;
    const a = u.posToVal(left, 'x') * 1000;
    const b = u.posToVal(left + width, 'x') * 1000;
    u.setSelect({ left: 0, top: 0, width: 0, height: 0 }, false);
    this.events.onRange(selectRange(a, b));
  }

  // ---- history ----

  private presentMs(): number {
    return this.inputs?.review ? (this.inputs.newestMs ?? Date.now()) : Date.now();
  }

  /** Held values reach the end of the range, but not past the present (or the file's newest sample). */
  private historyEnd(): number {
    return Math.min(this.window.to, this.presentMs());
  }

  private scheduleQuery(): void {
    if (this.queryTimer !== null) clearTimeout(this.queryTimer);
    this.queryTimer = setTimeout(() => {
      this.queryTimer = null;
      this.runHistoryQuery();
    }, QUERY_DEBOUNCE_MS);
  }

  private runHistoryQuery(): void {
    if (this.live.running || !this.inputs) return;
    const paths = this.paths();
    const { from, to } = this.window;
    // Width in steps of 100 px, so a small resize does not re-query.
    const maxPoints = maxPointsFor(Math.ceil(this.plotWidth() / 100) * 100);
    const key = `${paths.join('\n')}|${from}|${to}|${maxPoints}`;
    if (key === this.requestedKey) return;
    this.requestedKey = key;
    if (paths.length === 0) {
      this.useHistory([]);
      this.scheduleDraw();
      return;
    }
    const pensKey = paths.join('\n');
    this.query.run(
      () => queryPens(this.client, paths, from, to, maxPoints),
      (outcome) => {
        if (this.live.running || this.paths().join('\n') !== pensKey) return;
        if (!outcome.ok) {
          // Not asked again by itself (a resize, a status poll): a new
          // range does, and so does Retry.
          this.events.onError(`history query failed: ${describe(outcome.error)}`);
          return;
        }
        this.events.onError(null);
        this.events.onUnrecorded(outcome.value.unrecorded);
        this.history = outcome.value.series;
        this.historyData = alignSeries(this.history.map(wholeSlice), Math.min(to, this.presentMs()));
        this.scheduleDraw();
      },
    );
  }

  // ---- export ----

  /** The range on screen as CSV, re-queried raw. Resolves with the number of rows. */
  async exportCsv(): Promise<{ rows: number; decimated: boolean }> {
    const pens = this.inputs?.pens ?? [];
    if (pens.length === 0) throw new Error('add a pen first');
    const { from, to } = this.window;
    const paths = this.paths();
    const result = await queryPens(this.client, paths, from, to, rawMaxPointsPerPen(paths.length));
    const csv = buildCsv(
      pens.map((pen, i) => ({ path: pen.path, units: pen.units, series: result.series[i] ?? EMPTY_SERIES })),
      from,
      to,
    );
    downloadBlob(new Blob([csv], { type: 'text/csv;charset=utf-8' }), `trend-${fileStamp(from)}.csv`);
    return { rows: Math.max(0, csv.split('\r\n').length - 2), decimated: result.series.some((s) => s.mode === 'm4') };
  }

  /** The chart as PNG, with the title and the legend drawn in. */
  async exportPng(title: string, valuesAt: string, lines: readonly PngLegendLine[]): Promise<void> {
    const chart = this.chart;
    if (!chart) throw new Error('no chart to export');
    const blob = await trendPng(chart.ctx.canvas, title, valuesAt, lines);
    downloadBlob(blob, `trend-${fileStamp(this.window.from)}.png`);
  }
}

/** In review there is no live mode: a live range becomes the same span ending at the file's newest sample. */
function effectiveRange(inputs: TrendInputs): TrendRange {
  if (inputs.range.mode !== 'live' || !inputs.review) return inputs.range;
  return endingAt(inputs.newestMs ?? Date.now(), inputs.range.spanMs);
}

function pathsKey(pens: readonly ChartPen[]): string {
  return pens.map((p) => p.path).join('\n');
}

/** What the uPlot instance is built from: a change rebuilds it. */
function chartKey(pens: readonly ChartPen[]): string {
  return pens.map((p) => `${p.path}|${p.color}|${p.units}|${p.isBool}|${p.isText === true}|${p.min ?? ''}|${p.max ?? ''}`).join('\n');
}

function emptyData(pens: number): Aligned {
  return [new Float64Array(0), ...Array.from({ length: pens }, () => [])];
}

function describe(error: unknown): string {
  if (error instanceof ApiError) return error.describe();
  return error instanceof Error ? error.message : String(error);
}
