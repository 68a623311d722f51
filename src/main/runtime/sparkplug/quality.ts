// A metric's quality in Sparkplug: the "Quality" property with the OPC DA
// codes most hosts understand (192 Good, 64 Uncertain, 0 Bad), and our
// reason beside it as "Quality Reason".
import type { Quality, QualityReason } from '../../../shared/types';
import { DataType, type Metric } from './types';

export const QUALITY_CODE = { good: 192, uncertain: 64, bad: 0 } as const;

/** The "Quality" property of a metric (and why, when it is not Good). */
export function qualityProperties(quality: Quality, always: boolean): Metric['properties'] {
  if (!always && quality.status === 'good') return undefined;
  const keys = ['Quality'];
  const values: { type: DataType; value: number | string }[] = [{ type: DataType.Int32, value: QUALITY_CODE[quality.status] }];
  if (quality.reason !== undefined) {
    keys.push('Quality Reason');
    values.push({ type: DataType.String, value: quality.reason });
  }
  return { keys, values };
}

/** The inverse, for the host driver. */
export function qualityFromProperties(properties: Metric['properties'] | undefined): { status: Quality['status']; reason?: QualityReason; code?: number } {
  if (!properties) return { status: 'good' };
  const at = properties.keys.indexOf('Quality');
  if (at < 0) return { status: 'good' };
  const code = Number(properties.values[at]?.value);
  const status = code >= 192 ? 'good' : code >= 64 ? 'uncertain' : 'bad';
  const reasonAt = properties.keys.indexOf('Quality Reason');
  const reason = reasonAt < 0 ? undefined : (String(properties.values[reasonAt]?.value) as QualityReason);
  return reason === undefined ? { status, code } : { status, reason, code };
}
