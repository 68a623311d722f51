import { describe, expect, it } from 'vitest';
import { limitCondition } from '../../../src/main/runtime/alarms/condition';

describe('limit conditions with a deadband', () => {
  it('hi: above the limit activates; it clears only below limit − deadband', () => {
    expect(limitCondition('hi', 8.5, 8.5, 0.1, false)).toBe(false);
    expect(limitCondition('hi', 8.51, 8.5, 0.1, false)).toBe(true);
    expect(limitCondition('hi', 8.45, 8.5, 0.1, true)).toBe(true);
    expect(limitCondition('hi', 8.4, 8.5, 0.1, true)).toBe(false);
  });

  it('lo: below the limit activates; it clears only above limit + deadband', () => {
    expect(limitCondition('lo', 0.99, 1, 0.1, false)).toBe(true);
    expect(limitCondition('lo', 1.05, 1, 0.1, true)).toBe(true);
    expect(limitCondition('lo', 1.1, 1, 0.1, true)).toBe(false);
    expect(limitCondition('lolo', 0.4, 0.5, 0, false)).toBe(true);
  });

  it('a value hovering at the limit chatters without a deadband, not with one', () => {
    const hover = [8.49, 8.51, 8.48, 8.52, 8.47, 8.53];
    const flips = (deadband: number) => {
      let active = false;
      let count = 0;
      for (const v of hover) {
        const next = limitCondition('hi', v, 8.5, deadband, active);
        if (next !== active) count++;
        active = next;
      }
      return count;
    };
    expect(flips(0)).toBe(5);
    expect(flips(0.1)).toBe(1);
  });
});
