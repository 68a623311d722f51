import { describe, expect, it } from 'vitest';
import { Recorder, type RecordingPolicy } from '../../../src/main/runtime/historian/recorder';

function run(policy: RecordingPolicy, samples: [number, number, number?][]): [number, number, number][] {
  const recorder = new Recorder(policy);
  const kept: [number, number, number][] = [];
  for (const [t, v, q = 0] of samples) recorder.offer(t, v, q, (rt, rv, rq) => kept.push([rt, rv, rq]));
  return kept;
}

describe('recorder', () => {
  it('records on change, and every change with no deadband', () => {
    const kept = run({ deadband: 0, maxIntervalMs: 1e9 }, [[0, 1], [1, 1], [2, 2], [3, 2], [4, 1]]);
    expect(kept.map(([t]) => t)).toEqual([0, 2, 4]);
  });

  it('applies the deadband against the last recorded value', () => {
    const kept = run({ deadband: 0.5, maxIntervalMs: 1e9 }, [[0, 10], [1, 10.3], [2, 10.49], [3, 10.5], [4, 10.2], [5, 9.9]]);
    expect(kept.map(([t, v]) => [t, v])).toEqual([[0, 10], [3, 10.5], [5, 9.9]]);
  });

  it('always records a quality change, whatever the deadband', () => {
    const kept = run({ deadband: 100, maxIntervalMs: 1e9 }, [[0, 5, 0], [1, 5, 2], [2, 5, 2], [3, 5.1, 0]]);
    expect(kept).toEqual([[0, 5, 0], [1, 5, 2], [3, 5.1, 0]]);
  });

  it('records at least once per maxInterval (heartbeat), on offers and on the timer', () => {
    const kept = run({ deadband: 0, maxIntervalMs: 10 }, [[0, 1], [5, 1], [10, 1], [15, 1], [21, 1]]);
    expect(kept.map(([t]) => t)).toEqual([0, 10, 21]);
    const recorder = new Recorder({ deadband: 0, maxIntervalMs: 1000 });
    const beats: number[] = [];
    recorder.offer(0, 3, 0, (t) => beats.push(t));
    recorder.heartbeat(500, 3, 0, (t) => beats.push(t));
    recorder.heartbeat(1000, 3, 0, (t) => beats.push(t));
    expect(beats).toEqual([0, 1000]);
  });

  it('swinging door keeps a ramp as its two ends and a step as its corners', () => {
    const ramp: [number, number][] = Array.from({ length: 11 }, (_, i) => [i * 1000, i * 2]);
    const kept = run({ deadband: 0, maxIntervalMs: 1e9, swingingDoor: 0.1 }, [...ramp, [11000, 20]]);
    // The ramp 0..20 is one line: its start, the corner at t=10000 where it flattens, nothing between.
    expect(kept.map(([t]) => t)).toEqual([0, 10000]);
    const noisy = run({ deadband: 0, maxIntervalMs: 1e9, swingingDoor: 0.5 }, Array.from({ length: 50 }, (_, i) => [i * 1000, (i % 2) * 0.2] as [number, number]));
    expect(noisy.length).toBe(1); // noise inside the deviation costs nothing
  });

  it('swinging door stays within its deviation of every point', () => {
    const points: [number, number][] = Array.from({ length: 500 }, (_, i) => [i * 1000, Math.sin(i / 20) * 10 + Math.sin(i / 3)]);
    const deviation = 0.5;
    const kept = run({ deadband: 0, maxIntervalMs: 1e9, swingingDoor: deviation }, points);
    expect(kept.length).toBeLessThan(points.length / 2);
    // Linear interpolation between kept points is within the deviation of every original point.
    for (const [t, v] of points) {
      const after = kept.findIndex(([kt]) => kt >= t);
      if (after <= 0) continue;
      const [t0, v0] = kept[after - 1]!;
      const [t1, v1] = kept[after]!;
      const line = v0 + ((v1 - v0) * (t - t0)) / (t1 - t0);
      expect(Math.abs(line - v)).toBeLessThanOrEqual(deviation + 1e-9);
    }
  });
});
