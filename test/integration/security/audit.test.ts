// The audit trail on a real SQLite file: every change is on it, the hash
// chain holds across a restart, and an edited, deleted or inserted row is
// found; logins are rate-limited; sessions end; users and secrets from the
// command line.
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { ContractFailure } from '../../../src/shared/contract';
import { parseProject } from '../../../src/main/runtime/project/load';
import { SecretStore } from '../../../src/main/runtime/security/secrets';
import { RUNTIME_CALLER, Security, trustedCaller } from '../../../src/main/runtime/security/security';

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  while (cleanups.length > 0) await cleanups.pop()!();
});

/** The store worker, run from source through tsx: the security file is kept in its own thread, as in the application. */
const worker = { url: new URL('../../helpers/tsWorker.mjs', import.meta.url), entry: new URL('../../../src/main/runtime/storeWorker/worker.ts', import.meta.url).href };

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'security-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

const remote = (workstation: string) => ({ user: 'anonymous', workstation, role: null, token: null, local: false });

async function failureOf(promise: Promise<unknown>): Promise<ContractFailure> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof ContractFailure) return error;
    throw error;
  }
  throw new Error('it succeeded');
}

describe('audit trail', () => {
  it('chains every entry, survives a reopen, and names the first edited, deleted or inserted entry', async () => {
    const file = join(tempDir(), 'security.db');
    const first = new Security({ file, worker });
    await first.addUser('ann', 'operator', 'password-1', RUNTIME_CALLER);
    const ann = trustedCaller('ann', 'ws-1', 'operator');
    for (let i = 0; i < 5; i++) first.audit(ann, 'tags.write', `Plant/T${i}`, String(i), String(i + 1), null);
    await first.close();

    const second = new Security({ file, worker });
    second.audit(ann, 'alarms.ack', 'Plant/T1#hi', null, null, 'seen');
    expect(await second.store.verifyAudit()).toMatchObject({ ok: true, entries: 7, brokenAt: null });
    await second.close();

    const tamper = async (sql: string) => {
      const db = new Database(file);
      db.exec(sql);
      db.close();
      const security = new Security({ file, worker });
      const result = await security.store.verifyAudit();
      await security.close();
      return result;
    };
    const copy = readFileSync(file);
    expect(await tamper("UPDATE audit SET new_value = '999' WHERE seq = 3")).toMatchObject({ ok: false, brokenAt: 3, problem: 'entry 3 was changed after it was written' });
    writeFileSync(file, copy);
    expect(await tamper('DELETE FROM audit WHERE seq = 4')).toMatchObject({ ok: false, brokenAt: 5, problem: 'entry 4 is missing (the next is 5)' });
    writeFileSync(file, copy);
    // A deletion covered up by renumbering still breaks the chain.
    expect(await tamper('DELETE FROM audit WHERE seq = 4; UPDATE audit SET seq = seq - 1 WHERE seq > 4')).toMatchObject({ ok: false, brokenAt: 4 });
    writeFileSync(file, copy);
    expect(await tamper("UPDATE audit SET user = 'mallory' WHERE seq = 2")).toMatchObject({ ok: false, brokenAt: 2 });
  });

  it('records logins, failed logins, user changes and password changes, with who and where', async () => {
    const security = new Security({ file: join(tempDir(), 'security.db'), worker });
    cleanups.push(() => security.close());
    const setup = await security.setup('admin', 'admin-password', { user: 'anonymous', workstation: 'hmi-1', role: null, token: null, local: true });
    expect(setup.role).toBe('administrator');
    const admin = security.resolve({ user: 'anonymous', workstation: 'hmi-1', role: null, token: setup.token, local: true });
    await security.addUser('bob', 'operator', 'bob-password', admin);
    await security.setRole('bob', 'engineer', admin);
    await failureOf(security.login('bob', 'nope', remote('10.0.0.5')));
    const bob = await security.login('bob', 'bob-password', remote('10.0.0.5'));
    const bobCaller = security.resolve({ ...remote('10.0.0.5'), token: bob.token });
    expect(bobCaller).toMatchObject({ user: 'bob', role: 'engineer' });
    await security.setPassword('bob', 'new-password', 'bob-password', bobCaller);
    security.logout(bobCaller);
    const actions = (await security.queryAudit({ from: 0, to: Date.now() + 1000, limit: 100 })).entries.map((e) => [e.action, e.user, e.target, e.workstation]);
    expect(actions.reverse()).toEqual([
      ['users.add', 'admin', 'admin', 'hmi-1'],
      ['auth.setup', 'admin', 'admin', 'hmi-1'],
      ['users.add', 'admin', 'bob', 'hmi-1'],
      ['users.setRole', 'admin', 'bob', 'hmi-1'],
      ['auth.login_failed', 'anonymous', 'bob', '10.0.0.5'],
      ['auth.login', 'bob', 'bob', '10.0.0.5'],
      ['users.passwd', 'bob', 'bob', '10.0.0.5'],
      ['auth.logout', 'bob', 'bob', '10.0.0.5'],
    ]);
    expect(security.resolve({ ...remote('10.0.0.5'), token: bob.token }).role).toBeNull();
    // The first administrator is made once, and only on the workstation itself.
    expect((await failureOf(security.setup('eve', 'eve-password', remote('10.0.0.9')))).kind).toBe('forbidden');
    expect((await failureOf(security.setup('eve', 'eve-password', { ...remote('x'), local: true }))).message).toMatch(/users exist already/);
    await expect(security.removeUser('admin', admin)).rejects.toThrow(/last administrator/);
    // One's own password needs the old one, administrators included.
    expect((await failureOf(security.setPassword('admin', 'another-password', undefined, admin))).message).toBe('the old password is wrong');
    await security.setPassword('admin', 'another-password', 'admin-password', admin);
  });
});

describe('logins', () => {
  it('are rate-limited per user from the same client, and the wait passes', async () => {
    let now = 1_000_000;
    const slept: number[] = [];
    const security = new Security({ file: null, maxLoginFailures: 3, loginWindowMs: 60_000, now: () => now, sleep: async (ms) => void slept.push(ms) });
    cleanups.push(() => security.close());
    await security.addUser('carl', 'operator', 'carl-password', RUNTIME_CALLER);
    for (let i = 0; i < 3; i++) expect((await failureOf(security.login('carl', `guess-${i}`, remote('10.0.0.7')))).kind).toBe('unauthenticated');
    // The right password does not help now, from there.
    const limited = await failureOf(security.login('carl', 'carl-password', remote('10.0.0.7')));
    expect(limited.kind).toBe('rate_limited');
    expect(limited.message).toBe('too many failed logins: try again in 60 s');
    // From elsewhere carl is slowed, not locked out (changed: it was refused, so anyone could lock him out).
    expect((await security.login('carl', 'carl-password', remote('10.0.0.8'))).role).toBe('operator');
    expect(slept).toEqual([1000]);
    now += 60_001;
    expect((await security.login('carl', 'carl-password', remote('10.0.0.7'))).role).toBe('operator');
  });

  it('failed from many addresses slow the user with a growing, bounded delay, never lock them out, and raise a login-attack alarm', async () => {
    let now = 2_000_000;
    const slept: number[] = [];
    const alarms: Array<{ id: string; active: boolean; message?: string; priority?: unknown; kind?: unknown }> = [];
    const security = new Security({
      file: null,
      maxLoginFailures: 5,
      now: () => now,
      sleep: async (ms) => void slept.push(ms),
      systemAlarm: (id, spec, active, message) => alarms.push({ id, active, message, priority: spec.priority, kind: spec.kind }),
    });
    cleanups.push(() => security.close());
    await security.addUser('olga', 'operator', 'olga-password', RUNTIME_CALLER);
    // An attacker fails 30 logins in olga's name, from 10 addresses, 3 each (under each address's own limit).
    for (let i = 0; i < 30; i++) {
      now += 1000;
      expect((await failureOf(security.login('olga', `guess-${i}`, remote(`10.9.0.${i % 10}`)))).kind).toBe('unauthenticated');
    }
    // Each attempt past the fifth was slowed more, up to the bound.
    expect(slept.slice(0, 4)).toEqual([1000, 2000, 4000, 8000]);
    expect(Math.max(...slept)).toBe(15_000);
    // Olga, at her own workstation, gets in: slowed, not locked.
    slept.length = 0;
    expect((await security.login('olga', 'olga-password', { ...remote('127.0.0.1'), local: true })).role).toBe('operator');
    expect(slept).toEqual([15_000]);
    // Her own typos from her address still hit the per-address limit.
    for (let i = 0; i < 5; i++) await failureOf(security.login('olga', 'typo', remote('10.1.1.1')));
    expect((await failureOf(security.login('olga', 'olga-password', remote('10.1.1.1')))).kind).toBe('rate_limited');

    // The attack raised a diagnostic system alarm, once the failures piled up, saying what is going on.
    const raised = alarms.find((a) => a.active)!;
    expect(raised).toMatchObject({ id: 'system/login_attack', active: true });
    expect(raised.message).toMatch(/^Login attack: 20 failed logins for "olga" from 10 addresses in 15 min/);
    expect(alarms.filter((a) => !a.active)).toEqual([]);
    const failed = await security.queryAudit({ from: 0, to: now + 1, action: 'auth.login_failed', limit: 100 });
    expect(failed.entries.some((e) => /slowed 15 s by failed logins from other addresses/.test(e.comment ?? ''))).toBe(true);
    // Once the failures age out, the alarm clears.
    now += 16 * 60_000;
    security.checkAttack();
    expect(alarms.at(-1)).toMatchObject({ id: 'system/login_attack', active: false });
  });

  it('end after the idle time and after their lifetime', async () => {
    let now = 5_000_000;
    const security = new Security({ file: null, idleLogoutMinutes: 15, sessionHours: 1, now: () => now });
    cleanups.push(() => security.close());
    await security.addUser('dora', 'operator', 'dora-password', RUNTIME_CALLER);
    const { token } = await security.login('dora', 'dora-password', remote('a'));
    const as = () => security.resolve({ ...remote('a'), token });
    now += 14 * 60_000;
    expect(as().user).toBe('dora');
    now += 14 * 60_000;
    expect(as().user).toBe('dora');
    now += 16 * 60_000;
    expect(as()).toMatchObject({ user: 'anonymous', role: null });
    const again = await security.login('dora', 'dora-password', remote('a'));
    now += 10 * 60_000;
    security.resolve({ ...remote('a'), token: again.token });
    now += 10 * 60_000;
    security.resolve({ ...remote('a'), token: again.token });
    now += 10 * 60_000;
    security.resolve({ ...remote('a'), token: again.token });
    now += 31 * 60_000 - 10 * 60_000;
    expect(security.resolve({ ...remote('a'), token: again.token }).role).toBeNull();
  });
});

describe('command-line tools', () => {
  const cli = (script: string, args: string[], input = '') =>
    spawnSync(process.execPath, [join(process.cwd(), 'out', 'main', `${script}.js`), ...args], { input, encoding: 'utf8' });

  it('adds, lists, changes and removes users with the password on standard input', async () => {
    const data = tempDir();
    expect(cli('users', ['add', 'edge-admin', '--role', 'administrator', '--data', data], 'edge-password\n')).toMatchObject({ status: 0, stdout: 'added edge-admin (administrator)\n' });
    expect(cli('users', ['add', 'op1', '--role', 'operator', '--data', data], 'op1-password\n').status).toBe(0);
    expect(cli('users', ['list', '--data', data]).stdout).toMatch(/^edge-admin\tadministrator\t.*\nop1\toperator\t/);
    expect(cli('users', ['add', 'x', '--role', 'king', '--data', data], 'long-enough\n')).toMatchObject({ status: 2, stderr: expect.stringContaining('--role must be one of viewer, operator, engineer, administrator') });
    expect(cli('users', ['add', 'y', '--role', 'viewer', '--data', data], 'short\n')).toMatchObject({ status: 2, stderr: expect.stringContaining('at least 8 characters') });
    expect(cli('users', ['passwd', 'op1', '--data', data], 'op1-new-password\n').status).toBe(0);
    expect(cli('users', ['remove', 'edge-admin', '--data', data])).toMatchObject({ status: 1, stderr: expect.stringContaining('last administrator') });
    expect(cli('users', ['remove', 'op1', '--data', data]).status).toBe(0);
    const security = new Security({ file: join(data, 'security.db') });
    cleanups.push(() => security.close());
    expect((await security.login('edge-admin', 'edge-password', remote('z'))).role).toBe('administrator');
    expect((await security.store.verifyAudit()).ok).toBe(true);
    expect((await security.queryAudit({ from: 0, to: Date.now() + 1000, action: 'users.remove', limit: 10 })).entries[0]!.user).toMatch(/^cli:/);
  });

  it('keeps secrets encrypted under a key only the owner can read, and refuses a key others can', () => {
    const data = tempDir();
    expect(cli('secrets', ['set', 'broker', '--data', data], 's3cr3t-value\n')).toMatchObject({ status: 0, stdout: 'stored broker\n' });
    expect(readFileSync(join(data, 'secrets.json'), 'utf8')).not.toContain('s3cr3t');
    expect(SecretStore.inDataDir(data).get('broker')).toBe('s3cr3t-value');
    expect(cli('secrets', ['list', '--data', data]).stdout).toBe('broker\n');
    expect(() => SecretStore.inDataDir(data).get('nope')).toThrow('no secret "nope"');
    const stored = JSON.parse(readFileSync(join(data, 'secrets.json'), 'utf8')) as Record<string, { value: string }>;
    stored.broker!.value = Buffer.from('tampered-with-and-long-enough-to-parse').toString('base64');
    writeFileSync(join(data, 'secrets.json'), JSON.stringify(stored));
    expect(() => SecretStore.inDataDir(data).get('broker')).toThrow('cannot be opened');
    chmodSync(join(data, 'secret.key'), 0o644);
    expect(() => SecretStore.inDataDir(data)).toThrow(/can be read by others \(mode 644\)/);
  });

  it('refuses a password written in the project file', () => {
    expect(() => parseProject(`uplink: { url: "mqtt://127.0.0.1:1883", groupId: G, edgeNodeId: E, password: hunter2 }`, 'p.yaml')).toThrow(
      /p.yaml:1: uplink.password: a password is not written in the project file/,
    );
    expect(parseProject(`uplink: { url: "mqtt://127.0.0.1:1883", groupId: G, edgeNodeId: E, password: { secret: broker } }`).uplink!.password).toEqual({ secret: 'broker' });
  });
});
