// The budget's pieces alone: the request check, the deadline, the byte bound
// of lists, and the sliced JSON encoder (the same text as JSON.stringify).
import { describe, expect, it } from 'vitest';
import { queryPointsProblem } from '../../../src/shared/budget';
import { BudgetError, Deadline, isBudgetError, withinBytes } from '../../../src/main/runtime/budget/limits';
import { encodeAnswer } from '../../../src/main/transport/jsonAnswer';

const replacer = (_key: string, value: unknown) =>
  ArrayBuffer.isView(value) && !(value instanceof DataView) ? Array.from(value as unknown as ArrayLike<number>) : value;

describe('the budget of a read', () => {
  it('counts points over all paths, from the request alone', () => {
    const paths = Array.from({ length: 32 }, (_, i) => `A/T${i}`);
    expect(queryPointsProblem({ paths, from: 0, to: 1_000_000, aggregate: 'twa', intervalMs: 1 })).toContain('32,000,000');
    expect(queryPointsProblem({ paths, from: 0, to: 1_000_000, aggregate: 'twa', intervalMs: 32 })).toBeNull();
    expect(queryPointsProblem({ paths: ['A/T'], from: 0, to: 1, maxPoints: 1_000_000 })).toBeNull();
    expect(queryPointsProblem({ paths, from: 0, to: 1 })).toBeNull(); // raw: counted in the worker
  });

  it('stops work past its deadline with an error that names the limit', () => {
    const deadline = new Deadline('history.query', 0);
    const until = performance.now() + 2;
    while (performance.now() < until);
    expect(() => deadline.check()).toThrow(BudgetError);
    try {
      deadline.check();
    } catch (error) {
      expect(isBudgetError(error)).toBe(true);
      expect((error as Error).message).toContain('the time limit of one request');
    }
  });

  it('cuts a list to the bytes it may take', () => {
    const entries = Array.from({ length: 100 }, (_, i) => ({ i, text: 'x'.repeat(100) }));
    const { entries: kept, cut } = withinBytes(entries, 1024 + 10 * 120);
    expect(cut).toBe(true);
    expect(kept.length).toBeGreaterThan(5);
    expect(kept.length).toBeLessThan(12);
    expect(withinBytes(entries).cut).toBe(false);
  });

  it('encodes in slices exactly what JSON.stringify gives, and refuses past the byte bound', async () => {
    const value = {
      series: [{ path: 'A/B', t: new Float64Array([1, 2, 3]), v: new Float64Array([0.5, NaN, Infinity]), q: new Uint8Array([0, 2, 0]), mode: 'raw', text: ['a', null], skip: undefined }],
      entries: [{ a: 1, b: 'é"\n', c: null }, { nested: { d: [1, { e: 2 }] } }],
      empty: new Float64Array(0),
      date: new Date(0),
    };
    const encoded = await encodeAnswer(value, 1e6, replacer);
    expect(encoded.ok).toBe(true);
    if (encoded.ok) {
      const text = encoded.parts.join('');
      expect(text).toBe(JSON.stringify(value, replacer));
      expect(encoded.bytes).toBe(Buffer.byteLength(text));
    }
    const big = { t: new Float64Array(200_000).fill(1.5) };
    const refused = await encodeAnswer(big, 100_000, replacer);
    expect(refused.ok).toBe(false);
  });
});
