// What a failed open leaves behind. SQLite creates a database's `-wal` and
// `-shm` with the database file's own mode, so an attempt on a read-only file
// (0444) leaves them read-only too, and keeps them. Once the cause is gone
// (the file is 0644 again) they are what still refuses: the store would stay
// unavailable for ever. Before each open we give them back the write
// permission the database file itself has. Nothing else changes: their
// contents are SQLite's, and a -wal holding committed pages must be kept.
import { chmodSync, statSync } from 'node:fs';

const SUFFIXES = ['-wal', '-shm', '-journal'] as const;

export interface Repair {
  readonly file: string;
  readonly from: number;
  readonly to: number;
}

/**
 * Gives `file`'s -wal, -shm and -journal the write bits `file` has and they
 * lack; returns what it changed. A leftover it may not change (another
 * owner) is left for the open to report.
 */
export function repairLeftovers(file: string): Repair[] {
  const own = modeOf(file);
  if (own === null) return [];
  const writeBits = own & 0o222;
  if (writeBits === 0) return []; // the file itself is read-only: that is the cause, not its leftovers
  const repairs: Repair[] = [];
  for (const suffix of SUFFIXES) {
    const path = file + suffix;
    const mode = modeOf(path);
    if (mode === null || (mode & writeBits) === writeBits) continue;
    const to = mode | writeBits;
    try {
      chmodSync(path, to);
      repairs.push({ file: path, from: mode, to });
    } catch {
      // Not ours to change: the open fails and says the file cannot be written.
    }
  }
  return repairs;
}

function modeOf(path: string): number | null {
  try {
    return statSync(path).mode & 0o777;
  } catch {
    return null;
  }
}
