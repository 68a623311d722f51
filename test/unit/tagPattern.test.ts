import { describe, expect, it } from 'vitest';
import { matchesPattern } from '../../src/shared/tagPath';

describe('tag path patterns', () => {
  it.each([
    ['Plant/**', 'Plant/Tank/Level', true],
    ['Plant/**', 'Plant', true],
    ['Plant/**', 'Other/Tank', false],
    ['Plant/*', 'Plant/Tank', true],
    ['Plant/*', 'Plant/Tank/Level', false],
    ['Plant/*/Level', 'Plant/Tank/Level', true],
    ['Plant/**/Level', 'Plant/Level', true],
    ['Plant/**/Level', 'Plant/A/B/Level', true],
    ['Plant/Pump*', 'Plant/Pump2', true],
    ['Plant/Pump*', 'Plant/Pump2/Current', false],
    ['Plant/Tank/Level', 'Plant/Tank/Level', true],
    ['Plant/Tank.Level', 'Plant/TankxLevel', false],
    ['**', 'Anything/At/All', true],
  ])('%s matches %s: %s', (pattern, path, expected) => {
    expect(matchesPattern(pattern, path)).toBe(expected);
  });
});
