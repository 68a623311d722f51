// The ISA-18.2 state machine of one alarm, transition by transition.
import { describe, expect, it } from 'vitest';
import type { AlarmState, JournalEvent } from '../../../src/shared/alarms';
import { AlarmMachine, type MachineTiming } from '../../../src/main/runtime/alarms/machine';

const PLAIN: MachineTiming = { onDelayMs: 0, offDelayMs: 0, latch: false, reAlarmMs: null };

function machine(timing: Partial<MachineTiming> = {}): AlarmMachine {
  return new AlarmMachine({ ...PLAIN, ...timing });
}

/** Drives a machine to a state by the shortest legal route. */
function inState(state: AlarmState, timing: Partial<MachineTiming> = {}): AlarmMachine {
  const m = machine(timing);
  if (state === 'normal') return m;
  m.input(true, 1000);
  if (state === 'acknowledged') m.ack(1100, 'op');
  if (state === 'rtn_unacknowledged') m.input(false, 1200);
  if (state === 'latched') m.input(false, 1200);
  expect(m.state).toBe(state);
  return m;
}

function ticks(m: AlarmMachine, now: number): [JournalEvent, number][] {
  const out: [JournalEvent, number][] = [];
  m.tick(now, (event, at) => out.push([event, at]));
  return out;
}

describe('ISA-18.2 transitions', () => {
  // [from, action, to, event]: the standard's state diagram, row by row.
  const table: [AlarmState, 'activate' | 'clear' | 'ack', AlarmState, string | null, Partial<MachineTiming>?][] = [
    ['normal', 'activate', 'unacknowledged', 'activated'],
    ['normal', 'clear', 'normal', null],
    ['normal', 'ack', 'normal', null],
    ['unacknowledged', 'ack', 'acknowledged', 'acknowledged'],
    ['unacknowledged', 'clear', 'rtn_unacknowledged', 'cleared'],
    ['unacknowledged', 'activate', 'unacknowledged', null],
    ['acknowledged', 'clear', 'normal', 'cleared'],
    ['acknowledged', 'activate', 'acknowledged', null],
    ['acknowledged', 'ack', 'acknowledged', null],
    ['rtn_unacknowledged', 'ack', 'normal', 'acknowledged'],
    ['rtn_unacknowledged', 'activate', 'unacknowledged', 'activated'],
    ['rtn_unacknowledged', 'clear', 'rtn_unacknowledged', null],
    // Latching alarms: a return to normal waits for the operator's reset, acknowledged or not.
    ['unacknowledged', 'clear', 'latched', 'cleared', { latch: true }],
    ['acknowledged', 'clear', 'latched', 'cleared', { latch: true }],
    ['latched', 'ack', 'normal', 'reset', { latch: true }],
    ['latched', 'activate', 'unacknowledged', 'activated', { latch: true }],
    ['latched', 'clear', 'latched', null, { latch: true }],
  ];

  it.each(table)('%s + %s → %s (%s)', (from, action, to, event, timing = {}) => {
    const m = inState(from, timing);
    const result = action === 'ack' ? m.ack(5000, 'op') : m.input(action === 'activate', 5000);
    expect(result).toBe(event);
    expect(m.state).toBe(to);
  });

  it('records when it became active and who acknowledged it, and forgets both once normal', () => {
    const m = machine();
    m.input(true, 1000);
    expect(m.activeAt).toBe(1000);
    m.ack(2000, 'alice');
    expect([m.ackedAt, m.ackedBy]).toEqual([2000, 'alice']);
    m.input(false, 3000);
    expect(m.state).toBe('normal');
    expect([m.activeAt, m.ackedAt, m.ackedBy]).toEqual([null, null, null]);
  });
});

describe('delays', () => {
  it('activates only after the condition held for the on-delay, at the delay’s end', () => {
    const m = machine({ onDelayMs: 2000 });
    expect(m.input(true, 1000)).toBeNull();
    expect(m.input(true, 2500)).toBeNull();
    expect(m.nextDeadline()).toBe(3000);
    expect(ticks(m, 2999)).toEqual([]);
    expect(ticks(m, 3050)).toEqual([['activated', 3000]]);
    expect(m.activeAt).toBe(3000);
  });

  it('a new sample past the on-delay activates without waiting for the tick', () => {
    const m = machine({ onDelayMs: 2000 });
    m.input(true, 1000);
    expect(m.input(true, 3500)).toBe('activated');
    expect(m.activeAt).toBe(3000);
  });

  it('a condition that clears within the on-delay never activates (chatter filtered)', () => {
    const m = machine({ onDelayMs: 2000 });
    m.input(true, 1000);
    m.input(false, 1500);
    m.input(true, 2000);
    expect(ticks(m, 3500)).toEqual([]);
    expect(m.state).toBe('normal');
    expect(ticks(m, 4000)).toEqual([['activated', 4000]]);
  });

  it('returns to normal only after the off-delay; a relapse within it keeps the alarm', () => {
    const m = machine({ offDelayMs: 1000 });
    m.input(true, 0);
    m.ack(10, 'op');
    m.input(false, 100);
    m.input(true, 600);
    expect(ticks(m, 5000)).toEqual([]);
    expect(m.state).toBe('acknowledged');
    m.input(false, 6000);
    expect(ticks(m, 6999)).toEqual([]);
    expect(ticks(m, 7000)).toEqual([['cleared', 7000]]);
    expect(m.state).toBe('normal');
  });
});

describe('shelve, suppression, out of service', () => {
  it('a shelved alarm is still evaluated, off the list, and unshelves itself at the end', () => {
    const m = machine();
    m.shelve(10_000, 'sensor being replaced');
    expect(m.input(true, 1000)).toBe('activated');
    expect(m.state).toBe('unacknowledged');
    expect(m.listed).toBe(false);
    expect(m.nextDeadline()).toBe(10_000);
    expect(ticks(m, 10_050)).toEqual([['unshelved', 10_000]]);
    expect(m.shelvedUntil).toBeNull();
    expect(m.listed).toBe(true);
  });

  it('suppressed and out-of-service alarms run their states but stay off the list', () => {
    const m = machine();
    m.suppressed = true;
    m.input(true, 1);
    expect([m.state, m.listed]).toEqual(['unacknowledged', false]);
    m.suppressed = false;
    m.setOutOfService(true, 'instrument removed');
    expect([m.listed, m.outOfServiceReason]).toEqual([false, 'instrument removed']);
    m.setOutOfService(false, 'back');
    expect([m.listed, m.outOfServiceReason]).toEqual([true, null]);
  });
});

describe('re-alarm', () => {
  it('an acknowledged alarm still active after reAlarmMs is annunciated again', () => {
    const m = machine({ reAlarmMs: 60_000 });
    m.input(true, 0);
    m.ack(1000, 'op');
    expect(m.nextDeadline()).toBe(61_000);
    expect(ticks(m, 61_000)).toEqual([['reannunciated', 61_000]]);
    expect(m.state).toBe('unacknowledged');
    expect(m.ackedBy).toBeNull();
  });

  it('does not re-alarm one that returned to normal', () => {
    const m = machine({ reAlarmMs: 60_000 });
    m.input(true, 0);
    m.ack(1000, 'op');
    m.input(false, 2000);
    expect(ticks(m, 100_000)).toEqual([]);
    expect(m.state).toBe('normal');
  });
});

describe('restart', () => {
  it('restores the state, the times and the shelve from a snapshot', () => {
    const before = machine({ reAlarmMs: 60_000 });
    before.input(true, 1000);
    before.ack(2000, 'bob');
    before.shelve(99_000, 'why');
    const after = machine({ reAlarmMs: 60_000 });
    after.restore(JSON.parse(JSON.stringify(before.snapshot())), 5000);
    expect(after.snapshot()).toEqual(before.snapshot());
    expect(after.condition).toBe(true);
    // Still active after the restart: no new activation for the same episode.
    expect(after.input(true, 6000)).toBeNull();
    expect(after.nextDeadline()).toBe(62_000);
  });
});
