// "Bad input, everywhere": every contract method fed a few hundred generated
// hostile requests through dispatch, against a real runtime (a Modbus device
// with writable tags, an active alarm, a journal file, a historian, saved
// trend views, a project file on disk). Each answer must be a Result, refuse
// what the schema refuses with a short, stack-free message, and never be an
// internal error; afterwards nothing may have been written, saved,
// acknowledged, shelved or polluted. Then the HTTP transport and its
// WebSocket get the same treatment, a little.
//
// Reproduce a run with FUZZ_SEED=<seed> (printed at the start); the failure
// list names the method, the input's number, its category and what was done.
//
// Which requests are sent: every request the schema refuses, to every method.
// A request the schema accepts is sent only to methods that cannot change
// anything with it: the read-only ones, and those (PHANTOM_SAFE) whose
// requests are drawn from a pool without the names of real writable tags,
// alarms or views, so they can only miss. Any other method (trends.save, the
// user and login methods, and every method added later) gets only refused
// requests: its valid ones would change state this test then checks.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { connect } from 'node:net';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { httpStatusOf, isMethodName, methods, type Caller, type Result } from '../../src/shared/contract';
import { METHOD_NAMES, type MethodName } from '../../src/shared/names';
import { loadProjectFile } from '../../src/main/runtime/project/load';
import { Runtime } from '../../src/main/runtime/runtime';
import { createDispatch, type Dispatch } from '../../src/main/transport/dispatch';
import { createHttpTransport } from '../../src/main/transport/http';
import { RawModbusServer } from '../helpers/rawModbusServer';
import { waitFor } from '../helpers/waitFor';
import {
  Dice,
  describe as show,
  HOSTILE_STRINGS,
  hugeStrings,
  PLANTED,
  requestsFor,
  seedFor,
  type Pool,
  type SchemaNode,
} from './hostile';

const SEED = Number(process.env.FUZZ_SEED ?? 20_261_123);
/** Inputs per method: 27 rounds of the 12 categories. */
const PER_METHOD = 324;
const UNKNOWN_METHODS = 320;

/**
 * The caller of every fuzzed request: an administrator, so that a request
 * is refused for what it is and not for who sent it. The security core knows
 * a caller by its session, so beforeAll adds the token of a real
 * administrator's session (made through the contract's auth.setup).
 */
const ADMIN_FIELDS = { user: 'fuzz-admin', workstation: 'fuzz', role: 'administrator', authenticated: true };
let ADMIN = ADMIN_FIELDS as unknown as Caller;
const ADMIN_PASSWORD = 'fuzz-admin-password';

const REAL = {
  writable: ['Area/Unit/Level', 'Area/Other/Valve'],
  readOnly: ['Area/Unit/Temp', 'Area/Unit/Pressure'],
  folders: ['Area', 'Area/Unit', 'Area/Other'],
  alarm: 'Area/Unit/Pressure#hi',
  view: 'Overview',
};

const READ_ONLY = new Set<string>([
  'tags.list', 'tags.browse', 'devices.list', 'devices.browse', 'history.query', 'history.status', 'history.stats', 'trends.list',
  'alarms.list', 'alarms.journal', 'alarms.kpis', 'uplink.status', 'simulator.status', 'auth.session', 'users.list',
  'audit.list', 'audit.verify',
]);
const PHANTOM_SAFE = new Set<string>(['tags.write', 'alarms.ack', 'alarms.shelve', 'alarms.unshelve', 'alarms.setOutOfService', 'trends.delete', 'simulator.setFault']);

/** Read-only methods may see every real name; the others only names that are not writable, alarms or views. */
const REAL_TAGS = [...REAL.writable, ...REAL.readOnly];
/** Tag paths three times over: a request of several paths then often names only real ones. */
const READ_POOL: Pool = { strings: HOSTILE_STRINGS, preferred: [...REAL_TAGS, ...REAL_TAGS, ...REAL_TAGS, ...REAL.folders, REAL.alarm, REAL.view] };
const PHANTOM_POOL: Pool = { strings: HOSTILE_STRINGS, preferred: [...REAL.readOnly, ...REAL.folders] };

const OPERATOR_EVENTS = new Set(['acknowledged', 'shelved', 'unshelved', 'out_of_service', 'in_service', 'reset']);
const WRITE_FCS = new Set([5, 6, 15, 16]);
const STACK = /\n\s+at |^\s*at \S+ \(|\(\/[^)]*:\d+:\d+\)/m;
const ANSWER_MS = 10_000;
const ONE_MB_PLUS = 1024 * 1024 + 1;

const projectText = (port: number) => `# The contract fuzzer's plant: two writable tags, an alarm, a saved view.
name: Fuzz plant
devices:
  - { name: plc, driver: modbus-tcp, host: 127.0.0.1, port: ${port}, pollMs: 50 }
tags:
  - { path: Area/Unit/Level, device: plc, address: "HR:0", units: m, writable: true }
  - { path: Area/Unit/Temp, device: plc, address: "HR:1", units: degC }
  - path: Area/Unit/Pressure
    device: plc
    address: "HR:2"
    units: bar
    alarms: [{ kind: hi, limit: 50, priority: 1, message: "Pressure high: {value} {units}" }]
  - { path: Area/Other/Valve, device: plc, address: "CO:0", writable: true }
trends:
  - name: Overview
    pens: [{ path: Area/Unit/Level, color: "#3366cc" }, { path: Area/Unit/Pressure }]
    range: { mode: live, spanMs: 600000 }
`;

let dir: string;
let device: RawModbusServer;
let runtime: Runtime;
let dispatch: Dispatch;
let projectFile: string;
let projectBytes: Buffer;
const internalLog: string[] = [];
const counts = new Map<string, { sent: number; validSent: number; validHeld: number; kinds: Map<string, number> }>();
const prototypeNames = () => [Object.prototype, Array.prototype, Function.prototype, String.prototype].map((p) => Object.getOwnPropertyNames(p).sort().join(','));
let prototypesBefore: string[];

beforeAll(async () => {
  prototypesBefore = prototypeNames();
  dir = mkdtempSync(join(tmpdir(), 'fuzz-contract-'));
  device = new RawModbusServer();
  const port = await device.listen();
  device.registers[0] = 12;
  device.registers[1] = 21;
  device.registers[2] = 80; // above the alarm's limit: the alarm is active and waits for an acknowledgement
  projectFile = join(dir, 'project.yaml');
  writeFileSync(projectFile, projectText(port));
  projectBytes = readFileSync(projectFile);
  runtime = new Runtime(loadProjectFile(projectFile), {
    changeIntervalMs: 20,
    statusIntervalMs: 20,
    projectFile,
    alarmJournal: { file: join(dir, 'alarms.db'), flushMs: 20 },
    historian: {
      file: join(dir, 'historian.db'),
      workerUrl: new URL('../helpers/tsWorker.mjs', import.meta.url),
      workerEntry: new URL('../../src/main/runtime/historian/worker.ts', import.meta.url).href,
      postMs: 20,
      flushMs: 100,
    },
  });
  runtime.start();
  dispatch = createDispatch(runtime.handlers, (method, caller) => runtime.authorize(method, caller), (message) => internalLog.push(message));

  const local = { user: 'fuzz', workstation: 'fuzz', role: null, token: null, local: true } as unknown as Caller;
  const setup = await dispatch('auth.setup', { user: ADMIN_FIELDS.user, password: ADMIN_PASSWORD }, local);
  if (!setup.ok) throw new Error(`cannot make the fuzzing administrator: ${setup.error.message}`);
  ADMIN = { ...ADMIN_FIELDS, token: (setup.value as { token: string }).token, local: true } as unknown as Caller;

  await waitFor(() => runtime.alarms.find(REAL.alarm)?.state === 'unacknowledged', 'the alarm');
  await waitFor(async () => {
    const journal = await dispatch('alarms.journal', { from: 0, to: Date.now() + 60_000 }, ADMIN);
    return journal.ok && (journal.value as { entries: { event: string }[] }).entries.some((e) => e.event === 'activated');
  }, 'the activation in the journal');
  console.log(`contract fuzz: seed ${SEED} (FUZZ_SEED=${SEED} repeats this run), ${METHOD_NAMES.length} methods`);
}, 60_000);

afterAll(async () => {
  await runtime?.stop();
  await device?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

function isResult(value: unknown): value is Result<unknown> {
  if (value === null || typeof value !== 'object') return false;
  const r = value as { ok?: unknown; error?: unknown };
  return r.ok === true || (r.ok === false && r.error !== null && typeof r.error === 'object');
}

/** What is wrong with an answer, or null. `valid`: the schema accepts the request. */
function problemWith(result: unknown, valid: boolean, expectKind: string | null): string | null {
  if (!isResult(result)) return `not a Result: ${show(result)}`;
  if (result.ok) return valid ? null : 'accepted a request its schema refuses';
  const { kind, message } = result.error as { kind: unknown; message: unknown };
  if (typeof kind !== 'string' || !Object.hasOwn(httpStatusOf, kind)) return `unknown error kind ${show(kind)}`;
  if (kind === 'internal') return `an internal error: ${show(message)}`;
  if (expectKind !== null && kind !== expectKind) return `refused as ${kind}, not ${expectKind}: ${show(message)}`;
  if (typeof message !== 'string' || message.trim() === '') return `no message: ${show(message)}`;
  // Characters as the contract's own limits count them (zod counts code points): a path of 1024 emoji is 1024 characters.
  const characters = [...message].length;
  if (characters >= 2000) return `a message of ${characters} characters: ${show(message)}`;
  if (message.includes('    at ') || STACK.test(message)) return `a stack trace in the message: ${show(message)}`;
  return null;
}

/** dispatch, or a failure after ANSWER_MS; a rejection is reported as what it is. */
async function call(method: unknown, body: unknown): Promise<unknown> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<string>((resolve) => (timer = setTimeout(() => resolve(`no answer in ${ANSWER_MS} ms`), ANSWER_MS)));
  try {
    return await Promise.race([dispatch(method, body, ADMIN), late]);
  } catch (error) {
    return `dispatch rejected: ${error instanceof Error ? error.message : show(error)}`;
  } finally {
    clearTimeout(timer);
  }
}

function tally(method: string) {
  let entry = counts.get(method);
  if (!entry) counts.set(method, (entry = { sent: 0, validSent: 0, validHeld: 0, kinds: new Map() }));
  return entry;
}

describe('contract fuzz: every method, hostile requests through dispatch', () => {
  it('has a real administrator behind ADMIN (so requests are refused for what they are)', async () => {
    const session = await call('auth.session', {});
    expect(session).toMatchObject({ ok: true, value: { role: 'administrator', user: 'fuzz-admin' } });
    expect(await call('tags.list', {})).toMatchObject({ ok: true, value: expect.arrayContaining([expect.objectContaining({ path: 'Area/Unit/Level' })]) });
  });

  it.each([...METHOD_NAMES])('%s: refuses every hostile request cleanly', async (method) => {
    const schema = methods[method as MethodName].request as unknown as SchemaNode;
    const sendValid = READ_ONLY.has(method) || PHANTOM_SAFE.has(method);
    const pool = PHANTOM_SAFE.has(method) ? PHANTOM_POOL : READ_POOL;
    const seed = seedFor(SEED, method);
    const dice = new Dice(seed);
    const entry = tally(method);
    const failures: string[] = [];
    let slowest = { ms: 0, what: '' };
    let i = 0;
    for (const input of requestsFor(schema, dice, pool, PER_METHOD)) {
      const n = i++;
      // dispatch reads a missing body (null, undefined) as {}, as HTTP does an empty one.
      const valid = schema.safeParse(input.body ?? {}).success;
      if (valid && !sendValid) {
        entry.validHeld++;
        continue;
      }
      const logged = internalLog.length;
      const t0 = performance.now();
      const result = await call(method, input.body);
      const took = performance.now() - t0;
      if (took > slowest.ms) slowest = { ms: took, what: `#${n} [${input.category}] ${input.note}` };
      entry.sent++;
      if (valid) entry.validSent++;
      const kind = isResult(result) ? (result.ok ? 'ok' : String((result.error as { kind: unknown }).kind)) : 'not a Result';
      entry.kinds.set(kind, (entry.kinds.get(kind) ?? 0) + 1);
      const problem = problemWith(result, valid, valid ? null : 'invalid_request') ?? (internalLog.length > logged ? `logged: ${internalLog[logged]!.split('\n')[0]}` : null);
      if (problem) failures.push(`${method} #${n} [${input.category}] ${input.note} (valid: ${valid}): ${problem}`);
    }
    console.log(
      `${method}: ${entry.sent + entry.validHeld} inputs, ${entry.sent} sent (${entry.validSent} of them valid), ${entry.validHeld} valid ones held back; ` +
        `answers ${JSON.stringify(Object.fromEntries(entry.kinds))}; slowest ${slowest.ms.toFixed(0)} ms: ${slowest.what}`,
    );
    expect(entry.sent + entry.validHeld).toBeGreaterThanOrEqual(300);
    expect(failures.slice(0, 20), `seed ${SEED} (method seed ${seed}): ${failures.length} failures`).toEqual([]);
  });

  it('answers unknown method names (long, unicode, traversal, near misses, not strings) with unknown_method', async () => {
    const dice = new Dice(seedFor(SEED, '(unknown methods)'));
    const { ascii, unicode } = hugeStrings();
    const fixed: unknown[] = [
      '', ' ', 'tags', 'tags.', '.list', 'tags..list', 'tags.list ', ' tags.list', 'TAGS.LIST', 'Tags.List', 'tags.list\u0000', 'tags.list\n',
      'tags/list', 'tags.list/../users.add', '../../etc/passwd', '..\\..\\windows\\win.ini', '%2e%2e%2fusers.add', 'tags.list%00', 'tags.list?x=1',
      'tags.list#x', '__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty', 'valueOf', '__defineGetter__', 'constructor.prototype',
      'tags.list.__proto__', 'ｔａｇｓ．ｌｉｓｔ', 'tags\u2024list', 'tаgs.list', 'tags.list\u200b', '\u202etsil.sgat', '😀', 'タグ.一覧',
      ascii, unicode, 'a'.repeat(10_000), '.'.repeat(1000), '/'.repeat(1000), 'shell.exec', 'process.exit', 'eval', 'require', 'runtime.stop',
      'security.store', 'handlers', 'then', 'users.add\u0000', 'auth.login ', 'Users.Add',
      // Not strings (IPC carries any structured-clonable value).
      undefined, null, 0, -0, NaN, 1e308, true, [], ['tags.list'], {}, { method: 'tags.list' }, 10n, Symbol('tags.list'), () => 'tags.list',
      new Date(0), new Map([['tags.list', 1]]), new Uint8Array([116, 97, 103, 115]),
    ];
    const names: unknown[] = [...fixed];
    const alphabet = [...'abcdefghijklmnopqrstuvwxyz.ABC_-/\\%😀é\u0000 '];
    while (names.length < UNKNOWN_METHODS) {
      const base = dice.pick(METHOD_NAMES as readonly string[]);
      const chars = [...base];
      const at = dice.int(chars.length + 1);
      switch (dice.int(6)) {
        case 0:
          chars.splice(at, 0, dice.pick(alphabet));
          break;
        case 1:
          chars.splice(Math.min(at, chars.length - 1), 1);
          break;
        case 2:
          chars[Math.min(at, chars.length - 1)] = dice.pick(alphabet);
          break;
        case 3:
          chars.push(dice.pick(['/', '/..', '.x', '%00', '\n', ' '.repeat(1 + dice.int(5)), '.'.repeat(dice.int(300))]));
          break;
        case 4:
          chars.unshift(dice.pick(['../', './', '/', 'api/', '__proto__.', '\ufeff']));
          break;
        default:
          for (let k = 0; k < chars.length; k++) if (dice.chance(0.3)) chars[k] = chars[k]!.toUpperCase();
      }
      const name = chars.join('');
      if (!isMethodName(name)) names.push(name);
    }
    const failures: string[] = [];
    for (const [n, name] of names.entries()) {
      const body = dice.pick([{}, null, undefined, 'x', [], JSON.parse('{"__proto__":{"polluted":"yes"}}')]);
      const problem = problemWith(await call(name, body), false, 'unknown_method');
      if (problem) failures.push(`#${n} ${show(name)}: ${problem}`);
    }
    console.log(`unknown method names: ${names.length} inputs`);
    tally('(unknown methods)').sent = names.length;
    expect(failures.slice(0, 20), `${failures.length} failures`).toEqual([]);
  });

  // BUG (src/main/transport/dispatch.ts, createDispatch): an unknown method
  // name is put in the message with String(method), which throws for an
  // object without a callable toString (JSON.parse('{"toString":1}'), or
  // Object.create(null)). dispatch then rejects with "Cannot convert object to
  // primitive value" instead of returning { ok: false, kind: 'unknown_method' }.
  // Over IPC such a name arrives intact (structured clone), and the same
  // String() in sessions.ts's subscribe makes it an 'internal' error there.
  it('answers a method name whose toString is not a function with unknown_method', async () => {
    for (const name of [JSON.parse('{"toString":1}') as unknown, Object.create(null) as unknown]) {
      expect(problemWith(await call(name, {}), false, 'unknown_method')).toBeNull();
    }
  });

  // BUG (src/shared/contract.ts, describeSchemaError, with zod's
  // unrecognized_keys message): an unknown key is quoted in full in the error
  // message, so a request with one long key ({"<1 MB of A>": 1} to
  // tags.list) is answered with a message of over a megabyte (and 100k short
  // unknown keys make one of several hundred kilobytes). The generator above
  // keeps its unknown keys short so this one bug does not hide the others.
  it('keeps the message short for a request with a huge unknown key', async () => {
    const oneLongKey = { [hugeStrings().ascii]: 1 };
    const manyKeys = Object.fromEntries(Array.from({ length: 100_000 }, (_, i) => [`k${i}`, i]));
    for (const body of [oneLongKey, manyKeys]) {
      expect(problemWith(await call('tags.list', body), false, 'invalid_request')).toBeNull();
    }
  });

  // alarms.kpis counts 10-minute buckets: the schema bounds its range (found by this fuzzer: unbounded, {from: 0, to: 1e14} ran the heap out).
  it('answers alarms.kpis over the longest range it allows, and refuses a longer one with the limit', async () => {
    const limit = 400 * 86_400_000;
    expect(await call('alarms.kpis', { from: 0, to: limit })).toMatchObject({ ok: true });
    expect(await call('alarms.kpis', { from: 0, to: 8.64e15 })).toMatchObject({ ok: false, error: { kind: 'invalid_request', message: 'alarms.kpis: to: the KPIs cover at most 400 days' } });
  });

  it('afterwards: still answers, wrote nothing, saved nothing, journalled no operator action, polluted no prototype', async () => {
    const list = await call('tags.list', {});
    expect(list).toMatchObject({ ok: true });
    expect((list as { value: { path: string }[] }).value.map((t) => t.path).sort()).toEqual(['Area/Other/Valve', 'Area/Unit/Level', 'Area/Unit/Pressure', 'Area/Unit/Temp']);

    const writes = device.log.filter((request) => WRITE_FCS.has(request.fc));
    expect(writes, 'Modbus write requests').toEqual([]);
    expect(device.registers[0]).toBe(12);
    expect(device.coils[0]).toBe(0);

    expect(readFileSync(projectFile).equals(projectBytes), 'the project file is unchanged').toBe(true);
    expect(await call('trends.list', {})).toMatchObject({ ok: true, value: [{ name: REAL.view }] });

    const journal = await call('alarms.journal', { from: 0, to: Date.now() + 60_000, limit: 100_000 });
    expect(journal).toMatchObject({ ok: true });
    const entries = (journal as { value: { entries: { event: string; alarmId: string }[] } }).value.entries;
    expect(entries.some((e) => e.event === 'activated' && e.alarmId === REAL.alarm)).toBe(true);
    expect(entries.filter((e) => OPERATOR_EVENTS.has(e.event)), 'operator entries in the journal').toEqual([]);
    expect(runtime.alarms.find(REAL.alarm)).toMatchObject({ state: 'unacknowledged', shelvedUntil: null, outOfService: false });

    if (isMethodName('users.list')) {
      const users = await call('users.list', {});
      expect(users).toMatchObject({ ok: true });
      expect((users as { value: { name: string }[] }).value.map((u) => u.name)).toEqual([ADMIN_FIELDS.user]);
    }
    if (isMethodName('audit.verify')) expect(await call('audit.verify', {})).toMatchObject({ ok: true, value: { ok: true } });

    const probe: Record<string, unknown> = {};
    for (const key of PLANTED) expect(probe[key], `({}).${key}`).toBeUndefined();
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(prototypeNames()).toEqual(prototypesBefore);
    expect(internalLog, 'errors the runtime logged as internal').toEqual([]);

    let total = 0;
    for (const [method, entry] of counts) {
      const inputs = entry.sent + entry.validHeld;
      total += inputs;
      console.log(`  ${method.padEnd(24)} ${String(inputs).padStart(5)} inputs`);
    }
    console.log(`contract fuzz total: ${total} inputs over ${counts.size} methods and unknown names (seed ${SEED})`);
  });
});

// ---- the HTTP transport and its WebSocket ----

describe('HTTP fuzz: the server keeps serving and answers garbage with a 4xx JSON error', () => {
  let server: Server;
  let port: number;

  beforeAll(async () => {
    server = createHttpTransport({
      dispatch: createDispatch(runtime.handlers, (method, caller) => runtime.authorize(method, caller), (message) => internalLog.push(message)),
      openEvents: (send, caller) => runtime.openEvents(send, caller) });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });

  afterAll(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  interface Answer {
    readonly status: number;
    readonly type: string;
    readonly text: string;
  }

  /** One request with full control over method, path, headers and body bytes; rejects when the server cuts it off. */
  function send(method: string, path: string, headers: Record<string, string | number>, body?: Buffer | string): Promise<Answer> {
    return new Promise((resolve, reject) => {
      const req = httpRequest({ host: '127.0.0.1', port, method, path, headers, agent: false }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, type: String(res.headers['content-type'] ?? ''), text: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', reject);
      });
      req.on('error', reject);
      req.end(body);
    });
  }

  const JSON_TYPE = { 'Content-Type': 'application/json' };

  /** A 4xx with a JSON error: the problem, or null. */
  function badAnswer(answer: Answer, status?: number): string | null {
    if (status !== undefined ? answer.status !== status : answer.status < 400 || answer.status > 499) return `status ${answer.status}: ${answer.text.slice(0, 200)}`;
    if (!answer.type.startsWith('application/json')) return `content type "${answer.type}"`;
    let parsed: { error?: { kind?: unknown; message?: unknown } };
    try {
      parsed = JSON.parse(answer.text) as typeof parsed;
    } catch {
      return `not JSON: ${answer.text.slice(0, 200)}`;
    }
    const message = parsed.error?.message;
    if (typeof message !== 'string' || message === '' || message.length >= 2000 || message.includes('    at ')) return `a bad message: ${show(message)}`;
    if (parsed.error?.kind === 'internal') return `an internal error: ${message}`;
    return null;
  }

  async function stillServing(): Promise<void> {
    const answer = await send('POST', '/api/devices.list', JSON_TYPE, '{}');
    expect(answer.status).toBe(200);
  }

  it('malformed and hostile JSON bodies', async () => {
    const dice = new Dice(seedFor(SEED, '(http bodies)'));
    const bodies: (string | Buffer)[] = [
      '{', '{"path":', '[1,2', 'nul', 'tru', '{"path": "x",}', "{'path': 'x'}", '{"path": undefined}', 'NaN', '{"a":1}{"b":2}', '\u0000', '{"path":"x"',
      Buffer.from([0xff, 0xfe, 0x7b, 0x7d]), Buffer.from([0x7b, 0x22, 0xc0, 0xaf, 0x22, 0x3a, 0x31, 0x7d]), '{"path":"\\ud800","value":1}', '{"path":"\\x41"}',
      '['.repeat(100_000), `${'['.repeat(50_000)}${']'.repeat(50_000)}`, `${'{"a":'.repeat(50_000)}1${'}'.repeat(50_000)}`, '1e400', '"string"', '[]', 'true', '-0',
      '{"__proto__":{"polluted":"yes"}}', '{"constructor":{"prototype":{"polluted":"yes"}}}', `{"path":"${'x'.repeat(500_000)}","value":1}`,
      '{"path":"No/Such/Tag","value":9007199254740993}', '{"path":"No/Such/Tag","value":1e309}', '{"path":"No/Such/Tag","value":-0}',
    ];
    const base = JSON.stringify({ path: 'No/Such/Tag', value: 1 });
    while (bodies.length < 100) {
      const chars = [...base];
      const at = dice.int(chars.length);
      const op = dice.int(4);
      if (op === 0) chars.splice(at);
      else if (op === 1) chars.splice(at, 0, dice.pick(['{', '}', '"', ',', ':', '[', '\\', '\u0000', '\n', 'x']));
      else if (op === 2) chars.splice(at, 1);
      else chars[at] = dice.pick(['{', '}', '"', "'", ',', ':', ']']);
      bodies.push(chars.join(''));
    }
    const failures: string[] = [];
    for (const [n, body] of bodies.entries()) {
      const answer = await send('POST', '/api/tags.write', JSON_TYPE, body);
      const problem = badAnswer(answer);
      if (problem) failures.push(`#${n} ${show(String(body))}: ${problem}`);
    }
    console.log(`HTTP bodies: ${bodies.length}`);
    expect(failures).toEqual([]);
    await stillServing();
  });

  it('wrong content types and methods', async () => {
    const types = ['text/plain', 'text/html', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'application/xml', 'text/json', 'json', 'application/octet-stream', 'application/javascript', 'application/ json'];
    const failures: string[] = [];
    for (const type of types) {
      const problem = badAnswer(await send('POST', '/api/tags.list', { 'Content-Type': type }, '{}'), 415);
      if (problem) failures.push(`${type}: ${problem}`);
    }
    const noType = badAnswer(await send('POST', '/api/tags.list', {}, '{}'), 415);
    if (noType) failures.push(`no content type: ${noType}`);
    for (const method of ['GET', 'PUT', 'DELETE', 'PATCH', 'OPTIONS']) {
      const problem = badAnswer(await send(method, '/api/tags.list', JSON_TYPE, method === 'GET' ? undefined : '{}'), 405);
      if (problem) failures.push(`${method}: ${problem}`);
    }
    expect(failures).toEqual([]);
    await stillServing();
  });

  it('huge bodies: 413, or cut off when absurd', async () => {
    for (const size of [ONE_MB_PLUS, 3 * 1024 * 1024]) {
      const body = `{"search":"${'x'.repeat(size)}"}`;
      expect(badAnswer(await send('POST', '/api/tags.list', JSON_TYPE, body), 413)).toBeNull();
    }
    // Past 16 MB the server stops reading and drops the connection (http.ts): no answer, but no harm.
    const absurd = Buffer.alloc(20 * 1024 * 1024, 0x20);
    const outcome = await send('POST', '/api/tags.list', JSON_TYPE, absurd).then(
      (answer) => badAnswer(answer, 413) ?? 'answered',
      (error: NodeJS.ErrnoException) => (['ECONNRESET', 'EPIPE'].includes(error.code ?? '') ? 'cut off' : `failed: ${error.message}`),
    );
    expect(['answered', 'cut off']).toContain(outcome);
    await stillServing();
  });

  it('bad URL encodings and unknown or traversing method names', async () => {
    const badEncoding = ['%', '%zz', '%E0%A4%A', '%C0%AE%C0%AE', '%ED%A0%80', 'tags.list%', '%%', '%u0041', '%FF', '%C3%28'];
    const unknown = ['', '%2e%2e%2fusers.add', 'tags.list%00', '..%2f..%2fetc%2fpasswd', 'a'.repeat(8000), '%F0%9F%98%80', 'tags.list%20', '__proto__', 'constructor', 'tags.list/..', 'tags.list;x=1'];
    const failures: string[] = [];
    for (const name of badEncoding) {
      const problem = badAnswer(await send('POST', `/api/${name}`, JSON_TYPE, '{}'), 400);
      if (problem) failures.push(`${name}: ${problem}`);
    }
    for (const name of unknown) {
      const problem = badAnswer(await send('POST', `/api/${name}`, JSON_TYPE, '{}'), 404);
      if (problem) failures.push(`${name.slice(0, 60)}: ${problem}`);
    }
    expect(failures).toEqual([]);
    await stillServing();
  });

  // The raw requests below name this server in Host (127.0.0.1), so they reach what they test rather
  // than the Host check (a request naming another host is refused before anything else; see
  // test/integration/transport/rebinding.test.ts).
  it('malformed HTTP itself: Node answers 400 (its own, not JSON) and the server keeps serving', async () => {
    const raw = [
      'GARBAGE\r\n\r\n',
      'POST /api/tags.list HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: abc\r\n\r\n{}',
      'POST /api/tags.list HTTP/1.1\r\nHost: 127.0.0.1\r\nTransfer-Encoding: chunked\r\nContent-Type: application/json\r\n\r\nzz\r\n{}\r\n0\r\n\r\n',
      'POST /api/tags.list HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\n{}',
      'POST /api/tags.list HTTP/1.1\r\nHost: 127.0.0.1\r\nBad Header: y\r\n\r\n',
      `POST /api/tags.list HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Big: ${'x'.repeat(20_000)}\r\n\r\n`,
      'POST /api/tags list HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n',
      '\u0000\u0001\u0002\u0003\r\n\r\n',
    ];
    for (const text of raw) {
      const reply = await rawExchange(port, text);
      expect(reply, JSON.stringify(text.slice(0, 60))).toMatch(/^HTTP\/1\.1 4\d\d /);
    }
    await stillServing();
  });

  // BUG (src/main/transport/http.ts, handleRequest): `new URL(req.url, 'http://localhost')`
  // throws for request targets Node's parser accepts ("//[", "http://[/api/tags.list",
  // "http://a:b:c/"), and the request is answered 500 {kind:'internal',
  // message:'TypeError: Invalid URL'} instead of a 400.
  it('answers an unparsable request target with a 4xx', async () => {
    for (const target of ['//[', 'http://[/api/tags.list', 'http://a:b:c/api/tags.list']) {
      const reply = await rawExchange(port, `POST ${target} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n{}`);
      expect(reply).toMatch(/^HTTP\/1\.1 4\d\d /);
    }
  });

  it('a WebSocket sending garbage messages gets an error for each, and garbage frames only close that socket', async () => {
    const dice = new Dice(seedFor(SEED, '(websocket)'));
    const ws = new WebSocket(`ws://127.0.0.1:${port}/api/events`);
    const replies: { id: unknown; error?: { kind?: unknown; message?: unknown } }[] = [];
    ws.on('message', (data) => replies.push(JSON.parse(data.toString()) as (typeof replies)[number]));
    await new Promise((resolve, reject) => {
      ws.once('open', resolve);
      ws.once('error', reject);
    });
    const messages: (string | Buffer)[] = [
      'not json', '', '{', '[]', 'null', '1', '"x"', 'true', '{}', '{"op":"dance"}', '{"op":null}', '{"op":"subscribe"}',
      '{"op":"subscribe","id":"","event":"tags.changed","params":{"paths":[]}}', `{"op":"subscribe","id":"${'i'.repeat(129)}","event":"tags.changed"}`,
      '{"op":"subscribe","id":1,"event":"tags.changed"}', '{"op":"subscribe","id":"s","event":"alarms.sing","params":{}}',
      '{"op":"subscribe","id":"s","event":"__proto__","params":{}}', '{"op":"subscribe","id":"s","event":"constructor","params":{}}',
      '{"op":"subscribe","id":"s","event":"tags.changed","params":{"paths":"Area"}}', '{"op":"subscribe","id":"s","event":"tags.changed","params":{"paths":[1]}}',
      '{"op":"subscribe","id":"s","event":"tags.changed","params":{"paths":["No/Such"]}}', '{"op":"subscribe","id":"s","event":"devices.status","params":{"x":1}}',
      '{"__proto__":{"polluted":"yes"},"op":"subscribe","id":"s","event":"x"}', `{"op":"subscribe","id":"s","event":"tags.changed","params":${'{"a":'.repeat(1000)}1${'}'.repeat(1000)}}`,
      Buffer.from([0xde, 0xad, 0xbe, 0xef]), `{"op":"subscribe","id":"s","event":"tags.changed","params":{"paths":["${'x'.repeat(900_000)}"]}}`,
    ];
    while (messages.length < 120) {
      const op = dice.pick(['subscribe', 'unsubscribe', 'SUBSCRIBE', 'x', '']);
      const event = dice.pick(['tags.changed', 'devices.status', 'alarms.changed', 'tags.changed ', 'nope', '']);
      const params = dice.pick(['{}', '{"paths":[]}', '{"paths":null}', '{"paths":["\\u0000"]}', '[]', '1', '{"paths":[{}]}', '{"extra":true}']);
      const id = dice.pick(['"a"', '""', '1', 'null', '[]', '{}']);
      const text = `{"op":"${op}","id":${id},"event":"${event}","params":${params}}`;
      // Keep the messages that must be refused: a valid subscription (or any unsubscribe) is answered with data, or not at all.
      const obj = JSON.parse(text) as { op: string; id: unknown; event: string; params: { paths?: unknown } };
      const validSubscribe = obj.op === 'subscribe' && typeof obj.id === 'string' && obj.id !== '' &&
        ((obj.event === 'tags.changed' && Array.isArray(obj.params?.paths) && obj.params.paths.length === 0 && Object.keys(obj.params).length === 1) ||
          ((obj.event === 'devices.status' || obj.event === 'alarms.changed') && obj.params !== null && typeof obj.params === 'object' && !Array.isArray(obj.params) && Object.keys(obj.params).length === 0));
      if (obj.op !== 'unsubscribe' && !validSubscribe) messages.push(text);
    }
    for (const message of messages) ws.send(message, { binary: Buffer.isBuffer(message) });
    await waitFor(() => replies.filter((r) => r.error).length >= messages.length, `${messages.length} error replies`, 10_000);
    const bad = replies
      .filter((r) => r.error)
      .map((r) => ({ kind: r.error!.kind, message: r.error!.message }))
      .filter((e) => e.kind === 'internal' || typeof e.message !== 'string' || e.message === '' || e.message.length >= 2000 || e.message.includes('    at '));
    expect(bad).toEqual([]);
    console.log(`WebSocket messages: ${messages.length}, error replies: ${replies.filter((r) => r.error).length}`);

    // Too big for the socket's limit: that socket is closed (1009), the server goes on.
    const closed = new Promise<number>((resolve) => ws.once('close', (code) => resolve(code)));
    ws.send('x'.repeat(1024 * 1024 + 1));
    expect(await closed).toBe(1009);

    // Frames no client may send: each closes its own connection only.
    const frames = [
      Buffer.from([0x81, 0x05, 0x68, 0x65, 0x6c, 0x6c, 0x6f]), // unmasked text
      Buffer.from([0x83, 0x80, 1, 2, 3, 4]), // reserved opcode 3
      Buffer.from([0xc1, 0x80, 1, 2, 3, 4]), // RSV1 without an extension
      Buffer.from([0x80, 0x80, 1, 2, 3, 4]), // a continuation with nothing to continue
      Buffer.concat([Buffer.from([0x89, 0xfe, 0x00, 0xc8, 0, 0, 0, 0]), Buffer.alloc(200)]), // a ping longer than 125
      Buffer.concat([Buffer.from([0x81, 0x82, 0, 0, 0, 0]), Buffer.from([0xc3, 0x28])]), // invalid UTF-8 in text
      Buffer.from([0x82, 0xff, 0x7f, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0, 0, 0, 0]), // a length of 2^63-1
      // Noise, but with the mask bit clear, so the header alone is already an error.
      Buffer.from(Array.from({ length: 64 }, (_, i) => (i === 1 ? dice.int(126) : dice.int(256)))),
    ];
    for (const frame of frames) {
      const reply = await rawWebSocket(port, frame);
      expect(reply.closed, `frame ${frame.subarray(0, 4).toString('hex')}`).toBe(true);
    }

    // The server still serves: a fresh socket subscribes, and the API answers.
    const again = new WebSocket(`ws://127.0.0.1:${port}/api/events`);
    const got: { id?: string; event?: string }[] = [];
    again.on('message', (data) => got.push(JSON.parse(data.toString()) as (typeof got)[number]));
    await new Promise((resolve) => again.once('open', resolve));
    again.send(JSON.stringify({ op: 'subscribe', id: 'd', event: 'devices.status', params: {} }));
    await waitFor(() => got.some((m) => m.id === 'd' && m.event === 'devices.status'), 'a devices.status event');
    again.close();
    await stillServing();
  });

  // BUG (was src/main/runtime/sessions.ts, now eventChannel.ts: EventChannel.subscribe): an unknown
  // event name is quoted in full ("no event stream \"<name>\""), so a 900 kB
  // name comes back as a 900 kB error; and String(event) throws for
  // {"toString":1}, which http.ts's serveEvents then reports as
  // {kind:'internal', message:'TypeError: Cannot convert object to primitive value'}
  // (ipc.ts's subscribe handler does the same).
  /** One subscription message over a fresh WebSocket; its reply. */
  async function subscribeReply(text: string): Promise<{ error?: { kind: string; message: string } }> {
    const ws = new WebSocket(`ws://127.0.0.1:${port}/api/events`);
    const replies: { error?: { kind: string; message: string } }[] = [];
    ws.on('message', (data) => replies.push(JSON.parse(data.toString()) as (typeof replies)[number]));
    await new Promise((resolve) => ws.once('open', resolve));
    ws.send(text);
    await waitFor(() => replies.length >= 1, 'a reply');
    ws.close();
    return replies[0]!;
  }

  it('refuses a subscription to a 900 kB event name with a short message', async () => {
    const reply = await subscribeReply(`{"op":"subscribe","id":"s","event":"${'e'.repeat(900_000)}","params":{}}`);
    expect(reply.error!.message.length).toBeLessThan(2000);
  });

  it('refuses a subscription to the event {"toString":1} as unknown, not internal', async () => {
    const reply = await subscribeReply('{"op":"subscribe","id":"s","event":{"toString":1},"params":{}}');
    expect(reply.error!.kind).not.toBe('internal');
  });
});

describe('HTTP fuzz: serve mode in a process of its own', () => {
  let child: ChildProcess;
  let childPort: number;
  let stderr = '';
  let exited: Promise<string>;

  beforeAll(async () => {
    child = spawn(process.execPath, ['--import', 'tsx', join(import.meta.dirname, 'httpChild.ts')], { stdio: ['ignore', 'pipe', 'pipe'] });
    child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
    exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve(`exited (${code ?? signal}): ${stderr.split('\n').find((l) => /Error/.test(l)) ?? stderr.slice(0, 200)}`)));
    childPort = await new Promise<number>((resolve, reject) => {
      let out = '';
      child.stdout!.on('data', (d: Buffer) => {
        out += d.toString();
        const match = /listening (\d+)/.exec(out);
        if (match) resolve(Number(match[1]));
      });
      child.once('exit', () => reject(new Error(`the child ended before it listened: ${stderr}`)));
    });
  }, 30_000);

  afterAll(() => {
    child?.kill();
  });

  /** 'alive' when the child still answers the API within a second, else how it ended. */
  async function alive(): Promise<string> {
    await new Promise((resolve) => setTimeout(resolve, 100));
    if (child.exitCode !== null || child.signalCode !== null) return exited;
    const answer = fetch(`http://127.0.0.1:${childPort}/api/devices.list`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{}' }).then(
      (res) => (res.status < 500 ? 'alive' : `answered ${res.status}`),
      () => 'no answer',
    );
    return Promise.race([exited, answer, new Promise<string>((resolve) => setTimeout(() => resolve('no answer in 1 s'), 1000))]);
  }

  it('serves the API from the child (so the test below fails for its own reason)', async () => {
    expect(await alive()).toBe('alive');
    const reply = await rawExchange(childPort, 'GET /api/nope HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n');
    expect(reply).toMatch(/^HTTP\/1\.1 403 /);
    expect(await alive()).toBe('alive');
  });

  // BUG (src/main/transport/http.ts, the 'upgrade' listener): the same
  // `new URL(req.url, …)` runs synchronously in the upgrade event, so one
  // request "GET //[ HTTP/1.1" with "Upgrade: websocket" throws out of the
  // listener: an uncaught TypeError that ends serve mode (no login needed).
  // Run in a child process, since it would take the test worker down too.
  it('survives a WebSocket upgrade with an unparsable request target', async () => {
    await rawExchange(childPort, 'GET //[ HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n');
    expect(await alive()).toBe('alive');
  });
});

/** Writes raw bytes to the server and returns what comes back before it closes (or 1 s passes). */
function rawExchange(port: number, text: string): Promise<string> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1', () => socket.write(text));
    let reply = '';
    const done = () => {
      clearTimeout(timer);
      socket.destroy();
      resolve(reply);
    };
    const timer = setTimeout(done, 1000);
    socket.on('data', (d) => {
      reply += d.toString('latin1');
      if (/\r\n\r\n/.test(reply)) setTimeout(done, 50);
    });
    socket.on('error', done);
    socket.on('close', done);
  });
}

/** Opens a WebSocket by hand, sends one raw frame, and tells whether the server closed the connection. */
function rawWebSocket(port: number, frame: Buffer): Promise<{ closed: boolean; reply: string }> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1', () =>
      socket.write('GET /api/events HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n'),
    );
    let reply = '';
    let upgraded = false;
    const timer = setTimeout(() => {
      socket.destroy();
      resolve({ closed: false, reply });
    }, 2000);
    socket.on('data', (d) => {
      reply += d.toString('latin1');
      if (!upgraded && reply.includes('\r\n\r\n')) {
        upgraded = true;
        socket.write(frame);
      }
    });
    const closed = () => {
      clearTimeout(timer);
      resolve({ closed: true, reply });
    };
    socket.on('close', closed);
    socket.on('error', () => undefined);
  });
}
