// Text pens and the reasons of Bad stretches in the trend's pure parts:
// normalising a text series, reading the text and the reason at a time, the
// legend's words, the live buffer's texts and transitions, the CSV, and the
// scale of text pens (none drawn).
import { describe, expect, it } from 'vitest';
import { liveSampleOf, PenBuffer, sampleOf } from '../../../src/renderer/src/features/trends/liveBuffer';
import { penView, qualityWhy } from '../../../src/renderer/src/features/trends/penView';
import { buildCsv } from '../../../src/renderer/src/features/trends/trendCsv';
import { alignSeries, normalizeSeries, readingAt, scaleGroups, wholeSlice } from '../../../src/renderer/src/features/trends/trendData';
import type { QualityTransition } from '../../../src/shared/types';

const EXCEPTION: QualityTransition = { t: 3000, status: 'bad', reason: 'device_exception', code: { value: 2, name: 'Modbus illegal data address' } };

describe('text pens and quality reasons in trends', () => {
  it('normalises a text series: no values to draw, its quality as recorded, its texts', () => {
    const s = normalizeSeries({
      t: [3000, 1000, 2000],
      v: [null, null, null],
      q: [2, 0, 0],
      mode: 'raw',
      text: ['Fault', 'Idle', 'Run'],
      qualities: [{ t: 3000, status: 'bad', reason: 'comm_failure' }, { t: 0, status: 'good' }],
    });
    expect(Array.from(s.t)).toEqual([1000, 2000, 3000]);
    expect(s.text).toEqual(['Idle', 'Run', 'Fault']);
    expect(Array.from(s.q)).toEqual([0, 0, 2]);
    expect(Array.from(s.v).every(Number.isNaN)).toBe(true);
    expect(s.qualities!.map((q) => q.t)).toEqual([0, 3000]);
    // Nothing drawn: the aligned column is all gaps.
    const [, column] = alignSeries([wholeSlice(s)]);
    expect(column).toEqual([null, null, null]);
  });

  it('reads the text in force and the reason of a Bad stretch at the cursor', () => {
    const text = normalizeSeries({ t: [1000, 2000], v: [null, null], q: [0, 0], mode: 'raw', text: ['Idle', 'Heating, stage 2'] });
    const reading = readingAt(text, 2500)!;
    expect(reading.text).toBe('Heating, stage 2');
    expect(penView(reading, '', 'string')).toEqual({ value: 'Heating, stage 2', quality: 'good', qualityText: 'Good' });
    expect(penView(readingAt(text, 1500), '', 'string').value).toBe('Idle');

    const level = normalizeSeries({
      t: [1000, 3000, 5000],
      v: [1.5, null, 2],
      q: [0, 2, 0],
      mode: 'raw',
      qualities: [{ t: 1000, status: 'good' }, EXCEPTION, { t: 5000, status: 'good' }],
    });
    const bad = readingAt(level, 4000)!;
    expect(bad.quality).toEqual(EXCEPTION);
    expect(penView(bad, 'm', 'float64')).toEqual({
      value: '— (bad)',
      quality: 'bad',
      qualityText: 'Bad — device exception (Modbus illegal data address)',
    });
    expect(penView(readingAt(level, 5500), 'm', 'float64').qualityText).toBe('Good');
    // A history without transitions (an older file): just the word.
    const plain = normalizeSeries({ t: [1000], v: [null], q: [2], mode: 'raw' });
    expect(penView(readingAt(plain, 1000), '', 'float64').qualityText).toBe('Bad');
    expect(qualityWhy({ reason: 'comm_failure' })).toBe('comm failure');
    expect(qualityWhy({ code: { value: 0x80340000, name: '' } })).toBe(`code ${0x80340000}`);
    // A transition that disagrees with the sample (thinned away) says nothing.
    const stale = normalizeSeries({ t: [1000], v: [1], q: [0], mode: 'raw', qualities: [{ t: 500, status: 'bad', reason: 'comm_failure' }] });
    expect(readingAt(stale, 1000)!.quality).toBeUndefined();
  });

  it('shows a Bad text as no value, with its reason', () => {
    const s = normalizeSeries({
      t: [1000, 2000], v: [null, null], q: [0, 2], mode: 'raw', text: ['Run', 'Run'],
      qualities: [{ t: 1000, status: 'good' }, { t: 2000, status: 'bad', reason: 'comm_failure' }],
    });
    expect(penView(readingAt(s, 2500), '', 'string')).toEqual({ value: '— (bad)', quality: 'bad', qualityText: 'Bad — comm failure' });
  });

  it('keeps live texts and quality transitions, and meets the back-fill without a seam', () => {
    expect(sampleOf({ value: 'Run', quality: { status: 'good' }, ts: 5 })).toEqual({ t: 5, v: NaN, q: 0, text: 'Run' });
    const b = new PenBuffer(4);
    b.load(normalizeSeries({ t: [1000], v: [null], q: [0], mode: 'raw', text: ['Idle'], qualities: [{ t: 1000, status: 'good' }] }));
    b.append(liveSampleOf({ value: 'Run', quality: { status: 'good' }, ts: 2000 }));
    b.append(liveSampleOf({ value: 'Run', quality: { status: 'bad', reason: 'comm_failure' }, ts: 3000 }));
    for (let i = 4; i <= 9; i++) b.append(liveSampleOf({ value: `step ${i}`, quality: { status: 'good' }, ts: i * 1000 }));
    const s = b.series();
    expect(s.text).toEqual(['Idle', 'Run', 'Run', 'step 4', 'step 5', 'step 6', 'step 7', 'step 8', 'step 9']);
    expect(s.qualities!.map((q) => [q.t, q.status])).toEqual([[1000, 'good'], [3000, 'bad'], [4000, 'good']]);
    expect(penView(readingAt(s, 3500), '', 'string').qualityText).toBe('Bad — comm failure');
    // Scrolling: the texts stay aligned with their samples, the transition in force is kept.
    b.trimBefore(6500);
    b.append(liveSampleOf({ value: 'last', quality: { status: 'good' }, ts: 10_000 }));
    const after = b.series();
    expect(after.text).toEqual(['step 6', 'step 7', 'step 8', 'step 9', 'last']);
    expect(after.qualities!.map((q) => q.t)).toEqual([4000]);
    expect(readingAt(after, 10_000)!.text).toBe('last');
  });

  it('gives text pens one hidden scale, and the CSV their texts', () => {
    const { groups, keyOf } = scaleGroups([
      { units: 'm', isBool: false },
      { units: '', isBool: false, isText: true },
      { units: '', isBool: false, isText: true },
    ]);
    expect(keyOf).toEqual(['u:m', 'text', 'text']);
    expect(groups[1]).toMatchObject({ key: 'text', isText: true, pens: [1, 2] });

    const text = normalizeSeries({ t: [1000, 2000, 3000], v: [null, null, null], q: [0, 0, 2], mode: 'raw', text: ['Idle', 'a, "b"', 'x'] });
    const csv = buildCsv([{ path: 'U/Recipe', units: '', series: text }], 0, 5000);
    expect(csv.split('\r\n').slice(1, 4)).toEqual([
      `${new Date(1000).toISOString()},Idle`,
      `${new Date(2000).toISOString()},"a, ""b"""`,
      `${new Date(3000).toISOString()},`,
    ]);
  });
});
