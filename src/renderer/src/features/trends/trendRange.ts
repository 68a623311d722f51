// Time ranges of a trend: the presets, zoom and pan arithmetic, and how a
// range reads on screen. Pure.
//
// The presets are one row of buttons. In live mode the short ones (up to
// 8 h) change the scrolling window and the trend stays live; a longer one
// switches to history. In history mode every preset shows the range of that
// length ending now (in review of a file: ending at its newest sample).
import type { TrendView } from '../../../../shared/contract';

/** The same as the store's TrendRange (declared from the contract, so this module stays free of the store). */
type TrendRange = TrendView['range'];

export interface RangePreset {
  readonly id: string;
  readonly label: string;
  readonly ms: number;
  /** Offered as a live (scrolling) window. */
  readonly live: boolean;
}

const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;

export const RANGE_PRESETS: readonly RangePreset[] = [
  { id: '1m', label: '1 min', ms: MIN, live: true },
  { id: '10m', label: '10 min', ms: 10 * MIN, live: true },
  { id: '1h', label: '1 h', ms: HOUR, live: true },
  { id: '8h', label: '8 h', ms: 8 * HOUR, live: true },
  { id: '1d', label: '1 day', ms: DAY, live: false },
  { id: '1w', label: '1 week', ms: 7 * DAY, live: false },
  { id: '1mo', label: '1 month', ms: 30 * DAY, live: false },
  { id: '1y', label: '1 year', ms: 365 * DAY, live: false },
];

export const LIVE_PRESETS = RANGE_PRESETS.filter((p) => p.live);

/** Zoom stops at one second and at five years. */
export const MIN_SPAN_MS = 1_000;
export const MAX_SPAN_MS = 5 * 365 * DAY;

export interface TimeWindow {
  readonly from: number;
  readonly to: number;
}

/** The window a range shows when the present is `nowMs`. */
export function windowOf(range: TrendRange, nowMs: number): TimeWindow {
  return range.mode === 'live' ? { from: nowMs - range.spanMs, to: nowMs } : { from: range.from, to: range.to };
}

export function spanOf(range: TrendRange): number {
  return range.mode === 'live' ? range.spanMs : range.to - range.from;
}

/** What clicking a preset does, from the current range. */
export function applyPreset(current: TrendRange, preset: RangePreset, nowMs: number, liveAllowed: boolean): TrendRange {
  if (current.mode === 'live' && preset.live && liveAllowed) return { mode: 'live', spanMs: preset.ms };
  return endingAt(nowMs, preset.ms);
}

export function endingAt(endMs: number, spanMs: number): TrendRange {
  const to = Math.round(endMs);
  return { mode: 'history', from: to - Math.round(spanMs), to };
}

/** Back to live, with the current span if it is a live preset, else the nearest shorter one. */
export function liveFrom(current: TrendRange): TrendRange {
  const span = spanOf(current);
  const fitting = LIVE_PRESETS.filter((p) => p.ms <= span * 1.001);
  const preset = fitting[fitting.length - 1] ?? LIVE_PRESETS[0]!;
  return { mode: 'live', spanMs: preset.ms };
}

function clampSpan(span: number): number {
  return Math.min(MAX_SPAN_MS, Math.max(MIN_SPAN_MS, span));
}

/** Zoom by `factor` (<1 in, >1 out) keeping the time under `atMs` where it is on screen. */
export function zoomAround(window: TimeWindow, atMs: number, factor: number): TrendRange {
  const span = window.to - window.from;
  const next = clampSpan(span * factor);
  const anchor = Math.min(window.to, Math.max(window.from, atMs));
  const share = span > 0 ? (anchor - window.from) / span : 0.5;
  const from = Math.round(anchor - share * next);
  return { mode: 'history', from, to: from + Math.round(next) };
}

/** Moves the window by `fraction` of its span (negative: back in time). */
export function panBy(window: TimeWindow, fraction: number): TrendRange {
  const shift = Math.round((window.to - window.from) * fraction);
  return { mode: 'history', from: window.from + shift, to: window.to + shift };
}

/** A range picked by dragging across the chart; too narrow a drag is widened to the minimum span. */
export function selectRange(aMs: number, bMs: number): TrendRange {
  let from = Math.round(Math.min(aMs, bMs));
  let to = Math.round(Math.max(aMs, bMs));
  if (to - from < MIN_SPAN_MS) {
    const mid = (from + to) / 2;
    from = Math.round(mid - MIN_SPAN_MS / 2);
    to = from + MIN_SPAN_MS;
  }
  return { mode: 'history', from, to };
}

/** The preset whose span the range has, if any (for the pressed button). */
export function presetOf(range: TrendRange): RangePreset | undefined {
  const span = spanOf(range);
  return RANGE_PRESETS.find((p) => p.ms === span);
}

/** "10 min", "1 h 30 min", "2 d 4 h", "45 s", "1.5 s". */
export function formatSpan(ms: number): string {
  if (ms < MIN) {
    const s = ms / 1000;
    return `${Number.isInteger(s) ? s : s.toFixed(1)} s`;
  }
  if (ms < HOUR) {
    const m = Math.floor(ms / MIN);
    const s = Math.round((ms % MIN) / 1000);
    return s ? `${m} min ${s} s` : `${m} min`;
  }
  if (ms < DAY) {
    const h = Math.floor(ms / HOUR);
    const m = Math.round((ms % HOUR) / MIN);
    return m ? `${h} h ${m} min` : `${h} h`;
  }
  const d = Math.floor(ms / DAY);
  const h = Math.round((ms % DAY) / HOUR);
  return h ? `${d} d ${h} h` : `${d} d`;
}

const pad2 = (n: number) => String(n).padStart(2, '0');

/** Local "2025-03-14 08:05:09". */
export function formatDateTime(ms: number): string {
  const d = new Date(ms);
  return `${d.getFullYear()}-${pad2(d.getMonth() + 1)}-${pad2(d.getDate())} ${pad2(d.getHours())}:${pad2(d.getMinutes())}:${pad2(d.getSeconds())}`;
}

/** The range as a line of text: "Live · last 10 min", or "2025-03-14 08:05:09 – 09:05:09 · 1 h". */
export function formatRange(range: TrendRange): string {
  if (range.mode === 'live') return `Live · last ${formatSpan(range.spanMs)}`;
  const from = formatDateTime(range.from);
  const to = formatDateTime(range.to);
  const sameDay = from.slice(0, 10) === to.slice(0, 10);
  return `${from} – ${sameDay ? to.slice(11) : to} · ${formatSpan(range.to - range.from)}`;
}

/** Local "2025-03-14". */
export function formatDate(ms: number): string {
  return formatDateTime(ms).slice(0, 10);
}

/**
 * Time-axis labels, 24-hour as a control room reads them: the finer the
 * tick spacing (`incrSec`), the more of the time; under a day's spacing the
 * date is added under the first tick and wherever the day changes.
 */
export function formatTimeTicks(splitsSec: readonly number[], incrSec: number): string[] {
  let lastDate = '';
  return splitsSec.map((sec) => {
    const ms = sec * 1000;
    const full = formatDateTime(ms);
    if (incrSec >= 365 * 86_400 * 0.99) return full.slice(0, 4);
    if (incrSec >= 28 * 86_400) return full.slice(0, 7);
    if (incrSec >= 86_400) return full.slice(5, 10);
    const time =
      incrSec < 1 ? `${full.slice(11)}.${String(Math.round(ms % 1000)).padStart(3, '0')}` : incrSec < 60 ? full.slice(11) : full.slice(11, 16);
    const date = full.slice(0, 10);
    const withDate = date !== lastDate;
    lastDate = date;
    return withDate ? `${time}\n${date}` : time;
  });
}
