// A fast reader for the YAML that project files are written in, beside the
// full `yaml` library.
//
// Why: `yaml` builds a concrete syntax tree and a Document with source ranges
// for every node; on a 50,000-tag project (10 MB) that is seconds and hundreds
// of MB before validation starts. This reader goes line by line straight to
// plain JS values, and gives up (returns undefined) on anything outside the
// subset it knows, so the caller falls back to `yaml`, which then also says
// what is wrong with the file. The subset:
//
// - a block mapping at the top; block mappings and block sequences below it
//   (`key:` then deeper lines; `- item`; `- key: value` compact mappings; a
//   sequence under a key at the key's own indent);
// - keys that are plain words (`[A-Za-z_][A-Za-z0-9_.$-]*`, not null/true/…,
//   not `__proto__`), each once per mapping;
// - values on one line: plain scalars resolved by the YAML 1.2 core schema
//   exactly as `yaml` resolves them (null, bool, int, hex, octal, float,
//   .inf/.nan, else string), single- and double-quoted strings, and flow
//   mappings/sequences that close on their line;
// - comments (whole-line and after a value), blank lines, LF or CRLF.
//
// Anything else (anchors, aliases, tags, block scalars `|`/`>`, multi-line
// scalars or flow collections, `---`, tabs, explicit keys, control
// characters, quoted keys…) gives up. Whatever it accepts, it must read as
// `yaml`'s `parseDocument(text).toJS()` does, without errors: a differential
// test (test/unit/project/fastYaml.test.ts) holds it to that.

/** Per container: the line of each sequence item, or of each mapping key. */
export type LineMap = WeakMap<object, number[] | Map<string, number>>;

/** Where the items of a sequence under a top-level key start: their lines, and the offsets of those lines. */
export interface TopItems {
  readonly lines: number[];
  readonly offsets: number[];
}

export interface SubsetResult {
  readonly data: Record<string, unknown>;
  /** Only with `recordLines`: the lines of the nodes, for error messages. */
  readonly lines: LineMap | null;
  /** The line of the first key (where `yaml` places the document's contents). */
  readonly rootLine: number;
  /**
   * Always recorded, since it costs two numbers per entry: the line and offset
   * of each top-level key, and of each item of a block sequence under one.
   * `subsetLineFinder` finds deeper lines from them by reading one entry again.
   */
  readonly top: ReadonlyMap<string, { readonly line: number; readonly offset: number; readonly items: TopItems | null }>;
  /** The text as read (CRLF made LF): what `top`'s offsets point into. */
  readonly text: string;
}

/** Why the reader gave up, and on which line: what a caller that cannot fall back to `yaml` reports. */
export interface GaveUp {
  readonly line: number;
  readonly reason: string;
}

/** Thrown to give up; caught in `readYamlSubset` only. The reader adds the line. */
class GiveUp {
  constructor(readonly reason: string) {}
}
const giveUp = (reason: string) => new GiveUp(reason);

// Characters YAML does not allow in a stream, a tab, and a CR that is not part of CRLF.
// eslint-disable-next-line no-control-regex
const REFUSED_CHARS = /[\x00-\x09\x0b\x0c\x0e-\x1f\x7f-\x9f\ufeff\ufffe\uffff]|\r(?!\n)/;
// eslint-disable-next-line no-control-regex
const REFUSED_CHARS_ALL = /[\x00-\x09\x0b\x0c\x0e-\x1f\x7f-\x9f\ufeff\ufffe\uffff]|\r(?!\n)/g;
const KEY = /[A-Za-z_][A-Za-z0-9_.$-]*/y;
const NOT_STRING_KEYS = new Set(['null', 'Null', 'NULL', 'true', 'True', 'TRUE', 'false', 'False', 'FALSE', '__proto__']);

export interface SubsetOptions {
  /** Also the line of every key and item (the same lines `yaml`'s source ranges give). */
  readonly recordLines?: boolean;
  /** Called every 65,536 lines with the offset reached (for progress on large files). */
  readonly onProgress?: (offset: number, length: number) => void;
}

/**
 * The data of a project text in the subset above, or undefined when the text
 * is outside it (the caller then uses `yaml`). With `recordLines`, also the
 * line of every key and item (the same lines `yaml`'s source ranges give).
 */
export function parseYamlSubset(text: string, recordLines = false): SubsetResult | undefined {
  const result = readYamlSubset(text, { recordLines });
  return 'gaveUp' in result ? undefined : result;
}

/** As `parseYamlSubset`, but says where and why it gave up. */
export function readYamlSubset(text: string, options: SubsetOptions = {}): SubsetResult | { readonly gaveUp: GaveUp } {
  const bad = REFUSED_CHARS.exec(text);
  if (bad) return { gaveUp: { line: lineAt(text, bad.index), reason: refusedCharReason(bad[0]) } };
  // CRLF: the same line numbers, one line break character.
  if (text.includes('\r')) text = text.replace(/\r\n/g, '\n');
  const reader = new Reader(text, options.recordLines ?? false, options.onProgress);
  try {
    return reader.document();
  } catch (error) {
    if (error instanceof GiveUp) return { gaveUp: { line: reader.line, reason: error.reason } };
    throw error;
  }
}

/**
 * Every line holding a character YAML refuses (control characters, a tab, a
 * lone CR…), up to `max` of them, in one pass: what a file too large for
 * `yaml` is refused with, so a damaged file names its damage at once.
 */
export function refusedCharLines(text: string, max: number): { lines: GaveUp[]; more: number } {
  const lines: GaveUp[] = [];
  let more = 0;
  let line = 1;
  let counted = 0; // the offset up to which line breaks are counted
  let lastLine = 0;
  REFUSED_CHARS_ALL.lastIndex = 0;
  for (let m = REFUSED_CHARS_ALL.exec(text); m; m = REFUSED_CHARS_ALL.exec(text)) {
    for (let i = text.indexOf('\n', counted); i >= 0 && i < m.index; i = text.indexOf('\n', i + 1)) line++;
    counted = m.index;
    if (line === lastLine) continue; // one problem per line
    lastLine = line;
    if (lines.length < max) lines.push({ line, reason: refusedCharReason(m[0]) });
    else more++;
  }
  return { lines, more };
}

function refusedCharReason(char: string): string {
  if (char === '\t') return 'a tab (YAML indents with spaces only)';
  if (char === '\r') return 'a carriage return without a line feed';
  const code = char.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0');
  return `the character U+${code}, which a YAML file may not hold`;
}

/** The 1-based line of `offset` in `text`. */
function lineAt(text: string, offset: number): number {
  let line = 1;
  for (let i = text.indexOf('\n'); i >= 0 && i < offset; i = text.indexOf('\n', i + 1)) line++;
  return line;
}

const SPACE = 0x20;
const HASH = 0x23;
const DASH = 0x2d;
const COLON = 0x3a;

class Reader {
  private readonly text: string;
  readonly lines: LineMap | null;
  // The current content line (blank and comment-only lines are skipped).
  private lineNo = 0;
  private start = 0; // index of its first character
  private end = 0; // index of its line break (or the text's length)
  private indent = 0; // spaces before its content
  private eof = false;
  private nextStart = 0; // where the line after it starts
  private readonly top = new Map<string, { line: number; offset: number; items: TopItems | null }>();
  // Set by the root mapping just before it reads the value of a key on the
  // following lines; taken (and cleared) by the node that starts there, so
  // only a sequence directly under a top-level key records its items.
  private topItems: TopItems | null = null;

  constructor(
    text: string,
    recordLines: boolean,
    private readonly onProgress?: (offset: number, length: number) => void,
  ) {
    this.text = text;
    this.lines = recordLines ? new WeakMap() : null;
  }

  /** The line the reader is on (where it gave up, when it did). */
  get line(): number {
    return this.lineNo;
  }

  document(): SubsetResult {
    this.advance();
    if (this.eof || this.indent !== 0) throw giveUp(this.eof ? 'the file holds no project (it is empty, or only comments)' : 'the top level is indented'); // let `yaml` say, where it reads the file
    const rootLine = this.lineNo;
    const data = this.blockMap(0, this.start, true);
    if (!this.eof) throw giveUp('a line the reader does not understand here');
    return { data, lines: this.lines, rootLine, top: this.top, text: this.text };
  }

  /** Moves to the next line that holds more than spaces and a comment. */
  private advance(): void {
    const text = this.text;
    let at = this.nextStart;
    while (at <= text.length) {
      if (at === text.length) break;
      this.lineNo++;
      if ((this.lineNo & 0xffff) === 0) this.onProgress?.(at, text.length);
      let end = text.indexOf('\n', at);
      if (end < 0) end = text.length;
      let i = at;
      while (i < end && text.charCodeAt(i) === SPACE) i++;
      if (i < end && text.charCodeAt(i) !== HASH) {
        this.start = at;
        this.end = end;
        this.indent = i - at;
        this.nextStart = end + 1;
        // A document marker or a directive is for `yaml` to read.
        if (this.indent === 0 && (text.startsWith('---', at) || text.startsWith('...', at) || text.charCodeAt(at) === 0x25 /* % */)) throw giveUp('a document marker or directive (---, ..., %)');
        return;
      }
      at = end + 1;
    }
    this.eof = true;
    this.indent = -1;
  }

  /** A block mapping whose keys sit at column `indent`; the first key starts at `first` on the current line. */
  private blockMap(indent: number, first: number, root = false): Record<string, unknown> {
    this.topItems = null;
    const map: Record<string, unknown> = {};
    const keyLines = this.lines ? new Map<string, number>() : null;
    if (this.lines) this.lines.set(map, keyLines!);
    let at = first;
    for (;;) {
      const key = this.key(at);
      if (key === null) throw giveUp('expected `key: value` (a plain key, a colon, a space)');
      if (Object.hasOwn(map, key)) throw giveUp(`the key "${key}" is given twice: map keys must be unique`); // `yaml` says "Map keys must be unique" with the line
      keyLines?.set(key, this.lineNo);
      let items: TopItems | null = null;
      if (root) {
        items = { lines: [], offsets: [] };
        this.top.set(key, { line: this.lineNo, offset: this.start, items });
      }
      const valueAt = this.skipSpaces(at + key.length + 1);
      if (this.isEndOfContent(valueAt)) {
        // `key:` with its value on the following lines (or none: null).
        this.advance();
        this.topItems = items;
        if (this.indent > indent) map[key] = this.blockNode(this.indent);
        else if (this.indent === indent && this.isDashItem(this.start + indent)) map[key] = this.blockSeq(indent);
        else map[key] = null;
        this.topItems = null;
      } else {
        map[key] = this.inlineValue(valueAt);
        this.advance();
        if (this.indent > indent) throw giveUp('a line indented deeper than the value before it (a continuation line, or bad indentation)');
      }
      if (this.indent < indent) return map; // eof is -1
      if (this.indent > indent) throw giveUp('bad indentation');
      at = this.start + indent;
    }
  }

  /** A block sequence whose dashes sit at column `indent` of the current line. */
  private blockSeq(indent: number): unknown[] {
    const top = this.topItems;
    this.topItems = null;
    const items: unknown[] = [];
    const itemLines = this.lines ? ([] as number[]) : null;
    if (this.lines) this.lines.set(items, itemLines!);
    for (;;) {
      const dash = this.start + indent;
      if (!this.isDashItem(dash)) throw giveUp('expected a list item (`- …`)');
      if (top) {
        top.lines.push(this.lineNo);
        top.offsets.push(this.start);
      }
      const at = this.skipSpaces(dash + 1);
      if (this.isEndOfContent(at)) {
        // `-` alone: the item is on the following lines (an empty item is left to `yaml`).
        this.advance();
        if (this.indent <= indent) throw giveUp('an empty list item');
        itemLines?.push(this.lineNo);
        items.push(this.blockNode(this.indent));
      } else if (this.key(at) !== null) {
        // `- key: value`: a mapping whose keys sit at the column of this first key.
        itemLines?.push(this.lineNo);
        items.push(this.blockMap(at - this.start, at));
      } else {
        itemLines?.push(this.lineNo);
        items.push(this.inlineValue(at));
        this.advance();
        if (this.indent > indent) throw giveUp('a line indented deeper than the item before it');
      }
      if (this.indent !== indent || !this.isDashItem(this.start + indent)) {
        if (this.indent > indent) throw giveUp('bad indentation');
        return items;
      }
    }
  }

  /** The node that starts the current line at column `indent` (under a `key:` or a lone `-`). */
  private blockNode(indent: number): unknown {
    const at = this.start + indent;
    if (this.isDashItem(at)) return this.blockSeq(indent);
    if (this.key(at) !== null) return this.blockMap(indent, at);
    throw giveUp('a value on a line of its own (multi-line values are not read here)');
  }

  /** `-` followed by a space or the end of the line. */
  private isDashItem(at: number): boolean {
    if (this.text.charCodeAt(at) !== DASH) return false;
    const next = at + 1;
    return next === this.end || this.text.charCodeAt(next) === SPACE;
  }

  /** The key at `at` when the line has `key:` there followed by a space or the end; otherwise null. */
  private key(at: number): string | null {
    KEY.lastIndex = at;
    if (!KEY.test(this.text)) return null;
    const colon = KEY.lastIndex;
    if (this.text.charCodeAt(colon) !== COLON) return null;
    if (colon + 1 !== this.end && this.text.charCodeAt(colon + 1) !== SPACE) return null;
    return this.keyString(at, colon);
  }

  // Keys repeat (path, device, address… 50,000 times): hand out one string per
  // key instead of a new slice each time, which saves the garbage collector
  // most of its work (a property name is looked up by its characters anyway).
  private readonly keyCache = new Map<number, string[]>();

  private keyString(at: number, end: number): string {
    const bucket = (end - at) * 128 + this.text.charCodeAt(at); // a key's first character is ASCII
    let known = this.keyCache.get(bucket);
    if (known) {
      for (const key of known) if (this.text.startsWith(key, at)) return key;
    } else this.keyCache.set(bucket, (known = []));
    const key = this.text.slice(at, end);
    if (NOT_STRING_KEYS.has(key) || key.length > 1000) throw giveUp(`the key "${key.slice(0, 40)}" is not a plain name`);
    if (known.length < 16) known.push(key);
    return key;
  }

  private skipSpaces(at: number): number {
    while (at < this.end && this.text.charCodeAt(at) === SPACE) at++;
    return at;
  }

  /** Nothing but a comment (after a space, or at the start) left on the line from `at`. */
  private isEndOfContent(at: number): boolean {
    return at >= this.end || (this.text.charCodeAt(at) === HASH && this.text.charCodeAt(at - 1) === SPACE);
  }

  /** A value that must end on this line: quoted, a flow collection, or a plain scalar. */
  private inlineValue(at: number): unknown {
    const c = this.text.charCodeAt(at);
    if (c === 0x22 /* " */ || c === 0x27 /* ' */ || c === 0x7b /* { */ || c === 0x5b /* [ */) {
      const [value, after] = this.flowValue(at);
      const rest = this.skipSpaces(after);
      if (rest < this.end && !(rest > after && this.text.charCodeAt(rest) === HASH)) throw giveUp('text after a quoted or bracketed value');
      return value;
    }
    // A plain scalar runs to the end of the line or to a comment.
    let end = at;
    while (end < this.end && !(this.text.charCodeAt(end) === HASH && this.text.charCodeAt(end - 1) === SPACE)) end++;
    while (end > at && this.text.charCodeAt(end - 1) === SPACE) end--;
    return plainScalar(this.text.slice(at, end), false);
  }

  /** A value in flow style from `at`, and where it ends. */
  private flowValue(at: number): [unknown, number] {
    const text = this.text;
    const c = text.charCodeAt(at);
    if (c === 0x22) return this.doubleQuoted(at);
    if (c === 0x27) return this.singleQuoted(at);
    if (c === 0x7b) return this.flowMap(at);
    if (c === 0x5b) return this.flowSeq(at);
    let end = at;
    while (end < this.end) {
      const ch = text.charCodeAt(end);
      if (ch === 0x2c /* , */ || ch === 0x5b || ch === 0x5d /* ] */ || ch === 0x7b || ch === 0x7d /* } */) break;
      end++;
    }
    let last = end;
    while (last > at && text.charCodeAt(last - 1) === SPACE) last--;
    if (last === at) throw giveUp('an empty value in a flow collection');
    return [plainScalar(text.slice(at, last), true), end];
  }

  private flowMap(open: number): [Record<string, unknown>, number] {
    const map: Record<string, unknown> = {};
    const keyLines = this.lines ? new Map<string, number>() : null;
    if (this.lines) this.lines.set(map, keyLines!);
    let at = this.skipSpaces(open + 1);
    while (this.text.charCodeAt(at) !== 0x7d) {
      const key = this.key(at);
      if (key === null || Object.hasOwn(map, key)) throw giveUp(key === null ? 'expected `key: value` in a { } mapping' : `the key "${key}" is given twice: map keys must be unique`);
      keyLines?.set(key, this.lineNo);
      at = this.skipSpaces(at + key.length + 1);
      if (at >= this.end) throw giveUp('a { } mapping that continues on the next line');
      const [value, after] = this.flowValue(at);
      map[key] = value;
      at = this.afterFlowItem(after, 0x7d);
    }
    return [map, at + 1];
  }

  private flowSeq(open: number): [unknown[], number] {
    const items: unknown[] = [];
    const itemLines = this.lines ? ([] as number[]) : null;
    if (this.lines) this.lines.set(items, itemLines!);
    let at = this.skipSpaces(open + 1);
    while (this.text.charCodeAt(at) !== 0x5d) {
      if (at >= this.end) throw giveUp('a [ ] list that continues on the next line');
      if (this.key(at) !== null) throw giveUp('`key: value` inside a [ ] list'); // `[a: b]` is a one-pair mapping
      const [value, after] = this.flowValue(at);
      itemLines?.push(this.lineNo);
      items.push(value);
      at = this.afterFlowItem(after, 0x5d);
    }
    return [items, at + 1];
  }

  /** After an item of a flow collection: `,` (then the next item, or the close) or the close itself. */
  private afterFlowItem(after: number, close: number): number {
    let at = this.skipSpaces(after);
    const c = this.text.charCodeAt(at);
    if (at < this.end && c === 0x2c) {
      at = this.skipSpaces(at + 1);
      if (at >= this.end || this.text.charCodeAt(at) === 0x2c) throw giveUp('an empty item, or a collection that continues on the next line');
      return at;
    }
    if (at < this.end && c === close) return at;
    throw giveUp('expected `,` or the closing bracket');
  }

  private doubleQuoted(open: number): [string, number] {
    const text = this.text;
    let out = '';
    let from = open + 1;
    for (let i = from; i < this.end; i++) {
      const c = text.charCodeAt(i);
      if (c === 0x22) return [out + text.slice(from, i), i + 1];
      if (c !== 0x5c /* \ */) continue;
      out += text.slice(from, i);
      const e = text[i + 1];
      const simple = e === undefined ? undefined : ESCAPES[e];
      if (simple !== undefined) {
        out += simple;
        i += 1;
      } else if (e === 'x' || e === 'u') {
        const digits = e === 'x' ? 2 : 4;
        const hex = text.slice(i + 2, i + 2 + digits);
        if (!/^[0-9a-fA-F]+$/.test(hex) || hex.length !== digits) throw giveUp('a bad \\x or \\u escape');
        out += String.fromCharCode(parseInt(hex, 16));
        i += 1 + digits;
      } else throw giveUp('an escape the reader does not take'); // a rarer escape, or a line-end escape
      from = i + 1;
    }
    throw giveUp('a double-quoted string that is not closed on its line'); // continues on the next line
  }

  private singleQuoted(open: number): [string, number] {
    const text = this.text;
    let out = '';
    let from = open + 1;
    for (let i = from; i < this.end; i++) {
      if (text.charCodeAt(i) !== 0x27) continue;
      if (text.charCodeAt(i + 1) === 0x27) {
        out += text.slice(from, i + 1);
        from = i + 2;
        i++;
        continue;
      }
      return [out + text.slice(from, i), i + 1];
    }
    throw giveUp('a single-quoted string that is not closed on its line');
  }
}

const ESCAPES: Record<string, string> = {
  '"': '"',
  '\\': '\\',
  '/': '/',
  n: '\n',
  t: '\t',
  r: '\r',
  b: '\b',
  f: '\f',
  '0': '\0',
  ' ': ' ',
};

// The YAML 1.2 core schema, as `yaml` (2.x) resolves plain scalars.
const NULL = /^(?:~|[Nn]ull|NULL)?$/;
const BOOL = /^(?:[Tt]rue|TRUE|[Ff]alse|FALSE)$/;
const INT = /^[-+]?[0-9]+$/;
const INT_OCT = /^0o[0-7]+$/;
const INT_HEX = /^0x[0-9a-fA-F]+$/;
const FLOAT_SPECIAL = /^(?:[-+]?\.(?:inf|Inf|INF)|\.nan|\.NaN|\.NAN)$/;
const FLOAT_EXP = /^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)[eE][-+]?[0-9]+$/;
const FLOAT = /^[-+]?(?:\.[0-9]+|[0-9]+\.[0-9]*)$/;

/** A plain scalar's value; gives up on what is not a plain scalar in that context. */
function plainScalar(source: string, flow: boolean): unknown {
  const c = source.charCodeAt(0);
  // Indicators cannot start a plain scalar (`-` can, before a non-space: `-5`).
  if ('&*!|>%@`\'"?:,[]{}#'.includes(source[0] ?? '') || (c === DASH && (source.length === 1 || source.charCodeAt(1) === SPACE))) {
    throw giveUp(`a value starting with "${source[0]}" (anchors, aliases, tags, block scalars… are not read here)`);
  }
  // `a: b` inside a value is a mapping (or an error); a trailing `:` is a key.
  if (source.includes(': ') || source.endsWith(':') || source.includes(' #')) throw giveUp('a value holding ": ", " #" or ending in ":" (quote it)');
  if (flow && source.includes('#')) throw giveUp('a "#" in a value inside brackets (quote it)');
  // Most plain scalars are words: only a few first characters can make anything but a string.
  if ((c >= 0x30 && c <= 0x39) || c === 0x2b || c === DASH || c === 0x2e || c === 0x7e) {
    if (NULL.test(source)) return null;
    if (INT_OCT.test(source)) return parseInt(source.substring(2), 8);
    if (INT.test(source)) return parseInt(source, 10);
    if (INT_HEX.test(source)) return parseInt(source.substring(2), 16);
    if (FLOAT_SPECIAL.test(source)) return source.slice(-3).toLowerCase() === 'nan' ? NaN : source[0] === '-' ? -Infinity : Infinity;
    if (FLOAT_EXP.test(source) || FLOAT.test(source)) return parseFloat(source);
    return source;
  }
  if (c === 0x6e || c === 0x4e || c === 0x74 || c === 0x54 || c === 0x66 || c === 0x46) {
    if (NULL.test(source)) return null;
    if (BOOL.test(source)) return source.charCodeAt(0) === 0x74 || source.charCodeAt(0) === 0x54;
  }
  return source;
}

/** The line of the deepest node of `path` that exists (a missing key points at its parent), as load.ts's `yaml` walk does. */
export function lineOfSubsetPath(result: SubsetResult, path: readonly PropertyKey[]): number {
  const lines = result.lines;
  if (!lines) throw new Error('parse with recordLines to look up lines');
  let node: unknown = result.data;
  let line = result.rootLine;
  for (const key of path) {
    if (node === null || typeof node !== 'object') break;
    const at = lines.get(node);
    if (Array.isArray(node)) {
      if (typeof key !== 'number' || !(at instanceof Array) || key < 0 || key >= node.length) break;
      line = at[key]!;
      node = node[key];
    } else {
      if (typeof key !== 'string' || !(at instanceof Map) || !at.has(key)) break;
      line = at.get(key)!;
      node = (node as Record<string, unknown>)[key];
    }
  }
  return line;
}

/**
 * The line of a path, for a result read without `recordLines` (which would
 * cost a map per container of the whole file): the top-level index gives the
 * entry the path goes into, and only that entry's text is read again, with
 * lines. An entry is a few lines, so a problem in a 50 MB file costs a
 * few microseconds, not a second read of the file.
 */
export function subsetLineFinder(result: SubsetResult): (path: readonly PropertyKey[]) => number {
  const keys = [...result.top.values()];
  const nextKeyOffset = new Map(keys.map((entry, i) => [entry, keys[i + 1]?.offset ?? result.text.length]));
  const cache = new Map<number, SubsetResult | null>();
  const reread = (from: number, to: number, prefix: string): SubsetResult | null => {
    let mini = cache.get(from);
    if (mini === undefined) {
      mini = parseYamlSubset(prefix + result.text.slice(from, to), true) ?? null;
      if (cache.size > 1000) cache.clear();
      cache.set(from, mini);
    }
    return mini;
  };
  return (path) => {
    const [key, index, ...rest] = path;
    const entry = typeof key === 'string' ? result.top.get(key) : undefined;
    if (!entry) return result.rootLine;
    const end = nextKeyOffset.get(entry)!;
    const items = entry.items;
    if (items && items.lines.length > 0) {
      if (typeof index !== 'number' || index < 0 || index >= items.lines.length) return entry.line;
      // One item, under a made-up key so that it reads as a document: its line 2 is the item's line.
      const mini = reread(items.offsets[index]!, items.offsets[index + 1] ?? end, 'x:\n');
      return mini ? items.lines[index]! + lineOfSubsetPath(mini, ['x', 0, ...rest]) - 2 : items.lines[index]!;
    }
    // A mapping (or a one-line value) under the key: read that section again.
    const mini = reread(entry.offset, end, '');
    return mini ? entry.line + lineOfSubsetPath(mini, path) - 1 : entry.line;
  };
}
