// How a pen's reading reads in the legend and in the exported PNG: the value
// with units (ON/OFF for booleans, integers as integers), and its quality as
// a word. A gap (Bad) has no value: "— (bad)".
import { QUALITY_CODE, type TagDataType } from '../../../../shared/types';
import { formatBool, formatValue, NO_VALUE } from '../../ui/format';
import type { Reading } from './trendData';

export interface PenView {
  readonly value: string;
  readonly quality: 'good' | 'uncertain' | 'bad' | 'none';
  readonly qualityText: string;
}

/** How a reading reads in the legend (and in the PNG). */
export function penView(reading: Reading | null, units: string, dataType: TagDataType | undefined): PenView {
  if (reading === null) return { value: NO_VALUE, quality: 'none', qualityText: 'no data' };
  if (reading.v === null) return { value: `${NO_VALUE} (bad)`, quality: 'bad', qualityText: 'Bad' };
  const isBool = dataType === 'bool';
  const text = isBool ? formatBool(reading.v !== 0) : formatValue(reading.v, dataType ?? 'float64');
  const value = units && !isBool ? `${text} ${units}` : text;
  if (reading.q === QUALITY_CODE.uncertain) return { value, quality: 'uncertain', qualityText: 'Uncertain' };
  if (reading.q === QUALITY_CODE.bad) return { value, quality: 'bad', qualityText: 'Bad' };
  return { value, quality: 'good', qualityText: 'Good' };
}
