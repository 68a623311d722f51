// How values, times and counts read on screen. One place, so a value looks
// the same in the table, the dialog and anywhere else.
import { isIntegerType, type TagDataType, type TagScalar } from '../../../shared/types';

export { isIntegerType };

export const NO_VALUE = '—';

/** Booleans as state text; text as it is; numbers to a few decimals by magnitude. */
export function formatValue(value: TagScalar | null, dataType: TagDataType): string {
  if (value === null) return NO_VALUE;
  if (typeof value === 'boolean') return formatBool(value);
  if (typeof value === 'string') return value;
  if (isIntegerType(dataType) && Number.isInteger(value)) return String(value);
  return formatNumber(value);
}

export function formatBool(value: boolean): string {
  return value ? 'ON' : 'OFF';
}

/**
 * Four significant figures or so, never more than three decimals, never
 * exponent notation for the magnitudes a plant shows: 0.123, 4.56, 42.31,
 * 1234.5, 123456.
 */
export function formatNumber(value: number): string {
  if (!Number.isFinite(value)) return NO_VALUE;
  const abs = Math.abs(value);
  if (abs !== 0 && (abs < 0.001 || abs >= 1e9)) return value.toExponential(2);
  const decimals = abs < 1 ? 3 : abs < 100 ? 2 : abs < 10_000 ? 1 : 0;
  const text = value.toFixed(decimals);
  return text === '-0' || /^-0\.0*$/.test(text) ? text.slice(1) : text;
}

/** A value with its units: "42.31 °C", "ON". */
export function formatWithUnits(value: TagScalar | null, dataType: TagDataType, units: string): string {
  const text = formatValue(value, dataType);
  return units && typeof value === 'number' ? `${text} ${units}` : text;
}

const pad2 = (n: number) => String(n).padStart(2, '0');

/** Local time, HH:MM:SS.mmm. */
export function formatTime(ts: number): string {
  if (!Number.isFinite(ts) || ts <= 0) return NO_VALUE;
  const d = new Date(ts);
  return `${pad2(d.getHours())}:${pad2(d.getMinutes())}:${pad2(d.getSeconds())}.${String(d.getMilliseconds()).padStart(3, '0')}`;
}

export function formatCount(n: number): string {
  return n.toLocaleString('en-US');
}

/**
 * A length of time as an operator reads it, to the two largest units:
 * "0 s", "42 s", "4 min 10 s", "1 h 06 min", "3 d 04 h". Under a second
 * but not nothing: "< 1 s".
 */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return NO_VALUE;
  if (ms === 0) return '0 s';
  if (ms < 1000) return '< 1 s';
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min ${pad2(s % 60)} s`;
  const h = Math.floor(m / 60);
  if (h < 24) return `${h} h ${pad2(m % 60)} min`;
  return `${Math.floor(h / 24)} d ${pad2(h % 24)} h`;
}

/** A share as a percentage: "0 %", "< 0.1 %", "6.9 %", "42 %", "100 %". */
export function formatPercent(fraction: number): string {
  if (!Number.isFinite(fraction) || fraction < 0) return NO_VALUE;
  const pct = Math.min(100, fraction * 100);
  if (pct === 0) return '0 %';
  if (pct < 0.1) return '< 0.1 %';
  if (pct < 10) return `${pct.toFixed(1)} %`;
  // Whole percent, but a share that is not all of it never reads 100 %.
  return `${pct < 100 ? Math.min(99, Math.round(pct)) : 100} %`;
}
