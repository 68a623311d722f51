// `npm run secrets -- COMMAND … --data DIR`: the secrets a project refers to
// by name (`password: { secret: NAME }`), kept encrypted in the data folder
// with a key file only its owner may read. Values come from standard input.
//
//   set NAME     list     remove NAME
import { parseArgs } from 'node:util';
import { defaultDataDir } from '../paths';
import { SecretStore } from '../runtime/security/secrets';
import { readSecret } from './input';

const USAGE = `usage: npm run secrets -- set NAME [--data DIR]   (the value is read from standard input)
       npm run secrets -- list [--data DIR]
       npm run secrets -- remove NAME [--data DIR]
  DIR defaults to ${defaultDataDir()}`;

async function main(): Promise<number> {
  const { values, positionals } = parseArgs({ options: { data: { type: 'string' }, help: { type: 'boolean', short: 'h' } }, allowPositionals: true, strict: true });
  const [command, name] = positionals;
  if (values.help || !command) {
    console.log(USAGE);
    return values.help ? 0 : 2;
  }
  const store = SecretStore.inDataDir(values.data ?? defaultDataDir());
  switch (command) {
    case 'list':
      for (const secret of store.names()) console.log(secret);
      return 0;
    case 'set': {
      if (!name) return usage('set needs a name');
      const value = await readSecret(`Value of ${name}: `);
      if (value.length === 0) return usage('the value is empty');
      store.set(name, value);
      console.log(`stored ${name}`);
      return 0;
    }
    case 'remove':
      if (!name) return usage('remove needs a name');
      if (!store.remove(name)) {
        console.error(`secrets: no secret "${name}"`);
        return 1;
      }
      console.log(`removed ${name}`);
      return 0;
    default:
      return usage(`no command "${command}"`);
  }
}

function usage(problem: string): number {
  console.error(`secrets: ${problem}\n${USAGE}`);
  return 2;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(`secrets: ${(error as Error).message}`);
    process.exit(1);
  },
);
