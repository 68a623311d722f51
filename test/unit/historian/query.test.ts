// Queries over chunks, with the chunks given in memory (the store's part is
// tested on a real file elsewhere): raw, M4 drawing the same pixels as raw,
// gaps for Bad quality, aggregates.
import { describe, expect, it } from 'vitest';
import { querySeries, type DecodedSamples, type SeriesSource } from '../../../src/main/runtime/historian/query';
import type { ChunkRow } from '../../../src/main/runtime/historian/store';
import { Prng } from '../../../src/shared/prng';
import { raster } from '../../helpers/raster';

interface Sample { t: number; v: number; q: number }

/** Chunks of `size` samples, with the statistics the store keeps beside them. */
function sourceOf(samples: Sample[], size = 100): SeriesSource & { decoded: Set<number> } {
  const chunks: { row: ChunkRow; data: DecodedSamples }[] = [];
  for (let i = 0; i < samples.length; i += size) {
    const part = samples.slice(i, i + size);
    const good = part.filter((s) => s.q !== 2);
    chunks.push({
      row: {
        id: chunks.length, t_start: part[0]!.t, t_end: part[part.length - 1]!.t, count: part.length, good_count: good.length,
        v_min: good.length ? Math.min(...good.map((s) => s.v)) : null, v_max: good.length ? Math.max(...good.map((s) => s.v)) : null,
        v_first: good[0]?.v ?? null, v_last: good[good.length - 1]?.v ?? null, q_first: part[0]!.q, q_last: part[part.length - 1]!.q,
      },
      data: { t: part.map((s) => s.t), v: part.map((s) => s.v), q: part.map((s) => s.q) },
    });
  }
  const decoded = new Set<number>();
  return Object.assign(
    {
      rows: (from: number, to: number) => chunks.filter((c) => c.row.t_end >= from && c.row.t_start <= to).map((c) => c.row),
      before: (time: number) => [...chunks].reverse().find((c) => c.row.t_start < time)?.row,
      decode: (row: ChunkRow) => {
        decoded.add(row.id);
        return chunks[row.id]!.data;
      },
      pending: () => undefined,
    },
    { decoded },
  );
}

function signal(n: number, seed = 1, badEvery = 0): Sample[] {
  const prng = new Prng(seed);
  let level = 50;
  return Array.from({ length: n }, (_, i) => {
    level += prng.gaussian(1);
    return { t: 1_000_000 + i * 1000, v: Math.round(level * 10) / 10, q: badEvery && i % badEvery < 5 ? 2 : 0 };
  });
}

describe('history queries', () => {
  it('returns raw samples when they fit, with the value carried in from before the range', () => {
    const samples = signal(1000);
    const from = samples[100]!.t + 500;
    const to = samples[199]!.t;
    const out = querySeries(sourceOf(samples), { from, to, maxPoints: 1000 });
    expect(out.mode).toBe('raw');
    expect(out.t.length).toBe(100); // the carried-in sample at index 100, then 101..199
    expect(out.t[0]).toBe(samples[100]!.t);
    expect(Array.from(out.v)).toEqual(samples.slice(100, 200).map((s) => s.v));
  });

  it('reduces with M4 to the same pixels as the raw line, skipping chunks it can', () => {
    for (const [n, width, badEvery] of [[20_000, 300, 0], [50_000, 1000, 0], [20_000, 200, 997]] as const) {
      const samples = signal(n, n + width, badEvery);
      const from = samples[0]!.t;
      const to = samples[n - 1]!.t + 1;
      const source = sourceOf(samples, 50);
      const m4 = querySeries(source, { from, to, maxPoints: width * 4 });
      const raw = querySeries(sourceOf(samples, 50), { from, to });
      expect(m4.mode).toBe('m4');
      expect(raw.mode).toBe('raw');
      expect(m4.t.length).toBeLessThanOrEqual(width * 4 + (badEvery ? (n / badEvery) * 4 : 0));
      const lo = Math.min(...samples.map((s) => s.v));
      const hi = Math.max(...samples.map((s) => s.v));
      expect(raster(m4.t, m4.v, from, to, width, lo, hi)).toEqual(raster(raw.t, raw.v, from, to, width, lo, hi));
      if (!badEvery && n / 50 > width) expect(source.decoded.size).toBeLessThan(n / 50); // statistics stood in for chunks
    }
  });

  it('turns Bad stretches into gaps, never into values', () => {
    const samples = signal(100);
    for (let i = 40; i < 60; i++) samples[i]!.q = 2;
    const out = querySeries(sourceOf(samples), { from: samples[0]!.t, to: samples[99]!.t });
    const bad = Array.from(out.q).map((q, i) => [q, out.v[i]]).filter(([q]) => q === 2);
    expect(bad).toHaveLength(20);
    expect(bad.every(([, v]) => Number.isNaN(v))).toBe(true);
    const m4 = querySeries(sourceOf(samples), { from: samples[0]!.t, to: samples[99]!.t + 1, maxPoints: 40 });
    const gap = Array.from(m4.v).findIndex((v) => Number.isNaN(v));
    expect(m4.t[gap]).toBe(samples[40]!.t);
    expect(Array.from(m4.t).filter((t) => t > samples[40]!.t && t < samples[60]!.t)).toEqual([]);
  });

  it('aggregates per interval: avg, min, max, count, first, last and time-weighted average', () => {
    // 0 for 6 s, then 10 for 4 s (recorded on change): avg of samples 5, twa 4.
    const samples: Sample[] = [{ t: 0, v: 0, q: 0 }, { t: 6000, v: 10, q: 0 }];
    const source = sourceOf(samples);
    const agg = (aggregate: 'avg' | 'twa' | 'min' | 'max' | 'count' | 'first' | 'last') =>
      Array.from(querySeries(source, { from: 0, to: 10_000, aggregate, intervalMs: 10_000 }).v);
    expect(agg('avg')).toEqual([5]);
    expect(agg('twa')).toEqual([4]);
    expect(agg('min')).toEqual([0]);
    expect(agg('max')).toEqual([10]);
    expect(agg('count')).toEqual([2]);
    expect(agg('first')).toEqual([0]);
    expect(agg('last')).toEqual([10]);
    const perSecond = querySeries(source, { from: 0, to: 10_000, aggregate: 'twa', intervalMs: 2000 });
    expect(Array.from(perSecond.v)).toEqual([0, 0, 0, 10, 10]);
    expect(Array.from(perSecond.t)).toEqual([0, 2000, 4000, 6000, 8000]);
  });

  it('counts a value held into an interval in its min, max, first and last', () => {
    // On before the range, off at 8 s: over 0..10 s the pump was both.
    const samples: Sample[] = [{ t: -5000, v: 1, q: 0 }, { t: 8000, v: 0, q: 0 }];
    const source = sourceOf(samples);
    const one = (aggregate: 'min' | 'max' | 'first' | 'last' | 'count' | 'twa') =>
      querySeries(source, { from: 0, to: 10_000, aggregate, intervalMs: 10_000 }).v[0];
    expect([one('min'), one('max'), one('first'), one('last'), one('count'), one('twa')]).toEqual([0, 1, 1, 0, 1, 0.8]);
  });

  it('leaves Bad time out of averages and marks intervals without Good data as gaps', () => {
    const samples: Sample[] = [{ t: 0, v: 10, q: 0 }, { t: 5000, v: 10, q: 2 }, { t: 10_000, v: 20, q: 0 }];
    const out = querySeries(sourceOf(samples), { from: 0, to: 15_000, aggregate: 'twa', intervalMs: 5000 });
    expect(Array.from(out.v).map((v) => (Number.isNaN(v) ? null : v))).toEqual([10, null, 20]);
    expect(Array.from(out.q)).toEqual([0, 2, 0]);
  });
});

describe('history queries at awkward boundaries', () => {
  it('always finishes, whatever the column width does in floating point', () => {
    // Widths that are not exact in binary, over ranges that do not start on a round time.
    // A year on 1,400 px: floor((t - from) / width) puts the sample at t in column 6
    // while from + 7 * width is exactly t (a case the trend screen hit).
    {
      const from = 1763927999000;
      const to = 1795463999000;
      const t = 1764085679000;
      const width = (to - from) / 1400;
      const samples = Array.from({ length: Math.ceil(width / 1000) + 20 }, (_, i) => ({ t: t - 10_000 + i * 1000, v: (i * 7) % 13, q: 0 }));
      const out = querySeries(sourceOf(samples, 3600), { from, to, maxPoints: 1400 * 4 });
      expect(out.mode).toBe('m4');
      expect(Math.min(...out.v)).toBe(0);
      expect(Math.max(...out.v)).toBe(12);
    }
    for (const [n, width] of [[5000, 7], [5000, 333], [20_000, 1999], [3000, 2999]] as const) {
      const samples = Array.from({ length: n }, (_, i) => ({ t: 1_699_999_999_937 + i * 997, v: Math.sin(i / 17), q: 0 }));
      const from = samples[0]!.t;
      const to = samples[n - 1]!.t + 3;
      const out = querySeries(sourceOf(samples, 97), { from, to, maxPoints: width * 4 });
      expect(out.t.length).toBeGreaterThan(0);
      const agg = querySeries(sourceOf(samples, 97), { from, to, aggregate: 'twa', intervalMs: 997 * 3 + 1 });
      expect(agg.t.length).toBe(Math.ceil((to - from) / (997 * 3 + 1)));
    }
  });
});
