// Hostile inputs for the fuzz tests: a seeded die, pools of nasty values, and
// a generator that reads a zod request schema (its shape, bounds, enums) to
// produce requests that are wrong in one place, or in many, or not requests
// at all. Everything random comes from src/shared/prng.ts, so a seed names a
// run and a failure reproduces.
import { Prng } from '../../src/shared/prng';

/** A die over the project's seeded PRNG. */
export class Dice {
  private readonly prng: Prng;

  constructor(readonly seed: number) {
    this.prng = new Prng(seed);
  }

  next(): number {
    return this.prng.next();
  }

  /** An integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.prng.next() * n);
  }

  chance(p: number): boolean {
    return this.prng.next() < p;
  }

  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new Error('pick from nothing');
    return items[this.int(items.length)]!;
  }
}

/** A seed of its own for each name (FNV-1a), so adding a method does not change another method's inputs. */
export function seedFor(seed: number, name: string): number {
  let h = (0x811c9dc5 ^ seed) >>> 0;
  for (let i = 0; i < name.length; i++) {
    h ^= name.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h;
}

// ---- the values ----

export const ONE_MB = 1 << 20;
export const HUGE_ARRAY_LENGTH = 100_000;
export const DEEP = 1000;

let huge: { ascii: string; unicode: string } | null = null;
/** 1 MB of ASCII, and 1 MB (UTF-8) of astral characters. */
export function hugeStrings(): { ascii: string; unicode: string } {
  return (huge ??= { ascii: 'A'.repeat(ONE_MB), unicode: '😀'.repeat(ONE_MB / 4) });
}

/** An array of 100k elements, all `element` (the same reference: cheap to build, costly to check). */
export function hugeArray(element: unknown): unknown[] {
  return new Array<unknown>(HUGE_ARRAY_LENGTH).fill(element);
}

export function deepObject(depth = DEEP, key = 'a'): unknown {
  let value: unknown = {};
  for (let i = 0; i < depth; i++) value = { [key]: value };
  return value;
}

export function deepArray(depth = DEEP): unknown {
  let value: unknown = [];
  for (let i = 0; i < depth; i++) value = [value];
  return value;
}

/** `{"__proto__": {"__proto__": … {"polluted": "yes"}}}` with own keys, as JSON.parse makes it. */
export function deepProto(depth = DEEP): unknown {
  return JSON.parse(`${'{"__proto__":'.repeat(depth)}{"polluted":"yes"}${'}'.repeat(depth)}`);
}

/** The keys a prototype-pollution payload tries, and what it hopes to plant. */
export const PROTO_KEYS = ['__proto__', 'constructor', 'prototype'] as const;
export const PLANTED = ['polluted', 'isAdmin', 'fuzzRole'] as const;
const PROTO_PAYLOADS: readonly unknown[] = [
  { polluted: 'yes' },
  { isAdmin: true, fuzzRole: 'administrator' },
  { prototype: { polluted: 'yes' } },
  { constructor: { prototype: { isAdmin: true } } },
  ['polluted'],
  null,
  1,
];

/** `obj` with `key` as its first own property: the key and its value made by JSON.parse, as a request body's would be. */
export function withOwnKey(obj: unknown, key: string, value: unknown): Record<string, unknown> {
  const carrier = JSON.parse(`{${JSON.stringify(key)}:${JSON.stringify(value) ?? 'null'}}`) as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  Object.defineProperty(out, key, Object.getOwnPropertyDescriptor(carrier, key)!);
  if (obj !== null && typeof obj === 'object' && !Array.isArray(obj)) {
    for (const k of Object.keys(obj)) if (k !== key) Object.defineProperty(out, k, { value: (obj as Record<string, unknown>)[k], enumerable: true, writable: true, configurable: true });
  }
  return out;
}

/** Bodies that only try to pollute prototypes. */
export function protoBodies(): unknown[] {
  return [
    JSON.parse('{"__proto__":{"polluted":"yes"}}'),
    JSON.parse('{"constructor":{"prototype":{"polluted":"yes"}}}'),
    JSON.parse('{"prototype":{"polluted":"yes"}}'),
    JSON.parse('{"__proto__":{"isAdmin":true},"constructor":{"prototype":{"fuzzRole":"administrator"}},"prototype":{}}'),
    JSON.parse('[{"__proto__":{"polluted":"yes"}}]'),
    deepProto(),
  ];
}

export const HOSTILE_NUMBERS: readonly number[] = [
  NaN, Infinity, -Infinity, -0, 0, 1, -1, 0.5, -0.5, 1.5, 3, 4, 999.999, 1000, 100_000, 100_001, 1_000_000, 1_000_001,
  Number.MIN_VALUE, Number.EPSILON, 1e308, -1e308, Number.MAX_VALUE, -Number.MAX_VALUE, 1e21, -1e21,
  // 2 ** 53 + 1 is not a double: it rounds to 2 ** 53, as 9007199254740993 in JSON does.
  2 ** 53, 2 ** 53 + 1, 2 ** 53 + 2, -(2 ** 53), Number.MAX_SAFE_INTEGER, -Number.MAX_SAFE_INTEGER, 2 ** 31, 2 ** 31 - 1, -(2 ** 31), 2 ** 32,
  65535, 65536, -65536, 8.64e15, 8.64e15 + 2, -8.64e15, 1.7e12, 604_800_000, 604_800_001,
];

/** Short strings that have broken something somewhere: traversal, injection, unicode, and near-misses of the contract fuzzer's real names. */
export const HOSTILE_STRINGS: readonly string[] = [
  '', ' ', '\t', '\n', '\r\n', '\u0000', 'x', 'null', 'undefined', 'true', 'NaN', 'Infinity', '-0', '1e308', '0x10',
  '__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty', 'valueOf', '__defineGetter__',
  '../../../../etc/passwd', '..\\..\\..\\windows\\win.ini', '/etc/passwd', 'C:\\Windows\\System32', 'file:///etc/passwd',
  '%2e%2e%2f%2e%2e%2fetc%2fpasswd', '....//....//', '\\\\server\\share',
  "'; DROP TABLE journal; --", '" OR "1"="1', "' OR 1=1 --", '%', '_', '%_%', '\\', '*', '**', '**/**', '[', '(', '.*', '(a+)+$',
  '${process.exit()}', '{{constructor.constructor("return process")()}}', '<script>alert(1)</script>', '<img src=x onerror=alert(1)>',
  'Ünïcödé', 'タグ/温度', '😀/💥', '\u202eevil', 'a\u200bb', '\ud800', '\udfff', 'e\u0301', 'İ', 'ß', '𝔘𝔫𝔦',
  'Area/Unit/Level ', ' Area/Unit/Level', 'area/unit/level', 'AREA/UNIT/LEVEL', 'Area/Unit/Level/', '/Area/Unit/Level',
  'Area//Unit/Level', 'Area/Unit/Level\u0000', 'Area/Unit/../Unit/Level', 'Area/Unit/Level#hi', 'Area/Other/Valve\n',
  'Area/Unit/Pressure#HI', 'Area/Unit/Pressure#hi ', 'Area/Unit/Pressure#', '#hi', 'Area/Unit/Pressure#hi#hi', 'Overview ', 'overview',
  'a'.repeat(100), 'a'.repeat(101), 'a'.repeat(128), 'a'.repeat(1000), 'a'.repeat(1001), 'a'.repeat(1024), 'a'.repeat(1025),
  'a'.repeat(1088), 'a'.repeat(1089), '€'.repeat(1000), ' '.repeat(1000),
  '#ff0000', '#FFFFFF', '#fff', 'red', 'fuzz-user', 'root', 'admin', 'administrator', 'viewer',
];

/** Values of every type, for a field that wants another. */
export function wrongTypeValues(): unknown[] {
  return [
    null, undefined, true, false, 0, -0, NaN, Infinity, -1, 1e308, '', 'x', '0', 'true', [], [null], [[]], [{}], {}, { a: 1 },
    [1, 'x', null, {}], new Date(0), new Map([['a', 1]]), new Set([1]), new Uint8Array(4), /x/, new Error('boom'), 10n,
    Symbol('fuzz'), () => 1, Object.assign(Object.create(null) as object, { a: 1 }), sparse(),
  ];
}

/** [ , , 1]: holes, as a structured clone keeps them. */
function sparse(): unknown[] {
  const out: unknown[] = [];
  out[2] = 1;
  return out;
}

// ---- zod schemas, read through their definitions ----

interface CheckDef {
  readonly check: string;
  readonly minimum?: number;
  readonly maximum?: number;
  readonly value?: number | bigint;
  readonly inclusive?: boolean;
  readonly format?: string;
  readonly pattern?: RegExp;
}

interface Def {
  readonly type: string;
  readonly shape?: Record<string, SchemaNode>;
  readonly innerType?: SchemaNode;
  readonly element?: SchemaNode;
  readonly options?: readonly SchemaNode[];
  readonly entries?: Record<string, string | number>;
  readonly values?: readonly unknown[];
  readonly checks?: readonly { readonly _zod: { readonly def: CheckDef } }[];
  readonly in?: SchemaNode;
}

/** A zod (v4) schema, as far as the generator reads it. */
export interface SchemaNode {
  readonly _zod: { readonly def: Def };
  safeParse(input: unknown): { success: boolean };
}

const WRAPPERS = new Set(['optional', 'default', 'prefault', 'nullable', 'readonly', 'catch', 'nonoptional']);

function unwrap(node: SchemaNode): { node: SchemaNode; optional: boolean } {
  let optional = false;
  let current = node;
  for (let i = 0; i < 20; i++) {
    const def = current._zod.def;
    if (WRAPPERS.has(def.type) && def.innerType) {
      if (def.type === 'optional' || def.type === 'default' || def.type === 'prefault') optional = true;
      current = def.innerType;
    } else if (def.type === 'pipe' && def.in) current = def.in;
    else break;
  }
  return { node: current, optional };
}

function checksOf(node: SchemaNode): CheckDef[] {
  return (node._zod.def.checks ?? []).map((c) => c._zod.def);
}

export type PathKey = string | number;

/** One place in a request: where it is, what the schema wants there. */
export interface Field {
  readonly path: readonly PathKey[];
  readonly type: string;
  readonly optional: boolean;
  readonly node: SchemaNode;
}

/** Every field of a request schema (array elements as index 0, the fields of each union option). */
export function fieldsOf(schema: SchemaNode): Field[] {
  const out: Field[] = [];
  const seen = new Set<string>();
  const walk = (node: SchemaNode, path: PathKey[], optional: boolean, depth: number) => {
    if (depth > 8) return;
    const { node: inner, optional: opt } = unwrap(node);
    const def = inner._zod.def;
    const key = JSON.stringify(path);
    if (path.length > 0 && !seen.has(key)) {
      seen.add(key);
      out.push({ path, type: def.type, optional: optional || opt, node: inner });
    }
    if (def.type === 'object' && def.shape) {
      for (const [name, child] of Object.entries(def.shape)) walk(child, [...path, name], false, depth + 1);
    } else if (def.type === 'array' && def.element) {
      walk(def.element, [...path, 0], false, depth + 1);
    } else if (def.type === 'union' && def.options) {
      for (const option of def.options) {
        const o = unwrap(option).node._zod.def;
        if (o.type === 'object' && o.shape) for (const [name, child] of Object.entries(o.shape)) walk(child, [...path, name], false, depth + 1);
      }
    }
  };
  walk(schema, [], false, 0);
  return out;
}

/** The strings the sampler draws from; `preferred` (a test's real names, say) 70% of the time when one fits. */
export interface Pool {
  readonly strings: readonly string[];
  readonly preferred?: readonly string[];
}

const MISSING = Symbol('missing');

/**
 * A request the schema probably accepts, made of pool values: the starting
 * point of the mutations, and (sent as it is) hostile-but-valid input.
 */
export function sample(schema: SchemaNode, dice: Dice, pool: Pool): unknown {
  const value = sampleNode(schema, dice, pool, 0, true);
  return value === MISSING ? {} : value;
}

function sampleNode(node: SchemaNode, dice: Dice, pool: Pool, depth: number, required: boolean): unknown {
  const { node: inner, optional } = unwrap(node);
  if (optional && !required && dice.chance(0.4)) return MISSING;
  const def = inner._zod.def;
  const checks = checksOf(inner);
  switch (def.type) {
    case 'object': {
      const out: Record<string, unknown> = {};
      for (const [name, child] of Object.entries(def.shape ?? {})) {
        const value = sampleNode(child, dice, pool, depth + 1, false);
        if (value !== MISSING) out[name] = value;
      }
      return out;
    }
    case 'array': {
      const min = checks.find((c) => c.check === 'min_length')?.minimum ?? 0;
      const max = checks.find((c) => c.check === 'max_length')?.maximum ?? 4;
      const length = Math.min(max, min + dice.int(3));
      const out: unknown[] = [];
      for (let i = 0; i < length && def.element; i++) {
        const value = sampleNode(def.element, dice, pool, depth + 1, true);
        out.push(value === MISSING ? null : value);
      }
      return out;
    }
    case 'string':
      return sampleString(checks, dice, pool);
    case 'number':
      return sampleNumber(checks, dice);
    case 'boolean':
      return dice.chance(0.5);
    case 'enum':
      return dice.pick(Object.values(def.entries ?? { x: 'x' }));
    case 'literal':
      return dice.pick(def.values ?? [null]);
    case 'union':
      return def.options && def.options.length > 0 ? sampleNode(dice.pick(def.options), dice, pool, depth + 1, true) : null;
    case 'null':
      return null;
    default:
      return dice.pick(pool.strings);
  }
}

function sampleString(checks: readonly CheckDef[], dice: Dice, pool: Pool): string {
  const min = Math.max(0, ...checks.filter((c) => c.check === 'min_length').map((c) => c.minimum ?? 0));
  const max = Math.min(ONE_MB, ...checks.filter((c) => c.check === 'max_length').map((c) => c.maximum ?? ONE_MB));
  const patterns = checks.filter((c) => c.pattern instanceof RegExp).map((c) => c.pattern!);
  const fits = (s: string) => s.length >= min && s.length <= max && patterns.every((p) => new RegExp(p.source, p.flags.replace('g', '')).test(s));
  const preferred = (pool.preferred ?? []).filter(fits);
  if (preferred.length > 0 && dice.chance(0.7)) return dice.pick(preferred);
  const candidates = pool.strings.filter(fits);
  if (candidates.length > 0) return dice.pick(candidates);
  const plain = 'x'.repeat(Math.max(1, min));
  return fits(plain) ? plain : dice.pick(pool.strings);
}

function sampleNumber(checks: readonly CheckDef[], dice: Dice): number {
  let lo = -1e9;
  let hi = 1e9;
  let loOpen = false;
  let hiOpen = false;
  let integer = false;
  for (const c of checks) {
    if (c.check === 'greater_than' && typeof c.value === 'number') [lo, loOpen] = [c.value, c.inclusive === false];
    if (c.check === 'less_than' && typeof c.value === 'number') [hi, hiOpen] = [c.value, c.inclusive === false];
    if (c.check === 'number_format' && (c.format === 'safeint' || c.format?.startsWith('int') || c.format?.startsWith('uint'))) integer = true;
  }
  const ok = (n: number) => Number.isFinite(n) && (loOpen ? n > lo : n >= lo) && (hiOpen ? n < hi : n <= hi) && (!integer || Number.isSafeInteger(n));
  const candidates = [lo, hi, lo + 1, hi - 1, 0, 1, 2, 4, 10, 1000, 60_000, 3_600_000, 1.7e12, 1.7e12 + 3_600_000, Math.floor((lo + hi) / 2), 0.5].filter(ok);
  return candidates.length > 0 ? dice.pick(candidates) : 0;
}

// ---- mutations ----

/** A shallow copy of a plain object or array, own keys (even `__proto__`) and holes kept; anything else becomes {}. */
function shallowCopy(node: unknown, asArray: boolean): Record<PathKey, unknown> {
  if (asArray) return (Array.isArray(node) ? node.slice() : []) as unknown as Record<PathKey, unknown>;
  const out: Record<PathKey, unknown> = {};
  if (node !== null && typeof node === 'object' && !Array.isArray(node) && isPlain(node)) {
    for (const key of Object.keys(node)) defineOwn(out, key, (node as Record<string, unknown>)[key]);
  }
  return out;
}

function isPlain(node: object): boolean {
  const proto: unknown = Object.getPrototypeOf(node);
  return proto === Object.prototype || proto === null;
}

/** An own, enumerable property, whatever its name (assignment to `__proto__` would set the prototype instead). */
function defineOwn(target: object, key: PathKey, value: unknown): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}

/** `body` with `value` at `path`: the nodes on the path are copied (or made), everything else is shared. */
export function setAt(body: unknown, path: readonly PathKey[], value: unknown): unknown {
  if (path.length === 0) return value;
  const root = shallowCopy(body, typeof path[0] === 'number');
  let node = root;
  for (let i = 0; i < path.length - 1; i++) {
    const key = path[i]!;
    const child = shallowCopy(node[key], typeof path[i + 1] === 'number');
    defineOwn(node, key, child);
    node = child;
  }
  defineOwn(node, path[path.length - 1]!, value);
  return root;
}

export function deleteAt(body: unknown, path: readonly PathKey[]): unknown {
  if (path.length === 0 || body === null || typeof body !== 'object') return body;
  const root = shallowCopy(body, Array.isArray(body));
  let node = root;
  for (let i = 0; i < path.length - 1; i++) {
    const child = node[path[i]!];
    if (child === null || typeof child !== 'object') return root;
    const copy = shallowCopy(child, Array.isArray(child));
    defineOwn(node, path[i]!, copy);
    node = copy;
  }
  delete node[path[path.length - 1]!];
  return root;
}

/** A random JSON-ish value, with own __proto__/constructor keys now and then. */
export function randomValue(dice: Dice, keys: readonly string[], depth = 0): unknown {
  const roll = dice.int(depth > 3 ? 4 : 7);
  switch (roll) {
    case 0:
      return dice.pick([null, true, false, undefined]);
    case 1:
      return dice.pick(HOSTILE_NUMBERS);
    case 2:
    case 3:
      return dice.pick(HOSTILE_STRINGS);
    case 4:
      return Array.from({ length: dice.int(5) }, () => randomValue(dice, keys, depth + 1));
    default: {
      const out: Record<string, unknown> = {};
      const n = dice.int(5);
      for (let i = 0; i < n; i++) {
        const key = dice.chance(0.15) ? dice.pick(PROTO_KEYS) : dice.chance(0.6) && keys.length > 0 ? dice.pick(keys) : dice.pick(HOSTILE_STRINGS).slice(0, 40);
        defineOwn(out, key, randomValue(dice, keys, depth + 1));
      }
      return out;
    }
  }
}

/** Edge values for a field of a given type: bounds and just past them, empties, and the absurd. */
function edgeValues(field: Field, dice: Dice, pool: Pool): unknown[] {
  const checks = checksOf(field.node);
  const bound = (name: string) => checks.filter((c) => c.check === name).map((c) => (name.endsWith('length') ? (name === 'min_length' ? c.minimum : c.maximum) : Number(c.value)));
  switch (field.type) {
    case 'number': {
      const around = [...bound('greater_than'), ...bound('less_than')].flatMap((b) => (b === undefined ? [] : [b - 1, b, b + 1, b + 0.5, -b]));
      return [...around, ...HOSTILE_NUMBERS];
    }
    case 'string': {
      const lengths = [...bound('min_length'), ...bound('max_length')].flatMap((b) => (b === undefined ? [] : [b - 1, b, b + 1])).filter((n) => n >= 0);
      return [...lengths.map((n) => dice.pick(['x', 'é', '😀', ' ', '%']).repeat(n)), ...HOSTILE_STRINGS, ...pool.strings];
    }
    case 'array': {
      const element = field.node._zod.def.element;
      const one = element ? sample(element, dice, pool) : 'x';
      const lengths = [...bound('min_length'), ...bound('max_length')].flatMap((b) => (b === undefined ? [] : [b - 1, b, b + 1])).filter((n) => n >= 0);
      return [[], [one, one], ...lengths.map((n) => new Array<unknown>(n).fill(one)), [[one]], [null], [undefined], [one, 1, null, {}]];
    }
    case 'enum':
    case 'literal': {
      const options = field.type === 'enum' ? Object.values(field.node._zod.def.entries ?? {}) : [...(field.node._zod.def.values ?? [])];
      const texts = options.map(String);
      return [...texts.map((t) => t.toUpperCase()), ...texts.map((t) => ` ${t}`), ...texts.map((t) => `${t}\u0000`), ...options.map((o) => (typeof o === 'number' ? String(o) : o)), 'other', ''];
    }
    default:
      return wrongTypeValues();
  }
}

/** A value of another type than the field's. */
function wrongTypeFor(field: Field, dice: Dice): unknown {
  const wrong = wrongTypeValues().filter((v) => {
    switch (field.type) {
      case 'string':
        return typeof v !== 'string';
      case 'number':
        return typeof v !== 'number';
      case 'boolean':
        return typeof v !== 'boolean';
      case 'array':
        return !Array.isArray(v);
      case 'object':
        return v === null || typeof v !== 'object' || Array.isArray(v);
      default:
        return true;
    }
  });
  return dice.pick(wrong);
}

export interface FuzzInput {
  readonly category: string;
  readonly body: unknown;
  /** What was done to the request, for the failure report. */
  readonly note: string;
}

export const CATEGORIES = [
  'sampled',
  'whole-body',
  'field-type',
  'field-edge',
  'missing-field',
  'extra-keys',
  'proto-keys',
  'huge',
  'deep',
  'numbers',
  'random-json',
  'combined',
] as const;

/**
 * `count` requests for one schema: category by category in turn, each drawn
 * with `dice`. Extra keys stay short (see the test for why).
 */
export function* requestsFor(schema: SchemaNode, dice: Dice, pool: Pool, count: number): Generator<FuzzInput> {
  const fields = fieldsOf(schema);
  const keys = [...new Set(fields.map((f) => f.path[f.path.length - 1]).filter((k): k is string => typeof k === 'string'))];
  const template = validTemplate(schema, dice, pool);
  const at = (path: readonly PathKey[]) => (path.length === 0 ? 'body' : path.map((k) => (typeof k === 'number' ? `[${k}]` : `.${k}`)).join('').replace(/^\./, ''));
  // Wrong types and edge values visit the fields in turn, so every field gets its share.
  const cursors = { type: 0, edge: 0 };
  const nextField = (which: keyof typeof cursors): Field | null => (fields.length > 0 ? fields[cursors[which]++ % fields.length]! : null);
  const anyField = (types?: readonly string[]): Field | null => {
    const candidates = types ? fields.filter((f) => types.includes(f.type)) : fields;
    return candidates.length > 0 ? dice.pick(candidates) : fields.length > 0 ? dice.pick(fields) : null;
  };
  /** `value` at a field, or (for a schema without fields) under an unknown key. */
  const place = (body: unknown, field: Field | null, value: unknown, what: string): { body: unknown; note: string } => {
    if (!field) return { body: setAt(body, ['fuzz'], value), note: `fuzz = ${what}` };
    return { body: setAt(body, field.path, value), note: `${at(field.path)} = ${what}` };
  };

  const mutate = (category: (typeof CATEGORIES)[number], body: unknown): { body: unknown; note: string } => {
    switch (category) {
      case 'sampled': {
        const fresh = sample(schema, dice, pool);
        return { body: fresh, note: 'a sampled request' };
      }
      case 'whole-body': {
        const { ascii, unicode } = hugeStrings();
        const options: [unknown, string][] = [
          ...wrongTypeValues().map((v): [unknown, string] => [v, describe(v)]),
          [ascii, '1 MB string'],
          [unicode, '1 MB of emoji'],
          [hugeArray(template), '100k copies of a valid request'],
          [hugeArray(null), '100k nulls'],
          [deepObject(), 'object nested 1000 deep'],
          [deepArray(), 'array nested 1000 deep'],
          ...protoBodies().map((v): [unknown, string] => [v, `prototype keys ${describe(v)}`]),
        ];
        const [value, note] = dice.pick(options);
        return { body: value, note: `body = ${note}` };
      }
      case 'field-type': {
        const field = nextField('type');
        const value = field ? wrongTypeFor(field, dice) : dice.pick(wrongTypeValues());
        return place(body, field, value, describe(value));
      }
      case 'field-edge': {
        const field = nextField('edge');
        const value = field ? dice.pick(edgeValues(field, dice, pool)) : dice.pick(HOSTILE_STRINGS);
        return place(body, field, value, describe(value));
      }
      case 'missing-field': {
        const required = fields.filter((f) => !f.optional);
        const field = required.length > 0 ? dice.pick(required) : anyField();
        if (!field) return { body: setAt(body, ['fuzz'], undefined), note: 'fuzz = undefined' };
        return dice.chance(0.5)
          ? { body: deleteAt(body, field.path), note: `${at(field.path)} deleted` }
          : place(body, field, undefined, 'undefined');
      }
      case 'extra-keys': {
        const objects = fields.filter((f) => f.type === 'object');
        const target = objects.length > 0 && dice.chance(0.4) ? dice.pick(objects).path : [];
        const n = 1 + dice.int(3);
        let out = body;
        const added: string[] = [];
        for (let i = 0; i < n; i++) {
          const key = dice.chance(0.3) && keys.length > 0 ? `${dice.pick(keys)}${dice.pick(['_', 'X', ' ', '\u0000', '2'])}` : dice.pick(HOSTILE_STRINGS).slice(0, 40) || 'k';
          if ((PROTO_KEYS as readonly string[]).includes(key)) continue;
          out = setAt(out, [...target, key], randomValue(dice, keys, 2));
          added.push(key);
        }
        return { body: out, note: `unknown keys ${JSON.stringify(added)} at ${at(target)}` };
      }
      case 'proto-keys': {
        const objects = fields.filter((f) => f.type === 'object');
        const key = dice.pick(PROTO_KEYS);
        const payload = dice.pick(PROTO_PAYLOADS);
        if (objects.length > 0 && dice.chance(0.4)) {
          const target = dice.pick(objects);
          const inner = withOwnKey(sample(target.node, dice, pool), key, payload);
          return { body: setAt(body, target.path, inner), note: `${at(target.path)} with own key ${key}` };
        }
        const arrays = fields.filter((f) => f.type === 'array');
        if (arrays.length > 0 && dice.chance(0.3)) {
          const target = dice.pick(arrays);
          return { body: setAt(body, target.path, [withOwnKey({}, key, payload)]), note: `${at(target.path)} = [{${key}: …}]` };
        }
        return { body: withOwnKey(body, key, payload), note: `own key ${key} = ${JSON.stringify(payload)}` };
      }
      case 'huge': {
        const field = anyField(['string', 'array']);
        const { ascii, unicode } = hugeStrings();
        const element = field?.type === 'array' && field.node._zod.def.element ? sample(field.node._zod.def.element, dice, pool) : 'x';
        const options: [unknown, string][] = [
          [ascii, '1 MB string'],
          [unicode, '1 MB of emoji'],
          [hugeArray(element), `100k × ${describe(element)}`],
          [hugeArray(ascii), '100k × 1 MB string'],
          [hugeArray({}), '100k empty objects'],
        ];
        const [value, note] = dice.pick(options);
        return place(body, field, value, note);
      }
      case 'deep': {
        const field = anyField();
        const options: [unknown, string][] = [
          [deepObject(), '{a:{a:…}} 1000 deep'],
          [deepArray(), '[[[…]]] 1000 deep'],
          [deepProto(), '{__proto__:{…}} 1000 deep'],
          [deepObject(DEEP, field ? String(field.path[field.path.length - 1]) : 'a'), 'its own key 1000 deep'],
        ];
        const [value, note] = dice.pick(options);
        return dice.chance(0.2) ? { body: value, note: `body = ${note}` } : place(body, field, value, note);
      }
      case 'numbers': {
        const field = anyField(['number']);
        const value = dice.pick(HOSTILE_NUMBERS);
        return place(body, field, value, describe(value));
      }
      case 'random-json': {
        const value = randomValue(dice, keys);
        return dice.chance(0.5) ? { body: value, note: `body = ${describe(value)}` } : place(body, anyField(), value, describe(value));
      }
      case 'combined': {
        let out = body;
        const notes: string[] = [];
        const n = 2 + dice.int(2);
        for (let i = 0; i < n; i++) {
          const step = mutate(dice.pick(['field-type', 'field-edge', 'missing-field', 'extra-keys', 'proto-keys', 'numbers'] as const), out);
          out = step.body;
          notes.push(step.note);
        }
        return { body: out, note: notes.join('; ') };
      }
    }
  };

  for (let i = 0; i < count; i++) {
    const category = CATEGORIES[i % CATEGORIES.length]!;
    const { body, note } = mutate(category, template);
    yield { category, body, note };
  }
}

/** A request the schema accepts, when the sampler finds one in a few tries. */
function validTemplate(schema: SchemaNode, dice: Dice, pool: Pool): unknown {
  let last: unknown = {};
  for (let i = 0; i < 50; i++) {
    last = sample(schema, dice, pool);
    if (schema.safeParse(last).success) return last;
  }
  return last;
}

/** A short, safe description of any value (for notes and failure reports). */
export function describe(value: unknown, max = 120): string {
  let text: string;
  try {
    if (typeof value === 'string') text = value.length > max ? `string(${value.length}) ${JSON.stringify(value.slice(0, 40))}…` : JSON.stringify(value);
    else if (typeof value === 'bigint') text = `${value}n`;
    else if (typeof value === 'symbol' || typeof value === 'function') text = String(value);
    else if (value === undefined) text = 'undefined';
    else if (typeof value === 'number') text = Object.is(value, -0) ? '-0' : String(value);
    else if (Array.isArray(value) && value.length > 20) text = `array(${value.length}) of ${describe(value[0], 40)}`;
    else if (value instanceof Date || value instanceof Map || value instanceof Set || value instanceof RegExp || value instanceof Error || ArrayBuffer.isView(value)) {
      text = `${Object.prototype.toString.call(value)}`;
    } else {
      const seen = new WeakSet<object>();
      text =
        JSON.stringify(value, (_k, v: unknown) => {
          if (typeof v === 'bigint') return `${v}n`;
          if (typeof v === 'string' && v.length > 60) return `string(${v.length})`;
          if (Array.isArray(v) && v.length > 20) return `array(${v.length})`;
          if (v !== null && typeof v === 'object') {
            if (seen.has(v)) return '[seen]';
            seen.add(v);
          }
          return v;
        }) ?? String(value);
    }
  } catch {
    text = Object.prototype.toString.call(value);
  }
  return text.length > max ? `${text.slice(0, max)}…` : text;
}
