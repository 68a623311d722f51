// modbus.requests_per_scan: 2,000 tags over HR, IR, CO and DI with gaps,
// planned with the default gap setting (16), beside one read per tag and
// beside the minimum for that gap setting (found by exhaustive search).
import { parseModbusAddress } from '../src/main/runtime/drivers/modbus/address';
import { DEFAULT_MAX_GAP, maxCountFor, planBlocks, type PlanItem } from '../src/main/runtime/drivers/modbus/planner';
import type { ModbusArea } from '../src/main/runtime/drivers/modbus/address';
import { Prng } from '../src/shared/prng';
import { report } from './report';


const prng = new Prng(2026);
const random = () => prng.next();
const TYPES = ['uint16', 'int16', 'float32', 'int32', 'float64'];
const items: (PlanItem & { area: ModbusArea })[] = [];
let id = 0;
for (const area of ['HR', 'IR', 'CO', 'DI'] as const) {
  let offset = 0;
  for (let i = 0; i < 500; i++) {
    // Mostly packed, sometimes a small gap, now and then a large one (another part of the PLC's map).
    const r = random();
    offset += r < 0.6 ? 0 : r < 0.9 ? Math.floor(random() * 12) : 20 + Math.floor(random() * 200);
    const text = area === 'HR' || area === 'IR' ? `${area}:${offset}:${TYPES[Math.floor(random() * TYPES.length)]}` : `${area}:${offset}`;
    const address = parseModbusAddress(text);
    items.push({ id: id++, area, offset, length: address.length });
    offset += address.length;
  }
}

/** Can the sorted items [start, end) be read in one request? */
function fits(sorted: PlanItem[], start: number, end: number, maxCount: number): boolean {
  let reach = sorted[start]!.offset + sorted[start]!.length;
  for (let i = start + 1; i < end; i++) {
    const item = sorted[i]!;
    if (item.offset - reach > DEFAULT_MAX_GAP) return false;
    reach = Math.max(reach, item.offset + item.length);
  }
  return reach - sorted[start]!.offset <= maxCount;
}

/** The fewest contiguous groups of one area's sorted items, by exhaustive dynamic programming. */
function minimum(area: ModbusArea, list: PlanItem[]): number {
  const sorted = [...list].sort((a, b) => a.offset - b.offset || a.length - b.length);
  const maxCount = maxCountFor(area);
  const best = new Array<number>(sorted.length + 1).fill(Infinity);
  best[0] = 0;
  for (let end = 1; end <= sorted.length; end++) {
    for (let start = end - 1; start >= 0; start--) {
      if (sorted[end - 1]!.offset - sorted[start]!.offset > maxCount) break;
      if (fits(sorted, start, end, maxCount)) best[end] = Math.min(best[end]!, best[start]! + 1);
    }
  }
  return best[sorted.length]!;
}

const planned = planBlocks(items).length;
const byArea = new Map<ModbusArea, PlanItem[]>();
for (const item of items) (byArea.get(item.area) ?? byArea.set(item.area, []).get(item.area)!).push(item);
let min = 0;
for (const [area, list] of byArea) min += minimum(area, list);

report('modbus.requests_per_scan', planned, 'req');
report('modbus.requests_per_scan_naive', items.length, 'req');
report('modbus.requests_per_scan_minimum', min, 'req');
if (planned !== min) {
  console.error(`bench: the planner used ${planned} requests where ${min} suffice`);
  process.exit(1);
}
