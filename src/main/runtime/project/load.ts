// Loads a project file (YAML, or JSON, which is YAML too) and validates it as
// a whole: every problem is reported with the file, the line and the path
// (`demo.yaml:42: tags[3].address: offset 70000 is past 65535`), and nothing
// is returned unless the whole file is right, so the runtime never starts
// half-configured.
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { isMap, isSeq, LineCounter, parseDocument, type Document, type Node } from 'yaml';
import { formatPath } from '../../../shared/contract';
import { lineOfSubsetPath, parseYamlSubset, type SubsetResult } from './fastYaml';
import { projectSchema, type ProjectFile } from './schema';
import { crossCheck, type Project } from './validate';

export interface ProjectProblem {
  readonly line: number | null;
  readonly path: string;
  readonly message: string;
}

const MAX_SHOWN = 100;

export class ProjectError extends Error {
  constructor(
    readonly file: string,
    readonly problems: readonly ProjectProblem[],
  ) {
    // Every problem is kept for callers; the message names the first hundred (a garbage file has tens of thousands).
    const shown = problems.slice(0, MAX_SHOWN).map((p) => formatProblem(file, p));
    if (problems.length > MAX_SHOWN) shown.push(`${basename(file)}: … and ${problems.length - MAX_SHOWN} more problems`);
    super(shown.join('\n'));
    this.name = 'ProjectError';
  }
}

export function formatProblem(file: string, problem: ProjectProblem): string {
  const where = problem.line === null ? basename(file) : `${basename(file)}:${problem.line}`;
  return problem.path === '' ? `${where}: ${problem.message}` : `${where}: ${problem.path}: ${problem.message}`;
}

export function loadProjectFile(file: string): Project {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new ProjectError(file, [{ line: null, path: '', message: `cannot read the file: ${(error as Error).message}` }]);
  }
  return parseProject(text, file);
}

/** Parses and validates project text; `file` only names it in errors. */
export function parseProject(text: string, file = 'project.yaml'): Project {
  const lines = new LineCounter();
  let doc: Document | null = null;
  // The YAML document (with source positions) costs far more than the data, so
  // a JSON file is read with JSON.parse and the document is built only to
  // name lines when there are errors.
  const documentOf = (): Document => (doc ??= parseDocument(text, { lineCounter: lines, prettyErrors: true, uniqueKeys: true }));
  // The same holds for YAML in the subset that `parseYamlSubset` reads (what
  // project files are written in): it goes straight to plain data, and
  // lines are looked up, by reading the text again, only when there are
  // problems. Anything outside the subset goes to `yaml`.
  let subset = false;
  let data = parseJsonObject(text);
  if (data === undefined) {
    data = parseYamlSubset(text)?.data;
    subset = data !== undefined;
  }
  if (data === undefined) {
    const parsedDoc = documentOf();
    if (parsedDoc.errors.length > 0) {
      throw new ProjectError(
        file,
        parsedDoc.errors.map((e) => ({
          line: e.linePos?.[0].line ?? null,
          path: '',
          message: e.message.split('\n')[0] ?? e.message,
        })),
      );
    }
    try {
      data = parsedDoc.toJS({ maxAliasCount: 100 });
    } catch (error) {
      // An alias to no anchor, or aliases that multiply past the bound (a "billion laughs"): a problem of the file, said as one.
      throw new ProjectError(file, [{ line: null, path: '', message: `the YAML cannot be read: ${(error as Error).message}` }]);
    }
    if (data === null || data === undefined) {
      throw new ProjectError(file, [{ line: null, path: '', message: 'the file holds no project (it is empty, or only comments)' }]);
    }
  }
  let withLines: SubsetResult | undefined;
  const lineOf = (path: readonly PropertyKey[]): number | null => {
    if (!subset) return lineOfPath(documentOf(), lines, path);
    withLines ??= parseYamlSubset(text, true)!;
    return lineOfSubsetPath(withLines, path);
  };

  const parsed = projectSchema.safeParse(data);
  if (!parsed.success) {
    throw new ProjectError(
      file,
      parsed.error.issues.map((issue) => ({
        line: lineOf(issue.path),
        path: formatPath(issue.path),
        message: issue.message,
      })),
    );
  }
  const problems: ProjectProblem[] = [];
  const project = crossCheck(parsed.data as ProjectFile, (path, message) =>
    problems.push({ line: lineOf(path), path: formatPath(path), message }),
  );
  if (problems.length > 0) throw new ProjectError(file, problems);
  return project;
}

/**
 * The data of a JSON object text, or undefined when the text is not JSON
 * (YAML, or broken), or names a key twice in one object (JSON.parse would
 * keep the last silently; the YAML parser says where).
 */
function parseJsonObject(text: string): unknown {
  if (!text.trimStart().startsWith('{')) return undefined;
  let data: unknown;
  try {
    data = JSON.parse(text) as unknown;
  } catch {
    return undefined; // let the YAML parser say where it breaks
  }
  return hasDuplicateKey(text) ? undefined : data;
}

/** One pass over valid JSON text: does any object name a key twice? */
function hasDuplicateKey(text: string): boolean {
  // Per open container: the keys of an object, null for an array.
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
        if (top.has(key)) return true;
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
  return false;
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
