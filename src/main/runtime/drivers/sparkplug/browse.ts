// Browsing what a Sparkplug host has seen born: edge nodes at the root, then
// each node's devices (and the node's own metrics), then each device's
// metrics. Only births count: a node that has not been born since the host
// connected is not there yet (a rebirth request brings it).
import type { TagDataType } from '../../../../shared/types';
import type { BrowseChild, BrowsePage } from '../driver';
import { AddressError } from '../driver';
import { DataType } from '../../sparkplug/types';

/** Children per page: a device with 20,000 metrics comes in twenty pages. */
export const BROWSE_PAGE = 1000;

const TYPES: Partial<Record<number, TagDataType>> = {
  [DataType.Int8]: 'int16',
  [DataType.Int16]: 'int16',
  [DataType.Int32]: 'int32',
  [DataType.Int64]: 'int64',
  [DataType.UInt8]: 'uint16',
  [DataType.UInt16]: 'uint16',
  [DataType.UInt32]: 'uint32',
  [DataType.UInt64]: 'uint64',
  [DataType.Float]: 'float32',
  [DataType.Double]: 'float64',
  [DataType.Boolean]: 'bool',
  [DataType.String]: 'string',
  [DataType.Text]: 'string',
  [DataType.UUID]: 'string',
  [DataType.DateTime]: 'int64',
};

/** The tag data type a Sparkplug datatype reads as; null for what a tag cannot hold (arrays, data sets, templates). */
export function tagTypeOf(datatype: number): TagDataType | null {
  return TYPES[datatype] ?? null;
}

/**
 * One page of the children of `node` (undefined: the root; `edge`: a node;
 * `edge/device`: a device). `births` maps each edge node to its metric keys
 * (`edge/device/metric`) and their datatypes.
 */
export function browseBirths(births: ReadonlyMap<string, ReadonlyMap<string, number>>, node: string | undefined, continuation?: string): BrowsePage {
  const children = childrenOf(births, node);
  const start = continuation === undefined ? 0 : Number(continuation);
  if (!Number.isInteger(start) || start < 0 || start > children.length) throw new AddressError(`continuation "${continuation}" is not one this browse gave`);
  const end = Math.min(children.length, start + BROWSE_PAGE);
  return end < children.length ? { children: children.slice(start, end), continuation: String(end) } : { children: children.slice(start, end) };
}

function childrenOf(births: ReadonlyMap<string, ReadonlyMap<string, number>>, node: string | undefined): BrowseChild[] {
  if (node === undefined || node === '') {
    return [...births.keys()].sort().map((edge) => folder(edge, edge));
  }
  const slash = node.indexOf('/');
  const edge = slash < 0 ? node : node.slice(0, slash);
  const metrics = births.get(edge);
  if (!metrics) throw new AddressError(`no edge node "${edge}" has been born since the host connected`);
  const devices = new Set<string>();
  const out: BrowseChild[] = [];
  const wanted = slash < 0 ? '' : node.slice(slash + 1);
  if (wanted.includes('/')) throw new AddressError(`"${node}" is not an edge node or <edge node>/<device>`);
  for (const [key, datatype] of metrics) {
    const first = key.indexOf('/');
    const second = key.indexOf('/', first + 1);
    const device = key.slice(first + 1, second);
    if (slash < 0 && device !== '') {
      devices.add(device);
      continue;
    }
    if (device !== wanted) continue;
    const name = key.slice(second + 1);
    if (name.startsWith('Node Control/') || name === 'bdSeq') continue; // the protocol's own metrics, not process values
    const type = tagTypeOf(datatype);
    out.push({ name, address: key, type, writable: type !== null, hasChildren: false });
  }
  if (slash >= 0 && out.length === 0 && ![...metrics.keys()].some((key) => key.startsWith(`${edge}/${wanted}/`))) {
    throw new AddressError(`no device "${wanted}" of ${edge} has been born`);
  }
  out.sort((a, b) => a.name.localeCompare(b.name));
  return [...[...devices].sort().map((device) => folder(device, `${edge}/${device}`)), ...out];
}

function folder(name: string, address: string): BrowseChild {
  return { name, address, type: null, writable: false, hasChildren: true };
}
