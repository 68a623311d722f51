// CSV of a trend's range: one row per sample time of any pen, the time in
// ISO 8601 (UTC), then one column per pen with the value in force at that
// time (values hold until the next sample, as they were recorded), empty
// where the pen is in a gap (Bad) or has no value yet. When a pen's value was
// carried into the range from before it, the first row is at the range's
// start, so the file says what every pen read when the range began.
// Pure: no DOM; the download is in exportTrend.ts.
import type { PenSeries } from './trendData';

/** Index of the last time strictly before `tMs`, or -1. */
function lastBefore(t: ArrayLike<number>, tMs: number): number {
  let lo = 0;
  let hi = t.length - 1;
  let found = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    if (t[mid]! < tMs) {
      found = mid;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  return found;
}

export interface CsvColumn {
  readonly path: string;
  readonly units: string;
  readonly series: PenSeries;
}

export function csvHeader(column: Pick<CsvColumn, 'path' | 'units'>): string {
  return column.units ? `${column.path} (${column.units})` : column.path;
}

/** RFC 4180: quote a field that holds a comma, a quote or a line break. */
export function csvField(text: string): string {
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** Full precision without float noise: 15 significant digits, no exponent for plant magnitudes. */
export function csvNumber(value: number): string {
  if (!Number.isFinite(value)) return '';
  return String(Number(value.toPrecision(15)));
}

export function buildCsv(columns: readonly CsvColumn[], fromMs: number, toMs: number): string {
  const lines: string[] = [['time', ...columns.map((c) => csvField(csvHeader(c)))].join(',')];

  // Each pen's cursor: the sample in force at the row's time. It starts at
  // the last sample before the range (the value carried in), if any.
  const at = columns.map((c) => lastBefore(c.series.t, fromMs));
  const carried = at.some((i) => i >= 0);
  const next = at.map((i) => i + 1);

  const row = (tMs: number): void => {
    const cells = [new Date(tMs).toISOString()];
    for (let p = 0; p < columns.length; p++) {
      const i = at[p]!;
      const series = columns[p]!.series;
      // A text pen's cell is its text (empty while Bad, like a gap).
      if (series.text) cells.push(i < 0 || series.q[i] === 2 ? '' : csvField(series.text[i] ?? ''));
      else cells.push(i < 0 ? '' : csvNumber(series.v[i]!));
    }
    lines.push(cells.join(','));
  };

  if (carried) row(fromMs);
  for (;;) {
    // The next sample time of any pen, inside the range.
    let t = Infinity;
    for (let p = 0; p < columns.length; p++) {
      const s = columns[p]!.series;
      let i = next[p]!;
      while (i < s.t.length && s.t[i]! < fromMs) i++;
      next[p] = i;
      if (i < s.t.length && s.t[i]! < t) t = s.t[i]!;
    }
    if (t === Infinity || t > toMs) break;
    for (let p = 0; p < columns.length; p++) {
      const s = columns[p]!.series;
      let i = next[p]!;
      // At equal times the last sample wins, as on the chart.
      while (i < s.t.length && s.t[i] === t) at[p] = i++;
      next[p] = i;
    }
    row(t);
  }
  return lines.join('\r\n') + '\r\n';
}
