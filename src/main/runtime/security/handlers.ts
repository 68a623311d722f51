// The contract's login, user and audit methods.
import type { Handlers } from '../../../shared/contract';
import type { Security } from './security';

type SecurityMethods = 'auth.login' | 'auth.logout' | 'auth.session' | 'auth.setup' | 'users.list' | 'users.add' | 'users.remove' | 'users.setRole' | 'users.passwd' | 'audit.list' | 'audit.verify';

export function securityHandlers(security: Security): Pick<Handlers, SecurityMethods> {
  return {
    'auth.login': ({ user, password }, caller) => security.login(user, password, caller!),
    'auth.logout': (_request, caller) => ({ loggedOut: security.logout(caller!) }),
    'auth.session': (_request, caller) => security.sessionInfo(caller!),
    'auth.setup': ({ user, password }, caller) => security.setup(user, password, caller!),
    'users.list': () => security.store.users(),
    'users.add': ({ user, role, password }, caller) => security.addUser(user, role, password, caller!),
    'users.remove': async ({ user }, caller) => {
      await security.removeUser(user, caller!);
      return { removed: user };
    },
    'users.setRole': ({ user, role }, caller) => security.setRole(user, role, caller!),
    'users.passwd': async ({ user, password, oldPassword }, caller) => {
      await security.setPassword(user, password, oldPassword, caller!);
      return { changed: user };
    },
    'audit.list': ({ from, to, filter, limit }) => security.queryAudit({ from, to, limit, ...filter }),
    'audit.verify': async () => {
      const { head: _head, ...verification } = await security.store.verifyAudit();
      return verification;
    },
  };
}
