// The trend's pure parts: normalising history series from either transport,
// aligning pens for uPlot (held values, real gaps), reading values at a time,
// scale groups, the live buffer, CSV, ranges and the legend's text.
import { describe, expect, it } from 'vitest';
import { PenBuffer, sampleOf } from '../../../src/renderer/src/features/trends/liveBuffer';
import { penView } from '../../../src/renderer/src/features/trends/penView';
import { buildCsv, csvField, csvNumber } from '../../../src/renderer/src/features/trends/trendCsv';
import {
  AlignedBuffers,
  alignSeries,
  autoRange,
  EMPTY_SERIES,
  normalizeSeries,
  readingAt,
  scaleGroups,
  valueExtent,
  wholeSlice,
  type PenSeries,
} from '../../../src/renderer/src/features/trends/trendData';
import {
  applyPreset,
  formatRange,
  formatSpan,
  formatTimeTicks,
  liveFrom,
  MIN_SPAN_MS,
  panBy,
  RANGE_PRESETS,
  selectRange,
  zoomAround,
} from '../../../src/renderer/src/features/trends/trendRange';

const series = (t: number[], v: (number | null)[], q?: number[]): PenSeries =>
  normalizeSeries({ t, v, q: q ?? t.map(() => 0), mode: 'raw' });

const preset = (id: string) => {
  const found = RANGE_PRESETS.find((p) => p.id === id);
  if (!found) throw new Error(`no preset ${id}`);
  return found;
};

describe('normalizeSeries', () => {
  it('takes JSON columns: null is a gap (NaN), with Bad quality', () => {
    const s = normalizeSeries({ t: [1000, 2000, 3000], v: [1.5, null, 3], q: [0, 2, 1], mode: 'm4' });
    expect(Array.from(s.t)).toEqual([1000, 2000, 3000]);
    expect(s.v[0]).toBe(1.5);
    expect(Number.isNaN(s.v[1])).toBe(true);
    expect(Array.from(s.q)).toEqual([0, 2, 1]);
    expect(s.mode).toBe('m4');
  });

  it('takes typed arrays from IPC: NaN stays a gap and gets Bad quality', () => {
    const s = normalizeSeries({
      t: new Float64Array([10, 20]),
      v: new Float64Array([NaN, 4]),
      q: new Uint8Array([0, 0]),
      mode: 'raw',
    });
    expect(Number.isNaN(s.v[0])).toBe(true);
    expect(s.q[0]).toBe(2);
    expect(s.v[1]).toBe(4);
  });

  it('sorts samples that arrive out of order', () => {
    const s = series([3000, 1000, 2000], [3, 1, 2]);
    expect(Array.from(s.t)).toEqual([1000, 2000, 3000]);
    expect(Array.from(s.v)).toEqual([1, 2, 3]);
  });
});

describe('alignSeries', () => {
  it('merges timestamps (in seconds) and holds each pen between its own samples', () => {
    const a = series([1000, 3000], [1, 3]);
    const b = series([2000, 3000, 4000], [20, 30, 40]);
    const [x, ya, yb] = alignSeries([wholeSlice(a), wholeSlice(b)]);
    expect(Array.from(x)).toEqual([1, 2, 3, 4]);
    expect(ya).toEqual([1, 1, 3, 3]);
    // b has no value before its first sample: undefined, not a gap.
    expect(yb).toEqual([undefined, 20, 30, 40]);
  });

  it('keeps a real gap as null until the pen has a good sample again', () => {
    const a = series([1000, 2000, 4000], [1, null, 4]);
    const b = series([1000, 2000, 3000, 4000], [10, 20, 30, 40]);
    const [, ya] = alignSeries([wholeSlice(a), wholeSlice(b)]);
    // at 3 s another pen has a sample: a is still in its gap there.
    expect(ya).toEqual([1, null, null, 4]);
  });

  it('carries the held values to the end of the range', () => {
    const a = series([1000, 2000], [1, 2]);
    const b = series([1500], [null]);
    const [x, ya, yb] = alignSeries([wholeSlice(a), wholeSlice(b)], 5000);
    expect(Array.from(x)).toEqual([1, 1.5, 2, 5]);
    expect(ya).toEqual([1, 1, 2, 2]);
    expect(yb).toEqual([undefined, null, null, null]);
    // An end before the last sample adds nothing.
    expect(alignSeries([wholeSlice(a)], 1500)[0].length).toBe(2);
  });

  it('at equal times takes the last sample of a pen', () => {
    const a = series([1000, 1000, 2000], [1, 9, 2]);
    const [x, ya] = alignSeries([wholeSlice(a)]);
    expect(Array.from(x)).toEqual([1, 2]);
    expect(ya).toEqual([9, 2]);
  });

  it('reuses its buffers and trims columns that were longer before', () => {
    const out = new AlignedBuffers();
    const long = series([1, 2, 3, 4, 5].map((s) => s * 1000), [1, 2, 3, 4, 5]);
    const first = alignSeries([wholeSlice(long)], null, out);
    const column = first[1];
    const short = series([1000], [7]);
    const second = alignSeries([wholeSlice(short)], null, out);
    expect(second[1]).toBe(column);
    expect(second[1]).toEqual([7]);
    expect(second[0].length).toBe(1);
  });

  it('aligns a window of a series (start..end)', () => {
    const a = series([1000, 2000, 3000, 4000], [1, 2, 3, 4]);
    const [x, ya] = alignSeries([{ t: a.t, v: a.v, start: 1, end: 3 }]);
    expect(Array.from(x)).toEqual([2, 3]);
    expect(ya).toEqual([2, 3]);
  });

  it('handles no pens and empty pens', () => {
    expect(alignSeries([])).toEqual([new Float64Array(0)]);
    const [x, y] = alignSeries([wholeSlice(EMPTY_SERIES)], 1000);
    expect(x.length).toBe(0);
    expect(y).toEqual([]);
  });
});

describe('readingAt and valueExtent', () => {
  const s = series([1000, 2000, 3000], [5, null, 7], [0, 2, 1]);

  it('reads the value in force: the last sample at or before the time', () => {
    expect(readingAt(s, 500)).toBeNull();
    expect(readingAt(s, 1000)).toEqual({ t: 1000, v: 5, q: 0 });
    expect(readingAt(s, 1999)).toEqual({ t: 1000, v: 5, q: 0 });
    expect(readingAt(s, 2500)).toEqual({ t: 2000, v: null, q: 2 });
    expect(readingAt(s, 9999)).toEqual({ t: 3000, v: 7, q: 1 });
  });

  it('finds the extent of a window, counting the value carried in and skipping gaps', () => {
    expect(valueExtent(s, 1500, 3500)).toEqual([5, 7]);
    expect(valueExtent(s, 2000, 2500)).toBeNull();
  });
});

describe('scaleGroups', () => {
  it('shares a scale between pens with the same units, and between booleans', () => {
    const { groups, keyOf } = scaleGroups([
      { units: 'm', isBool: false },
      { units: '°C', isBool: false },
      { units: 'm', isBool: false },
      { units: '', isBool: true },
      { units: '', isBool: true },
    ]);
    expect(keyOf).toEqual(['u:m', 'u:°C', 'u:m', 'bool', 'bool']);
    expect(groups.map((g) => [g.key, g.pens])).toEqual([
      ['u:m', [0, 2]],
      ['u:°C', [1]],
      ['bool', [3, 4]],
    ]);
  });

  it('gives a pen with fixed limits, or without units, its own scale', () => {
    const { groups, keyOf } = scaleGroups([
      { units: 'm', isBool: false, min: 0, max: 10 },
      { units: 'm', isBool: false },
      { units: '', isBool: false },
      { units: '', isBool: false },
    ]);
    expect(keyOf).toEqual(['p:0', 'u:m', 'p:2', 'p:3']);
    expect(groups[0]).toMatchObject({ min: 0, max: 10, units: 'm' });
  });

  it('pads an auto range and centres a flat line', () => {
    expect(autoRange(0, 10)).toEqual([-0.5, 10.5]);
    expect(autoRange(5, 5)).toEqual([4.75, 5.25]);
    expect(autoRange(0, 0)).toEqual([-1, 1]);
    expect(autoRange(null, null)).toEqual([0, 1]);
  });
});

describe('PenBuffer (live)', () => {
  it('appends only samples newer than the newest held, which is how back-fill and stream meet', () => {
    const b = new PenBuffer(4);
    b.load(series([1000, 2000], [1, 2]));
    expect(b.append({ t: 2000, v: 99, q: 0 })).toBe(false);
    expect(b.append({ t: 1500, v: 99, q: 0 })).toBe(false);
    expect(b.append({ t: 2500, v: 3, q: 0 })).toBe(true);
    expect(Array.from(b.series().v)).toEqual([1, 2, 3]);
    expect(b.appended).toBe(1);
  });

  it('trims the front but keeps the value carried into the window', () => {
    const b = new PenBuffer(8);
    for (let i = 1; i <= 6; i++) b.append({ t: i * 1000, v: i, q: 0 });
    b.trimBefore(3500);
    expect(Array.from(b.series().t)).toEqual([3000, 4000, 5000, 6000]);
    b.trimBefore(4000);
    expect(Array.from(b.series().t)).toEqual([4000, 5000, 6000]);
  });

  it('compacts in place when the front has moved, and doubles when it has not', () => {
    const b = new PenBuffer(8);
    for (let i = 1; i <= 8; i++) b.append({ t: i, v: i, q: 0 });
    expect(b.capacity).toBe(8);
    b.trimBefore(5);
    b.append({ t: 9, v: 9, q: 0 });
    expect(b.capacity).toBe(8);
    expect(Array.from(b.series().v)).toEqual([5, 6, 7, 8, 9]);
    for (let i = 10; i <= 14; i++) b.append({ t: i, v: i, q: 0 });
    expect(b.capacity).toBe(16);
    expect(b.length).toBe(10);
    const slice = b.slice();
    expect(slice.end - slice.start).toBe(10);
  });

  it('a re-fill keeps live samples newer than the back-fill', () => {
    const b = new PenBuffer(8);
    for (let i = 1; i <= 5; i++) b.append({ t: i * 1000, v: i, q: 0 });
    b.load(series([1000, 3000], [10, 30]));
    expect(Array.from(b.series().t)).toEqual([1000, 3000, 4000, 5000]);
    expect(Array.from(b.series().v)).toEqual([10, 30, 4, 5]);
    expect(b.appended).toBe(2);
  });

  it('turns tags.changed entries into samples: booleans 0/1, Bad or null a gap', () => {
    expect(sampleOf({ value: 4.2, quality: { status: 'good' }, ts: 5 })).toEqual({ t: 5, v: 4.2, q: 0 });
    expect(sampleOf({ value: true, quality: { status: 'uncertain' }, ts: 6 })).toEqual({ t: 6, v: 1, q: 1 });
    const bad = sampleOf({ value: 3, quality: { status: 'bad', reason: 'comm_failure' }, ts: 7 });
    expect(Number.isNaN(bad.v)).toBe(true);
    expect(bad.q).toBe(2);
    expect(Number.isNaN(sampleOf({ value: null, quality: { status: 'good' }, ts: 8 }).v)).toBe(true);
  });
});

describe('buildCsv', () => {
  const iso = (ms: number) => new Date(ms).toISOString();

  it('writes one row per sample time with held values, empty cells for gaps', () => {
    const a = series([1000, 3000, 5000], [1.5, null, 2]);
    const b = series([2000], [1]);
    const csv = buildCsv(
      [
        { path: 'Plant/A', units: 'm', series: a },
        { path: 'Plant/B', units: '', series: b },
      ],
      0,
      10_000,
    );
    expect(csv.split('\r\n')).toEqual([
      'time,Plant/A (m),Plant/B',
      `${iso(1000)},1.5,`,
      `${iso(2000)},1.5,1`,
      `${iso(3000)},,1`,
      `${iso(5000)},2,1`,
      '',
    ]);
  });

  it('starts with the values carried into the range, and stops at its end', () => {
    const a = series([1000, 5000, 9000], [1, 5, 9]);
    const lines = buildCsv([{ path: 'A', units: '', series: a }], 4000, 8000).split('\r\n');
    expect(lines).toEqual(['time,A', `${iso(4000)},1`, `${iso(5000)},5`, '']);
  });

  it('has no carried row when a sample is exactly at the start', () => {
    const a = series([4000, 5000], [4, 5]);
    const lines = buildCsv([{ path: 'A', units: '', series: a }], 4000, 8000).split('\r\n');
    expect(lines).toEqual(['time,A', `${iso(4000)},4`, `${iso(5000)},5`, '']);
  });

  it('quotes what needs quoting and writes numbers without float noise', () => {
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField('plain')).toBe('plain');
    expect(csvNumber(5.9830000000000005)).toBe('5.983');
    expect(csvNumber(65.01844024658203)).toBe('65.018440246582');
    expect(csvNumber(NaN)).toBe('');
  });
});

describe('trend ranges', () => {
  const now = 10 * 86_400_000;

  it('keeps a live trend live for the short presets, and goes to history for the long ones', () => {
    const live = { mode: 'live' as const, spanMs: 600_000 };
    expect(applyPreset(live, preset('1h'), now, true)).toEqual({ mode: 'live', spanMs: 3_600_000 });
    expect(applyPreset(live, preset('1d'), now, true)).toEqual({ mode: 'history', from: now - 86_400_000, to: now });
    // In review (no live) every preset ends at the given present.
    expect(applyPreset(live, preset('1h'), now, false)).toEqual({ mode: 'history', from: now - 3_600_000, to: now });
    const history = { mode: 'history' as const, from: 0, to: 1000 };
    expect(applyPreset(history, preset('10m'), now, true)).toEqual({ mode: 'history', from: now - 600_000, to: now });
  });

  it('zooms around a point, keeping it where it is on screen', () => {
    const z = zoomAround({ from: 0, to: 1000_000 }, 250_000, 0.5);
    expect(z).toEqual({ mode: 'history', from: 125_000, to: 625_000 });
    const out = zoomAround({ from: 0, to: 1000 }, 500, 0.001);
    expect(out.mode === 'history' && out.to - out.from).toBe(MIN_SPAN_MS);
  });

  it('pans by a fraction of the span and selects a dragged range', () => {
    expect(panBy({ from: 1000, to: 2000 }, -0.5)).toEqual({ mode: 'history', from: 500, to: 1500 });
    expect(selectRange(5000, 2000)).toEqual({ mode: 'history', from: 2000, to: 5000 });
    const narrow = selectRange(10_000, 10_100);
    expect(narrow.mode === 'history' && narrow.to - narrow.from).toBe(MIN_SPAN_MS);
  });

  it('goes back to live with the nearest live preset', () => {
    expect(liveFrom({ mode: 'history', from: 0, to: 3_600_000 })).toEqual({ mode: 'live', spanMs: 3_600_000 });
    expect(liveFrom({ mode: 'history', from: 0, to: 7 * 86_400_000 })).toEqual({ mode: 'live', spanMs: 8 * 3_600_000 });
    expect(liveFrom({ mode: 'history', from: 0, to: 5_000 })).toEqual({ mode: 'live', spanMs: 60_000 });
  });

  it('reads spans and ranges as text', () => {
    expect(formatSpan(1_500)).toBe('1.5 s');
    expect(formatSpan(600_000)).toBe('10 min');
    expect(formatSpan(5_400_000)).toBe('1 h 30 min');
    expect(formatSpan(2 * 86_400_000 + 4 * 3_600_000)).toBe('2 d 4 h');
    expect(formatRange({ mode: 'live', spanMs: 600_000 })).toBe('Live · last 10 min');
    const from = new Date(2025, 2, 14, 8, 5, 9).getTime();
    expect(formatRange({ mode: 'history', from, to: from + 3_600_000 })).toBe('2025-03-14 08:05:09 – 09:05:09 · 1 h');
  });

  it('labels time ticks in 24-hour time, with the date under the first tick and at midnight', () => {
    const t = (h: number, m: number, d = 14) => new Date(2025, 2, d, h, m).getTime() / 1000;
    expect(formatTimeTicks([t(22, 0), t(23, 0), t(0, 0, 15)], 3600)).toEqual([
      '22:00\n2025-03-14',
      '23:00',
      '00:00\n2025-03-15',
    ]);
    expect(formatTimeTicks([t(13, 30), t(13, 30) + 30], 30)).toEqual(['13:30:00\n2025-03-14', '13:30:30']);
    expect(formatTimeTicks([t(0, 0, 14), t(0, 0, 15)], 86_400)).toEqual(['03-14', '03-15']);
  });
});

describe('penView', () => {
  it('shows value with units and quality; a gap is "— (bad)"', () => {
    expect(penView({ t: 0, v: 42.314, q: 0 }, '°C', 'float32')).toEqual({ value: '42.31 °C', quality: 'good', qualityText: 'Good' });
    expect(penView({ t: 0, v: 0, q: 0 }, '%', 'uint16').value).toBe('0 %');
    expect(penView({ t: 0, v: 1, q: 1 }, '', 'bool')).toEqual({ value: 'ON', quality: 'uncertain', qualityText: 'Uncertain' });
    expect(penView({ t: 0, v: null, q: 2 }, 'm', 'float32')).toEqual({ value: '— (bad)', quality: 'bad', qualityText: 'Bad' });
    expect(penView(null, 'm', 'float32')).toEqual({ value: '—', quality: 'none', qualityText: 'no data' });
  });
});
