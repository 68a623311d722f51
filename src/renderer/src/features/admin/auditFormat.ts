// How audit entries read on screen: the action in words (the runtime's id on
// hover and in the CSV), which actions are refusals or failures (marked with
// a symbol, not only a colour), and the change as "old → new". Pure.
import type { AuditEntry } from '../../../../shared/security';
import { NO_VALUE } from '../../ui/format';

/** The actions the runtime records today; an action not here shows as its id. */
export const ACTION_TEXT: Readonly<Record<string, string>> = {
  'tags.write': 'Tag written',
  'tags.write_failed': 'Tag write failed',
  'alarms.ack': 'Alarms acknowledged',
  'alarms.shelve': 'Alarm shelved',
  'alarms.unshelve': 'Alarm unshelved',
  'alarms.setOutOfService': 'Alarm service changed',
  'project.trends.save': 'Trend view saved',
  'project.trends.delete': 'Trend view deleted',
  'simulator.setFault': 'Simulator fault',
  'auth.login': 'Logged in',
  'auth.logout': 'Logged out',
  'auth.login_failed': 'Login failed',
  'auth.login_refused': 'Login refused (too many)',
  'users.add': 'User added',
  'users.remove': 'User removed',
  'users.setRole': 'Role changed',
  'users.passwd': 'Password changed',
  'users.passwd_failed': 'Password change refused',
  denied: 'Refused',
};

/** The action filter's choices: the known actions, then any others seen in the answer, in name order. */
export function actionChoices(seen: Iterable<string>): string[] {
  const known = Object.keys(ACTION_TEXT);
  const extra = [...new Set(seen)].filter((a) => !(a in ACTION_TEXT)).sort();
  return [...known, ...extra];
}

export function actionText(action: string): string {
  return ACTION_TEXT[action] ?? action;
}

/** Something was refused or failed: what an auditor looks for first. */
export function isRefusal(action: string): boolean {
  return action === 'denied' || action.endsWith('_failed') || action.endsWith('_refused');
}

/** "65 → 51.5"; one side missing reads "—"; neither: empty. */
export function changeText(entry: Pick<AuditEntry, 'oldValue' | 'newValue'>): string {
  if (entry.oldValue === null && entry.newValue === null) return '';
  return `${entry.oldValue ?? NO_VALUE} → ${entry.newValue ?? NO_VALUE}`;
}

/** The user names an answer holds, for the user filter's suggestions. */
export function usersOf(entries: readonly Pick<AuditEntry, 'user'>[]): string[] {
  return [...new Set(entries.map((e) => e.user))].sort((a, b) => a.localeCompare(b));
}
