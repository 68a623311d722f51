// The security file as the runtime sees it: users and the audit trail, kept
// by the security store (securityFile.ts) in a worker thread, so a long audit
// list or a chain verification never holds up polling. Every method resolves
// once the store answered; a change resolves once it is committed, so an
// action can wait for its audit entry to be on disk before it is answered.
import type { AuditEntry, AuditStoreStatus, AuditVerification, Role, SecurityFileStatus, UserInfo } from '../../../shared/security';
import { StoreClient, type WorkerLocation } from '../storage/client';
import type { AuditQuery, NewAuditEntry } from './securityFile';
import { securityService, type SecurityServiceOptions } from './securityService';

export type { AuditQuery, NewAuditEntry } from './securityFile';

export class SecurityStore {
  private readonly client: StoreClient;
  private current: SecurityFileStatus;
  private readonly listeners = new Set<(status: SecurityFileStatus) => void>();

  /**
   * `file` null: in memory, on this thread (review mode, tests). `worker` null: on this thread.
   * `extra`: how often a file that cannot be written is tried again, the audit queue's bounds.
   * `onAuditStatus` hears the audit queue's status whenever it changes (degraded, caught up, retried).
   */
  constructor(
    file: string | null,
    worker: WorkerLocation | null = null,
    extra: Omit<SecurityServiceOptions, 'file'> = {},
    onAuditStatus: (status: AuditStoreStatus) => void = () => {},
  ) {
    this.current = { state: 'ok', problem: null, file };
    const options: SecurityServiceOptions = { file, ...extra };
    this.client = new StoreClient({
      service: 'security',
      options,
      worker: file === null ? null : worker,
      factory: securityService,
      onEvent: (name, payload) => {
        if (name === 'status') this.setStatus(payload as SecurityFileStatus);
        if (name === 'auditStatus') onAuditStatus(payload as AuditStoreStatus);
      },
    });
  }

  /**
   * Resolves once the file is open, also read-only or unavailable (see status());
   * rejects with the reason it cannot be used (another kind, a newer version, damaged).
   */
  async opened(): Promise<SecurityFileStatus> {
    this.setStatus(await this.client.call<SecurityFileStatus>('open'));
    return this.current;
  }

  /** Whether the file can be written, as the store last said. */
  status(): SecurityFileStatus {
    return this.current;
  }

  /** Hears every change of status (read-only, writable again). */
  onStatus(listener: (status: SecurityFileStatus) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private setStatus(status: SecurityFileStatus): void {
    if (status.state === this.current.state && status.problem === this.current.problem) return;
    this.current = status;
    for (const listener of [...this.listeners]) listener(status);
  }

  close(): Promise<void> {
    return this.client.close();
  }

  userCount(): Promise<number> {
    return this.client.call('userCount');
  }

  user(name: string): Promise<(UserInfo & { hash: string }) | undefined> {
    return this.client.call('user', { name });
  }

  users(): Promise<UserInfo[]> {
    return this.client.call('users');
  }

  administrators(): Promise<number> {
    return this.client.call('administrators');
  }

  addUser(name: string, role: Role, hash: string, now: number): Promise<UserInfo> {
    return this.client.call('addUser', { name, role, hash, now });
  }

  setRole(name: string, role: Role, now: number): Promise<void> {
    return this.client.call('setRole', { name, role, now });
  }

  setHash(name: string, hash: string, now: number): Promise<void> {
    return this.client.call('setHash', { name, hash, now });
  }

  removeUser(name: string): Promise<void> {
    return this.client.call('removeUser', { name });
  }

  /**
   * Appends to the chain; resolves with the entry (its seq and hash) once
   * committed, or null when the disk refused it and it waits in the store's
   * queue (the status says so). Rejects only when the store cannot be reached.
   */
  appendAudit(entry: NewAuditEntry): Promise<{ entry: AuditEntry | null; status: AuditStoreStatus }> {
    return this.client.call('appendAudit', entry);
  }

  auditStatus(): Promise<AuditStoreStatus> {
    return this.client.call('auditStatus');
  }

  /** For tests: caps the file in pages (fills the "disk"), or lifts the cap. */
  setMaxPageCount(pages: number): Promise<void> {
    return this.client.call('setMaxPageCount', { pages });
  }

  queryAudit(query: AuditQuery): Promise<{ entries: AuditEntry[]; truncated: boolean }> {
    return this.client.call('queryAudit', query);
  }

  verifyAudit(): Promise<AuditVerification & { head: string }> {
    return this.client.call('verifyAudit');
  }
}
