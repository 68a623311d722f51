// Users, roles and permissions as the runtime and the HMI share them, and
// the audit trail's entries. Pure TypeScript: no Node, no DOM.

export const ROLES = ['viewer', 'operator', 'engineer', 'administrator'] as const;
export type Role = (typeof ROLES)[number];

/**
 * What a contract method needs. `public`: anyone, logged in or not (logging
 * in, asking who one is); `read`: looking (a viewer, or anyone on 127.0.0.1).
 */
export const PERMISSIONS = [
  'read',
  'tags.write',
  'alarms.ack',
  'alarms.shelve',
  'alarms.outOfService',
  'loops.stepTest',
  'loops.tune',
  'project.edit',
  'simulator.control',
  'audit.read',
  'users.manage',
] as const;
export type Permission = (typeof PERMISSIONS)[number];
export type MethodPermission = Permission | 'public';

/** Who is asking, as `auth.session` tells the HMI. */
export interface SessionInfo {
  /** null: not logged in (a viewer on 127.0.0.1, nobody elsewhere). */
  readonly user: string | null;
  readonly role: Role | null;
  readonly permissions: readonly Permission[];
  /** Tag path patterns the role may write. */
  readonly write: readonly string[];
  readonly expiresAt: number | null;
  /** Minutes of inactivity after which the HMI logs out. */
  readonly idleLogoutMinutes: number;
  /** No user exists yet: the first start asks for an administrator. */
  readonly setupRequired: boolean;
  /** The security file (users, audit trail): absent from runtimes that predate it (take it as ok). */
  readonly securityFile?: SecurityFileStatus;
  /** Whether the audit trail reaches its disk (the header shows it when it does not). */
  readonly audit: AuditStatus;
}

/**
 * Whether the security file can be written. `read_only`: users and the audit
 * trail are readable, but anything that needs an audit entry or a user change
 * (a login, user management) is refused; `unavailable`: not even readable.
 * `problem` names the file and the cause.
 */
export interface SecurityFileStatus {
  readonly state: 'ok' | 'read_only' | 'unavailable';
  readonly problem: string | null;
  readonly file: string | null;
}

/** What the project's `security.auditFailure` says about an action that cannot be audited. */
export const AUDIT_FAILURE_MODES = ['accept', 'refuse'] as const;
export type AuditFailureMode = (typeof AUDIT_FAILURE_MODES)[number];

/** The audit trail's file as its store sees it. */
export interface AuditStoreStatus {
  readonly state: 'ok' | 'degraded';
  /** What is wrong, in words, while degraded. */
  readonly problem: string | null;
  /** Entries waiting (in order) for the disk. */
  readonly pending: number;
  /** Entries lost because the queue was full (the trail records the gap once it is written again). */
  readonly dropped: number;
}

export interface AuditStatus extends AuditStoreStatus {
  /** accept: actions go on, their entries wait; refuse: actions are refused while degraded. */
  readonly mode: AuditFailureMode;
}

export interface UserInfo {
  readonly name: string;
  readonly role: Role;
  readonly createdAt: number;
  readonly changedAt: number;
}

export interface AuditEntry {
  readonly seq: number;
  readonly ts: number;
  readonly user: string;
  readonly workstation: string;
  /** `tags.write`, `alarms.ack`, `auth.login`, `auth.login_failed`, `users.add`, … */
  readonly action: string;
  readonly target: string;
  readonly oldValue: string | null;
  readonly newValue: string | null;
  readonly comment: string | null;
  /** The previous entry's hash, and this entry's (SHA-256, hex). */
  readonly prevHash: string;
  readonly hash: string;
}

export interface AuditVerification {
  readonly ok: boolean;
  readonly entries: number;
  /** The first entry whose chain is broken (edited, deleted before it, or inserted). */
  readonly brokenAt: number | null;
  readonly problem: string | null;
}
