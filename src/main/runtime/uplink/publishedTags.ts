// Which tags the uplink publishes (by path pattern), grouped by device, each
// with its Sparkplug alias and datatype. Built from the current tag set: the
// alias of a tag is its engine id + 1, unique within the edge node and the
// same on every start of the same project.
import { matchesPattern } from '../../../shared/tagPath';
import type { TagDataType } from '../../../shared/types';
import type { EngineTag, TagEngine } from '../tags/engine';
import { DataType } from '../sparkplug/types';

export interface PublishedTag {
  readonly tag: EngineTag;
  readonly alias: number;
  readonly datatype: DataType;
}

export interface PublishedDevice {
  /** The runtime device's name: the Sparkplug device id. */
  readonly name: string;
  readonly tags: PublishedTag[];
}

const DATATYPE: Readonly<Record<TagDataType, DataType>> = {
  bool: DataType.Boolean,
  int16: DataType.Int16,
  uint16: DataType.UInt16,
  int32: DataType.Int32,
  uint32: DataType.UInt32,
  int64: DataType.Int64,
  uint64: DataType.UInt64,
  float32: DataType.Float,
  float64: DataType.Double,
  string: DataType.String,
};

/**
 * A scaled tag carries engineering units, no longer integers. From a 16-bit
 * register a Float holds every step exactly enough (24-bit mantissa); wider
 * sources need a Double.
 */
export function datatypeOf(tag: EngineTag): DataType {
  const { dataType, scale } = tag.def;
  if (!scale) return DATATYPE[dataType];
  return dataType === 'int16' || dataType === 'uint16' ? DataType.Float : DataType.Double;
}

export function selectPublished(engine: TagEngine, patterns: readonly string[]): PublishedDevice[] {
  const devices = new Map<string, PublishedDevice>();
  for (const tag of engine.live()) {
    if (!patterns.some((pattern) => matchesPattern(pattern, tag.def.path))) continue;
    let device = devices.get(tag.def.device);
    if (!device) {
      device = { name: tag.def.device, tags: [] };
      devices.set(tag.def.device, device);
    }
    device.tags.push({ tag, alias: tag.id + 1, datatype: datatypeOf(tag) });
  }
  return [...devices.values()];
}
