// The alarm UI's pure parts: merging `alarms.changed` batches (one store
// update per batch, however large), what is annunciated, the list's order
// and filter, the banner's counts and headline, which ids an acknowledge
// covers, the journal's CSV, the shelve duration, the journal range and
// the KPI verdicts.
import { describe, expect, it } from 'vitest';
import type { AlarmInfo, AlarmPriority, AlarmState, JournalEntry } from '../../../src/shared/alarms';
import {
  ackPageIds,
  ackSelectedIds,
  areasOf,
  compareAlarms,
  countByPriority,
  headlineAlarm,
  listAlarms,
  matchesFilter,
  visibleRange,
} from '../../../src/renderer/src/features/alarms/alarmList';
import { formatAlarmTime, formatLimit } from '../../../src/renderer/src/features/alarms/alarmFormat';
import { csvText, journalCsv, JOURNAL_CSV_COLUMNS } from '../../../src/renderer/src/features/alarms/journalCsv';
import { fromLocalInput, resolveRange, toLocalInput } from '../../../src/renderer/src/features/alarms/journalRange';
import {
  assessAverage,
  assessPeak,
  priorityBands,
  stripBars,
} from '../../../src/renderer/src/features/alarms/kpiModel';
import { MAX_SHELVE_MS, parseShelveDuration } from '../../../src/renderer/src/features/alarms/shelveDuration';
import {
  mergeAlarms,
  mergeInstruments,
  ne107Of,
  newlyAnnunciated,
  NO_ALARM_FILTER,
  useHmi,
} from '../../../src/renderer/src/stores';

const T0 = Date.UTC(2025, 2, 14, 8, 0, 0);

function alarm(id: string, over: Partial<AlarmInfo> = {}): AlarmInfo {
  const path = over.path ?? id.split('#')[0]!;
  return {
    id,
    path,
    area: path.includes('/') ? path.slice(0, path.lastIndexOf('/')) : '',
    kind: 'hi',
    priority: 2,
    state: 'unacknowledged',
    shelvedUntil: null,
    shelveReason: null,
    suppressed: false,
    outOfService: false,
    outOfServiceReason: null,
    ne107: null,
    activeAt: T0,
    ackedAt: null,
    ackedBy: null,
    value: 9,
    units: 'm',
    limit: 8.5,
    message: `${path} high`,
    ...over,
  };
}

const ids = (list: readonly AlarmInfo[]) => list.map((a) => a.id);

describe('mergeAlarms', () => {
  it('merges a batch by id, keeping the alarms it does not name', () => {
    const a = alarm('Plant/Tank/Level#hi');
    const b = alarm('Plant/Tank/Level#lo', { kind: 'lo' });
    const start = mergeAlarms(new Map(), [a, b], true);
    const acked = { ...a, state: 'acknowledged' as const };
    const next = mergeAlarms(start, [acked], false);
    expect(next.get(a.id)?.state).toBe('acknowledged');
    expect(next.get(b.id)).toBe(b);
    expect(next.size).toBe(2);
    // The old map is untouched (the store's state is immutable).
    expect(start.get(a.id)?.state).toBe('unacknowledged');
  });

  it('a first batch replaces: alarms it lacks are gone', () => {
    const start = mergeAlarms(new Map(), [alarm('A#hi'), alarm('B#hi')], true);
    const next = mergeAlarms(start, [alarm('B#hi')], true);
    expect([...next.keys()]).toEqual(['B#hi']);
  });

  it('an empty batch keeps the same map (nothing re-renders)', () => {
    const start = mergeAlarms(new Map(), [alarm('A#hi')], true);
    expect(mergeAlarms(start, [], false)).toBe(start);
  });

  it('merges NE107 changes, and keeps the map when there are none', () => {
    const start = new Map([['A', 'good' as const]]);
    expect(mergeInstruments(start, [])).toBe(start);
    const next = mergeInstruments(start, [{ path: 'A', ne107: 'F' }, { path: 'B', ne107: 'M' }]);
    expect(next.get('A')).toBe('F');
    expect(next.get('B')).toBe('M');
  });
});

const JOURNAL_OK = { state: 'ok', problem: null, file: 'alarms.db', pending: 0, dropped: 0 } as const;

describe('the alarm slice', () => {
  it('applies 10,000 alarms as one store update', () => {
    const flood = Array.from({ length: 10_000 }, (_, i) =>
      alarm(`Plant/Area${i % 50}/Tag${i}#hi`, { priority: ([1, 2, 3, 4, 'diagnostic'] as const)[i % 5], activeAt: T0 + i }),
    );
    let updates = 0;
    const off = useHmi.subscribe(() => updates++);
    useHmi.getState().applyAlarmBatch({ alarms: flood, counts: emptyCounts(), instruments: [], journal: JOURNAL_OK }, true);
    const changed = flood.slice(0, 5000).map((a) => ({ ...a, state: 'acknowledged' as const }));
    useHmi.getState().applyAlarmBatch({ alarms: changed, counts: emptyCounts(), instruments: [], journal: JOURNAL_OK }, false);
    off();
    expect(updates).toBe(2);
    expect(useHmi.getState().alarms.size).toBe(10_000);
    expect(useHmi.getState().alarms.get(flood[0]!.id)?.state).toBe('acknowledged');
    const rows = listAlarms(useHmi.getState().alarms.values(), 'active', NO_ALARM_FILTER);
    const counts = countByPriority(useHmi.getState().alarms.values());
    expect(rows).toHaveLength(10_000);
    expect(rows[0]!.priority).toBe(1);
    expect(counts['1'].active).toBe(2000);
    expect(counts['1'].unack).toBe(1000);
  });

  it('annunciates a new unacknowledged P1/P2 alarm, never the first batch', () => {
    const store = useHmi.getState();
    const p1 = alarm('Horn#hi', { priority: 1, state: 'normal', activeAt: null });
    const batch = (alarms: AlarmInfo[]) => ({ alarms, counts: emptyCounts(), instruments: [], journal: JOURNAL_OK });
    store.applyAlarmBatch(batch([{ ...p1, state: 'unacknowledged', activeAt: T0 }]), true);
    const before = useHmi.getState().annunciations;
    store.applyAlarmBatch(batch([{ ...p1, state: 'acknowledged' }]), false);
    expect(useHmi.getState().annunciations).toBe(before);
    store.applyAlarmBatch(batch([{ ...p1, state: 'unacknowledged', activeAt: T0 + 60_000 }]), false);
    expect(useHmi.getState().annunciations).toBe(before + 1);
    expect(useHmi.getState().annunciatedPriority).toBe(1);
  });

  it("a tag's NE107 status: the stream's, else the catalogue's, else Good", () => {
    useHmi.getState().setCatalog([
      {
        path: 'Plant/Tank/Level',
        device: 'plc1',
        address: 'HR:0',
        dataType: 'float32',
        units: 'm',
        description: '',
        writable: false,
        ne107: 'S',
        value: 1,
        quality: { status: 'good' },
        ts: T0,
      },
    ]);
    const state = () => useHmi.getState();
    expect(ne107Of(state(), 'Plant/Tank/Level')).toBe('S');
    expect(ne107Of(state(), 'Nowhere')).toBe('good');
    const instruments = [{ path: 'Plant/Tank/Level', ne107: 'F' as const }];
    state().applyAlarmBatch({ alarms: [], counts: emptyCounts(), instruments, journal: JOURNAL_OK }, false);
    expect(ne107Of(state(), 'Plant/Tank/Level')).toBe('F');
  });
});

describe('newlyAnnunciated', () => {
  const before = new Map([
    ['A#hi', alarm('A#hi', { priority: 1, state: 'unacknowledged' })],
    ['B#hi', alarm('B#hi', { priority: 2, state: 'normal', activeAt: null })],
  ]);

  it('finds alarms that became unacknowledged, and re-alarms', () => {
    const changed = [
      alarm('A#hi', { priority: 1, state: 'unacknowledged', activeAt: T0 + 5000 }), // re-alarm: new activation
      alarm('B#hi', { priority: 2, state: 'unacknowledged' }), // newly active
      alarm('C#hi', { priority: 1, state: 'unacknowledged' }), // never seen
    ];
    expect(ids(newlyAnnunciated(before, changed))).toEqual(['A#hi', 'B#hi', 'C#hi']);
  });

  it('ignores low priorities, hidden alarms and alarms that were already waiting', () => {
    const changed = [
      alarm('A#hi', { priority: 1, state: 'unacknowledged' }), // same activation
      alarm('D#hi', { priority: 3, state: 'unacknowledged' }),
      alarm('E#hi', { priority: 'diagnostic', state: 'unacknowledged' }),
      alarm('F#hi', { priority: 1, state: 'unacknowledged', shelvedUntil: T0 + 1 }),
      alarm('G#hi', { priority: 1, state: 'acknowledged' }),
      alarm('H#hi', { priority: 1, state: 'rtn_unacknowledged' }),
    ];
    expect(newlyAnnunciated(before, changed)).toEqual([]);
  });
});

describe('the list: order and filter', () => {
  const list = [
    alarm('P3old#hi', { priority: 3, activeAt: T0 }),
    alarm('P1old#hi', { priority: 1, activeAt: T0 }),
    alarm('Diag#hi', { priority: 'diagnostic', activeAt: T0 + 9000 }),
    alarm('P1new#hi', { priority: 1, activeAt: T0 + 5000 }),
    alarm('P3new#hi', { priority: 3, activeAt: T0 + 5000 }),
    alarm('P1none#hi', { priority: 1, activeAt: null, state: 'latched' }),
  ];

  it('sorts by priority, then the newest activation first, then by id', () => {
    expect(ids([...list].sort(compareAlarms))).toEqual([
      'P1new#hi',
      'P1old#hi',
      'P1none#hi',
      'P3new#hi',
      'P3old#hi',
      'Diag#hi',
    ]);
    const twins = [alarm('B#hi'), alarm('A#hi')];
    expect(ids(twins.sort(compareAlarms))).toEqual(['A#hi', 'B#hi']);
  });

  it('active: not normal and not hidden; hidden: shelved, suppressed or out of service, whatever the state', () => {
    const all = [
      alarm('Active#hi'),
      alarm('Normal#hi', { state: 'normal' }),
      alarm('Shelved#hi', { shelvedUntil: T0 + 60_000 }),
      alarm('Suppressed#hi', { suppressed: true, state: 'normal' }),
      alarm('Oos#hi', { outOfService: true }),
      alarm('Rtn#hi', { state: 'rtn_unacknowledged' }),
    ];
    expect(ids(listAlarms(all, 'active', NO_ALARM_FILTER))).toEqual(['Active#hi', 'Rtn#hi']);
    expect(ids(listAlarms(all, 'hidden', NO_ALARM_FILTER))).toEqual(['Oos#hi', 'Shelved#hi', 'Suppressed#hi']);
  });

  it('filters by area (a folder and what is under it), priority, state and search', () => {
    const tank = alarm('Plant/Tank/Level#hi', { message: 'Tank level HIGH' });
    const sub = alarm('Plant/Tank/Inlet/Flow#hi', { priority: 1 });
    const tanker = alarm('Plant/Tanker/Level#hi', { state: 'acknowledged' });
    const f = (over: Partial<typeof NO_ALARM_FILTER>) => ({ ...NO_ALARM_FILTER, ...over });
    const match = (a: AlarmInfo, filter: typeof NO_ALARM_FILTER) =>
      matchesFilter(a, filter, filter.search.trim().toLowerCase());
    const inTank = [tank, sub, tanker].filter((a) => match(a, f({ area: 'Plant/Tank' })));
    expect(ids(inTank)).toEqual([tank.id, sub.id]);
    expect(match(sub, f({ priorities: [1] }))).toBe(true);
    expect(match(tank, f({ priorities: [1] }))).toBe(false);
    expect(match(tanker, f({ states: ['acknowledged'] }))).toBe(true);
    expect(match(tank, f({ states: ['acknowledged'] }))).toBe(false);
    expect(match(tank, f({ search: '  level high ' }))).toBe(true); // the message, any case
    expect(match(sub, f({ search: 'inlet/fl' }))).toBe(true); // the path
    expect(match(sub, f({ search: 'level' }))).toBe(false);
  });

  it('offers every area and its parents', () => {
    expect(areasOf([alarm('Plant/Tank/Inlet/Flow#hi'), alarm('Plant/Pump/Speed#hi'), alarm('Top#hi')])).toEqual([
      'Plant',
      'Plant/Pump',
      'Plant/Tank',
      'Plant/Tank/Inlet',
    ]);
  });
});

describe('the banner', () => {
  const all = [
    alarm('A#hi', { priority: 1, state: 'acknowledged', activeAt: T0 + 9000 }),
    alarm('B#hi', { priority: 1, state: 'unacknowledged', activeAt: T0 }),
    alarm('C#hi', { priority: 1, state: 'rtn_unacknowledged', activeAt: T0 + 3000 }),
    alarm('D#hi', { priority: 2, state: 'unacknowledged', activeAt: T0 + 20_000 }),
    alarm('E#hi', { priority: 1, state: 'unacknowledged', activeAt: T0 + 30_000, shelvedUntil: T0 + 99_000 }),
    alarm('F#hi', { priority: 'diagnostic', state: 'latched', activeAt: null }),
    alarm('G#hi', { priority: 4, state: 'normal', activeAt: null }),
  ];

  it('counts active and unacknowledged alarms per priority, on the list only', () => {
    const counts = countByPriority(all);
    expect(counts['1']).toEqual({ active: 2, unack: 2 }); // A, B active; B, C unack; E is shelved
    expect(counts['2']).toEqual({ active: 1, unack: 1 });
    expect(counts['3']).toEqual({ active: 0, unack: 0 });
    expect(counts['4']).toEqual({ active: 0, unack: 0 });
    expect(counts.diagnostic).toEqual({ active: 0, unack: 1 });
  });

  it('headlines the newest unacknowledged alarm of the highest priority', () => {
    expect(headlineAlarm(all)?.id).toBe('C#hi');
    expect(headlineAlarm([alarm('X#hi', { state: 'acknowledged' })])).toBeNull();
  });
});

describe('acknowledge: the page and the selection', () => {
  const states: AlarmState[] = [
    'unacknowledged',
    'acknowledged',
    'rtn_unacknowledged',
    'unacknowledged',
    'latched',
    'unacknowledged',
  ];
  const rows = states.map((state, i) => alarm(`R${i}#hi`, { state }));

  it('the rows wholly in view: a half-visible row at either edge is not on the page', () => {
    expect(visibleRange(0, 100, 25, 10)).toEqual({ first: 0, last: 3 });
    expect(visibleRange(10, 100, 25, 10)).toEqual({ first: 1, last: 3 });
    expect(visibleRange(25, 100, 25, 10)).toEqual({ first: 1, last: 4 });
    expect(visibleRange(0, 1000, 25, 6)).toEqual({ first: 0, last: 5 });
    expect(visibleRange(0, 10, 25, 6).last).toBeLessThan(visibleRange(0, 10, 25, 6).first);
    expect(visibleRange(0, 100, 25, 0)).toEqual({ first: 0, last: -1 });
  });

  it('acks the page: the waiting alarms in the range, not the acknowledged ones', () => {
    expect(ackPageIds(rows, 0, 3)).toEqual(['R0#hi', 'R2#hi', 'R3#hi']);
    expect(ackPageIds(rows, 3, 99)).toEqual(['R3#hi', 'R4#hi', 'R5#hi']);
    expect(ackPageIds(rows, 2, 1)).toEqual([]);
  });

  it('acks the selection in list order, or the row under the cursor', () => {
    expect(ackSelectedIds(rows, new Set(['R5#hi', 'R1#hi', 'R0#hi', 'Gone#hi']), null)).toEqual(['R0#hi', 'R5#hi']);
    expect(ackSelectedIds(rows, new Set(), 'R4#hi')).toEqual(['R4#hi']);
    expect(ackSelectedIds(rows, new Set(), 'R1#hi')).toEqual([]);
    expect(ackSelectedIds(rows, new Set(), null)).toEqual([]);
  });
});

describe('journal CSV', () => {
  const entry = (over: Partial<JournalEntry>): JournalEntry => ({
    seq: 1,
    ts: T0,
    alarmId: 'Plant/Tank/Level#hi',
    path: 'Plant/Tank/Level',
    kind: 'hi',
    priority: 2 as AlarmPriority,
    event: 'acknowledged',
    state: 'acknowledged',
    value: 9.25,
    message: 'Tank level high: 9.25 m',
    user: 'anna',
    workstation: 'ws-01',
    comment: null,
    ...over,
  });

  it('has a header and one row per entry, times in UTC, values in full', () => {
    const csv = journalCsv([entry({}), entry({ seq: 2, value: true, user: null, workstation: null, event: 'activated' })]);
    const lines = csv.split('\r\n');
    expect(lines[0]).toBe(JOURNAL_CSV_COLUMNS.join(','));
    const same = '2025-03-14T08:00:00.000Z,%,acknowledged,2,Plant/Tank/Level#hi,Plant/Tank/Level,hi,Tank level high: 9.25 m';
    expect(lines[1]).toBe(`${same.replace('%', 'acknowledged')},9.25,anna,ws-01,`);
    expect(lines[2]).toBe(`${same.replace('%', 'activated')},true,,,`);
    expect(csv.endsWith('\r\n')).toBe(true);
  });

  it('quotes commas, quotes and line breaks (RFC 4180)', () => {
    const csv = journalCsv([entry({ comment: 'checked, "valve" stuck\nat 40 %', message: 'a,b' })]);
    expect(csv).toContain(',"a,b",');
    expect(csv).toContain(',"checked, ""valve"" stuck\nat 40 %"\r\n');
  });

  it('defuses text a spreadsheet would run as a formula', () => {
    expect(csvText('=HYPERLINK("http://x")')).toBe('"\'=HYPERLINK(""http://x"")"');
    expect(csvText('+1')).toBe("'+1");
    expect(csvText('-cmd')).toBe("'-cmd");
    expect(csvText('@SUM(A1)')).toBe("'@SUM(A1)");
    expect(csvText('plain')).toBe('plain');
    expect(csvText(null)).toBe('');
    // Numbers are numbers: a negative value is not text.
    expect(journalCsv([entry({ value: -4.5 })]).split('\r\n')[1]).toContain(',-4.5,');
  });
});

describe('shelve duration', () => {
  it('takes presets and custom minutes or hours within a week', () => {
    expect(parseShelveDuration({ kind: 'preset', ms: 900_000 })).toEqual({ ok: true, ms: 900_000 });
    expect(parseShelveDuration({ kind: 'custom', text: '30', unit: 'min' })).toEqual({ ok: true, ms: 1_800_000 });
    expect(parseShelveDuration({ kind: 'custom', text: '1.5', unit: 'h' })).toEqual({ ok: true, ms: 5_400_000 });
    expect(parseShelveDuration({ kind: 'custom', text: '168', unit: 'h' })).toEqual({ ok: true, ms: MAX_SHELVE_MS });
  });

  it('refuses nothing, nonsense, too short and too long', () => {
    for (const text of ['', 'abc', '-5', '0', '0.5', '169']) {
      const unit = text === '169' ? 'h' : 'min';
      expect(parseShelveDuration({ kind: 'custom', text, unit }).ok, text).toBe(false);
    }
  });
});

describe('journal range and times', () => {
  it('a preset ends just past now', () => {
    const now = T0 + 123;
    expect(resolveRange({ kind: 'preset', preset: '1h' }, now)).toEqual({ from: now - 3_600_000, to: now + 1000 });
    expect(resolveRange({ kind: 'custom', from: 1, to: 2 }, now)).toEqual({ from: 1, to: 2 });
  });

  it('reads and writes datetime-local text in local time', () => {
    const ms = new Date(2025, 2, 14, 8, 5).getTime();
    expect(toLocalInput(ms)).toBe('2025-03-14T08:05');
    expect(fromLocalInput('2025-03-14T08:05')).toBe(ms);
    expect(fromLocalInput('yesterday')).toBeNull();
  });

  it('shows a date only when the alarm is not from today', () => {
    const now = new Date(2025, 2, 14, 12, 0).getTime();
    expect(formatAlarmTime(new Date(2025, 2, 14, 8, 5, 9).getTime(), now)).toBe('08:05:09');
    expect(formatAlarmTime(new Date(2025, 2, 13, 23, 59, 0).getTime(), now)).toBe('2025-03-13 23:59:00');
    expect(formatAlarmTime(null, now)).toBe('—');
  });

  it('a limit with its units, per second for a rate of change', () => {
    expect(formatLimit({ limit: 8.5, units: 'm', kind: 'hi' })).toBe('8.50 m');
    expect(formatLimit({ limit: 2, units: '°C', kind: 'roc' })).toBe('2.00 °C/s');
    expect(formatLimit({ limit: null, units: '', kind: 'digital' })).toBe('');
  });
});

describe('KPI verdicts', () => {
  it('rates against EEMUA 191', () => {
    expect(assessAverage(0.8).verdict).toBe('good');
    expect(assessAverage(1.5).verdict).toBe('fair');
    expect(assessAverage(4).verdict).toBe('poor');
    expect(assessAverage(12).verdict).toBe('bad');
    expect(assessPeak(10).verdict).toBe('good');
    expect(assessPeak(11).verdict).toBe('bad');
  });

  it('groups priorities into high / medium / low, diagnostic apart', () => {
    const { bands, diagnostic } = priorityBands([
      { priority: 1, activations: 5, percent: 0 },
      { priority: 2, activations: 15, percent: 0 },
      { priority: 3, activations: 50, percent: 0 },
      { priority: 4, activations: 30, percent: 0 },
      { priority: 'diagnostic', activations: 40, percent: 0 },
    ]);
    expect(diagnostic).toBe(40);
    expect(bands.map((b) => [b.band, b.activations, Math.round(b.percent), b.target])).toEqual([
      ['low', 80, 80, 80],
      ['medium', 15, 15, 15],
      ['high', 5, 5, 5],
    ]);
    expect(priorityBands([]).bands.every((b) => b.percent === 0)).toBe(true);
  });

  it('reduces the 10-minute buckets to a few bars, each the busiest it covers', () => {
    const buckets = Array.from({ length: 10 }, (_, i) => ({ t: i * 600_000, count: i === 7 ? 12 : 1 }));
    expect(stripBars(buckets, 20)).toHaveLength(10);
    const bars = stripBars(buckets, 4);
    expect(bars).toHaveLength(4);
    // Groups of three: 0-2, 3-5, 6-8 (with the flood at 7), 9.
    expect(bars.map((b) => b.count)).toEqual([1, 1, 12, 1]);
    expect(bars.map((b) => b.t)).toEqual([0, 1_800_000, 3_600_000, 5_400_000]);
    expect(stripBars([], 10)).toEqual([]);
  });
});

function emptyCounts() {
  const zero = { '1': 0, '2': 0, '3': 0, '4': 0, diagnostic: 0 };
  return {
    listed: 0,
    active: 0,
    unacknowledged: 0,
    byPriority: zero,
    unackByPriority: zero,
    shelved: 0,
    suppressed: 0,
    outOfService: 0,
  };
}
