// The checks of a write before anything is sent: type, write limits, steps
// of an integer tag, the data type's range.
import { describe, expect, it } from 'vitest';
import type { TagDefinition } from '../../../src/main/runtime/tags/definition';
import { linearScaler } from '../../../src/main/runtime/tags/scaling';
import { planWrite, writeLimitsOf, WriteRefused } from '../../../src/main/runtime/writer/plan';
import type { TagScalar } from '../../../src/shared/types';
import { limitsText, outcomeDiffers, outcomeText } from '../../../src/shared/write';

function def(extra: Partial<TagDefinition> = {}): TagDefinition {
  return { path: 'P/SP', device: 'plc', address: 'HR:0', dataType: 'float32', units: '°C', description: '', writable: true, deadband: 0, ...extra };
}

const plan = (d: TagDefinition, value: TagScalar) => planWrite(d, linearScaler(d.scale), value);
const refusal = (d: TagDefinition, value: TagScalar): string => {
  try {
    plan(d, value);
  } catch (error) {
    expect(error).toBeInstanceOf(WriteRefused);
    return (error as Error).message;
  }
  throw new Error(`${value} was not refused`);
};

describe('write limits', () => {
  it('default to the scale’s EU range, each side overridable, and are absent for bools and unscaled tags', () => {
    const scale = { rawMin: 0, rawMax: 1000, euMin: 0, euMax: 100 };
    expect(writeLimitsOf(def({ scale }))).toEqual({ min: 0, max: 100 });
    expect(writeLimitsOf(def({ scale: { rawMin: 0, rawMax: 1000, euMin: 100, euMax: -50 } }))).toEqual({ min: -50, max: 100 });
    expect(writeLimitsOf(def({ scale, writeLimits: { max: 80 } }))).toEqual({ min: 0, max: 80 });
    expect(writeLimitsOf(def({ writeLimits: { min: 0, max: 150 } }))).toEqual({ min: 0, max: 150 });
    expect(writeLimitsOf(def({ writeLimits: { min: 5 } }))).toEqual({ min: 5, max: null });
    expect(writeLimitsOf(def())).toBeNull();
    expect(writeLimitsOf(def({ dataType: 'bool' }))).toBeNull();
  });

  it('refuse a value outside them, naming the limits; accept the limits themselves', () => {
    const sp = def({ writeLimits: { min: 0, max: 150 } });
    expect(refusal(sp, 500)).toBe('P/SP accepts 0 … 150 °C: 500 °C is outside its write limits, nothing was sent');
    expect(refusal(sp, -0.5)).toContain('0 … 150 °C');
    expect(plan(sp, 150)).toEqual({ requested: 150, sent: 150, raw: 150 });
    expect(plan(sp, 0)).toEqual({ requested: 0, sent: 0, raw: 0 });
    expect(refusal(def({ writeLimits: { min: 5 } }), 4)).toContain('≥ 5 °C');
  });

  it('apply to scaled tags in engineering units', () => {
    const valve = def({ dataType: 'uint16', units: '%', scale: { rawMin: 0, rawMax: 1000, euMin: 0, euMax: 100 } });
    expect(refusal(valve, 100.1)).toContain('0 … 100 %');
    expect(plan(valve, 42.3)).toEqual({ requested: 42.3, sent: 42.3, raw: 423 }); // 422.99999999999994 is float noise, not a fraction
  });
});

describe('integer tags', () => {
  it('refuse a value between two steps by default, naming the two nearest', () => {
    const speed = def({ dataType: 'uint16', units: '%' });
    expect(refusal(speed, 42.5)).toBe('P/SP is a uint16 and takes whole numbers: write 42 % or 43 %, not 42.5 %');
    const valve = def({ dataType: 'int16', units: '%', scale: { rawMin: 0, rawMax: 1000, euMin: 0, euMax: 100 } });
    expect(refusal(valve, 42.26)).toBe('P/SP moves in steps of 0.1 % (whole counts of an int16): write 42.2 % or 42.3 %, not 42.26 %');
  });

  it('round to the nearest step when the tag declares writeRounding: round, and say what is sent', () => {
    const valve = def({ dataType: 'int16', units: '%', writeRounding: 'round', scale: { rawMin: 0, rawMax: 1000, euMin: 0, euMax: 100 } });
    expect(plan(valve, 42.26)).toEqual({ requested: 42.26, sent: 42.3, raw: 423 });
    expect(plan(def({ dataType: 'uint16', writeRounding: 'round' }), 7.4)).toEqual({ requested: 7.4, sent: 7, raw: 7 });
  });

  it('refuse what the data type cannot hold', () => {
    expect(refusal(def({ dataType: 'uint16', units: '' }), 70000)).toBe('P/SP holds 0 … 65535 (a uint16): 70000 does not fit, nothing was sent');
    expect(refusal(def({ dataType: 'int16', units: '' }), -40000)).toContain('-32768 … 32767');
    expect(refusal(def({ dataType: 'uint16', units: '%', scale: { rawMin: 0, rawMax: 1000, euMin: 0, euMax: 100 }, writeLimits: { max: 10000 } }), 7000)).toContain(
      '0 … 6553.5 %',
    );
  });
});

describe('types', () => {
  it('takes only true/false for a bool (not 1/0), and a number for a number', () => {
    const coil = def({ dataType: 'bool', units: '' });
    expect(plan(coil, true)).toEqual({ requested: true, sent: true, raw: true });
    expect(plan(coil, false)).toEqual({ requested: false, sent: false, raw: false });
    expect(refusal(coil, 1)).toBe('P/SP is a bool: write true or false, not 1');
    expect(refusal(coil, 0)).toBe('P/SP is a bool: write true or false, not 0');
    expect(refusal(coil, 'true')).toBe('P/SP is a bool: write true or false, not "true"');
    expect(refusal(coil, 3)).toBe('P/SP is a bool: write true or false, not 3');
    expect(refusal(def(), true)).toBe('P/SP is a float32: the value must be a number, not true');
  });
});

describe('the words of an answer', () => {
  const base = { requested: 75, sent: 75, held: 75, readBack: 'held' as const, readBackProblem: null };
  it('says what the device holds, and both values when it is not what was asked', () => {
    expect(outcomeText(base, '°C')).toBe('device holds 75 °C');
    expect(outcomeDiffers(base)).toBe(false);
    const clamped = { ...base, requested: 500, sent: 500, held: 150 };
    expect(outcomeText(clamped, '°C')).toBe('requested 500 °C, device holds 150 °C');
    expect(outcomeDiffers(clamped)).toBe(true);
    const rounded = { ...base, requested: 42.26, sent: 42.3, held: 42.3 };
    expect(outcomeText(rounded, '%')).toBe("requested 42.26 %, sent 42.3 % (rounded to the tag's step), device holds 42.3 %");
  });

  it('never claims a value it did not read back', () => {
    const unread = { ...base, held: null, readBack: 'unsupported' as const, readBackProblem: 'the sparkplug-host driver cannot read on demand' };
    expect(outcomeText(unread, '°C')).toBe('sent 75 °C; not read back: the sparkplug-host driver cannot read on demand');
    expect(outcomeDiffers(unread)).toBe(false);
    expect(limitsText({ min: 0, max: 150 }, '°C')).toBe('0 … 150 °C');
    expect(limitsText({ min: null, max: 10 })).toBe('≤ 10');
    expect(limitsText(null)).toBe('');
  });
});
