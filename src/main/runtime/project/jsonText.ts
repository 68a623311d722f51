// Strict JSON for `.json` project files, beside JSON.parse: where a text that
// JSON.parse refused goes wrong (JSON.parse does not always say, and never by
// line), keys given twice (JSON.parse keeps the last one silently), and the
// line of a path in valid JSON text. All of it scans the text without building
// values, so a 50 MB file costs one pass, never a `yaml` document.

export interface JsonSyntaxError {
  readonly offset: number;
  readonly message: string;
}

const WS = new Set([0x20, 0x09, 0x0a, 0x0d]);
const NUMBER = /-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][-+]?[0-9]+)?/y;

function skipWs(text: string, at: number): number {
  while (at < text.length && WS.has(text.charCodeAt(at))) at++;
  return at;
}

function describe(text: string, at: number): string {
  if (at >= text.length) return 'the end of the file';
  const c = text[at]!;
  return /[\x21-\x7e]/.test(c) ? `"${c}"` : `U+${c.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}`;
}

/** A comment is the mistake people make most in JSON after a trailing comma: name it as such. */
function commentAt(text: string, at: number): JsonSyntaxError | null {
  const c = text.charCodeAt(at);
  const next = text.charCodeAt(at + 1);
  if (c === 0x23 /* # */ || (c === 0x2f /* / */ && (next === 0x2f || next === 0x2a))) {
    return { offset: at, message: 'a comment: JSON has no comments (a .json project is strict JSON; YAML files take comments)' };
  }
  return null;
}

/** The end of the string that opens at `at`, or an error. */
function stringEnd(text: string, at: number): number | JsonSyntaxError {
  for (let i = at + 1; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x22) return i + 1;
    if (c < 0x20) return { offset: i, message: c === 0x0a ? 'a string not closed on its line' : 'a control character in a string (write it as an escape)' };
    if (c === 0x5c) {
      const e = text[i + 1];
      if (e === 'u') {
        if (!/^[0-9a-fA-F]{4}$/.test(text.slice(i + 2, i + 6))) return { offset: i, message: 'a \\u escape needs four hex digits' };
        i += 5;
      } else if (e !== undefined && '"\\/bfnrt'.includes(e)) i++;
      else return { offset: i, message: `the escape \\${e ?? ''} is not JSON` };
    }
  }
  return { offset: at, message: 'a string that is never closed' };
}

/**
 * Where strict JSON text goes wrong first, with a message that says what is
 * wrong in the words of someone editing it (a trailing comma, a comment…);
 * null when it is valid JSON.
 */
export function jsonSyntaxError(text: string): JsonSyntaxError | null {
  // Per open container: its closing character.
  const closers: number[] = [];
  let at = skipWs(text, 0);
  for (;;) {
    // A value is expected at `at`.
    const comment = commentAt(text, at);
    if (comment) return comment;
    if (at >= text.length) return { offset: at, message: closers.length > 0 ? `the file ends inside ${closers.at(-1) === 0x7d ? 'an object: a } is missing' : 'a list: a ] is missing'}` : 'the file holds no JSON value' };
    const c = text.charCodeAt(at);
    if (c === 0x7b /* { */ || c === 0x5b /* [ */) {
      const close = c === 0x7b ? 0x7d : 0x5d;
      const inside = skipWs(text, at + 1);
      if (text.charCodeAt(inside) === close) {
        at = inside + 1;
      } else {
        closers.push(close);
        at = inside;
        if (close === 0x7d) {
          const key = keyAt(text, at);
          if (typeof key !== 'number') return key;
          at = key;
        }
        continue;
      }
    } else if (c === 0x22) {
      const end = stringEnd(text, at);
      if (typeof end !== 'number') return end;
      at = end;
    } else if (text.startsWith('true', at) || text.startsWith('null', at)) at += 4;
    else if (text.startsWith('false', at)) at += 5;
    else {
      NUMBER.lastIndex = at;
      if (!NUMBER.test(text)) {
        const what = c === 0x27 ? "a single quote: JSON strings take double quotes" : `${describe(text, at)} where a value was expected`;
        return { offset: at, message: what };
      }
      at = NUMBER.lastIndex;
    }
    // After a value: a comma, the close of its container, or the end of the text.
    for (;;) {
      at = skipWs(text, at);
      const comment = commentAt(text, at);
      if (comment) return comment;
      if (closers.length === 0) return at < text.length ? { offset: at, message: `${describe(text, at)} after the end of the JSON value` } : null;
      const close = closers.at(-1)!;
      if (at >= text.length) return { offset: at, message: `the file ends inside ${close === 0x7d ? 'an object: a } is missing' : 'a list: a ] is missing'}` };
      const c = text.charCodeAt(at);
      if (c === close) {
        closers.pop();
        at++;
        continue;
      }
      if (c !== 0x2c /* , */) {
        const want = close === 0x7d ? '"," or "}"' : '"," or "]"';
        return { offset: at, message: `${describe(text, at)} where ${want} was expected` };
      }
      const comma = at;
      at = skipWs(text, at + 1);
      if (text.charCodeAt(at) === 0x7d || text.charCodeAt(at) === 0x5d) {
        return { offset: comma, message: `a trailing comma before "${text[at]}" (JSON allows none; a .json project is strict JSON)` };
      }
      if (close === 0x7d) {
        const key = keyAt(text, at);
        if (typeof key !== 'number') return key;
        at = key;
      }
      break;
    }
  }
}

/** `"key" :` at `at`: where its value starts, or an error. */
function keyAt(text: string, at: number): number | JsonSyntaxError {
  const comment = commentAt(text, at);
  if (comment) return comment;
  if (text.charCodeAt(at) !== 0x22) return { offset: at, message: `${describe(text, at)} where a key was expected (keys are double-quoted strings)` };
  const end = stringEnd(text, at);
  if (typeof end !== 'number') return end;
  const colon = skipWs(text, end);
  if (text.charCodeAt(colon) !== 0x3a) return { offset: colon, message: `${describe(text, colon)} where ":" was expected after a key` };
  return skipWs(text, colon + 1);
}

/** In valid JSON text: the first key given twice in one object (the second of the two), or null. */
export function duplicateKey(text: string): { offset: number; key: string } | null {
  // Per open container: the keys of an object, null for a list.
  const stack: (Set<string> | null)[] = [];
  let expectKey = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x22 /* " */) {
      let end = i + 1;
      while (text.charCodeAt(end) !== 0x22) end += text.charCodeAt(end) === 0x5c /* \ */ ? 2 : 1;
      const top = stack[stack.length - 1];
      if (expectKey && top) {
        const key = JSON.parse(text.slice(i, end + 1)) as string;
        if (top.has(key)) return { offset: i, key };
        top.add(key);
      }
      expectKey = false;
      i = end;
    } else if (c === 0x7b /* { */) {
      stack.push(new Set());
      expectKey = true;
    } else if (c === 0x5b /* [ */) {
      stack.push(null);
    } else if (c === 0x7d /* } */ || c === 0x5d /* ] */) {
      stack.pop();
    } else if (c === 0x2c /* , */) {
      expectKey = stack[stack.length - 1] !== null;
    }
  }
  return null;
}

/** The end of the value that starts at `at`, in valid JSON text. */
function valueEnd(text: string, at: number): number {
  const c = text.charCodeAt(at);
  if (c === 0x22) return stringEnd(text, at) as number;
  if (c !== 0x7b && c !== 0x5b) {
    let i = at;
    while (i < text.length && !WS.has(text.charCodeAt(i)) && !',]}'.includes(text[i]!)) i++;
    return i;
  }
  let depth = 0;
  for (let i = at; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    if (ch === 0x22) i = (stringEnd(text, i) as number) - 1;
    else if (ch === 0x7b || ch === 0x5b) depth++;
    else if ((ch === 0x7d || ch === 0x5d) && --depth === 0) return i + 1;
  }
  return text.length;
}

/**
 * A line finder for valid JSON text: the line of the deepest node of a path
 * that exists (a key's line for a member, the item's for an item), as the
 * `yaml` walk in load.ts gives. A list's item offsets are found once and kept,
 * so the ten-thousandth problem in a 50 MB file does not scan it again.
 */
export function jsonLineFinder(text: string): (path: readonly PropertyKey[]) => number {
  const itemsOf = new Map<number, number[]>();
  let lineStarts: number[] | null = null;
  const lineOf = (offset: number): number => {
    if (!lineStarts) {
      lineStarts = [0];
      for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) lineStarts.push(i + 1);
    }
    let lo = 0;
    let hi = lineStarts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (lineStarts[mid]! <= offset) lo = mid;
      else hi = mid - 1;
    }
    return lo + 1;
  };
  return (path) => {
    let at = skipWs(text, 0);
    let found = at;
    for (const key of path) {
      const c = text.charCodeAt(at);
      if (c === 0x7b && typeof key === 'string') {
        let member = -1;
        let i = skipWs(text, at + 1);
        while (text.charCodeAt(i) === 0x22) {
          const end = stringEnd(text, i) as number;
          const value = skipWs(text, skipWs(text, end) + 1);
          if ((JSON.parse(text.slice(i, end)) as string) === key) {
            member = i;
            at = value;
            break;
          }
          i = skipWs(text, valueEnd(text, value));
          if (text.charCodeAt(i) === 0x2c) i = skipWs(text, i + 1);
        }
        if (member < 0) break;
        found = member;
      } else if (c === 0x5b && typeof key === 'number') {
        let items = itemsOf.get(at);
        if (!items) {
          items = [];
          let i = skipWs(text, at + 1);
          while (i < text.length && text.charCodeAt(i) !== 0x5d) {
            items.push(i);
            i = skipWs(text, valueEnd(text, i));
            if (text.charCodeAt(i) === 0x2c) i = skipWs(text, i + 1);
          }
          itemsOf.set(at, items);
        }
        const item = items[key];
        if (item === undefined) break;
        found = at = item;
      } else break;
    }
    return lineOf(found);
  };
}
