import { describe, expect, it } from 'vitest';
import { planArea, planBlocks, splitBlock, type PlanItem } from '../../../src/main/runtime/drivers/modbus/planner';
import { Prng } from '../../../src/shared/prng';

const item = (id: number, offset: number, length = 1): PlanItem => ({ id, offset, length });
const spans = (blocks: { start: number; count: number }[]) => blocks.map((b) => `${b.start}+${b.count}`);

describe('block planner', () => {
  it('merges contiguous and nearby registers, breaks on a gap larger than maxGap', () => {
    const items = [item(1, 0), item(2, 1, 2), item(3, 19), item(4, 37)];
    // 0..2 then gap of 16 to 19 (merge), then gap of 17 to 37 (break)
    expect(spans(planArea('HR', items, { maxGap: 16 }))).toEqual(['0+20', '37+1']);
    expect(spans(planArea('HR', items, { maxGap: 0 }))).toEqual(['0+3', '19+1', '37+1']);
  });

  it('never reads more than 125 registers or 2000 bits in one request', () => {
    const regs = Array.from({ length: 300 }, (_, i) => item(i, i));
    const blocks = planArea('IR', regs);
    expect(spans(blocks)).toEqual(['0+125', '125+125', '250+50']);
    const bits = Array.from({ length: 4500 }, (_, i) => item(i, i));
    expect(spans(planArea('CO', bits))).toEqual(['0+2000', '2000+2000', '4000+500']);
  });

  it('keeps a multi-register value whole at the limit', () => {
    const wide = { maxGap: 200 };
    expect(spans(planArea('HR', [item(1, 0), item(2, 122, 4)], wide))).toEqual(['0+1', '122+4']);
    expect(spans(planArea('HR', [item(1, 0), item(2, 121, 4)], wide))).toEqual(['0+125']);
  });

  it('honours a smaller per-device limit', () => {
    const items = Array.from({ length: 20 }, (_, i) => item(i, i));
    expect(spans(planArea('HR', items, { maxRegisters: 8 }))).toEqual(['0+8', '8+8', '16+4']);
  });

  it('merges overlapping items and bits of one register', () => {
    const items = [item(1, 10), item(2, 10), item(3, 10, 2), item(4, 11)];
    const [block] = planArea('HR', items);
    expect(block).toMatchObject({ start: 10, count: 2 });
    expect(block!.items.map((i) => i.id).sort()).toEqual([1, 2, 3, 4]);
  });

  it('plans each area apart, in unsorted input', () => {
    const blocks = planBlocks([
      { ...item(1, 5), area: 'HR' },
      { ...item(2, 5), area: 'IR' },
      { ...item(3, 0), area: 'HR' },
      { ...item(4, 5), area: 'CO' },
    ]);
    expect(blocks.map((b) => `${b.area}:${b.start}+${b.count}`)).toEqual(['CO:5+1', 'HR:0+6', 'IR:5+1']);
  });

  it('finds the minimum number of requests for the gap setting', () => {
    // Brute force: the fewest contiguous groups of the sorted items that respect gap and size.
    const prng = new Prng(7);
    const rng = () => prng.next();
    for (let round = 0; round < 200; round++) {
      const items: PlanItem[] = [];
      let offset = 0;
      for (let i = 0; i < 30; i++) {
        offset += Math.floor(rng() * 30);
        items.push(item(i, offset, 1 + Math.floor(rng() * 4)));
      }
      const maxGap = Math.floor(rng() * 20);
      expect(planArea('HR', items, { maxGap }).length).toBe(minimumGroups(items, maxGap, 125));
    }
  });

  it('splits a refused block into halves of its items, and stops at one span', () => {
    const [block] = planArea('HR', [item(1, 0), item(2, 2), item(3, 4), item(4, 6)]);
    const halves = splitBlock(block!);
    expect(halves && spans(halves)).toEqual(['0+3', '4+3']);
    const [single] = planArea('HR', [item(1, 9), item(2, 9)]);
    expect(splitBlock(single!)).toBeNull();
  });

  it('keeps the bits of one register together when splitting', () => {
    const [block] = planArea('HR', [item(1, 5), item(2, 5), item(3, 5), item(4, 6)]);
    const halves = splitBlock(block!)!;
    expect(halves.map((h) => h.items.map((i) => i.id))).toEqual([[1, 2, 3], [4]]);
    const [mixed] = planArea('HR', [item(1, 5, 1), item(2, 5, 2)]);
    expect(splitBlock(mixed!)!.map((h) => h.count)).toEqual([1, 2]);
  });
});

function minimumGroups(items: PlanItem[], maxGap: number, maxCount: number): number {
  const sorted = [...items].sort((a, b) => a.offset - b.offset || a.length - b.length);
  const best = new Array<number>(sorted.length + 1).fill(Infinity);
  best[0] = 0;
  for (let end = 1; end <= sorted.length; end++) {
    for (let start = end - 1; start >= 0; start--) {
      const group = sorted.slice(start, end);
      let reach = group[0]!.offset + group[0]!.length;
      let ok = true;
      for (const g of group.slice(1)) {
        if (g.offset - reach > maxGap) ok = false;
        reach = Math.max(reach, g.offset + g.length);
      }
      if (ok && reach - group[0]!.offset <= maxCount) best[end] = Math.min(best[end]!, best[start]! + 1);
    }
  }
  return best[sorted.length]!;
}

