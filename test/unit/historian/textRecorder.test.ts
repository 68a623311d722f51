// What the historian keeps of a text tag: every change of its text or its
// quality code, and the heartbeat after maxIntervalMs without one.
import { describe, expect, it } from 'vitest';
import { TextRecorder } from '../../../src/main/runtime/historian/textRecorder';

describe('text recorder', () => {
  it('keeps changes of text and quality, and a heartbeat, nothing else', () => {
    const kept: [number, string | null, number][] = [];
    const record = (t: number, v: string | null, q: number) => kept.push([t, v, q]);
    const recorder = new TextRecorder({ maxIntervalMs: 10_000 });
    recorder.offer(0, 'Idle', 0, record);
    recorder.offer(1000, 'Idle', 0, record);
    recorder.offer(2000, 'Run', 0, record);
    recorder.offer(3000, 'Run', 2, record);
    recorder.offer(4000, null, 2, record);
    recorder.offer(5000, '', 0, record); // an empty text is a text, not "no value"
    recorder.heartbeat(9000, '', 0, record);
    recorder.heartbeat(15_000, '', 0, record);
    recorder.offer(16_000, '', 0, record);
    recorder.offer(25_000, '', 0, record);
    expect(kept).toEqual([
      [0, 'Idle', 0],
      [2000, 'Run', 0],
      [3000, 'Run', 2],
      [4000, null, 2],
      [5000, '', 0],
      [15_000, '', 0],
      [25_000, '', 0],
    ]);
    expect(recorder.lastTime).toBe(25_000);
  });
});
