// Alarm KPIs with expectations worked out by hand (times are offsets from the
// range's start), and the flood rule checked once more against a brute-force
// reading of its definition on random journals.
import { describe, expect, it } from 'vitest';
import { computeKpis, type Activation, type StandingCandidate } from '../../../src/main/runtime/alarms/kpis';
import type { AlarmPriority } from '../../../src/shared/alarms';
import { Prng } from '../../../src/shared/prng';

const T0 = 1_736_121_600_000; // 2025-01-06T00:00:00Z
const SEC = 1000;
const MIN = 60 * SEC;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;

function act(at: number, alarmId = 'A', priority: AlarmPriority = 1): Activation {
  return { ts: T0 + at, alarmId, path: `Plant/${alarmId}`, priority };
}

/** One alarm's activations at each offset. */
function acts(offsets: readonly number[], alarmId = 'A', priority: AlarmPriority = 1): Activation[] {
  return offsets.map((at) => act(at, alarmId, priority));
}

/** Several alarms' activations in one journal, sorted by time (stable: equal times keep their order). */
function journal(...lists: Activation[][]): Activation[] {
  return lists.flat().sort((a, b) => a.ts - b.ts);
}

/** Offsets from `first` to `last` inclusive, every `step`. */
function every(step: number, first: number, last: number): number[] {
  const out: number[] = [];
  for (let at = first; at <= last; at += step) out.push(at);
  return out;
}

function kpis(length: number, activations: readonly Activation[], stillActive: readonly StandingCandidate[] = []) {
  return computeKpis(T0, T0 + length, activations, stillActive);
}

const NO_PRIORITIES = [
  { priority: 1, activations: 0, percent: 0 },
  { priority: 2, activations: 0, percent: 0 },
  { priority: 3, activations: 0, percent: 0 },
  { priority: 4, activations: 0, percent: 0 },
  { priority: 'diagnostic', activations: 0, percent: 0 },
];

describe('alarm KPIs: rates', () => {
  it('reports an empty range as zeros (no NaN), still listing every priority and the standing alarms', () => {
    const still = [{ alarmId: 'S', path: 'Plant/S', activeAt: T0 - 2 * DAY }];
    expect(computeKpis(T0, T0, [], still)).toEqual({
      from: T0,
      to: T0,
      activations: 0,
      averagePer10Min: 0,
      maxPer10Min: 0,
      per10Min: [],
      floods: [],
      timeInFloodMs: 0,
      timeInFloodPercent: 0,
      standing: [{ alarmId: 'S', path: 'Plant/S', activeAt: T0 - 2 * DAY, durationMs: 2 * DAY }],
      chattering: [],
      badActors: [],
      priorityDistribution: NO_PRIORITIES,
    });
    // A reversed range is empty too, not a negative one.
    const reversed = computeKpis(T0, T0 - HOUR, [], []);
    expect(reversed.per10Min).toEqual([]);
    expect(reversed.averagePer10Min).toBe(0);
    expect(reversed.timeInFloodPercent).toBe(0);
  });

  it('lists every bucket of a quiet range with a count of zero', () => {
    const k = kpis(HOUR, []);
    expect(k.per10Min).toEqual([0, 1, 2, 3, 4, 5].map((n) => ({ t: T0 + n * 10 * MIN, count: 0 })));
    expect(k.activations).toBe(0);
    expect(k.averagePer10Min).toBe(0);
    expect(k.maxPer10Min).toBe(0);
    expect(k.priorityDistribution).toEqual(NO_PRIORITIES);
  });

  it('counts into half-open buckets aligned to `from`, the last one partial; the average is over the range, not the buckets', () => {
    const k = kpis(
      25 * MIN,
      journal(
        acts([0, 10 * MIN - 1]), // bucket 0
        acts([10 * MIN], 'B'), // exactly on the boundary: bucket 1
        acts([10 * MIN, 20 * MIN - 1], 'C'), // bucket 1
        acts([20 * MIN]), // bucket 2, the partial one
      ),
    );
    expect(k.per10Min).toEqual([
      { t: T0, count: 2 },
      { t: T0 + 10 * MIN, count: 3 },
      { t: T0 + 20 * MIN, count: 1 },
    ]);
    expect(k.activations).toBe(6);
    expect(k.maxPer10Min).toBe(3);
    // 6 activations in 2.5 × 10 minutes: 2.4, where three whole buckets would say 2.
    expect(k.averagePer10Min).toBeCloseTo(2.4, 12);
  });

  it('ignores activations outside [from, to), though the caller promises there are none', () => {
    const k = kpis(10 * MIN, journal(acts([-1, 0, 5 * MIN, 10 * MIN, 11 * MIN])));
    expect(k.activations).toBe(2);
    expect(k.per10Min).toEqual([{ t: T0, count: 2 }]);
    expect(k.badActors).toEqual([{ alarmId: 'A', path: 'Plant/A', activations: 2, percent: 100 }]);
  });
});

describe('alarm KPIs: floods', () => {
  it('does not see a flood in ten activations within ten minutes, nor in eleven spread over exactly ten', () => {
    expect(kpis(HOUR, acts(every(MIN, 0, 9 * MIN))).floods).toEqual([]);
    // At 10:00 the window (0:00, 10:00] has already let go of the one at 0:00: ten, not eleven.
    expect(kpis(HOUR, acts(every(MIN, 0, 10 * MIN))).floods).toEqual([]);
  });

  it('starts a flood at the eleventh activation in the window and ends it when fewer than five remain', () => {
    // 0:00, 1:00 … 9:00, then 9:30: eleven in (−0:30, 9:30]. Each leaves ten minutes after it came:
    // at 15:00 (5:00 leaves) 6:00 … 9:30 are five; at 16:00 (6:00 leaves) four remain.
    const k = kpis(HOUR, acts([...every(MIN, 0, 9 * MIN), 9 * MIN + 30 * SEC]));
    expect(k.floods).toEqual([{ start: T0 + 9 * MIN + 30 * SEC, end: T0 + 16 * MIN, activations: 1 }]);
    expect(k.timeInFloodMs).toBe(6 * MIN + 30 * SEC);
    expect(k.timeInFloodPercent).toBeCloseTo((100 * 6.5) / 60, 12);
  });

  it('counts an arrival at the instant of a departure: the window then still holds five', () => {
    // As above plus one at 16:00: (6:00, 16:00] holds 7, 8, 9, 9:30 and 16:00. At 17:00 four remain.
    const k = kpis(HOUR, acts([...every(MIN, 0, 9 * MIN), 9 * MIN + 30 * SEC, 16 * MIN]));
    expect(k.floods).toEqual([{ start: T0 + 9 * MIN + 30 * SEC, end: T0 + 17 * MIN, activations: 2 }]);
  });

  it('counts every activation that shares the start timestamp, and lets them leave together', () => {
    const eleven = Array.from({ length: 11 }, (_, n) => act(5 * MIN, `T${n}`));
    const k = kpis(HOUR, eleven);
    expect(k.floods).toEqual([{ start: T0 + 5 * MIN, end: T0 + 15 * MIN, activations: 11 }]);
  });

  it('reports two floods apart, each from its own start', () => {
    const burst = (at: number) => Array.from({ length: 11 }, (_, n) => act(at, `T${n}`));
    const k = kpis(HOUR, journal(burst(0), acts([12 * MIN, 20 * MIN], 'X'), burst(30 * MIN)));
    expect(k.floods).toEqual([
      { start: T0, end: T0 + 10 * MIN, activations: 11 },
      { start: T0 + 30 * MIN, end: T0 + 40 * MIN, activations: 11 },
    ]);
    expect(k.timeInFloodMs).toBe(20 * MIN);
    expect(k.timeInFloodPercent).toBeCloseTo(100 / 3, 12);
  });

  it('ends a flood still running at `to` at `to`', () => {
    // One every 30 s over 20 minutes: the eleventh is at 5:00, and the window never falls below twenty.
    const k = kpis(20 * MIN, acts(every(30 * SEC, 0, 19 * MIN + 30 * SEC)));
    expect(k.activations).toBe(40);
    expect(k.floods).toEqual([{ start: T0 + 5 * MIN, end: T0 + 20 * MIN, activations: 30 }]);
    expect(k.timeInFloodMs).toBe(15 * MIN);
    expect(k.timeInFloodPercent).toBe(75);
  });

  it('does not carry a flood in from before `from`: only the range’s own activations can start one', () => {
    // The rule: the window never looks back before `from`. Here a flood began at −0:30 (one every 30 s since −5:00),
    // but the range holds only nine of its activations (0:00 … 4:00): no flood in this range.
    const before = acts(every(30 * SEC, -5 * MIN, -30 * SEC));
    const inRange = acts(every(30 * SEC, 0, 4 * MIN));
    expect(kpis(30 * MIN, inRange).floods).toEqual([]);
    expect(kpis(30 * MIN, journal(before, inRange)).floods).toEqual([]); // handed in anyway: still ignored
    // The same journal over a range that starts 5 minutes earlier has the flood (its eleventh activation is at 0:00;
    // the last five are 2:00 … 4:00, so it ends at 12:00).
    expect(computeKpis(T0 - 5 * MIN, T0 + 30 * MIN, journal(before, inRange), []).floods).toEqual([
      { start: T0, end: T0 + 12 * MIN, activations: 9 },
    ]);
  });

  it('reports a flood running at `from` when the range’s own activations start it, from the eleventh of them', () => {
    // One every 30 s from 0:00 to 10:00: the eleventh is at 5:00; the last five are 8:00 … 10:00, so it ends at 18:00.
    const k = kpis(30 * MIN, acts(every(30 * SEC, 0, 10 * MIN)));
    expect(k.floods).toEqual([{ start: T0 + 5 * MIN, end: T0 + 18 * MIN, activations: 11 }]);
  });

  it('agrees with a brute-force reading of the definition on random journals', () => {
    let floods = 0;
    let severalInOne = 0;
    for (let seed = 1; seed <= 60; seed++) {
      const prng = new Prng(seed);
      const times: number[] = [];
      // Steps on a 10 s grid, often 0: ties, and arrivals at the very instant of a departure.
      for (let at = Math.floor(prng.next() * 30) * 10 * SEC; at < 2 * HOUR; ) {
        times.push(at);
        at += prng.next() < 0.25 ? Math.floor(prng.next() * 12) * 30 * SEC : Math.floor(prng.next() * 6) * 10 * SEC;
      }
      const expected = floodsByDefinition(times, 2 * HOUR);
      expect(kpis(2 * HOUR, times.map((at, n) => act(at, `T${n % 7}`))).floods, `seed ${seed}`).toEqual(
        expected.map((f) => ({ start: T0 + f.start, end: T0 + f.end, activations: f.activations })),
      );
      floods += expected.length;
      if (expected.length > 1) severalInOne++;
    }
    // The journals must exercise the rule, not just agree on "no flood".
    expect(floods).toBeGreaterThan(60);
    expect(severalInOne).toBeGreaterThan(10);
  });
});

/**
 * The flood rule read literally: the count in (τ − 10 min, τ] at every instant
 * it can change (arrivals and departures), a flood from the arrival that makes
 * it exceed 10 to the first instant it is below 5, capped at `to`.
 */
function floodsByDefinition(times: readonly number[], to: number): { start: number; end: number; activations: number }[] {
  const window = 10 * MIN;
  const countAt = (tau: number) => times.filter((t) => t > tau - window && t <= tau).length;
  const instants = [...new Set([...times, ...times.map((t) => t + window)])].sort((a, b) => a - b);
  const found: { start: number; end: number }[] = [];
  let start: number | null = null;
  for (const tau of instants) {
    if (start === null) {
      if (times.includes(tau) && countAt(tau) > 10) start = tau;
    } else if (countAt(tau) < 5) {
      found.push({ start, end: Math.min(tau, to) });
      start = null;
    }
  }
  if (start !== null) found.push({ start, end: to });
  return found.map((f) => ({ ...f, activations: times.filter((t) => t >= f.start && t <= f.end).length }));
}

describe('alarm KPIs: standing, chattering, bad actors, priorities', () => {
  it('lists alarms active for 24 h or more at `to`, longest first, ties by alarmId', () => {
    const to = T0 + 3 * DAY;
    const still = (alarmId: string, activeAt: number) => ({ alarmId, path: `Plant/${alarmId}`, activeAt });
    const k = computeKpis(T0, to, [], [
      still('S1', to - 24 * HOUR), // exactly 24 h: standing
      still('S2', to - 24 * HOUR + 1), // a millisecond short
      still('S5', to - 30 * HOUR),
      still('S3', to - 50 * HOUR),
      still('S4', to - 30 * HOUR),
      still('S6', to - 80 * HOUR), // active since before the range: standing all the same
    ]);
    expect(k.standing).toEqual([
      { alarmId: 'S6', path: 'Plant/S6', activeAt: to - 80 * HOUR, durationMs: 80 * HOUR },
      { alarmId: 'S3', path: 'Plant/S3', activeAt: to - 50 * HOUR, durationMs: 50 * HOUR },
      { alarmId: 'S4', path: 'Plant/S4', activeAt: to - 30 * HOUR, durationMs: 30 * HOUR },
      { alarmId: 'S5', path: 'Plant/S5', activeAt: to - 30 * HOUR, durationMs: 30 * HOUR },
      { alarmId: 'S1', path: 'Plant/S1', activeAt: to - 24 * HOUR, durationMs: 24 * HOUR },
    ]);
  });

  it('finds chattering alarms (3 within 60 s, across bucket boundaries) and counts their bursts', () => {
    const k = kpis(
      HOUR,
      journal(
        acts([0, MIN, 2 * MIN], 'A'), // 120 s for three: not chattering
        acts([9 * MIN + 30 * SEC, 10 * MIN, 10 * MIN + 20 * SEC], 'C'), // 50 s, across the 10:00 bucket boundary
        acts([20 * MIN, 20 * MIN + 30 * SEC, 21 * MIN], 'B'), // exactly 60 s: chattering
        acts([30 * MIN, 30 * MIN + 30 * SEC, 31 * MIN + 1], 'D'), // 60.001 s: not
        // A burst of four, a second burst of three, and one alone.
        acts([0, 10 * SEC, 20 * SEC, 30 * SEC, 5 * MIN, 5 * MIN + 10 * SEC, 5 * MIN + 20 * SEC, 40 * MIN], 'E'),
        // 0, 50, 60, 115, 120 s: (0, 50, 60) spans 60 s, (50, 60, 115) 65 s, (60, 115, 120) 60 s —
        // two bursts that share the activation at 60 s.
        acts([45 * MIN, 45 * MIN + 50 * SEC, 46 * MIN, 46 * MIN + 55 * SEC, 47 * MIN], 'F'),
        // Three different alarms within 20 s: a busy minute, not a chattering alarm.
        acts([50 * MIN], 'G'),
        acts([50 * MIN + 10 * SEC], 'H'),
        acts([50 * MIN + 20 * SEC], 'I'),
      ),
    );
    expect(k.chattering).toEqual([
      { alarmId: 'E', path: 'Plant/E', activations: 8, bursts: 2 },
      { alarmId: 'F', path: 'Plant/F', activations: 5, bursts: 2 },
      { alarmId: 'B', path: 'Plant/B', activations: 3, bursts: 1 },
      { alarmId: 'C', path: 'Plant/C', activations: 3, bursts: 1 },
    ]);
  });

  it('ranks the ten worst actors by activations, ties by alarmId, with their share to 0.1 %', () => {
    // Z 5, M 3, B 3, and nine with one each: 20 in all. Of the nine, the first seven by id make the ten.
    const ids = ['R', 'Q', 'M', 'Z', 'H', 'Z', 'B', 'G', 'M', 'Z', 'F', 'E', 'B', 'D', 'C', 'Z', 'M', 'A', 'B', 'Z'];
    const k = kpis(HOUR, ids.map((id, n) => act(n * MIN, id)));
    expect(k.badActors).toEqual([
      { alarmId: 'Z', path: 'Plant/Z', activations: 5, percent: 25 },
      { alarmId: 'B', path: 'Plant/B', activations: 3, percent: 15 },
      { alarmId: 'M', path: 'Plant/M', activations: 3, percent: 15 },
      ...['A', 'C', 'D', 'E', 'F', 'G', 'H'].map((alarmId) => ({ alarmId, path: `Plant/${alarmId}`, activations: 1, percent: 5 })),
    ]);
    // Fewer than ten alarms: all of them; 2/3 and 1/3 rounded to 0.1.
    expect(kpis(HOUR, acts([0, 2 * MIN], 'A').concat(acts([3 * MIN], 'B'))).badActors).toEqual([
      { alarmId: 'A', path: 'Plant/A', activations: 2, percent: 66.7 },
      { alarmId: 'B', path: 'Plant/B', activations: 1, percent: 33.3 },
    ]);
  });

  it('distributes activations over every priority in ALARM_PRIORITIES order, zeros included', () => {
    const k = kpis(
      HOUR,
      journal(acts([0, MIN, 2 * MIN, 3 * MIN], 'A', 1), acts([4 * MIN], 'B', 2), acts([5 * MIN], 'C', 'diagnostic')),
    );
    expect(k.priorityDistribution).toEqual([
      { priority: 1, activations: 4, percent: 66.7 },
      { priority: 2, activations: 1, percent: 16.7 },
      { priority: 3, activations: 0, percent: 0 },
      { priority: 4, activations: 0, percent: 0 },
      { priority: 'diagnostic', activations: 1, percent: 16.7 },
    ]);
  });
});

describe('alarm KPIs: volume', () => {
  it('keeps its totals over 1,000,000 activations', () => {
    // One activation every 2.592 s for 30 days, from 997 alarms in turn, priorities in turn.
    const count = 1_000_000;
    const step = 2592;
    const alarms = 997;
    const ids = Array.from({ length: alarms }, (_, n) => `T${n}`);
    const priorities: AlarmPriority[] = [1, 2, 3, 4, 'diagnostic'];
    const activations: Activation[] = new Array(count);
    for (let n = 0; n < count; n++) {
      const alarmId = ids[n % alarms]!;
      activations[n] = { ts: T0 + n * step, alarmId, path: `Plant/${alarmId}`, priority: priorities[n % 5]! };
    }
    const k = kpis(30 * DAY, activations);

    expect(k.activations).toBe(count);
    expect(k.per10Min).toHaveLength(30 * 144);
    expect(k.per10Min.reduce((sum, b) => sum + b.count, 0)).toBe(count);
    expect(k.averagePer10Min).toBeCloseTo(count / (30 * 144), 9);
    expect(k.priorityDistribution.map((p) => [p.activations, p.percent])).toEqual(priorities.map(() => [count / 5, 20]));
    // 1,000,000 = 997 × 1003 + 9: T0 … T8 have 1004; of the rest, "T10" is first by id.
    expect(k.badActors.map((b) => [b.alarmId, b.activations])).toEqual([
      ...Array.from({ length: 9 }, (_, n) => [`T${n}`, 1004]),
      ['T10', 1003],
    ]);
    // About 231 per 10 minutes: one flood from the eleventh activation to the end of the range.
    expect(k.floods).toEqual([{ start: T0 + 10 * step, end: T0 + 30 * DAY, activations: count - 10 }]);
    expect(k.timeInFloodMs).toBe(30 * DAY - 10 * step);
    // Each alarm comes back every 43 minutes: nothing chatters.
    expect(k.chattering).toEqual([]);
  });
});
