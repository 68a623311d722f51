// Who may do what: sessions (tokens) for logged-in users, the role matrix,
// login with rate limiting, user management and the audit trail. The
// runtime's handlers ask it about every request, whatever the transport.
//
// A caller without a session is `anonymous`: on this machine (IPC, or HTTP
// from 127.0.0.1) a viewer, from anywhere else nobody (401). In-process
// calls (tests, the uplink's DCMD) pass no caller and act as the runtime.
import { randomBytes } from 'node:crypto';
import { ContractFailure, type Caller } from '../../../shared/contract';
import { systemAlarmId, type SystemAlarmSink } from '../../../shared/alarms';
import type { AuditEntry, AuditFailureMode, AuditStatus, AuditStoreStatus, MethodPermission, Permission, Role, SessionInfo, UserInfo } from '../../../shared/security';
import { DUMMY_HASH, hashPassword, verifyPassword } from './passwords';
import { attackText, LoginLimiter, type RateLimitOptions } from './rateLimit';
import { RoleMatrix, type RoleConfig } from './roles';
import type { WorkerLocation } from '../storage/client';
import { SecurityStore, type AuditQuery } from './securityStore';

export interface SecurityOptions {
  /** The security file; null: in memory (nothing survives a restart). */
  readonly file: string | null;
  readonly roles?: Partial<Record<Role, RoleConfig>>;
  readonly sessionHours?: number;
  readonly idleLogoutMinutes?: number;
  readonly maxLoginFailures?: number;
  readonly loginWindowMs?: number;
  /** The rest of the login limits (delays from other addresses, what an attack is); tests shorten them. */
  readonly loginLimits?: Omit<RateLimitOptions, 'maxFailures' | 'windowMs'>;
  /** Raises and clears the security's system alarms (a login attack; the audit trail degraded). */
  readonly systemAlarm?: SystemAlarmSink;
  /** Waits before an attempt is checked (tests count the delays instead of waiting them). */
  readonly sleep?: (ms: number) => Promise<void>;
  readonly now?: () => number;
  /** Offline review has no users and needs none: it never asks for a first administrator. */
  readonly noSetup?: boolean;
  /** The store worker that keeps the file; omitted: the store runs on this thread (tools, tests). */
  readonly worker?: WorkerLocation | null;
  /** How often a security file that cannot be written is tried again (default 5 s). */
  readonly retryMs?: number;
  /**
   * The project's `security.auditFailure`: what an action does while the audit
   * trail cannot be written. `accept` (default): it is carried out and its entry
   * waits in a bounded queue; `refuse`: it is refused before it happens.
   */
  readonly auditFailure?: AuditFailureMode;
  /** Audit entries waiting for the disk, at most (beyond: dropped, counted, and the gap recorded). */
  readonly maxPendingAudit?: number;
  readonly auditRetryMs?: number;
  /** For tests: a cap on the security file in pages (fills the "disk"). */
  readonly maxPageCount?: number;
}

interface Session {
  readonly token: string;
  readonly user: string;
  role: Role;
  readonly expiresAt: number;
  lastSeen: number;
}

export const LOGIN_ATTACK_ALARM = systemAlarmId('login_attack');
export const AUDIT_ALARM = systemAlarmId('audit');

/** How often the HMI hears of the queue's length while the trail is degraded (state changes go at once). */
const AUDIT_STATUS_MS = 1000;

/** The runtime acting by itself (in-process calls). */
export const RUNTIME_CALLER: Caller = { user: 'runtime', workstation: 'local', role: 'administrator', token: null, local: true };

const PERMISSION_TEXT: Record<Permission, string> = {
  read: 'look at the plant',
  'tags.write': 'write to tags',
  'alarms.ack': 'acknowledge alarms',
  'alarms.shelve': 'shelve alarms',
  'alarms.outOfService': 'take alarms out of service',
  'loops.stepTest': 'run step tests',
  'loops.tune': 'change tuning',
  'project.edit': 'edit the project',
  'simulator.control': 'inject faults into the simulated plant',
  'audit.read': 'read the audit trail',
  'users.manage': 'manage users',
};

/** Callers made inside the process (never by a transport): taken as they are. */
const trustedCallers = new WeakSet<Caller>([RUNTIME_CALLER]);

/** A caller for in-process work that acts with a role of its own (the uplink's DCMD). */
export function trustedCaller(user: string, workstation: string, role: Role): Caller {
  const caller: Caller = { user, workstation, role, token: null, local: true };
  trustedCallers.add(caller);
  return caller;
}

export class Security {
  readonly store: SecurityStore;
  readonly roles: RoleMatrix;
  private readonly sessions = new Map<string, Session>();
  private readonly deniedAt = new Map<string, number>();
  private readonly endListeners = new Set<(token: string) => void>();
  private readonly changeListeners = new Set<() => void>();
  private readonly sweepTimer: NodeJS.Timeout;
  private readonly limiter: LoginLimiter;
  private underAttack = false;
  /** The audit queue's last status (from the store's answers and events), and entries lost on the way to it. */
  private auditStore: AuditStoreStatus = { state: 'ok', problem: null, pending: 0, dropped: 0 };
  private lostHere = 0;
  private lostProblem: string | null = null;
  private auditShown: AuditStatus;
  private auditTimer: NodeJS.Timeout | null = null;
  private readonly sessionMs: number;
  private readonly idleMs: number;
  private readonly now: () => number;

  constructor(private readonly options: SecurityOptions) {
    this.store = new SecurityStore(
      options.file,
      options.worker ?? null,
      { retryMs: options.retryMs, maxPageCount: options.maxPageCount, maxPendingAudit: options.maxPendingAudit, auditRetryMs: options.auditRetryMs },
      (status) => this.auditStoreChanged(status),
    );
    this.auditShown = this.auditStatus();
    // Read-only, writable again: `auth.session` carries it, so the header shows it at once.
    this.store.onStatus(() => this.changed());
    this.roles = new RoleMatrix(options.roles);
    this.limiter = new LoginLimiter({ ...options.loginLimits, maxFailures: options.maxLoginFailures, windowMs: options.loginWindowMs });
    this.sessionMs = (options.sessionHours ?? 12) * 3_600_000;
    this.idleMs = (options.idleLogoutMinutes ?? 15) * 60_000;
    this.now = options.now ?? Date.now;
    this.sweepTimer = setInterval(() => this.sweep(), 30_000);
    this.sweepTimer.unref();
  }

  /**
   * Resolves once the security file is open, also when it is read-only or cannot be
   * read (the runtime starts and serves viewers); rejects with why it cannot be used
   * otherwise (another kind of file, a newer version, damaged).
   */
  async ready(): Promise<void> {
    await this.store.opened();
  }

  /** Refuses (503, naming the file and the cause) what needs the security file written. */
  private requireWritable(what: string): void {
    const status = this.store.status();
    if (status.state !== 'ok') throw new ContractFailure('unavailable', `${what} is not possible now: ${status.problem}`);
  }

  /** Lets the store commit what it was given and close the file. */
  async close(): Promise<void> {
    clearInterval(this.sweepTimer);
    if (this.auditTimer) clearTimeout(this.auditTimer);
    this.auditTimer = null;
    await this.store.close();
  }

  /** The caller as the handlers see it: the session's user and role, or anonymous. */
  resolve(caller: Caller | undefined, touch = true): Caller {
    if (!caller) return RUNTIME_CALLER;
    if (trustedCallers.has(caller)) return caller;
    const session = caller.token === null ? undefined : this.session(caller.token, touch);
    if (session) return { ...caller, user: session.user, role: session.role };
    // No session, or one that ended (logged out, expired, idle too long): anonymous, so logging in still works.
    return { ...caller, user: 'anonymous', role: caller.local ? 'viewer' : null, token: null };
  }

  /** Throws 401 (not logged in) or 403 (not allowed) unless the caller may. */
  authorize(caller: Caller, permission: MethodPermission): void {
    if (permission === 'public') return;
    if (caller.role === null) throw new ContractFailure('unauthenticated', `log in to ${PERMISSION_TEXT[permission]}`);
    if (!this.roles.allows(caller.role, permission)) {
      const who = caller.token === null && caller.role === 'viewer' ? 'without a login you are a viewer, who' : `${caller.user} (${caller.role})`;
      throw new ContractFailure('forbidden', `${who} may not ${PERMISSION_TEXT[permission]}`);
    }
  }

  /** `authorize` for a contract method: a refused change is itself put on the audit trail. */
  authorizeCall(caller: Caller, permission: MethodPermission, method: string): void {
    try {
      this.authorize(caller, permission);
    } catch (error) {
      if (error instanceof ContractFailure && permission !== 'read' && permission !== 'public' && this.worthAuditing(caller, method)) {
        void this.audit(caller, 'denied', method, null, null, error.message);
      }
      throw error;
    }
  }

  /** A refusal is recorded once a minute per workstation, user and method: a client retrying in a loop cannot flood the trail. */
  private worthAuditing(caller: Caller, method: string): boolean {
    const key = `${caller.workstation}\u0000${caller.user}\u0000${method}`;
    const now = this.now();
    const last = this.deniedAt.get(key);
    if (last !== undefined && now - last < 60_000) return false;
    if (this.deniedAt.size > 10_000) this.deniedAt.clear();
    this.deniedAt.set(key, now);
    return true;
  }

  /** Writes to this path: the role's tags.write and one of its path patterns. */
  authorizeWrite(caller: Caller, path: string): void {
    this.authorize(caller, 'tags.write');
    if (!this.roles.mayWrite(caller.role!, path)) throw new ContractFailure('forbidden', `${caller.user} (${caller.role}) may not write ${path}`);
  }

  /** `touch: false` asks without it counting as activity (a pushed `auth.session` is no request of the user's). */
  async sessionInfo(caller: Caller, touch = true): Promise<SessionInfo> {
    const session = caller.token === null ? undefined : this.session(caller.token, touch);
    const role = session?.role ?? caller.role;
    const grant = role === null ? null : this.roles.grant(role);
    const securityFile = this.store.status();
    return {
      user: session?.user ?? null,
      role,
      permissions: grant ? [...grant.permissions] : [],
      write: grant ? [...grant.write] : [],
      expiresAt: session?.expiresAt ?? null,
      idleLogoutMinutes: this.idleMs / 60_000,
      // Only while the first administrator can be written: a read-only file asks for nothing it would refuse.
      setupRequired: this.options.noSetup !== true && securityFile.state === 'ok' && (await this.store.userCount()) === 0,
      securityFile,
      audit: this.auditStatus(),
    };
  }

  // ---- logging in and out ----

  async login(user: string, password: string, caller: Caller): Promise<{ token: string; role: Role; expiresAt: number }> {
    this.requireWritable('logging in');
    const address = caller.workstation;
    const remote = !caller.local;
    // Refused: this user's failures from this address, or (a client elsewhere) this address's failures (rateLimit.ts).
    const wait = this.limiter.retryAfter(user, address, remote, this.now());
    if (wait > 0) {
      await this.audit(caller, 'auth.login_refused', user, null, null, `rate limited for ${Math.ceil(wait / 1000)} s`);
      throw new ContractFailure('rate_limited', `too many failed logins: try again in ${Math.ceil(wait / 1000)} s`);
    }
    // Slowed, never refused: failures in this name from other addresses (anyone could fail them).
    const delay = this.limiter.delay(user, address, this.now());
    if (delay > 0) await this.sleep(delay);
    const slowed = delay > 0 ? `; slowed ${Math.ceil(delay / 1000)} s by failed logins from other addresses` : '';
    const stored = await this.store.user(user);
    // Verify against a dummy hash when the user is unknown, so the answer takes as long either way.
    const ok = (await verifyPassword(password, stored?.hash ?? DUMMY_HASH)) && stored !== undefined;
    if (!ok) {
      this.limiter.failed(user, address, remote, this.now());
      this.checkAttack();
      await this.audit(caller, 'auth.login_failed', user, null, null, `${stored ? 'wrong password' : 'unknown user'}${slowed}`);
      throw new ContractFailure('unauthenticated', 'unknown user or wrong password');
    }
    this.limiter.succeeded(user, address);
    const now = this.now();
    // A login over a session ends that session: one window, one login.
    if (caller.token !== null) this.end(caller.token);
    const session = this.open(stored.name, stored.role, now);
    await this.audit({ ...caller, user: stored.name }, 'auth.login', stored.name, null, stored.role, null);
    // Again once the entry is committed: a window's transport records its new token only when this answer reaches it.
    this.changed();
    return { token: session.token, role: session.role, expiresAt: session.expiresAt };
  }

  /** Ends the caller's session; false when there was none. */
  logout(caller: Caller): boolean {
    if (caller.token === null) return false;
    const session = this.sessions.get(caller.token);
    if (!session) return false;
    this.end(caller.token);
    // Not awaited: a logout is answered at once (the entry goes in order with the rest).
    void this.audit({ ...caller, user: session.user }, 'auth.logout', session.user, null, null, null);
    return true;
  }

  /** The first start: an administrator, created from this machine only while no user exists. */
  async setup(user: string, password: string, caller: Caller): Promise<{ token: string; role: Role; expiresAt: number }> {
    if (!caller.local) throw new ContractFailure('forbidden', 'the first administrator is created on the workstation itself (or with `npm run users`)');
    if (this.options.noSetup) throw new ContractFailure('invalid_request', 'an offline review has no users');
    this.requireWritable('creating the first administrator');
    if ((await this.store.userCount()) > 0) throw new ContractFailure('invalid_request', 'users exist already: log in instead');
    await this.addUser(user, 'administrator', password, { ...caller, user });
    const session = this.open(user, 'administrator', this.now());
    await this.audit({ ...caller, user }, 'auth.setup', user, null, 'administrator', 'the first administrator');
    this.changed(); // as after a login: the window learns its token with this answer
    return { token: session.token, role: session.role, expiresAt: session.expiresAt };
  }

  // ---- users ----

  async addUser(user: string, role: Role, password: string, caller: Caller): Promise<UserInfo> {
    this.requireWritable('adding a user');
    if (await this.store.user(user)) throw new ContractFailure('invalid_request', `user "${user}" exists already`);
    const info = await this.store.addUser(user, role, await hashPassword(password), this.now());
    await this.audit(caller, 'users.add', user, null, role, null);
    // The first user ends `setupRequired`.
    this.changed();
    return info;
  }

  async removeUser(user: string, caller: Caller): Promise<void> {
    this.requireWritable('removing a user');
    const existing = await this.requireUser(user);
    if (existing.role === 'administrator' && (await this.store.administrators()) === 1) {
      throw new ContractFailure('invalid_request', `${user} is the last administrator: make another one first`);
    }
    await this.store.removeUser(user);
    for (const [token, session] of this.sessions) if (session.user === user) this.end(token);
    await this.audit(caller, 'users.remove', user, existing.role, null, null);
  }

  async setRole(user: string, role: Role, caller: Caller): Promise<UserInfo> {
    this.requireWritable('changing a role');
    const existing = await this.requireUser(user);
    if (existing.role === 'administrator' && role !== 'administrator' && (await this.store.administrators()) === 1) {
      throw new ContractFailure('invalid_request', `${user} is the last administrator: make another one first`);
    }
    await this.store.setRole(user, role, this.now());
    for (const session of this.sessions.values()) if (session.user === user) session.role = role;
    this.changed();
    await this.audit(caller, 'users.setRole', user, existing.role, role, null);
    const { hash: _hash, ...info } = existing;
    return { ...info, role };
  }

  /** An administrator sets anyone's password; others change their own, with the old one. */
  async setPassword(user: string, password: string, oldPassword: string | undefined, caller: Caller): Promise<void> {
    this.requireWritable('changing a password');
    const existing = await this.requireUser(user);
    const admin = caller.role !== null && this.roles.allows(caller.role, 'users.manage');
    // Your own password always needs the old one (a session left open must not be enough); an administrator resets others'.
    const own = caller.user === user && caller.token !== null;
    if (!admin || own) {
      if (caller.role === null || caller.token === null) throw new ContractFailure('unauthenticated', 'log in to change your password');
      if (caller.user !== user) throw new ContractFailure('forbidden', `${caller.user} may change only their own password`);
      if (oldPassword === undefined || !(await verifyPassword(oldPassword, existing.hash))) {
        await this.audit(caller, 'users.passwd_failed', user, null, null, 'wrong old password');
        throw new ContractFailure('forbidden', 'the old password is wrong');
      }
    }
    await this.store.setHash(user, await hashPassword(password), this.now());
    // Other sessions of that user end: a changed password is often a suspected leak.
    for (const [token, session] of this.sessions) if (session.user === user && token !== caller.token) this.end(token);
    await this.audit(caller, 'users.passwd', user, null, null, null);
  }

  // ---- the audit trail ----

  /**
   * Appends to the audit trail; resolves once the entry is committed (await it
   * before answering an action). Entries keep the order of the calls. A caller
   * that does not wait (a refusal, a logout) is not told of a failure: the
   * promise is marked handled so it cannot end the process.
   */
  audit(caller: Caller, action: string, target: string, oldValue: string | null, newValue: string | null, comment: string | null): Promise<AuditEntry | null> {
    const entry = { ts: this.now(), user: caller.user, workstation: caller.workstation, action, target, oldValue, newValue, comment };
    return this.store.appendAudit(entry).then(
      ({ entry: written, status }) => {
        this.auditStoreChanged(status);
        return written;
      },
      (error: Error) => {
        // The store itself is gone (its worker died, or it did not answer): the entry is lost, and counted.
        this.lostHere++;
        this.lostProblem = `the security store cannot be reached (${error.message}): audit entries are lost`;
        this.auditStoreChanged(this.auditStore);
        return null;
      },
    );
  }

  /** The audit trail's state, as `auth.session` shows it. */
  auditStatus(): AuditStatus {
    const store = this.auditStore;
    const problem = this.lostProblem ?? store.problem;
    return {
      state: problem === null ? 'ok' : 'degraded',
      mode: this.options.auditFailure ?? 'accept',
      problem,
      pending: store.pending,
      dropped: store.dropped + this.lostHere,
    };
  }

  /**
   * With `auditFailure: refuse`, throws (503) while the audit trail cannot be
   * written: call it before an action is carried out. The state is known up
   * front from the store's last answer or event; the first action after the
   * disk filled is carried out and its entry waits (nothing had failed yet).
   */
  requireAuditable(what: string): void {
    if ((this.options.auditFailure ?? 'accept') !== 'refuse') return;
    const status = this.auditStatus();
    if (status.state === 'ok') return;
    throw new ContractFailure(
      'unavailable',
      `${what} refused: the audit trail cannot be written (${status.problem}); this site refuses actions it cannot audit (security.auditFailure: refuse)`,
    );
  }

  private auditStoreChanged(status: AuditStoreStatus): void {
    this.auditStore = status;
    const next = this.auditStatus();
    const before = this.auditShown;
    if (next.state === before.state && next.problem === before.problem && next.pending === before.pending && next.dropped === before.dropped) return;
    if (next.state !== before.state || next.problem !== before.problem || next.dropped !== before.dropped) this.publishAudit();
    // Only the queue's length changed: the HMI hears of it at most once a second.
    else this.auditTimer ??= setTimeout(() => this.publishAudit(), AUDIT_STATUS_MS);
  }

  private publishAudit(): void {
    if (this.auditTimer) clearTimeout(this.auditTimer);
    this.auditTimer = null;
    const before = this.auditShown;
    const next = (this.auditShown = this.auditStatus());
    if (next.state === 'degraded') {
      const lost = next.dropped > 0 ? `, ${next.dropped} lost` : '';
      const what = next.mode === 'refuse' ? 'actions are refused until it is written again' : 'actions go on, their entries wait';
      this.options.systemAlarm?.(AUDIT_ALARM, { label: 'Audit trail' }, true, `Audit trail degraded: ${next.problem}; ${next.pending} waiting${lost}; ${what}`);
    } else if (before.state === 'degraded') {
      this.options.systemAlarm?.(AUDIT_ALARM, { label: 'Audit trail' }, false, 'Audit trail written again: the waiting entries are on it, in order');
    }
    this.changed();
  }

  queryAudit(query: AuditQuery) {
    return this.store.queryAudit(query);
  }

  private open(user: string, role: Role, now: number): Session {
    const session: Session = { token: randomBytes(32).toString('base64url'), user, role, expiresAt: now + this.sessionMs, lastSeen: now };
    this.sessions.set(session.token, session);
    this.changed();
    return session;
  }

  /** A live session; expired and idle ones end here. */
  private session(token: string, touch = true): Session | undefined {
    const session = this.sessions.get(token);
    if (!session) return undefined;
    const now = this.now();
    if (now > session.expiresAt || now - session.lastSeen > this.idleMs) {
      this.end(token);
      return undefined;
    }
    if (touch) session.lastSeen = now;
    return session;
  }

  /** Tells whoever holds a session's streams that it ended (logout, expiry, removal). */
  onSessionEnd(listener: (token: string) => void): () => void {
    this.endListeners.add(listener);
    return () => this.endListeners.delete(listener);
  }

  /**
   * Hears any change to what a caller may be: a login, a session's end, a
   * role changed, the first user created. Listeners ask again what they need.
   */
  /** How many onChange listeners there are (the runtime's own, and one per client's auth.session stream). */
  get changeListenerCount(): number {
    return this.changeListeners.size;
  }

  onChange(listener: () => void): () => void {
    this.changeListeners.add(listener);
    return () => this.changeListeners.delete(listener);
  }

  private changed(): void {
    for (const listener of [...this.changeListeners]) listener();
  }

  private end(token: string): void {
    if (!this.sessions.delete(token)) return;
    for (const listener of this.endListeners) listener(token);
    this.changed();
  }

  /** Ends sessions that expired or went idle even if nobody uses their token again (an open event stream); ends an attack's alarm. */
  private sweep(): void {
    for (const token of [...this.sessions.keys()]) this.session(token);
    this.checkAttack();
  }

  /** Raises the login-attack alarm while failures pile up for one name or from one address, and clears it once they age out. */
  checkAttack(): void {
    const attack = this.limiter.attack(this.now());
    if (attack === null && !this.underAttack) return;
    this.underAttack = attack !== null;
    const message =
      attack === null
        ? 'Login attack over: failed logins are back to normal'
        : `Login attack: ${attackText(attack)}; logins in that name from other addresses are slowed, never locked`;
    this.options.systemAlarm?.(LOGIN_ATTACK_ALARM, { label: 'Login attack' }, attack !== null, message);
  }

  private sleep(ms: number): Promise<void> {
    if (this.options.sleep) return this.options.sleep(ms);
    return new Promise((resolve) => setTimeout(resolve, ms));
  }

  private async requireUser(user: string): Promise<UserInfo & { hash: string }> {
    const existing = await this.store.user(user);
    if (!existing) throw new ContractFailure('not_found', `no user "${user}"`);
    return existing;
  }
}
