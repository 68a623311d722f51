// The fast YAML subset reader against the `yaml` library: whatever text the
// subset reader accepts, `yaml` must read without errors, to the same data,
// and every key and item must be on the same line by both. Texts: the demo
// plant, the fixtures, hand-written corner cases and thousands of mutants of
// a text full of the constructs the subset knows (and some it does not).
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { describe, expect, it } from 'vitest';
import { LineCounter, parseDocument } from 'yaml';
import { Prng } from '../../../src/shared/prng';
import { lineOfSubsetPath, parseYamlSubset, subsetLineFinder } from '../../../src/main/runtime/project/fastYaml';
import { lineOfPath } from '../../../src/main/runtime/project/load';

const ROOT = join(import.meta.dirname, '../../..');
const SEED = Number(process.env.FUZZ_SEED ?? 20_261_204);

const RICH = `# A project with most of what the subset reads
name: Rich plant   # a comment after a value
description: 'it''s "quoted"'
devices:
  - name: plc
    driver: modbus-tcp
    host: 10.0.0.1
    port: 502
    timeoutMs: 0x1F4
    maxGap: 0o17
  - { name: rtu, driver: modbus-rtu, port: /dev/ttyUSB0, baudRate: 19200, parity: even }
  -
    name: later
    enabled: false
numbers: [1, -2, +3, 007, 1.5, .5, 5., -1e3, 2.5E-2, .inf, -.Inf, .NaN, 1_000, 0x, 12:30, 1.2.3]
words: [true, False, TRUE, yes, no, null, Null, ~, on, '', "", "a\\tb\\u00e9\\x41\\"", 'x y']
empty:
nested:
  inner:
    deeper: { a: [1, [2, 3], {b: c}], d: {} , e: [] }
  list:
  - one
  - two words, with commas [and brackets]
  - http://example.com:8080/a#frag
  - "# not a comment"
tags:
  - path: Plant/Tank/Level
    device: plc
    address: "HR:100:float32"
    units: m³
    description: Tank level LT-101 -- °C
    scale: { rawMin: 0, rawMax: 1000, euMin: 0, euMax: 10 }
    alarms:
      - kind: hi
        limit: 8.5
        message: "Tank level high: {value} {units}"
      - { kind: hihi, limit: 9, priority: 1 }
  # a comment between items
  - path: Plant/Pump/Running
    device: plc
    address: DI:3
    history: false
trends: []
`;

/** Every path of the data, and a missing key under each mapping (a problem's path can name one). */
function pathsOf(value: unknown, path: PropertyKey[] = [], out: PropertyKey[][] = []): PropertyKey[][] {
  out.push(path);
  if (Array.isArray(value)) value.forEach((item, i) => pathsOf(item, [...path, i], out));
  else if (value !== null && typeof value === 'object') {
    for (const [key, item] of Object.entries(value)) pathsOf(item, [...path, key], out);
    out.push([...path, 'noSuchKey', 3]);
  }
  return out;
}

/** Checks one text; returns whether the subset reader took it. */
function agrees(text: string, checkFinder = true): boolean {
  const subset = parseYamlSubset(text, true);
  if (subset === undefined) return false;
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, uniqueKeys: true });
  const context = `the subset reader took:\n${text}`;
  expect(doc.errors.map((e) => e.message), context).toEqual([]);
  const data = doc.toJS({ maxAliasCount: 100 }) as unknown;
  if (!isDeepStrictEqual(subset.data, data)) expect(subset.data, context).toEqual(data); // shows the difference
  // The finder of a result read without lines (what large files use) reads one entry again per path: the same lines.
  const finder = checkFinder ? subsetLineFinder(parseYamlSubset(text)!) : null;
  for (const path of pathsOf(data)) {
    const expected = lineOfPath(doc, lines, path);
    expect(lineOfSubsetPath(subset, path), `${context}\nthe line of ${path.join('.')}`).toBe(expected);
    if (finder) expect(finder(path), `${context}\nthe line of ${path.join('.')}, found from the top-level index`).toBe(expected);
  }
  return true;
}

function mutate(prng: Prng, text: string): string {
  const alphabet = [...':-[]{}#&*!|>\'"%@`,? \n\n\n    \t\\/0123456789abcXYZ._~+eE'];
  const chars = [...text];
  const edits = 1 + Math.floor(prng.next() * 3);
  for (let e = 0; e < edits; e++) {
    const at = Math.floor(prng.next() * chars.length);
    const roll = prng.next();
    const ch = alphabet[Math.floor(prng.next() * alphabet.length)]!;
    if (roll < 0.35) chars[at] = ch;
    else if (roll < 0.6) chars.splice(at, 1);
    else if (roll < 0.9) chars.splice(at, 0, ch);
    else {
      // Move a whole line's indentation by one or two: the mistakes people make.
      const lineStart = chars.lastIndexOf('\n', at) + 1;
      if (prng.next() < 0.5) chars.splice(lineStart, 0, ...' '.repeat(1 + Math.floor(prng.next() * 2)));
      else if (chars[lineStart] === ' ') chars.splice(lineStart, 1);
    }
  }
  return chars.join('');
}

describe('fast YAML subset reader', () => {
  it('reads the demo plant and the rich text, as yaml does', () => {
    expect(agrees(readFileSync(join(ROOT, 'resources/demo-plant.yaml'), 'utf8'))).toBe(true);
    expect(agrees(RICH)).toBe(true);
    expect(agrees(RICH.replace(/\n/g, '\r\n'))).toBe(true);
  });

  it('agrees with yaml on every fixture it takes', () => {
    const dir = join(ROOT, 'test/fixtures/broken-projects');
    let taken = 0;
    for (const file of readdirSync(dir).filter((f) => f.endsWith('.yaml'))) {
      if (agrees(readFileSync(join(dir, file), 'utf8'))) taken++;
    }
    // Most fixtures are wrong in what they say, not in how: those go the fast way too.
    expect(taken).toBeGreaterThan(15);
  });

  it('gives up on what it does not read, so yaml reads it (and names its errors)', () => {
    const outside = [
      '',
      '# only a comment\n',
      '---\nname: a\n',
      'name: &a x\nother: *a\n',
      'name: !!str 5\n',
      'text: |\n  block\n',
      'text: >\n  folded\n',
      'text: plain\n  continued\n',
      'text: "double\n  continued"\n',
      'list: [1,\n  2]\n',
      'name: a\nname: b\n',
      '\tname: a\n',
      'name: a\tb\n',
      '"quoted key": 1\n',
      '? explicit\n: key\n',
      '__proto__: { x: 1 }\n',
      'true: 1\n',
      'list:\n  -\n  - 2\n',
      'map: { a }\n',
      'map: {a:1}\n',
      'a: b: c\n',
      '- top level list\n',
      '  indented: top\n',
      'key:\n  just a scalar\n',
      'text: "bad \\q escape"\n',
      'lone: \rcr\n',
      '\ufeffname: bom\n',
    ];
    for (const text of outside) expect(parseYamlSubset(text), JSON.stringify(text)).toBeUndefined();
  });

  it('agrees with yaml on thousands of mutants of a rich text', () => {
    const prng = new Prng(SEED);
    const MUTANTS = 2000;
    let taken = 0;
    for (let i = 0; i < MUTANTS; i++) {
      // The line finder on one mutant in four: the machines are shared, and the texts are alike.
      if (agrees(mutate(prng, RICH), i % 4 === 0)) taken++;
    }
    console.log(`fast YAML: ${taken} of ${MUTANTS} mutants in the subset, each read as yaml reads it`);
    // Enough of them in the subset for the comparison to mean something.
    expect(taken).toBeGreaterThan(MUTANTS / 5);
  });
});
