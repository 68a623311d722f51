// What went wrong with a SQLite file, as a sentence an operator can act on.
// Shared by the historian and the alarm journal, which fail the same ways.

/**
 * `what` names the file's content ("history", "alarm journal entries"): the
 * sentence says they wait in memory, which is what both stores do.
 */
export function describeSqliteError(file: string, what: string, error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code;
  switch (code) {
    case 'SQLITE_FULL':
      return `the disk is full (or ${file} reached its size cap): ${what} waits in memory until space is free`;
    case 'SQLITE_READONLY':
    case 'SQLITE_READONLY_DIRECTORY':
    case 'SQLITE_CANTOPEN':
    case 'EACCES':
      return `${file} cannot be written (the file or its folder is read-only): ${what} waits in memory`;
    case 'SQLITE_BUSY':
    case 'SQLITE_LOCKED':
      return `another process holds the lock on ${file}: ${what} waits in memory until it lets go`;
    case 'SQLITE_CORRUPT':
    case 'SQLITE_NOTADB':
      return `${file} is damaged (not a valid database); it is left untouched: move it aside to start a new one`;
    case 'SQLITE_IOERR':
      return `the disk reported an I/O error writing ${file}: ${what} waits in memory`;
    default:
      return `${file}: ${(error as Error | null)?.message ?? String(error)}`;
  }
}

/** Codes that mean the file (or its folder) cannot be written, though it may be read. */
const UNWRITABLE = new Set(['SQLITE_READONLY', 'SQLITE_READONLY_DIRECTORY', 'SQLITE_READONLY_RECOVERY', 'SQLITE_READONLY_CANTINIT', 'SQLITE_READONLY_CANTLOCK', 'SQLITE_READONLY_ROLLBACK', 'SQLITE_READONLY_DBMOVED', 'SQLITE_CANTOPEN', 'EACCES', 'EPERM', 'EROFS']);

/** True when `error` says the file or its folder is read-only (not damaged, not another kind, not locked). */
export function isUnwritable(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && UNWRITABLE.has(code);
}
