// Serve mode on a data folder that cannot be written: it starts and serves,
// auth.session names the security file and the cause, a login is refused
// (503) with that sentence, and logins work again once the folder is
// writable. The child runs as nobody when the tests run as root (root
// ignores modes). Needs `npm run build`.
import { spawn } from 'node:child_process';
import { chmodSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { RUNTIME_CALLER, Security } from '../../../src/main/runtime/security/security';
import { asUnprivileged, isRoot, ownedTempDir } from '../../helpers/unprivileged';
import { waitFor } from '../../helpers/waitFor';

const SERVE = join(process.cwd(), 'out', 'main', 'serve.js');
const root = ownedTempDir('serve-readonly-');
afterAll(() => rmSync(root, { recursive: true, force: true }));

async function post(url: string, method: string, body: unknown) {
  const res = await fetch(`${url}api/${method}`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

describe('serve mode on a read-only data folder', () => {
  it('starts, names security.db and the cause, refuses logins, and resumes once the folder is writable', async () => {
    const data = join(root, 'data');
    const project = join(root, 'project.yaml');
    await asUnprivileged(async () => {
      mkdirSync(data);
      writeFileSync(project, 'name: readonly\ndevices: []\ntags: []\n');
      const security = new Security({ file: join(data, 'security.db') });
      await security.addUser('ann', 'administrator', 'password-1', RUNTIME_CALLER);
      await security.close();
      chmodSync(data, 0o555);
    });
    const child = spawn(process.execPath, [SERVE, '--project', project, '--data', data, '--port', '0'], {
      stdio: ['ignore', 'pipe', 'pipe'],
      ...(isRoot ? { uid: 65534, gid: 65534 } : {}),
    });
    let log = '';
    child.stdout.on('data', (d: Buffer) => (log += d.toString()));
    child.stderr.on('data', (d: Buffer) => (log += d.toString()));
    const exited = new Promise((resolve) => child.on('exit', resolve));
    try {
      const url = await waitFor(() => /HMI ready at (http:\/\/\S+?\/)/.exec(log)?.[1], `the ready line (log: ${log})`, 30_000);
      const session = await post(url, 'auth.session', {});
      expect(session.status).toBe(200);
      expect(session.body.securityFile).toMatchObject({ state: 'read_only', problem: expect.stringContaining(join(data, 'security.db')) });
      const login = await post(url, 'auth.login', { user: 'ann', password: 'password-1' });
      expect(login.status).toBe(503);
      expect(JSON.stringify(login.body)).toContain('security.db is read-only');

      await asUnprivileged(() => chmodSync(data, 0o755));
      await waitFor(async () => ((await post(url, 'auth.session', {})).body.securityFile as { state: string }).state === 'ok', 'the security file writable again', 15_000);
      expect((await post(url, 'auth.login', { user: 'ann', password: 'password-1' })).status).toBe(200);
    } finally {
      await asUnprivileged(() => chmodSync(data, 0o755));
      child.kill('SIGTERM');
      await exited;
    }
  }, 60_000);
});
