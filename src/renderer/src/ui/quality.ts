// Quality as an operator reads it: a symbol and a word, never colour alone.
import type { Quality, QualityReason, QualityStatus } from '../../../shared/types';

const REASON_TEXT: Record<QualityReason, string> = {
  comm_failure: 'comm failure',
  device_exception: 'device exception',
  out_of_range: 'out of range',
  rate_of_change: 'rate of change',
  sensor_failure: 'sensor failure',
  config_error: 'config error',
  last_known_value: 'last known',
  waiting_for_initial_data: 'waiting',
  precision_lost: 'precision lost',
};

const STATUS_TEXT: Record<QualityStatus, string> = { good: 'Good', uncertain: 'Uncertain', bad: 'Bad' };

/** Good: no symbol. Uncertain: "?". Bad: "✕". */
const STATUS_SYMBOL: Record<QualityStatus, string> = { good: '', uncertain: '?', bad: '✕' };

export interface QualityView {
  readonly status: QualityStatus;
  readonly symbol: string;
  /** Short text for the cell: "Good", "comm failure", "last known". */
  readonly text: string;
  /** Long text for the tooltip: "Bad — comm failure". */
  readonly title: string;
}

export function reasonText(reason: QualityReason): string {
  return REASON_TEXT[reason];
}

export function qualityView(quality: Quality): QualityView {
  const { status, reason } = quality;
  const statusText = STATUS_TEXT[status];
  const text = status === 'good' || reason === undefined ? statusText : REASON_TEXT[reason];
  const title = reason === undefined ? statusText : `${statusText} — ${REASON_TEXT[reason]}`;
  return {
    status,
    symbol: STATUS_SYMBOL[status],
    text,
    title: quality.code ? `${title} (${codeText(quality)})` : title,
  };
}

/** The protocol's own code as the vendor's manual names it: "Modbus illegal data address, 2"; '' when there is none. */
export function codeText(quality: Quality): string {
  const { code } = quality;
  if (!code) return '';
  // OPC UA codes read best in hex (0x80340000); small codes (Modbus, ADS) in decimal.
  const number = code.value > 0xffff ? `0x${code.value.toString(16).toUpperCase().padStart(8, '0')}` : String(code.value);
  return `${code.name}, ${number}`;
}
