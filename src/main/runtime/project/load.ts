// Loads a project file (YAML, or strict JSON for a `.json` file) and validates
// it as a whole: every problem is reported with the file, the line and the
// path (`demo.yaml:42: tags[3].address: offset 70000 is past 65535`), schema
// problems and cross-reference problems together, and nothing is returned
// unless the whole file is right, so the runtime never starts half-configured.
//
// Large files (README, "Large project files"): a file over MAX_PROJECT_BYTES
// is refused before it is read. The `yaml` library needs about 55 MB of
// memory and more than a second of CPU per MB of text (a 50 MB file: over a
// minute and 3 GB), so it only reads files up to FULL_YAML_MAX_CHARS; larger
// ones must keep to the plain subset the fast reader (fastYaml.ts) takes, or
// be JSON. A load that takes more than a second reports its progress through
// `onProgress`.
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { basename } from 'node:path';
import { isMap, isSeq, LineCounter, parseDocument, type Document, type Node } from 'yaml';
import { formatPath } from '../../../shared/contract';
import { checkEntries } from './entries';
import { readYamlSubset, refusedCharLines, subsetLineFinder } from './fastYaml';
import { duplicateKey, jsonLineFinder, jsonSyntaxError } from './jsonText';
import { crossCheck, type Project } from './validate';

export interface ProjectProblem {
  readonly line: number | null;
  readonly path: string;
  readonly message: string;
}

/** A project file larger than this is refused before it is read (about 300,000 tags written as the README shows). */
export const MAX_PROJECT_BYTES = 64 * 1024 * 1024;
/** Above this many characters, YAML is read by the fast reader only (the `yaml` library would need gigabytes). */
export const FULL_YAML_MAX_CHARS = 2 * 1024 * 1024;
/** Problems kept with their lines; beyond, they are only counted (a broken 50 MB file has hundreds of thousands). */
const MAX_KEPT = 1000;
const MAX_SHOWN = 100;
const READ_CHUNK = 4 * 1024 * 1024;

export class ProjectError extends Error {
  constructor(
    readonly file: string,
    /** The problems, in file order; at most the first thousand (see `more`). */
    readonly problems: readonly ProjectProblem[],
    /** How many more problems were found and not kept. */
    readonly more = 0,
  ) {
    // The message names the first hundred (a garbage file has tens of thousands) and counts the rest.
    const shown = problems.slice(0, MAX_SHOWN).map((p) => formatProblem(file, p));
    const rest = problems.length - shown.length + more;
    if (rest > 0) shown.push(`${basename(file)}: … and ${rest} more problems`);
    super(shown.join('\n'));
    this.name = 'ProjectError';
  }
}

export function formatProblem(file: string, problem: ProjectProblem): string {
  const where = problem.line === null ? basename(file) : `${basename(file)}:${problem.line}`;
  return problem.path === '' ? `${where}: ${problem.message}` : `${where}: ${problem.path}: ${problem.message}`;
}

export interface LoadProgress {
  readonly file: string;
  /** read: bytes from disk; parsed: characters of text; validated: tags against the schema; checked: tags cross-checked; loaded: the end. */
  readonly phase: 'read' | 'parsed' | 'validated' | 'checked' | 'loaded';
  readonly done: number;
  readonly total: number;
  readonly elapsedMs: number;
}

export interface LoadOptions {
  /** Told how the load goes, once it has taken `progressAfterMs`, then every `progressEveryMs` (and once at the end). */
  readonly onProgress?: (progress: LoadProgress) => void;
  readonly progressAfterMs?: number;
  readonly progressEveryMs?: number;
}

/** A progress line for a terminal: `loading plant.yaml: 31,000 of 50,000 tags checked…`. */
export function formatProgress(p: LoadProgress): string {
  const name = basename(p.file);
  const count = (n: number) => n.toLocaleString('en-US');
  const mb = (n: number) => (n / 1024 / 1024).toFixed(1);
  switch (p.phase) {
    case 'read':
      return `loading ${name}: ${mb(p.done)} of ${mb(p.total)} MB read…`;
    case 'parsed':
      return `loading ${name}: ${mb(p.done)} of ${mb(p.total)} MB parsed…`;
    case 'validated':
      return `loading ${name}: ${count(p.done)} of ${count(p.total)} tags validated…`;
    case 'checked':
      return `loading ${name}: ${count(p.done)} of ${count(p.total)} tags checked…`;
    case 'loaded':
      return `loaded ${name}: ${count(p.total)} tags in ${(p.elapsedMs / 1000).toFixed(1)} s`;
  }
}

/** Calls `onProgress` at most every `progressEveryMs`, and only once the load has taken `progressAfterMs`. */
class Ticker {
  private readonly started = performance.now();
  private nextAt: number;
  private shown = false;

  constructor(
    private readonly file: string,
    private readonly options: LoadOptions,
  ) {
    this.nextAt = options.progressAfterMs ?? 1000;
  }

  tick(phase: LoadProgress['phase'], done: number, total: number): void {
    const report = this.options.onProgress;
    if (!report) return;
    const elapsedMs = performance.now() - this.started;
    if (elapsedMs < this.nextAt) return;
    this.nextAt = elapsedMs + (this.options.progressEveryMs ?? 1000);
    this.shown = true;
    report({ file: this.file, phase, done, total, elapsedMs });
  }

  /** The closing line, when progress was shown: whoever watched it sees it end. */
  loaded(tags: number): void {
    if (this.shown) this.options.onProgress!({ file: this.file, phase: 'loaded', done: tags, total: tags, elapsedMs: performance.now() - this.started });
  }
}

const megabytes = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;

export function loadProjectFile(file: string, options: LoadOptions = {}): Project {
  const ticker = new Ticker(file, options);
  const refuse = (message: string) => new ProjectError(file, [{ line: null, path: '', message }]);
  let text: string;
  let fd: number | undefined;
  try {
    fd = openSync(file, 'r');
    const stat = fstatSync(fd);
    // A FIFO or a device (/dev/zero) has no size to check and may never end.
    if (!stat.isFile()) throw refuse('cannot read the file: it is not a regular file');
    if (stat.size > MAX_PROJECT_BYTES) {
      throw refuse(
        `the file is ${megabytes(stat.size)} (${stat.size.toLocaleString('en-US')} bytes), over the limit of ${megabytes(MAX_PROJECT_BYTES)} for a project file; nothing was read`,
      );
    }
    // Read in chunks, for progress; never more than the size checked.
    const buffer = Buffer.allocUnsafe(stat.size);
    let read = 0;
    while (read < stat.size) {
      const n = readSync(fd, buffer, read, Math.min(READ_CHUNK, stat.size - read), read);
      if (n === 0) break;
      read += n;
      ticker.tick('read', read, stat.size);
    }
    text = buffer.toString('utf8', 0, read);
  } catch (error) {
    if (error instanceof ProjectError) throw error;
    throw refuse(`cannot read the file: ${(error as Error).message}`);
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
  return parseText(text, file, ticker);
}

/** Parses and validates project text; `file` names it in errors, and a `.json` name makes it strict JSON. */
export function parseProject(text: string, file = 'project.yaml', options: LoadOptions = {}): Project {
  return parseText(text, file, new Ticker(file, options));
}

type LineOf = (path: readonly PropertyKey[]) => number | null;

function parseText(text: string, file: string, ticker: Ticker): Project {
  const { data, lineOf } = readData(text, file, ticker);
  const problems: { path: readonly PropertyKey[]; message: string }[] = [];
  let more = 0;
  const add = (path: readonly PropertyKey[], message: string) => {
    if (problems.length < MAX_KEPT) problems.push({ path, message });
    else more++;
  };

  // The schema entry by entry, then the cross-checks on what passed it: one pass reports both.
  const checked = checkEntries(data, add, (done, total) => ticker.tick('validated', done, total));
  let project: Project | null = null;
  if (checked) {
    const { origins } = checked;
    // The cross-checks see only the entries that passed: name each problem by its entry's place in the file.
    const inFile = (path: readonly PropertyKey[]): readonly PropertyKey[] => {
      const [list, index, ...rest] = path;
      if (typeof index !== 'number') return path;
      if (list === 'devices') return ['devices', origins.devices[index] ?? index, ...rest];
      if (list !== 'tags') return path;
      const alarms = origins.alarms.get(index);
      if (alarms && rest[0] === 'alarms' && typeof rest[1] === 'number') rest[1] = alarms[rest[1]] ?? rest[1];
      return ['tags', origins.tags[index] ?? index, ...rest];
    };
    project = crossCheck(checked.file, (path, message) => add(inFile(path), message), undefined, {
      failed: checked.failed,
      progress: (done, total) => ticker.tick('checked', done, total),
    });
  }
  if (problems.length > 0 || !project) {
    const located = problems.map((p) => ({ line: lineOf(p.path), path: formatPath(p.path), message: p.message }));
    // In file order (stable: problems of one line keep the order they were found in); problems without a line first.
    located.sort((a, b) => (a.line ?? 0) - (b.line ?? 0));
    throw new ProjectError(file, located, more);
  }
  ticker.loaded(project.tags.length);
  return project;
}

/** The file's data, and how to find the line of a path in it; a ProjectError when the text cannot be read. */
function readData(text: string, file: string, ticker: Ticker): { data: unknown; lineOf: LineOf } {
  const strictJson = /\.json$/i.test(file);
  if (strictJson || text.trimStart().startsWith('{')) {
    // JSON.parse is far faster than any YAML reading, and a YAML file that is JSON reads the same.
    const json = readJson(text, file, strictJson);
    if (json) return json;
  }
  // YAML in the subset that `readYamlSubset` reads (what project files are
  // written in) goes straight to plain data; lines are looked up, by reading
  // one entry again, only when there are problems.
  const subset = readYamlSubset(text, { onProgress: (offset, length) => ticker.tick('parsed', offset, length) });
  if (!('gaveUp' in subset)) return { data: subset.data, lineOf: subsetLineFinder(subset) };
  if (text.length > FULL_YAML_MAX_CHARS) {
    // Too large for `yaml`: say what the fast reader stopped at. A damaged
    // file (control characters, tabs) names every damaged line at once.
    const refused = refusedCharLines(text, MAX_KEPT);
    if (refused.lines.length > 0) {
      throw new ProjectError(file, refused.lines.map((p) => ({ line: p.line, path: '', message: p.reason })), refused.more);
    }
    const { line, reason } = subset.gaveUp;
    throw new ProjectError(file, [
      {
        line,
        path: '',
        message: `${reason}: a file over ${megabytes(FULL_YAML_MAX_CHARS)} is read as plain YAML only (see README, "Large project files")`,
      },
    ]);
  }
  // Anything else goes to `yaml`, which reads all of YAML and says where a broken file breaks.
  const { doc, lines } = yamlDocument(text);
  if (doc.errors.length > 0) throw yamlErrors(file, doc);
  let data: unknown;
  try {
    data = doc.toJS({ maxAliasCount: 100 });
  } catch (error) {
    // An alias to no anchor, or aliases that multiply past the bound (a "billion laughs"): a problem of the file, said as one.
    throw new ProjectError(file, [{ line: null, path: '', message: `the YAML cannot be read: ${(error as Error).message}` }]);
  }
  if (data === null || data === undefined) {
    throw new ProjectError(file, [{ line: null, path: '', message: 'the file holds no project (it is empty, or only comments)' }]);
  }
  return { data, lineOf: (path) => lineOfPath(doc, lines, path) };
}

function yamlDocument(text: string): { doc: Document; lines: LineCounter } {
  const lines = new LineCounter();
  return { doc: parseDocument(text, { lineCounter: lines, prettyErrors: true, uniqueKeys: true }), lines };
}

function yamlErrors(file: string, doc: Document): ProjectError {
  return new ProjectError(
    file,
    doc.errors.map((e) => ({ line: e.linePos?.[0].line ?? null, path: '', message: e.message.split('\n')[0] ?? e.message })),
  );
}

/**
 * JSON text's data with its line finder. Undefined when a YAML file is not
 * JSON after all (it is then read as YAML); for a `.json` file, the first
 * syntax error, by line, as a ProjectError: a trailing comma or a comment
 * is an error there, though YAML would take it.
 */
function readJson(text: string, file: string, strict: boolean): { data: unknown; lineOf: LineOf } | undefined {
  let data: unknown;
  try {
    data = JSON.parse(text) as unknown;
  } catch {
    if (!strict) return undefined;
    // A small file that is not YAML either: `yaml` says where it breaks, as it always has.
    if (text.length <= FULL_YAML_MAX_CHARS) {
      const { doc } = yamlDocument(text);
      if (doc.errors.length > 0) throw yamlErrors(file, doc);
    }
    const error = jsonSyntaxError(text) ?? { offset: 0, message: 'the file is not valid JSON' };
    throw new ProjectError(file, [{ line: lineAt(text, error.offset), path: '', message: error.message }]);
  }
  // JSON.parse keeps the last of two equal keys silently; a project file says where the second is.
  const twice = duplicateKey(text);
  if (twice) {
    throw new ProjectError(file, [{ line: lineAt(text, twice.offset), path: '', message: `the key "${twice.key}" is given twice in one object: map keys must be unique` }]);
  }
  return { data, lineOf: jsonLineFinder(text) };
}

function lineAt(text: string, offset: number): number {
  let line = 1;
  for (let i = text.indexOf('\n'); i >= 0 && i < offset; i = text.indexOf('\n', i + 1)) line++;
  return line;
}

/** The line of the deepest node of `path` that exists (a missing key points at its parent). Exported for fastYaml's test. */
export function lineOfPath(doc: Document, lines: LineCounter, path: readonly PropertyKey[]): number | null {
  let node: unknown = doc.contents;
  let offset: number | undefined = (doc.contents as Node | null)?.range?.[0];
  for (const key of path) {
    if (isMap(node)) {
      const pair = node.items.find((item) => (item.key as { value?: unknown } | null)?.value === key);
      if (!pair) break;
      offset = (pair.key as Node).range?.[0] ?? offset;
      node = pair.value;
    } else if (isSeq(node) && typeof key === 'number') {
      const item = node.items[key] as Node | undefined;
      if (!item) break;
      offset = item.range?.[0] ?? offset;
      node = item;
    } else break;
  }
  return offset === undefined ? null : lines.linePos(offset).line;
}
