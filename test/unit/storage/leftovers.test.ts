// The repair of what a failed open left: modes only, so it runs as root too.
import { chmodSync, mkdtempSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { repairLeftovers } from '../../../src/main/runtime/storage/leftovers';

const dir = mkdtempSync(join(tmpdir(), 'leftovers-'));
let n = 0;
const mode = (path: string) => statSync(path).mode & 0o777;

function files(db: number, leftovers: Record<string, number>): string {
  const file = join(dir, `s${++n}.db`);
  writeFileSync(file, '');
  chmodSync(file, db);
  for (const [suffix, m] of Object.entries(leftovers)) {
    writeFileSync(file + suffix, '');
    chmodSync(file + suffix, m);
  }
  return file;
}

describe('repairLeftovers', () => {
  it('gives read-only -wal and -shm the write permission of a writable database file', () => {
    const file = files(0o644, { '-wal': 0o444, '-shm': 0o444 });
    const repairs = repairLeftovers(file);
    expect(repairs.map((r) => r.file)).toEqual([`${file}-wal`, `${file}-shm`]);
    expect(mode(`${file}-wal`)).toBe(0o644);
    expect(mode(`${file}-shm`)).toBe(0o644);
  });

  it('follows the database file: group-writable stays group-writable, others keep what they have', () => {
    const file = files(0o664, { '-shm': 0o440, '-journal': 0o444 });
    repairLeftovers(file);
    expect(mode(`${file}-shm`)).toBe(0o660);
    expect(mode(`${file}-journal`)).toBe(0o664);
  });

  it('leaves everything alone while the database file itself is read-only (that is the cause)', () => {
    const file = files(0o444, { '-wal': 0o444, '-shm': 0o444 });
    expect(repairLeftovers(file)).toEqual([]);
    expect(mode(`${file}-shm`)).toBe(0o444);
  });

  it('does nothing without leftovers, or without the file', () => {
    expect(repairLeftovers(files(0o644, { '-wal': 0o644 }))).toEqual([]);
    expect(repairLeftovers(join(dir, 'missing.db'))).toEqual([]);
  });
});
