// Broken project files: every file of test/fixtures/broken-projects must be
// refused with a ProjectError whose every line names the file (and the line,
// when there is one) and says what is wrong. Loading is pure, so "nothing was
// started" is: nothing but a ProjectError comes out.
//
// A YAML fixture says what it expects in its first line (`# expect: <text>`);
// a second line `# known bug: <what>` marks one that src/ gets wrong today
// (its test is `it.fails`). JSON has no comments: its expectations are in
// JSON_FIXTURES below. Generated here, not committed: a 10 MB garbage file,
// a 0-byte file, and a few hundred mutants of a good project.
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Prng } from '../../src/shared/prng';
import { loadProjectFile, parseProject, ProjectError } from '../../src/main/runtime/project/load';

const DIR = join(import.meta.dirname, '../fixtures/broken-projects');
const SEED = Number(process.env.FUZZ_SEED ?? 20_261_123);

const MUTANTS = 300;

const GOOD_PROJECT = `name: Mutant plant
devices:
  - { name: plc, driver: modbus-tcp, host: 127.0.0.1, port: 5020, pollMs: 500 }
  - { name: remote, driver: sparkplug-host, url: "mqtt://127.0.0.1:1883", groupId: Plant1 }
tags:
  - path: Plant/Tank/Level
    device: plc
    address: "HR:100:float32:CDAB"
    units: m
    scale: { rawMin: 0, rawMax: 1000, euMin: 0, euMax: 10 }
    limits: { min: 0, max: 12 }
    alarms:
      - { kind: hi, limit: 8, priority: 2 }
      - { kind: hihi, limit: 9, priority: 1 }
      - { kind: deviation, limit: 1, sp: Plant/Tank/LevelSP, priority: 3 }
  - { path: Plant/Tank/LevelSP, device: plc, address: "HR:110", writable: true }
  - { path: Plant/Pump/Running, device: plc, address: "DI:3" }
  - { path: Remote/Flow, device: remote, address: "hmi-01/pump/Flow" }
uplink:
  url: mqtt://127.0.0.1:1883
  groupId: Plant1
  edgeNodeId: hmi-01
trends:
  - name: Tank
    pens: [{ path: Plant/Tank/Level, color: "#3366cc" }]
    range: { mode: live, spanMs: 600000 }
`;

const JSON_FIXTURES: Record<string, { expect: string; knownBug?: string }> = {
  'json-wrong-types.json': { expect: 'tags[0].path: Invalid input: expected string, received number' },
  'json-unclosed.json': { expect: 'Flow map must end with a }' },
  'json-bad-address.json': { expect: 'tags[1].address: offset 70000 is past 65535' },
  'json-duplicate-key.json': {
    // JSON.parse would keep the last of two equal keys; the loader refuses the file as it refuses the same in YAML.
    expect: 'unique',
  },
};

interface Case {
  readonly file: string;
  readonly expect: string;
  readonly knownBug: string | null;
}

function corpus(): Case[] {
  return readdirSync(DIR)
    .sort()
    .map((file): Case => {
      if (file.endsWith('.json')) {
        const entry = JSON_FIXTURES[file];
        if (!entry) throw new Error(`${file}: add its expectation to JSON_FIXTURES`);
        return { file, expect: entry.expect, knownBug: entry.knownBug ?? null };
      }
      const [first = '', second = ''] = readFileSync(join(DIR, file), 'utf8').split('\n');
      const expected = /^# expect: (.+)$/.exec(first)?.[1];
      if (!expected) throw new Error(`${file}: the first line must be "# expect: <part of the error>"`);
      return { file, expect: expected, knownBug: /^# known bug: (.+)$/.exec(second)?.[1] ?? null };
    });
}

const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Loads the file and returns the ProjectError's lines; fails the test on anything else. */
function refusal(file: string, load: () => unknown = () => loadProjectFile(file)): string[] {
  let thrown: unknown = null;
  try {
    load();
  } catch (error) {
    thrown = error;
  }
  expect(thrown, `${basename(file)} was accepted`).not.toBeNull();
  expect(thrown, `${basename(file)}: ${String(thrown)}`).toBeInstanceOf(ProjectError);
  const lines = (thrown as ProjectError).message.split('\n');
  const pattern = new RegExp(`^${escape(basename(file))}(:\\d+)?: `);
  const stray = lines.filter((line) => !pattern.test(line));
  expect(stray.slice(0, 5).map((line) => line.slice(0, 200)), 'lines that do not start with "<file>[:line]: "').toEqual([]);
  return lines;
}

const cases = corpus();
const prototypeNames = () => Object.getOwnPropertyNames(Object.prototype).sort().join(',');
const before = prototypeNames();
const tmp = mkdtempSync(join(tmpdir(), 'broken-projects-'));

afterAll(() => {
  rmSync(tmp, { recursive: true, force: true });
  console.log(
    `broken projects: ${cases.length} fixtures (${cases.filter((c) => c.file.endsWith('.yaml')).length} YAML, ${cases.filter((c) => c.file.endsWith('.json')).length} JSON, ` +
      `${cases.filter((c) => c.knownBug).length} known bugs) + generated: a 10 MB garbage file, a 0-byte file, ${MUTANTS} mutants of a good project`,
  );
});

describe('broken project files', () => {
  it('has a corpus of at least 25 files, each with an expectation', () => {
    expect(cases.length).toBeGreaterThanOrEqual(25);
    expect(cases.filter((c) => c.file.endsWith('.json')).length).toBeGreaterThanOrEqual(2);
  });

  for (const c of cases) {
    const test = c.knownBug ? it.fails : it;
    const title = c.knownBug ? `${c.file}: refused with "${c.expect}" (bug: ${c.knownBug})` : `${c.file}: refused with "${c.expect}"`;
    test(title, () => {
      const lines = refusal(join(DIR, c.file));
      expect(lines.join('\n')).toContain(c.expect);
    });
  }

  it('refuses 10 MB of garbage with a ProjectError, every line naming the file', () => {
    const prng = new Prng(SEED);
    const bytes = Buffer.alloc(10 * 1024 * 1024);
    for (let i = 0; i < bytes.length; i++) bytes[i] = Math.floor(prng.next() * 256);
    const file = join(tmp, 'garbage.yaml');
    writeFileSync(file, bytes);
    const started = Date.now();
    const lines = refusal(file);
    console.log(`10 MB garbage: refused in ${Date.now() - started} ms; the message names ${lines.length - 1} problems and the count of the rest`);
    // A bounded message: the first hundred problems and how many more.
    expect(lines).toHaveLength(101);
    expect(lines[100]).toMatch(/^garbage\.yaml: … and \d+ more problems$/);
  });

  // See empty.yaml: a file with no bytes at all is the same case.
  it('refuses a file of 0 bytes', () => {
    const file = join(tmp, 'zero.yaml');
    writeFileSync(file, '');
    refusal(file);
  });

  it('refuses a file it cannot read, naming it', () => {
    expect(refusal(join(tmp, 'no-such-project.yaml')).join('\n')).toContain('cannot read the file');
  });

  it(`answers ${MUTANTS} mutants of a good project with a Project or a ProjectError, nothing else`, () => {
    const prng = new Prng(SEED ^ 0x5eed);
    const good = GOOD_PROJECT;
    const alphabet = [...':-[]{}#&*!|>\'"%@`,? \n\t\\/0123456789abcXYZ.'];
    let loaded = 0;
    const others: string[] = [];
    for (let i = 0; i < MUTANTS; i++) {
      const chars = [...good];
      const edits = 1 + Math.floor(prng.next() * 4);
      for (let e = 0; e < edits; e++) {
        const at = Math.floor(prng.next() * chars.length);
        const roll = prng.next();
        const ch = alphabet[Math.floor(prng.next() * alphabet.length)]!;
        if (roll < 0.4) chars[at] = ch;
        else if (roll < 0.7) chars.splice(at, 1);
        else chars.splice(at, 0, ch);
      }
      const text = chars.join('');
      try {
        parseProject(text, 'mutant.yaml');
        loaded++;
      } catch (error) {
        if (!(error instanceof ProjectError)) {
          others.push(`#${i}: ${(error as Error).name}: ${(error as Error).message.slice(0, 120)}`);
          continue;
        }
        const stray = error.message.split('\n').filter((line) => !/^mutant\.yaml(:\d+)?: /.test(line));
        if (stray.length > 0) others.push(`#${i}: a line without the file: ${stray[0]!.slice(0, 120)}`);
      }
    }
    console.log(`mutants: ${MUTANTS}, ${loaded} still loaded, ${MUTANTS - loaded - others.length} refused cleanly`);
    expect(others.slice(0, 10), `${others.length} mutants not answered with a ProjectError`).toEqual([]);
  });

  it('leaves the prototypes alone (prototype-keys.yaml and the JSON fixtures tried)', () => {
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(({} as Record<string, unknown>).isAdmin).toBeUndefined();
    expect(prototypeNames()).toBe(before);
  });
});
