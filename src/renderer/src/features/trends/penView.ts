// How a pen's reading reads in the legend and in the exported PNG: the value
// with units (ON/OFF for booleans, integers as integers; a text pen's text),
// and its quality as a word, with why when it is not Good and the historian
// (or the live stream) said why: "Bad — comm failure", "Bad — device
// exception (Modbus illegal data address)". A gap (Bad) has no value:
// "— (bad)". And its statistics over the range on screen.
import { QUALITY_CODE, type HistoryStats, type QualityTransition, type TagDataType } from '../../../../shared/types';
import { formatBool, formatDuration, formatPercent, formatValue, NO_VALUE } from '../../ui/format';
import { reasonText } from '../../ui/quality';
import type { Reading } from './trendData';

export interface PenView {
  readonly value: string;
  readonly quality: 'good' | 'uncertain' | 'bad' | 'none';
  readonly qualityText: string;
}

/** Why a quality is what it is: "comm failure", "device exception (Modbus illegal data address)"; '' when nothing was said. */
export function qualityWhy(quality: Pick<QualityTransition, 'reason' | 'code'> | undefined): string {
  if (!quality) return '';
  const reason = quality.reason === undefined ? '' : reasonText(quality.reason);
  const code = quality.code === undefined ? '' : quality.code.name || `code ${quality.code.value}`;
  if (reason && code) return `${reason} (${code})`;
  return reason || code;
}

function qualityText(word: string, reading: Reading): string {
  const why = qualityWhy(reading.quality);
  return why ? `${word} — ${why}` : word;
}

/** How a reading reads in the legend (and in the PNG). */
export function penView(reading: Reading | null, units: string, dataType: TagDataType | undefined): PenView {
  if (reading === null) return { value: NO_VALUE, quality: 'none', qualityText: 'no data' };
  const bad = reading.q === QUALITY_CODE.bad || (reading.v === null && reading.text === undefined);
  if (bad && (reading.v === null || reading.text !== undefined)) {
    // No value to show: a gap, or a text that is not valid.
    return { value: `${NO_VALUE} (bad)`, quality: 'bad', qualityText: qualityText('Bad', reading) };
  }
  let value: string;
  if (reading.text !== undefined) value = reading.text === null ? NO_VALUE : reading.text === '' ? '""' : reading.text;
  else {
    const isBool = dataType === 'bool';
    const v = reading.v!;
    const text = isBool ? formatBool(v !== 0) : formatValue(v, dataType ?? 'float64');
    value = units && !isBool ? `${text} ${units}` : text;
  }
  if (reading.q === QUALITY_CODE.uncertain) return { value, quality: 'uncertain', qualityText: qualityText('Uncertain', reading) };
  if (reading.q === QUALITY_CODE.bad) return { value, quality: 'bad', qualityText: qualityText('Bad', reading) };
  return { value, quality: 'good', qualityText: 'Good' };
}

export interface PenStatsView {
  readonly min: string;
  readonly max: string;
  /** The time-weighted average; for a boolean, the share of the time it was ON. */
  readonly avg: string;
  /** Time in Bad quality, and its share of the range: "4 min 10 s · 6.9 %". */
  readonly bad: string;
  readonly badShare: string;
  /** Why there are no figures, for the cells' tooltip; null when there are. */
  readonly note: string | null;
}

const NO_FIGURES = { min: NO_VALUE, max: NO_VALUE, avg: NO_VALUE, bad: NO_VALUE, badShare: '' };

/**
 * A pen's statistics over the range on screen, with its units and number
 * formatting. `rangeMs` is the part of the range that has happened (the
 * share of Bad is of that).
 */
export function penStatsView(
  stats: HistoryStats | undefined,
  units: string,
  dataType: TagDataType | undefined,
  rangeMs: number,
  why: string | null,
): PenStatsView {
  if (stats === undefined) return { ...NO_FIGURES, note: why };
  const isBool = dataType === 'bool';
  const withUnits = (v: number | null) => {
    if (v === null) return NO_VALUE;
    if (isBool) return formatBool(v !== 0);
    const text = formatValue(v, dataType ?? 'float64');
    return units ? `${text} ${units}` : text;
  };
  const avg = stats.twa === null ? NO_VALUE : isBool ? `${formatPercent(stats.twa)} ON` : withUnits(stats.twa);
  return {
    min: withUnits(stats.min),
    max: withUnits(stats.max),
    avg,
    bad: formatDuration(stats.badMs),
    badShare: rangeMs > 0 ? formatPercent(stats.badMs / rangeMs) : '',
    note: stats.count === 0 && stats.goodMs === 0 ? 'No Good data in this range' : null,
  };
}
