// A metric's quality in Sparkplug: the "Quality" property with the OPC DA
// codes most hosts understand (192 Good, 64 Uncertain, 0 Bad), our reason
// beside it as "Quality Reason", and the device protocol's own status, where
// there is one, as "Quality Code" (UInt32) and "Quality Code Name".
import type { ProtocolCode, Quality, QualityReason } from '../../../shared/types';
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
  if (quality.code !== undefined) {
    keys.push('Quality Code', 'Quality Code Name');
    values.push({ type: DataType.UInt32, value: quality.code.value >>> 0 }, { type: DataType.String, value: quality.code.name });
  }
  return { keys, values };
}

/** The inverse, for the host driver. */
export function qualityFromProperties(properties: Metric['properties'] | undefined): {
  status: Quality['status'];
  reason?: QualityReason;
  /** The OPC DA quality number. */
  code?: number;
  /** The device protocol's own code, when the publisher passed it on. */
  protocolCode?: ProtocolCode;
} {
  if (!properties) return { status: 'good' };
  const at = properties.keys.indexOf('Quality');
  if (at < 0) return { status: 'good' };
  const code = Number(properties.values[at]?.value);
  const status = code >= 192 ? 'good' : code >= 64 ? 'uncertain' : 'bad';
  const reasonAt = properties.keys.indexOf('Quality Reason');
  const reason = reasonAt < 0 ? undefined : (String(properties.values[reasonAt]?.value) as QualityReason);
  const codeAt = properties.keys.indexOf('Quality Code');
  const nameAt = properties.keys.indexOf('Quality Code Name');
  const protocolCode = codeAt < 0 ? undefined : { value: Number(properties.values[codeAt]?.value), name: nameAt < 0 ? 'device code' : String(properties.values[nameAt]?.value) };
  return { status, code, ...(reason === undefined ? {} : { reason }), ...(protocolCode === undefined ? {} : { protocolCode }) };
}
