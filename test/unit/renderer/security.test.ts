// The login UI's pure parts: what a session allows (by permission, a write
// by path pattern) and the words for what it does not; the checks of the
// login forms and how a refused login reads (the rate limit's wait); the
// idle logout's clock; the audit trail's CSV (formula injection defused,
// numbers left alone) and display; the store's reaction to a session that
// changes (the notice of one that ended, what closes with it, the first
// start's dialog offered once); and the client's report of refused calls.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { SessionInfo } from '../../../src/shared/security';
import type { AuditEntry } from '../../../src/shared/security';
import { createClient } from '../../../src/renderer/src/api/client';
import { ApiError, kindOfHttpStatus, parseContractError } from '../../../src/renderer/src/api/errors';
import type { Transport } from '../../../src/renderer/src/api/transport';
import { auditCsv, AUDIT_CSV_COLUMNS, csvAuditValue } from '../../../src/renderer/src/features/admin/auditCsv';
import { actionChoices, actionText, changeText, isRefusal, usersOf } from '../../../src/renderer/src/features/admin/auditFormat';
import { csvText } from '../../../src/renderer/src/features/alarms/journalCsv';
import { loginRefusal, newPasswordProblem, userNameProblem } from '../../../src/renderer/src/features/auth/authRules';
import { IdleTimer, warnBefore } from '../../../src/renderer/src/features/auth/idleTimer';
import {
  can,
  deniedText,
  gate,
  mayAdminister,
  mayWriteTag,
  SESSION_ENDED_TEXT,
  useHmi,
  writeGate,
} from '../../../src/renderer/src/stores';
import type { TagInfo } from '../../../src/shared/types';

const OPERATOR_PERMS = ['read', 'tags.write', 'alarms.ack', 'alarms.shelve'] as const;

function session(over: Partial<SessionInfo> = {}): SessionInfo {
  return {
    user: null,
    role: 'viewer',
    permissions: ['read'],
    write: [],
    expiresAt: null,
    idleLogoutMinutes: 15,
    setupRequired: false,
    audit: { state: 'ok', mode: 'accept', problem: null, pending: 0, dropped: 0 },
    ...over,
  };
}

const operator = (over: Partial<SessionInfo> = {}) =>
  session({ user: 'ann', role: 'operator', permissions: [...OPERATOR_PERMS], write: ['**'], expiresAt: 2e12, ...over });

describe('permissions', () => {
  it('allows by permission, never by role name', () => {
    expect(can(null, 'read')).toBe(false);
    expect(can(session(), 'read')).toBe(true);
    expect(can(session(), 'tags.write')).toBe(false);
    expect(can(operator(), 'alarms.ack')).toBe(true);
    expect(can(operator(), 'alarms.outOfService')).toBe(false);
    // A project that gives a "viewer" acknowledging: the UI follows the permission.
    expect(can(session({ permissions: ['read', 'alarms.ack'] }), 'alarms.ack')).toBe(true);
  });

  it('writes a tag only with tags.write and a matching path pattern', () => {
    expect(mayWriteTag(null, 'Plant/Tank/Level')).toBe(false);
    expect(mayWriteTag(session(), 'Plant/Tank/Level')).toBe(false);
    expect(mayWriteTag(operator(), 'Plant/Tank/Level')).toBe(true);
    const tankOnly = operator({ write: ['Plant/Tank/**'] });
    expect(mayWriteTag(tankOnly, 'Plant/Tank/Level')).toBe(true);
    expect(mayWriteTag(tankOnly, 'Plant/Pump/SpeedSP')).toBe(false);
    // Patterns without the permission do not write.
    expect(mayWriteTag(session({ write: ['**'] }), 'Plant/Tank/Level')).toBe(false);
  });

  it('says who may, in the tooltip of a control that is off', () => {
    expect(deniedText(null, 'tags.write')).toBe('Log in as an operator to write');
    expect(deniedText(session(), 'tags.write')).toBe('Log in as an operator to write');
    expect(deniedText(session(), 'alarms.ack')).toBe('Log in as an operator to acknowledge alarms');
    expect(deniedText(session(), 'simulator.control')).toBe('Log in as an engineer to inject faults');
    expect(deniedText(operator(), 'project.edit', 'save or delete trend views')).toBe(
      'ann (operator) may not save or delete trend views: log in as an engineer',
    );
    expect(deniedText(operator(), 'users.manage')).toBe('ann (operator) may not manage users: log in as an administrator');
    expect(gate(operator(), 'alarms.ack')).toBeNull();
    expect(gate(session(), 'alarms.ack')).toBe('Log in as an operator to acknowledge alarms');
  });

  it('names the path when the role may write, but not there', () => {
    expect(writeGate(session(), 'Plant/Pump/SpeedSP')).toBe('Log in as an operator to write');
    expect(writeGate(operator(), 'Plant/Pump/SpeedSP')).toBeNull();
    expect(writeGate(operator({ write: ['Plant/Tank/**'] }), 'Plant/Pump/SpeedSP')).toBe('ann (operator) may not write Plant/Pump/SpeedSP');
  });

  it('shows the Admin screen to whoever may manage users or read the audit trail', () => {
    expect(mayAdminister(null)).toBe(false);
    expect(mayAdminister(operator())).toBe(false);
    expect(mayAdminister(operator({ permissions: ['read', 'audit.read'] }))).toBe(true);
    expect(mayAdminister(operator({ permissions: ['read', 'users.manage'] }))).toBe(true);
  });
});

describe('login forms', () => {
  it('checks user names as the contract does', () => {
    expect(userNameProblem('')).toBe('Enter a user name');
    expect(userNameProblem('ann.smith@plant-1_a')).toBeNull();
    expect(userNameProblem('ann smith')).toMatch(/letters, digits/);
    expect(userNameProblem('x'.repeat(65))).toMatch(/1 to 64/);
  });

  it('wants new passwords of 8 characters or more, typed twice alike', () => {
    expect(newPasswordProblem('short', 'short')).toBe('A password has at least 8 characters');
    expect(newPasswordProblem('12345678', '12345679')).toBe('The two passwords differ');
    expect(newPasswordProblem('12345678', '12345678')).toBeNull();
    expect(newPasswordProblem('x'.repeat(1025), 'x'.repeat(1025))).toMatch(/at most 1024/);
  });

  it('reads a refused login: the runtime’s words, and a rate limit’s wait', () => {
    expect(loginRefusal({ kind: 'unauthenticated', message: 'unknown user or wrong password' })).toEqual({
      kind: 'unauthenticated',
      text: 'unknown user or wrong password',
      waitSeconds: null,
    });
    expect(loginRefusal({ kind: 'rate_limited', message: 'too many failed logins: try again in 42 s' })).toMatchObject({
      kind: 'rate_limited',
      waitSeconds: 42,
    });
    // A wait it cannot read: the runtime's window, a minute.
    expect(loginRefusal({ kind: 'rate_limited', message: 'slow down' }).waitSeconds).toBe(60);
    expect(loginRefusal({ kind: 'rate_limited', message: 'try again in 0 s' }).waitSeconds).toBe(1);
  });
});

describe('idle logout', () => {
  beforeEach(() => {
    vi.useFakeTimers();
    vi.setSystemTime(1_000_000);
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  function timer(idleMs = 60_000, warnMs = 15_000) {
    const calls: string[] = [];
    const t = new IdleTimer({
      idleMs,
      warnMs,
      onIdle: () => calls.push('idle'),
      onWarn: (at) => calls.push(`warn@${at}`),
      onActive: () => calls.push('active'),
    });
    return { t, calls };
  }

  it('warns before, then logs out once after the idle time without input', () => {
    const { t, calls } = timer();
    t.start();
    vi.advanceTimersByTime(44_999);
    expect(calls).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(calls).toEqual([`warn@${1_000_000 + 60_000}`]);
    vi.advanceTimersByTime(15_000);
    expect(calls).toEqual([`warn@${1_060_000}`, 'idle']);
    expect(t.isRunning).toBe(false);
    vi.advanceTimersByTime(600_000);
    expect(calls).toHaveLength(2);
  });

  it('input before the warning moves the deadline; one timer, not one per input', () => {
    const { t, calls } = timer();
    t.start();
    for (let i = 0; i < 40; i++) {
      vi.advanceTimersByTime(1_000);
      t.touch();
    }
    expect(vi.getTimerCount()).toBe(1);
    vi.advanceTimersByTime(44_999);
    expect(calls).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(calls).toEqual([`warn@${1_000_000 + 40_000 + 60_000}`]);
  });

  it('input after the warning calls the logout off', () => {
    const { t, calls } = timer();
    t.start();
    vi.advanceTimersByTime(50_000);
    t.touch();
    expect(calls).toEqual([`warn@1060000`, 'active']);
    vi.advanceTimersByTime(59_000);
    expect(calls).toEqual([`warn@1060000`, 'active', `warn@${1_050_000 + 60_000}`]);
    t.stop();
    vi.advanceTimersByTime(600_000);
    expect(calls).toHaveLength(3);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('a machine that slept past the deadline logs out when it wakes', () => {
    const { t, calls } = timer(60_000, 0);
    t.start();
    vi.setSystemTime(1_000_000 + 3_600_000);
    vi.advanceTimersByTime(60_000);
    expect(calls).toEqual(['idle']);
  });

  it('touches before start or after stop do nothing', () => {
    const { t, calls } = timer();
    t.touch();
    t.start();
    t.stop();
    t.touch();
    vi.advanceTimersByTime(120_000);
    expect(calls).toEqual([]);
  });

  it('warns a minute before, or a quarter of a short idle time', () => {
    expect(warnBefore(15 * 60_000)).toBe(60_000);
    expect(warnBefore(60_000)).toBe(15_000);
  });
});

function entry(over: Partial<AuditEntry> = {}): AuditEntry {
  return {
    seq: 7,
    ts: Date.UTC(2025, 2, 14, 8, 0, 0),
    user: 'ann',
    workstation: '127.0.0.1',
    action: 'tags.write',
    target: 'Plant/HeatExchanger/TIC/SP',
    oldValue: '65',
    newValue: '61.5',
    comment: null,
    prevHash: 'a'.repeat(64),
    hash: 'b'.repeat(64),
    ...over,
  };
}

describe('audit trail CSV', () => {
  it('has a header and one row per entry, newest first as given, with the hashes', () => {
    const csv = auditCsv([entry({ seq: 8 }), entry()]);
    const lines = csv.split('\r\n');
    expect(lines[0]).toBe(AUDIT_CSV_COLUMNS.join(','));
    expect(lines[1]).toBe(
      `8,2025-03-14T08:00:00.000Z,ann,127.0.0.1,tags.write,Plant/HeatExchanger/TIC/SP,65,61.5,,${'a'.repeat(64)},${'b'.repeat(64)}`,
    );
    expect(lines[2]!.startsWith('7,')).toBe(true);
    expect(lines).toHaveLength(4);
    expect(lines[3]).toBe('');
  });

  it('defuses what a spreadsheet would run, and leaves numbers alone', () => {
    const row = auditCsv([
      entry({
        user: '=cmd|/C calc!A0',
        target: '+SUM(A1)',
        oldValue: '-5',
        newValue: '@HYPERLINK("http://x")',
        comment: '  =1+1',
        workstation: '-host',
      }),
    ]).split('\r\n')[1]!;
    expect(row).toContain(`'=cmd|/C calc!A0`);
    expect(row).toContain(`'+SUM(A1)`);
    expect(row).toContain(',-5,');
    expect(row).toContain(`"'@HYPERLINK(""http://x"")"`);
    expect(row).toContain(`'  =1+1`);
    expect(row).toContain(`'-host`);
  });

  it('quotes commas, quotes and line breaks; empty for null', () => {
    expect(csvAuditValue(null)).toBe('');
    expect(csvAuditValue('1.5e3')).toBe('1.5e3');
    expect(csvAuditValue('-1+2')).toBe(`'-1+2`);
    expect(csvAuditValue('{"name":"a,b"}')).toBe('"{""name"":""a,b""}"');
    expect(auditCsv([entry({ comment: 'line 1\nline 2' })])).toContain('"line 1\nline 2"');
  });

  it('the journal’s helper defuses a formula behind leading spaces too', () => {
    expect(csvText(' =1+1')).toBe(`' =1+1`);
    expect(csvText('\t=1')).toBe(`'\t=1`);
    expect(csvText('a = b')).toBe('a = b');
  });
});

describe('audit trail display', () => {
  it('says the change as old → new', () => {
    expect(changeText(entry())).toBe('65 → 61.5');
    expect(changeText(entry({ oldValue: null, newValue: 'operator' }))).toBe('— → operator');
    expect(changeText(entry({ oldValue: 'operator', newValue: null }))).toBe('operator → —');
    expect(changeText(entry({ oldValue: null, newValue: null }))).toBe('');
  });

  it('marks refusals and failures, names actions in words', () => {
    expect(isRefusal('denied')).toBe(true);
    expect(isRefusal('auth.login_failed')).toBe(true);
    expect(isRefusal('auth.login_refused')).toBe(true);
    expect(isRefusal('tags.write')).toBe(false);
    expect(actionText('tags.write')).toBe('Tag written');
    expect(actionText('loops.tune')).toBe('loops.tune');
    const choices = actionChoices(['zeta.new', 'tags.write', 'alpha.new']);
    expect(choices.slice(-2)).toEqual(['alpha.new', 'zeta.new']);
    expect(choices.filter((c) => c === 'tags.write')).toHaveLength(1);
    expect(usersOf([{ user: 'bob' }, { user: 'ann' }, { user: 'bob' }])).toEqual(['ann', 'bob']);
  });
});

describe('session in the store', () => {
  const initial = useHmi.getState();
  beforeEach(() => useHmi.setState(initial, true));

  const tag = (path: string): TagInfo =>
    ({ path, writable: true, dataType: 'float32', units: '', description: '', value: 1, quality: { status: 'good' }, ts: 1 }) as unknown as TagInfo;

  it('says when a login vanished unasked, not when the HMI logged out itself', () => {
    const store = useHmi.getState();
    store.setSession(operator());
    expect(useHmi.getState().sessionNotice).toBeNull();
    useHmi.getState().setSession(session());
    expect(useHmi.getState().sessionNotice).toMatchObject({ kind: 'ended', text: SESSION_ENDED_TEXT });

    useHmi.getState().setSession(operator());
    expect(useHmi.getState().sessionNotice).toBeNull();
    useHmi.getState().setSession(session(), true);
    expect(useHmi.getState().sessionNotice).toBeNull();
  });

  it('an answer that repeats the last one changes nothing', () => {
    useHmi.getState().setSession(operator());
    const before = useHmi.getState();
    useHmi.getState().setSession(operator());
    expect(useHmi.getState()).toBe(before);
  });

  it('opens the write dialog only for a login that may write the tag, and closes it when the login goes', () => {
    useHmi.getState().setCatalog([tag('Plant/Tank/SP'), tag('Plant/Pump/SP')]);
    useHmi.getState().openWrite('Plant/Tank/SP');
    expect(useHmi.getState().writePath).toBeNull();
    useHmi.getState().setSession(operator({ write: ['Plant/Tank/**'] }));
    useHmi.getState().openWrite('Plant/Pump/SP');
    expect(useHmi.getState().writePath).toBeNull();
    useHmi.getState().openWrite('Plant/Tank/SP');
    expect(useHmi.getState().writePath).toBe('Plant/Tank/SP');
    useHmi.getState().setSession(session(), true);
    expect(useHmi.getState().writePath).toBeNull();
  });

  it('leaves the Admin screen when the login goes, and returns on the next that may use it', () => {
    const admin = operator({ user: 'root', role: 'administrator', permissions: ['read', 'users.manage', 'audit.read'] });
    useHmi.getState().setSession(admin);
    useHmi.getState().setView('admin');
    useHmi.getState().setSession(session(), true);
    expect(useHmi.getState().view).toBe('tags');
    useHmi.getState().setSession(admin);
    expect(useHmi.getState().view).toBe('admin');

    // Gone elsewhere meanwhile: stays there.
    useHmi.getState().setSession(session(), true);
    useHmi.getState().setView('alarms');
    useHmi.getState().setSession(admin);
    expect(useHmi.getState().view).toBe('alarms');
  });

  it('offers the first administrator once, and only to a client on this machine', () => {
    useHmi.getState().setSession(session({ setupRequired: true, role: null, permissions: [] }));
    expect(useHmi.getState().authDialog).toBeNull();
    useHmi.getState().setSession(session({ setupRequired: true }));
    expect(useHmi.getState().authDialog).toBe('setup');
    useHmi.getState().openAuthDialog(null);
    useHmi.getState().setSession(session({ setupRequired: true, idleLogoutMinutes: 5 }));
    expect(useHmi.getState().authDialog).toBeNull();
  });
});

describe('client: refused calls', () => {
  function fakeTransport(fail: (method: string) => ApiError | null) {
    const renew = vi.fn();
    const transport: Transport = {
      kind: 'http',
      endpoint: 'test',
      call: (method) => {
        const error = fail(method);
        return error ? Promise.reject(error) : Promise.resolve({ ok: method });
      },
      subscribe: () => ({ update: () => {}, close: () => {} }),
      connectionState: () => 'connected',
      onConnectionState: () => () => {},
      renewEvents: renew,
      dispose: () => {},
    };
    return { transport, renew };
  }

  it('tells its listeners of every refusal, by any method, and still rejects', async () => {
    const { transport, renew } = fakeTransport((m) =>
      m === 'tags.write' ? new ApiError({ kind: 'forbidden', message: 'without a login you are a viewer' }) : null,
    );
    const client = createClient(transport);
    const heard: string[] = [];
    const off = client.onCallError((method, error) => heard.push(`${method}:${error.kind}`));
    await expect(client['tags.write']({ path: 'a', value: 1 })).rejects.toThrow('without a login');
    await expect(client.call('tags.write', { path: 'a', value: 1 })).rejects.toBeInstanceOf(ApiError);
    await client['tags.list']({});
    expect(heard).toEqual(['tags.write:forbidden', 'tags.write:forbidden']);
    off();
    await expect(client['tags.write']({ path: 'a', value: 1 })).rejects.toThrow();
    expect(heard).toHaveLength(2);
    client.renewEvents();
    expect(renew).toHaveBeenCalledTimes(1);
  });

  it('knows the security error kinds, with and without a body', () => {
    expect(parseContractError({ kind: 'rate_limited', message: 'wait' })).toEqual({ kind: 'rate_limited', message: 'wait' });
    expect(parseContractError({ kind: 'unauthenticated', message: 'log in' })?.kind).toBe('unauthenticated');
    expect(parseContractError({ kind: 'forbidden', message: 'no' })?.kind).toBe('forbidden');
    expect(kindOfHttpStatus(401)).toBe('unauthenticated');
    expect(kindOfHttpStatus(403)).toBe('forbidden');
    expect(kindOfHttpStatus(429)).toBe('rate_limited');
  });
});
