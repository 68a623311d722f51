// The block planner: reads many tags with few requests.
//
// Items of one area are sorted by offset and merged greedily into blocks: the
// next item joins the current block when the unused gap before it is at most
// `maxGap` and the block would still fit in one request (125 registers or
// 2000 bits, the protocol's limits). Both conditions only get easier for a
// shorter run of consecutive items, so extending each block as far as it goes
// gives the fewest blocks for the gap setting.
//
// A block the device refuses with "illegal data address" is split in two
// halves of its items (`splitBlock`); a single item that is still refused is
// the bad address and goes Bad alone while the rest keep reading.
import { isBitArea, type ModbusArea } from './address';

export const MAX_REGISTERS_PER_READ = 125;
export const MAX_BITS_PER_READ = 2000;
export const DEFAULT_MAX_GAP = 16;

export interface PlanItem {
  /** Whatever the caller uses to find the tag again (the tag's id). */
  readonly id: number;
  readonly offset: number;
  /** Registers or bits the item occupies. */
  readonly length: number;
}

export interface Block {
  readonly area: ModbusArea;
  readonly start: number;
  readonly count: number;
  /** Sorted by offset. */
  readonly items: readonly PlanItem[];
}

export interface PlanOptions {
  readonly maxGap?: number;
  /** Lower than the protocol's limit for devices that accept less (Kepware's "max registers per request"). */
  readonly maxRegisters?: number;
  readonly maxBits?: number;
}

export function maxCountFor(area: ModbusArea, options: PlanOptions = {}): number {
  return isBitArea(area)
    ? Math.min(options.maxBits ?? MAX_BITS_PER_READ, MAX_BITS_PER_READ)
    : Math.min(options.maxRegisters ?? MAX_REGISTERS_PER_READ, MAX_REGISTERS_PER_READ);
}

function byOffset(a: PlanItem, b: PlanItem): number {
  return a.offset - b.offset || a.length - b.length;
}

/** Plans the blocks of one area. */
export function planArea(area: ModbusArea, items: readonly PlanItem[], options: PlanOptions = {}): Block[] {
  const maxGap = options.maxGap ?? DEFAULT_MAX_GAP;
  const maxCount = maxCountFor(area, options);
  const sorted = [...items].sort(byOffset);
  const blocks: Block[] = [];
  let current: PlanItem[] = [];
  let start = 0;
  let end = 0; // exclusive
  for (const item of sorted) {
    const itemEnd = item.offset + item.length;
    if (current.length > 0) {
      const gap = item.offset - end;
      const newEnd = Math.max(end, itemEnd);
      if (gap <= maxGap && newEnd - start <= maxCount) {
        current.push(item);
        end = newEnd;
        continue;
      }
      blocks.push({ area, start, count: end - start, items: current });
    }
    current = [item];
    start = item.offset;
    end = itemEnd;
  }
  if (current.length > 0) blocks.push({ area, start, count: end - start, items: current });
  return blocks;
}

/** Plans all areas; items come tagged with their area. */
export function planBlocks(
  items: readonly (PlanItem & { readonly area: ModbusArea })[],
  options: PlanOptions = {},
): Block[] {
  const byArea = new Map<ModbusArea, PlanItem[]>();
  for (const item of items) {
    let list = byArea.get(item.area);
    if (!list) byArea.set(item.area, (list = []));
    list.push(item);
  }
  const blocks: Block[] = [];
  for (const area of ['CO', 'DI', 'HR', 'IR'] as const) {
    const list = byArea.get(area);
    if (list) blocks.push(...planArea(area, list, options));
  }
  return blocks;
}

function blockOf(area: ModbusArea, items: readonly PlanItem[]): Block {
  let start = Infinity;
  let end = -Infinity;
  for (const item of items) {
    start = Math.min(start, item.offset);
    end = Math.max(end, item.offset + item.length);
  }
  return { area, start, count: end - start, items };
}

/**
 * Splits a refused block into two halves of its items, or returns null when
 * every item covers the same registers (the block cannot get any smaller).
 */
export function splitBlock(block: Block): [Block, Block] | null {
  const { items } = block;
  const sameSpan = (a: PlanItem, b: PlanItem) => a.offset === b.offset && a.length === b.length;
  // Cut between distinct offsets so that items sharing a register (bits of one word) stay together.
  let cut = items.length >> 1;
  while (cut > 0 && items[cut]!.offset === items[cut - 1]!.offset) cut--;
  if (cut === 0) {
    // Everything before the middle starts at one offset: cut after the first span instead.
    cut = items.findIndex((item) => !sameSpan(item, items[0]!));
    if (cut < 0) return null;
  }
  return [blockOf(block.area, items.slice(0, cut)), blockOf(block.area, items.slice(cut))];
}
