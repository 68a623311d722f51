import { describe, expect, it } from 'vitest';
import type { TagDefinition } from '../../../src/main/runtime/tags/definition';
import { TagEngine } from '../../../src/main/runtime/tags/engine';
import { ChangeFanout } from '../../../src/main/runtime/tags/fanout';
import { qualityOf } from '../../../src/main/runtime/tags/plausibility';
import { linearScaler, scaleProblem } from '../../../src/main/runtime/tags/scaling';
import type { TagChange } from '../../../src/shared/types';

const GOOD = qualityOf('good');
const COMM = qualityOf('bad', 'comm_failure');

function def(path: string, extra: Partial<TagDefinition> = {}): TagDefinition {
  return { path, device: 'plc1', address: 'HR:0', dataType: 'uint16', units: '', description: '', writable: false, deadband: 0, ...extra };
}

function changesOf(engine: TagEngine): number[][] {
  const seen: number[][] = [];
  engine.onChanges((ids) => seen.push([...ids]));
  return seen;
}

describe('scaling', () => {
  it('maps raw counts to engineering units and back', () => {
    const s = linearScaler({ rawMin: 0, rawMax: 10000, euMin: 0, euMax: 10 });
    expect(s.toEu(2500)).toBe(2.5);
    expect(s.toRaw(2.5)).toBe(2500);
    const offset = linearScaler({ rawMin: 4000, rawMax: 20000, euMin: -50, euMax: 150 });
    expect(offset.toEu(4000)).toBe(-50);
    expect(offset.toEu(12000)).toBe(50);
    expect(offset.toEu(24000)).toBe(200); // overrange is kept: it is information
  });

  it('clamps only when asked, and names an unusable scale', () => {
    const s = linearScaler({ rawMin: 0, rawMax: 100, euMin: 0, euMax: 1, clamp: true });
    expect(s.toEu(150)).toBe(1);
    expect(s.toEu(-5)).toBe(0);
    expect(scaleProblem({ rawMin: 5, rawMax: 5, euMin: 0, euMax: 1 })).toBe('rawMin and rawMax are both 5');
  });
});

describe('tag engine', () => {
  it('starts Bad waiting for data, scales a reading and reports it once per turn', () => {
    const engine = new TagEngine([def('A/Level', { scale: { rawMin: 0, rawMax: 1000, euMin: 0, euMax: 10 } })]);
    const seen = changesOf(engine);
    const tag = engine.find('A/Level')!;
    expect(tag.quality).toEqual({ status: 'bad', reason: 'waiting_for_initial_data' });
    engine.ingest(0, 250, GOOD, 1000);
    engine.ingest(0, 260, GOOD, 1500);
    engine.flush();
    expect(engine.snapshot(tag)).toEqual({ value: 2.6, quality: { status: 'good' }, ts: 1500 });
    expect(seen).toEqual([[0]]);
  });

  it('applies the deadband in engineering units, after scaling', () => {
    const engine = new TagEngine([def('T', { deadband: 0.5, scale: { rawMin: 0, rawMax: 100, euMin: 0, euMax: 10 } })]);
    const tag = engine.find('T')!;
    engine.ingest(0, 10, GOOD, 1); // 1.0
    engine.ingest(0, 14, GOOD, 2); // 1.4: inside the deadband
    expect(tag.value).toBe(1);
    expect(tag.ts).toBe(1);
    engine.ingest(0, 15, GOOD, 3); // 1.5: a change
    expect(tag.value).toBe(1.5);
    engine.ingest(0, 11, GOOD, 4); // 1.1 against the published 1.5: inside
    expect(tag.value).toBe(1.5);
    engine.ingest(0, 9, GOOD, 5); // 0.9 against 1.5: out of the band
    expect(tag.value).toBeCloseTo(0.9);
  });

  it('always reports a quality change, keeping the last value', () => {
    const engine = new TagEngine([def('T', { deadband: 100 })]);
    const tag = engine.find('T')!;
    engine.ingest(0, 42, GOOD, 1);
    engine.ingest(0, null, COMM, 2);
    expect(engine.snapshot(tag)).toEqual({ value: 42, quality: { status: 'bad', reason: 'comm_failure' }, ts: 2 });
    engine.ingest(0, 43, GOOD, 3); // back to Good: a change although inside the deadband
    expect(engine.snapshot(tag)).toEqual({ value: 43, quality: { status: 'good' }, ts: 3 });
  });

  it('flags values outside the plausibility range Uncertain, or Bad when configured', () => {
    const engine = new TagEngine([
      def('U', { limits: { min: 0, max: 100 } }),
      def('B', { limits: { min: 0, max: 100, severity: 'bad' } }),
    ]);
    engine.ingest(0, 120, GOOD, 1);
    engine.ingest(1, 120, GOOD, 1);
    expect(engine.tags[0]!.quality).toEqual({ status: 'uncertain', reason: 'out_of_range' });
    expect(engine.tags[0]!.value).toBe(120);
    expect(engine.tags[1]!.quality).toEqual({ status: 'bad', reason: 'out_of_range' });
    engine.ingest(0, 50, GOOD, 2);
    expect(engine.tags[0]!.quality).toEqual({ status: 'good' });
  });

  it('flags a rate of change the process cannot have', () => {
    const engine = new TagEngine([def('R', { limits: { maxRatePerSecond: 10 } })]);
    engine.ingest(0, 0, GOOD, 0);
    engine.ingest(0, 4, GOOD, 500); // 8/s
    expect(engine.tags[0]!.quality.status).toBe('good');
    engine.ingest(0, 20, GOOD, 1000); // 32/s
    expect(engine.tags[0]!.quality).toEqual({ status: 'uncertain', reason: 'rate_of_change' });
  });

  it('compares booleans exactly and never scales them', () => {
    const engine = new TagEngine([def('D', { dataType: 'bool', deadband: 5 })]);
    engine.ingest(0, true, GOOD, 1);
    engine.ingest(0, false, GOOD, 2);
    expect(engine.tags[0]!.value).toBe(false);
  });

  it('sets the quality of many tags at once', () => {
    const engine = new TagEngine([def('A'), def('B')]);
    engine.ingest(0, 1, GOOD, 1);
    engine.ingest(1, 2, GOOD, 1);
    engine.setQualityOf([0, 1], COMM, 5);
    expect(engine.tags.map((t) => [t.value, t.quality.status, t.ts])).toEqual([[1, 'bad', 5], [2, 'bad', 5]]);
  });
});

describe('change fanout', () => {
  it('sends each subscriber only its tags, the latest value once per batch, and the current value on subscribe', async () => {
    const engine = new TagEngine([def('A'), def('B'), def('C')]);
    const fanout = new ChangeFanout(engine, 20);
    const batchesA: TagChange[][] = [];
    const batchesB: TagChange[][] = [];
    const a = fanout.subscribe((c) => batchesA.push(c));
    const b = fanout.subscribe((c) => batchesB.push(c));
    expect(a.setPaths(['A', 'nope'])).toEqual(['nope']);
    b.setPaths(['B', 'C']);
    engine.ingest(0, 1, GOOD, 1);
    engine.ingest(0, 2, GOOD, 2);
    engine.ingest(1, 7, GOOD, 2);
    engine.flush();
    fanout.flush();
    expect(batchesA).toEqual([[{ path: 'A', value: 2, quality: { status: 'good' }, ts: 2 }]]);
    // B's subscription brought C's current value (still waiting) along with B's change.
    expect(batchesB).toHaveLength(1);
    expect(batchesB[0]!.map((c) => [c.path, c.value])).toEqual([['C', null], ['B', 7]]);
    a.close();
    engine.ingest(0, 3, GOOD, 3);
    engine.flush();
    fanout.flush();
    expect(batchesA).toHaveLength(1);
    fanout.dispose();
  });

  it('batches on its own timer, at most one batch per interval', async () => {
    const engine = new TagEngine([def('A')]);
    const fanout = new ChangeFanout(engine, 50);
    const times: number[] = [];
    fanout.subscribe(() => times.push(Date.now())).setPaths(['A']);
    for (let i = 0; i < 20; i++) {
      engine.ingest(0, i, GOOD, i);
      await new Promise((r) => setTimeout(r, 10));
    }
    await new Promise((r) => setTimeout(r, 80));
    fanout.dispose();
    expect(times.length).toBeGreaterThanOrEqual(3);
    expect(times.length).toBeLessThanOrEqual(6);
    for (let i = 1; i < times.length; i++) expect(times[i]! - times[i - 1]!).toBeGreaterThanOrEqual(45);
  });
});
