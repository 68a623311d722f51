// Every handler behind the permission its contract method declares: the
// caller is resolved to its session (user, role) and checked before the
// handler runs, whatever the transport. A refused change is itself put on
// the audit trail.
//
// An action (a method that changes the plant, its alarms, the project or the
// users) is also checked against the audit trail's health before it runs:
// with `security.auditFailure: refuse` it is refused while the trail cannot
// be written (security.ts, requireAuditable).
import { methods, type Caller, type Handlers } from '../../../shared/contract';
import { METHOD_NAMES, type MethodName } from '../../../shared/names';
import type { Security } from './security';

/** The actions whose audit entry `auditFailure: refuse` protects. */
const ACTIONS: ReadonlySet<MethodName> = new Set<MethodName>([
  'tags.write',
  'trends.save',
  'trends.delete',
  'alarms.ack',
  'alarms.shelve',
  'alarms.unshelve',
  'alarms.setOutOfService',
  'users.add',
  'users.remove',
  'users.setRole',
  'users.passwd',
  'simulator.setFault',
]);

export function guardHandlers(handlers: Handlers, security: Security): Handlers {
  const guarded = {} as Record<MethodName, (request: unknown, caller?: Caller) => unknown>;
  for (const name of METHOD_NAMES) {
    const inner = handlers[name] as (request: unknown, caller?: Caller) => unknown;
    const permission = methods[name].permission;
    guarded[name] = (request, caller) => {
      const actor = security.resolve(caller);
      security.authorizeCall(actor, permission, name);
      if (ACTIONS.has(name)) security.requireAuditable(name);
      return inner(request, actor);
    };
  }
  return guarded as unknown as Handlers;
}
