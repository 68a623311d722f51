// The write dialog's edit step: what the operator typed, and whether it may go on to the confirmation.
import { describe, expect, it } from 'vitest';
import { parseDraft } from '../../../src/renderer/src/features/tags/writeDraft';

describe('parseDraft', () => {
  it('keeps a value outside the write limits at the edit step, naming them', () => {
    const limits = { min: 0, max: 150 };
    expect(parseDraft({ kind: 'number', text: '500' }, limits, '°C')).toEqual({ ok: false, problem: 'Outside the write limits (0 … 150 °C)' });
    expect(parseDraft({ kind: 'number', text: '-1' }, { min: 0, max: null }, '%')).toEqual({ ok: false, problem: 'Outside the write limits (≥ 0 %)' });
    expect(parseDraft({ kind: 'number', text: '150' }, limits, '°C')).toEqual({ ok: true, value: 150 });
    expect(parseDraft({ kind: 'number', text: '500' })).toEqual({ ok: true, value: 500 });
    expect(parseDraft({ kind: 'bool', value: true }, limits)).toEqual({ ok: true, value: true });
  });
});
