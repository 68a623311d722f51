// What the session allows, as the UI asks it: one permission, a write to one
// tag path, and the words for a control that is not allowed. Controls are
// gated by permission (what `auth.session` lists), never by role name: a
// project may give an operator more or less than the default. The runtime
// checks every call anyway; this only keeps the UI from offering what it
// would refuse. Pure: no DOM, no store.
import type { Permission, Role, SessionInfo } from '../../../shared/security';
import { matchesPattern } from '../../../shared/tagPath';

/** The session's grants as the gate needs them; null: not known yet (nothing is allowed). */
export type SessionGrants = Pick<SessionInfo, 'user' | 'role' | 'permissions' | 'write'> | null;

export function can(session: SessionGrants, permission: Permission): boolean {
  return session !== null && session.permissions.includes(permission);
}

/** A write to `path`: tags.write and one of the role's path patterns. */
export function mayWriteTag(session: SessionGrants, path: string): boolean {
  return can(session, 'tags.write') && session!.write.some((pattern) => matchesPattern(pattern, path));
}

/** What each permission lets one do, as the end of "Log in as an operator to …". */
const VERB: Record<Permission, string> = {
  read: 'look at the plant',
  'tags.write': 'write',
  'alarms.ack': 'acknowledge alarms',
  'alarms.shelve': 'shelve alarms',
  'alarms.outOfService': 'take alarms out of or into service',
  'loops.stepTest': 'run step tests',
  'loops.tune': 'change tuning',
  'project.edit': 'change the project',
  'simulator.control': 'inject faults',
  'audit.read': 'read the audit trail',
  'users.manage': 'manage users',
};

/**
 * The role that has the permission by default, to name in a hint. A project
 * may grant it elsewhere; the hint is advice, the runtime decides.
 */
const USUAL_ROLE: Record<Permission, Exclude<Role, 'viewer'>> = {
  read: 'operator',
  'tags.write': 'operator',
  'alarms.ack': 'operator',
  'alarms.shelve': 'operator',
  'alarms.outOfService': 'engineer',
  'loops.stepTest': 'engineer',
  'loops.tune': 'engineer',
  'project.edit': 'engineer',
  'simulator.control': 'engineer',
  'audit.read': 'engineer',
  'users.manage': 'administrator',
};

const ARTICLE: Record<Role, string> = {
  viewer: 'a viewer',
  operator: 'an operator',
  engineer: 'an engineer',
  administrator: 'an administrator',
};

export const ROLE_TEXT: Record<Role, string> = {
  viewer: 'Viewer',
  operator: 'Operator',
  engineer: 'Engineer',
  administrator: 'Administrator',
};

/**
 * Why a control is off, for its tooltip: "Log in as an operator to write"
 * when nobody is logged in, "ann (viewer) may not write: log in as an
 * operator" when someone is. `verb` overrides the permission's own words
 * ("save or delete views" for project.edit on the trend screen).
 */
export function deniedText(session: SessionGrants, permission: Permission, verb = VERB[permission]): string {
  const who = ARTICLE[USUAL_ROLE[permission]];
  if (session === null || session.user === null) return `Log in as ${who} to ${verb}`;
  return `${session.user} (${session.role ?? 'no role'}) may not ${verb}: log in as ${who}`;
}

/** Null when the control is allowed, else the tooltip that says why not. */
export function gate(session: SessionGrants, permission: Permission, verb?: string): string | null {
  return can(session, permission) ? null : deniedText(session, permission, verb);
}

/** As `gate`, for a write to one tag: the role may write, but perhaps not there. */
export function writeGate(session: SessionGrants, path: string): string | null {
  if (!can(session, 'tags.write')) return deniedText(session, 'tags.write');
  if (mayWriteTag(session, path)) return null;
  return `${session!.user ?? 'This login'} (${session!.role ?? 'no role'}) may not write ${path}`;
}
