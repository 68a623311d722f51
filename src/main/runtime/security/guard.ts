// Every handler behind the permission its contract method declares: the
// caller is resolved to its session (user, role) and checked before the
// handler runs, whatever the transport. A refused change is itself put on
// the audit trail.
import { methods, type Caller, type Handlers } from '../../../shared/contract';
import { METHOD_NAMES, type MethodName } from '../../../shared/names';
import type { Security } from './security';

export function guardHandlers(handlers: Handlers, security: Security): Handlers {
  const guarded = {} as Record<MethodName, (request: unknown, caller?: Caller) => unknown>;
  for (const name of METHOD_NAMES) {
    const inner = handlers[name] as (request: unknown, caller?: Caller) => unknown;
    const permission = methods[name].permission;
    guarded[name] = (request, caller) => {
      const actor = security.resolve(caller);
      security.authorizeCall(actor, permission, name);
      return inner(request, actor);
    };
  }
  return guarded as unknown as Handlers;
}
