// The security file as a store service (storeWorker/services.ts runs it in
// its worker): opening it, and what it serves while it cannot be written.
//
// A security file (or data folder) that is read-only must not stop the
// runtime: operators still need to see the plant. It is then opened for
// reading only: users and the audit trail are served, and every change (a
// user change, an audit entry, so also a login, which is audited) is refused
// with the file and the cause named. A file that cannot even be read is
// `unavailable`, and every call says why. Either way the writable open is
// tried again every `retryMs`, and the status (pushed as an event) says when
// it worked. Other failures (another kind of file, a newer version, a
// damaged file) refuse `open` as before: those need a person, not a retry.
//
// Audit entries go through a queue (auditQueue.ts): an entry the file refuses
// (a full disk, a read-only file) waits, in order, and is written, chained,
// once the file takes it; the queue's status is pushed as `auditStatus`.
import type { Role, SecurityFileStatus } from '../../../shared/security';
import { AuditQueue, type AuditWriter } from './auditQueue';
import { StoreFileError } from '../storage/openStore';
import type { ServiceFactory, StoreService } from '../storage/protocol';
import { Rows } from '../storage/protocol';
import { isUnwritable } from '../storage/sqliteProblem';
import { SecurityFile, type AuditQuery, type NewAuditEntry } from './securityFile';

export interface SecurityServiceOptions {
  readonly file: string | null;
  /** How often a file that cannot be written is tried again (default 5 s). */
  readonly retryMs?: number;
  /** A cap on the file in 4 KiB pages (tests use it to fill the "disk"). */
  readonly maxPageCount?: number;
  /** Audit entries kept in memory while the disk refuses them; beyond, new ones are dropped and counted. */
  readonly maxPendingAudit?: number;
  readonly auditRetryMs?: number;
}

const CHANGES_REFUSED = 'logins and changes to users are refused until it can be written (each is written to the audit trail)';

export const securityService: ServiceFactory<SecurityServiceOptions> = ({ file, retryMs = 5000, maxPageCount, maxPendingAudit, auditRetryMs }, emit) => {
  let store: SecurityFile | null = null;
  /** Why `open` refuses (not a read-only file): the runtime must not start on it. */
  let fatal: unknown = null;
  let status: SecurityFileStatus = { state: 'ok', problem: null, file };
  let retryTimer: NodeJS.Timeout | null = null;

  const setStatus = (next: SecurityFileStatus) => {
    const changed = next.state !== status.state || next.problem !== status.problem;
    status = next;
    if (changed) emit('status', status);
  };

  /** Tries the writable open; on a read-only file falls back to reading. */
  const open = () => {
    // SQLite shares one WAL index per file among a process's connections: while our read-only
    // connection holds it, opened read-only, a writable one would inherit that. It is closed
    // first (calls run one at a time on this thread, so none sees it missing) and reopened
    // below when the file is still read-only.
    store?.close();
    store = null;
    try {
      store = new SecurityFile(file, { maxPageCount });
      fatal = null;
      setStatus({ state: 'ok', problem: null, file });
      return;
    } catch (error) {
      if (!isUnwritable(error) || file === null) {
        fatal = error;
        return;
      }
      const cause = (error as Error).message;
      try {
        store = new SecurityFile(file, { readonly: true });
        setStatus({ state: 'read_only', problem: `${file} is read-only (${cause}): ${CHANGES_REFUSED}`, file });
      } catch (readError) {
        const why = readError instanceof StoreFileError ? readError.message : (readError as Error).message;
        setStatus({ state: 'unavailable', problem: `${file} cannot be opened (${cause}; reading it: ${why}): ${CHANGES_REFUSED}`, file });
      }
    }
    retryTimer ??= setInterval(() => {
      open();
      if (status.state === 'ok' && retryTimer) {
        clearInterval(retryTimer);
        retryTimer = null;
      }
    }, retryMs);
    retryTimer.unref();
  };
  open();

  // The queue writes to whichever file is open now, and only while it can be written.
  const writer: AuditWriter = {
    appendAudits: (entries) => {
      if (!store || status.state !== 'ok') throw new StoreFileError(status.problem ?? `${file} cannot be written`);
      return store.appendAudits(entries);
    },
  };
  const queue = new AuditQueue(writer, { file, maxPending: maxPendingAudit, retryMs: auditRetryMs }, (next) => emit('auditStatus', next));

  const read = <A, T>(run: (s: SecurityFile, args: A) => T) => (args: A): T => {
    if (fatal) throw fatal;
    if (!store) throw new StoreFileError(status.problem ?? `${file} is not open`);
    return run(store, args);
  };
  const write = <A, T>(run: (s: SecurityFile, args: A) => T) => (args: A): T => {
    if (status.state !== 'ok') throw new StoreFileError(status.problem ?? `${file} cannot be written`);
    return read(run)(args);
  };

  const service: StoreService = {
    handlers: {
      // Resolves with the status (read-only and unavailable included); refuses a file that needs a person.
      open: () => {
        if (fatal) throw fatal;
        return status;
      },
      status: () => status,
      userCount: read((s) => s.userCount()),
      user: read((s, { name }: { name: string }) => s.user(name)),
      users: read((s) => s.users()),
      administrators: read((s) => s.administrators()),
      addUser: write((s, a: { name: string; role: Role; hash: string; now: number }) => s.addUser(a.name, a.role, a.hash, a.now)),
      setRole: write((s, a: { name: string; role: Role; now: number }) => s.setRole(a.name, a.role, a.now)),
      setHash: write((s, a: { name: string; hash: string; now: number }) => s.setHash(a.name, a.hash, a.now)),
      removeUser: write((s, { name }: { name: string }) => s.removeUser(name)),
      // Never fails for the disk: the entry waits in the queue, and the status says so.
      appendAudit: (entry: NewAuditEntry) => {
        if (fatal) throw fatal;
        return { entry: queue.append(entry), status: queue.status() };
      },
      auditStatus: () => queue.status(),
      setMaxPageCount: read((s, { pages }: { pages: number }) => s.setMaxPageCount(pages)),
      queryAudit: read((s, query: AuditQuery) => {
        const { entries, truncated } = s.queryAudit(query);
        return new Rows('entries', entries, { truncated });
      }),
      verifyAudit: read((s) => s.verifyAudit()),
    },
    close: () => {
      if (retryTimer) clearInterval(retryTimer);
      retryTimer = null;
      queue.close();
      store?.close();
      store = null;
    },
  };
  return service;
};
