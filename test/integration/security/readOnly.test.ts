// A security file (or data folder) that cannot be written: the security
// store opens for reading, says which file and why, refuses logins and user
// changes with that sentence (they need an audit entry), and resumes by
// itself once the file can be written. Real files and folders, modes
// enforced (as nobody when the tests run as root).
import { chmodSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { ContractFailure } from '../../../src/shared/contract';
import { RUNTIME_CALLER, Security } from '../../../src/main/runtime/security/security';
import { asUnprivileged, ownedTempDir } from '../../helpers/unprivileged';
import { waitFor } from '../../helpers/waitFor';

const worker = { url: new URL('../../helpers/tsWorker.mjs', import.meta.url), entry: new URL('../../../src/main/runtime/storeWorker/worker.ts', import.meta.url).href };
const root = ownedTempDir('security-readonly-');
let n = 0;
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (cleanups.length > 0) await cleanups.pop()!();
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

const local = { user: 'anonymous', workstation: 'ws', role: 'viewer' as const, token: null, local: true };

function folder(): string {
  const dir = join(root, `d${++n}`);
  return dir;
}

async function withAdmin(file: string): Promise<void> {
  const security = new Security({ file, worker });
  await security.addUser('ann', 'administrator', 'password-1', RUNTIME_CALLER);
  await security.close();
}

function start(file: string): Security {
  const security = new Security({ file, worker, retryMs: 100 });
  cleanups.push(() => security.close());
  return security;
}

async function refusal(promise: Promise<unknown>): Promise<ContractFailure> {
  const error = await promise.then(() => new Error('it succeeded'), (e: unknown) => e);
  if (error instanceof ContractFailure) return error;
  throw error;
}

describe('a security file that cannot be written', () => {
  it('read-only file: starts, serves its users, refuses logins naming the file, resumes when writable', async () => {
    await asUnprivileged(async () => {
      const file = join(folder(), 'security.db');
      await withAdmin(file);
      chmodSync(file, 0o444);
      const security = start(file);
      await security.ready();
      const info = await security.sessionInfo(local);
      expect(info.securityFile).toMatchObject({ state: 'read_only', file, problem: expect.stringContaining(`${file} is read-only`) });
      expect(info.setupRequired).toBe(false);
      expect((await security.store.users()).map((u) => u.name)).toEqual(['ann']);
      const refused = await refusal(security.login('ann', 'password-1', local));
      expect(refused.kind).toBe('unavailable');
      expect(refused.message).toContain(`${file} is read-only`);
      await expect(refusal(security.addUser('bob', 'operator', 'password-2', RUNTIME_CALLER))).resolves.toMatchObject({ kind: 'unavailable' });

      chmodSync(file, 0o644);
      await waitFor(() => security.store.status().state === 'ok', 'the file to be writable again');
      expect((await security.sessionInfo(local)).securityFile).toMatchObject({ state: 'ok', problem: null });
      await expect(security.login('ann', 'password-1', local)).resolves.toMatchObject({ role: 'administrator' });
      expect(await security.store.verifyAudit()).toMatchObject({ ok: true });
    });
  });

  it('read-only data folder: the file is read as it is, logins are refused, and it resumes when the folder is writable', async () => {
    await asUnprivileged(async () => {
      const dir = folder();
      const file = join(dir, 'security.db');
      await withAdmin(file);
      chmodSync(dir, 0o555);
      try {
        const security = start(file);
        await security.ready();
        expect(security.store.status()).toMatchObject({ state: 'read_only', problem: expect.stringContaining(file) });
        expect((await security.store.users()).map((u) => u.name)).toEqual(['ann']);
        await expect(refusal(security.login('ann', 'password-1', local))).resolves.toMatchObject({ kind: 'unavailable' });
        chmodSync(dir, 0o755);
        await waitFor(() => security.store.status().state === 'ok', 'the folder to be writable again');
        await expect(security.login('ann', 'password-1', local)).resolves.toMatchObject({ role: 'administrator' });
      } finally {
        chmodSync(dir, 0o755);
      }
    });
  });

  it('read-only data folder without a security file: unavailable, asks for no setup, and asks once it can be created', async () => {
    await asUnprivileged(async () => {
      const dir = ownedTempDir('security-empty-');
      cleanups.push(async () => rmSync(dir, { recursive: true, force: true }));
      chmodSync(dir, 0o555);
      const file = join(dir, 'security.db');
      try {
        const security = start(file);
        await security.ready();
        const info = await security.sessionInfo(local);
        expect(info.securityFile).toMatchObject({ state: 'unavailable', problem: expect.stringContaining(file) });
        expect(info.setupRequired).toBe(false);
        await expect(refusal(security.setup('ann', 'password-1', local))).resolves.toMatchObject({ kind: 'unavailable' });
        chmodSync(dir, 0o755);
        await waitFor(() => security.store.status().state === 'ok', 'the file to be created');
        expect((await security.sessionInfo(local)).setupRequired).toBe(true);
      } finally {
        chmodSync(dir, 0o755);
      }
    });
  });
});
