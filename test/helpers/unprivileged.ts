// Root ignores file modes, so a test of a read-only file would pass as root
// for the wrong reason (nothing is ever unwritable). As root, the test's
// process takes nobody's effective uid for the duration: the kernel then
// checks modes for it, its worker threads included, exactly as for an
// operator's account. The saved uid stays 0, so root comes back afterwards.
// Not root: nothing changes (the modes bite already).
import { chownSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const NOBODY = 65534;
export const isRoot = process.getuid?.() === 0;

/** A fresh folder the unprivileged user owns (so it may chmod its files back). */
export function ownedTempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  if (isRoot) chownSync(dir, NOBODY, NOBODY);
  return dir;
}

/** Runs `body` with file modes enforced (as nobody when root), then restores the process's identity. */
export async function asUnprivileged<T>(body: () => Promise<T> | T): Promise<T> {
  const { seteuid, setegid } = process;
  if (!isRoot || !seteuid || !setegid) return body();
  setegid(NOBODY); // the group first: once the uid is nobody's it may not change it
  seteuid(NOBODY);
  try {
    return await body();
  } finally {
    seteuid(0);
    setegid(0);
  }
}
