// `npm run users -- COMMAND … --data DIR`: headless user management for edge
// boxes and scripts. Passwords come from standard input, never the command line.
//
//   add NAME --role ROLE     list     remove NAME     passwd NAME
import { hostname, userInfo } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { ContractFailure } from '../../shared/contract';
import { ROLES, type Role } from '../../shared/security';
import { defaultDataDir } from '../paths';
import { trustedCaller, Security } from '../runtime/security/security';
import { readSecret } from './input';

const USAGE = `usage: npm run users -- add NAME --role ROLE [--data DIR]   (the password is read from standard input)
       npm run users -- list [--data DIR]
       npm run users -- remove NAME [--data DIR]
       npm run users -- passwd NAME [--data DIR]
  ROLE: ${ROLES.join(', ')}; DIR defaults to ${defaultDataDir()}`;

async function main(): Promise<number> {
  const { values, positionals } = parseArgs({ options: { role: { type: 'string' }, data: { type: 'string' }, help: { type: 'boolean', short: 'h' } }, allowPositionals: true, strict: true });
  const [command, name, ...extra] = positionals;
  if (values.help || !command) {
    console.log(USAGE);
    return values.help ? 0 : 2;
  }
  if (extra.length > 0) throw new UsageError(`unexpected ${extra.join(' ')}`);
  const security = new Security({ file: join(values.data ?? defaultDataDir(), 'security.db') });
  // The audit trail names who ran the tool, and where.
  const caller = trustedCaller(`cli:${userInfo().username}`, hostname(), 'administrator');
  try {
    switch (command) {
      case 'list':
        for (const user of await security.store.users()) console.log(`${user.name}\t${user.role}\tchanged ${new Date(user.changedAt).toISOString()}`);
        return 0;
      case 'add': {
        const role = values.role as Role | undefined;
        if (!name) throw new UsageError('add needs a user name');
        if (!role || !ROLES.includes(role)) throw new UsageError(`--role must be one of ${ROLES.join(', ')}`);
        await security.addUser(checkName(name), role, checkPassword(await readSecret(`Password for ${name}: `)), caller);
        console.log(`added ${name} (${role})`);
        return 0;
      }
      case 'remove':
        if (!name) throw new UsageError('remove needs a user name');
        await security.removeUser(name, caller);
        console.log(`removed ${name}`);
        return 0;
      case 'passwd':
        if (!name) throw new UsageError('passwd needs a user name');
        await security.setPassword(name, checkPassword(await readSecret(`New password for ${name}: `)), undefined, caller);
        console.log(`changed the password of ${name}`);
        return 0;
      default:
        throw new UsageError(`no command "${command}"`);
    }
  } finally {
    await security.close();
  }
}

class UsageError extends Error {}

function checkName(name: string): string {
  if (!/^[A-Za-z0-9_.@-]{1,64}$/.test(name)) throw new UsageError('a user name is 1..64 letters, digits, _ . @ or -');
  return name;
}

function checkPassword(password: string): string {
  if (password.length < 8) throw new UsageError('a password has at least 8 characters');
  return password;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    if (error instanceof UsageError || (error as { code?: string }).code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') {
      console.error(`users: ${(error as Error).message}\n${USAGE}`);
      process.exit(2);
    }
    console.error(`users: ${error instanceof ContractFailure ? error.message : (error as Error).message}`);
    process.exit(1);
  },
);
