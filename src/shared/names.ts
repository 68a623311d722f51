// The names of the contract's methods and event streams, without their
// schemas: what the preload needs to refuse anything else, at a few hundred
// bytes instead of a schema library. contract.ts checks, at compile time,
// that these lists and its tables name exactly the same things.
export const METHOD_NAMES = [
  'tags.list',
  'tags.browse',
  'tags.write',
  'devices.list',
  'devices.browse',
  'history.query',
  'history.status',
  'history.stats',
  'trends.list',
  'trends.save',
  'trends.delete',
  'alarms.list',
  'alarms.ack',
  'alarms.shelve',
  'alarms.unshelve',
  'alarms.setOutOfService',
  'alarms.journal',
  'alarms.kpis',
  'uplink.status',
  'auth.login',
  'auth.logout',
  'auth.session',
  'auth.setup',
  'users.list',
  'users.add',
  'users.remove',
  'users.setRole',
  'users.passwd',
  'audit.list',
  'audit.verify',
  'simulator.status',
  'simulator.setFault',
] as const;

/** Event streams; a status stream has the name of the method that asks for the same thing once. */
export const EVENT_NAMES = ['tags.changed', 'devices.status', 'alarms.changed', 'history.status', 'uplink.status', 'auth.session'] as const;

export type MethodName = (typeof METHOD_NAMES)[number];
export type EventName = (typeof EVENT_NAMES)[number];

const methodSet: ReadonlySet<string> = new Set(METHOD_NAMES);
const eventSet: ReadonlySet<string> = new Set(EVENT_NAMES);

export function isMethodName(name: unknown): name is MethodName {
  return typeof name === 'string' && methodSet.has(name);
}

export function isEventName(name: unknown): name is EventName {
  return typeof name === 'string' && eventSet.has(name);
}

/** A name a client sent, quoted for an error message: short, and safe for anything (an object whose toString throws). */
export function quoteName(name: unknown): string {
  if (typeof name !== 'string') return `of type ${name === null ? 'null' : typeof name}`;
  return JSON.stringify(name.length > 100 ? `${name.slice(0, 100)}…` : name);
}
