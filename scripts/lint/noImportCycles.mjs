// ESLint rule `layering/no-import-cycles`: an import that closes a cycle is
// an error, whatever kind it is. `import type`, `export … from`, `import()`
// and `typeof import('…')` all count: a cycle of types only is still two
// modules that cannot be understood (or moved) one without the other.
//
// The import graph is built with TypeScript's own scanner and resolver
// (`ts.preProcessFile`, `ts.resolveModuleName`), so it follows exactly the
// paths `tsc` follows. The file being linted is read from the text ESLint
// has (an editor buffer, or a test's snippet); every other file from disk,
// once per lint run. Only files of this repository are nodes: packages in
// node_modules cannot import us back.
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

const COMPILER_OPTIONS = {
  module: ts.ModuleKind.ESNext,
  moduleResolution: ts.ModuleResolutionKind.Bundler,
  allowJs: true,
  jsx: ts.JsxEmit.ReactJSX,
  resolveJsonModule: true,
};

/** file → the repository files it imports (with where, in its text); read once per process. */
const edgesOnDisk = new Map();

/** The imports of a text: [{ target, pos, end }], resolved to files of this repository. */
function importsOf(file, text) {
  const { importedFiles } = ts.preProcessFile(text, true, true);
  const out = [];
  for (const imported of importedFiles) {
    const { resolvedModule } = ts.resolveModuleName(imported.fileName, file, COMPILER_OPTIONS, ts.sys);
    if (!resolvedModule || resolvedModule.isExternalLibraryImport) continue;
    const target = resolve(resolvedModule.resolvedFileName);
    if (!target.startsWith(ROOT) || target.includes('/node_modules/')) continue;
    out.push({ target, pos: imported.pos, end: imported.end });
  }
  return out;
}

function diskEdges(file) {
  let edges = edgesOnDisk.get(file);
  if (edges === undefined) {
    let text = '';
    try {
      text = readFileSync(file, 'utf8');
    } catch {
      // A declaration TypeScript resolved but cannot be read: no edges.
    }
    edges = [...new Set(importsOf(file, text).map((edge) => edge.target))];
    edgesOnDisk.set(file, edges);
  }
  return edges;
}

/** The shortest import path from `start` back to `goal` (both included), or null. */
function pathBack(start, goal, edgesOf) {
  const cameFrom = new Map([[start, null]]);
  const queue = [start];
  while (queue.length > 0) {
    const node = queue.shift();
    for (const next of edgesOf(node)) {
      if (cameFrom.has(next)) continue;
      cameFrom.set(next, node);
      if (next === goal) {
        const path = [];
        for (let at = goal; at !== null; at = cameFrom.get(at)) path.unshift(at);
        return path;
      }
      queue.push(next);
    }
  }
  return null;
}

export const noImportCycles = {
  meta: {
    type: 'problem',
    docs: { description: 'forbid import cycles, type-only imports included' },
    schema: [],
    messages: { cycle: 'import cycle: {{cycle}}' },
  },
  create(context) {
    const file = resolve(context.physicalFilename ?? context.filename);
    const text = context.sourceCode.text;
    return {
      Program() {
        const own = importsOf(file, text);
        const ownTargets = [...new Set(own.map((edge) => edge.target))];
        // This file's edges come from the text being linted, not from disk.
        const edgesOf = (node) => (node === file ? ownTargets : diskEdges(node));
        const reported = new Set();
        for (const edge of own) {
          if (reported.has(edge.target)) continue;
          reported.add(edge.target);
          const back = edge.target === file ? [file] : pathBack(edge.target, file, edgesOf);
          if (back === null) continue;
          const cycle = [file, ...back].map((node) => relative(ROOT, node)).join(' → ');
          context.report({
            loc: { start: context.sourceCode.getLocFromIndex(edge.pos), end: context.sourceCode.getLocFromIndex(edge.end) },
            messageId: 'cycle',
            data: { cycle },
          });
        }
      },
    };
  },
};


// ---- cycles between folders ----
//
// `layering/no-folder-cycles` treats each sub-folder of a root (option
// `roots`, e.g. `src/main/runtime`) as one part: `drivers`, `project`,
// `historian`… A part may use another, but two parts may not use each
// other, even through different files (project/schema.ts → drivers/modbus
// and drivers/index.ts → project/schema.ts is no cycle of modules, and still
// two folders that cannot be moved or understood apart). Files directly in
// the root (the composition root) belong to no part.

function filesUnder(dir, out = []) {
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return out;
  }
  for (const entry of entries) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) filesUnder(path, out);
    else if (/\.(m?[jt]sx?)$/.test(entry.name) && !entry.name.endsWith('.d.ts')) out.push(path);
  }
  return out;
}

/** root → part → part it imports → the files of the first part that do so. */
const partGraphs = new Map();

function partOf(root, file) {
  if (!file.startsWith(root + sep)) return null;
  const rest = file.slice(root.length + 1).split(sep);
  return rest.length > 1 ? rest[0] : null;
}

function partGraph(root) {
  let graph = partGraphs.get(root);
  if (graph !== undefined) return graph;
  graph = new Map();
  for (const file of filesUnder(root)) {
    const from = partOf(root, file);
    if (from === null) continue;
    for (const target of diskEdges(file)) {
      const to = partOf(root, target);
      if (to === null || to === from) continue;
      if (!graph.has(from)) graph.set(from, new Map());
      const byPart = graph.get(from);
      if (!byPart.has(to)) byPart.set(to, new Set());
      byPart.get(to).add(file);
    }
  }
  partGraphs.set(root, graph);
  return graph;
}

export const noFolderCycles = {
  meta: {
    type: 'problem',
    docs: { description: 'forbid cycles between the sub-folders of a root, type-only imports included' },
    schema: [{ type: 'object', properties: { roots: { type: 'array', items: { type: 'string' } } }, additionalProperties: false }],
    messages: { cycle: 'folder cycle: {{cycle}} ({{why}})' },
  },
  create(context) {
    const file = resolve(context.physicalFilename ?? context.filename);
    const roots = (context.options[0]?.roots ?? []).map((root) => resolve(ROOT, root));
    const root = roots.find((candidate) => partOf(candidate, file) !== null);
    if (root === undefined) return {};
    const own = partOf(root, file);
    return {
      Program() {
        const graph = partGraph(root);
        const edges = importsOf(file, context.sourceCode.text);
        const ownParts = new Set(edges.map((edge) => partOf(root, edge.target)).filter((part) => part !== null && part !== own));
        // The graph from disk, with this file's imports taken from its text.
        const neighbours = (part) => {
          const out = [];
          for (const [to, files] of graph.get(part) ?? []) {
            if ([...files].some((from) => from !== file)) out.push(to);
          }
          if (part === own) for (const to of ownParts) if (!out.includes(to)) out.push(to);
          return out;
        };
        const reported = new Set();
        for (const edge of edges) {
          const to = partOf(root, edge.target);
          if (to === null || to === own || reported.has(to)) continue;
          reported.add(to);
          const back = pathBack(to, own, neighbours);
          if (back === null) continue;
          const hops = [own, ...back];
          const why = hops.slice(1, -1).map((part, i) => {
            const via = [...(graph.get(part)?.get(hops[i + 2]) ?? [])].find((from) => from !== file);
            return via === undefined ? `${part} → ${hops[i + 2]}` : `${relative(ROOT, via)} imports ${hops[i + 2]}`;
          });
          const base = relative(ROOT, root);
          context.report({
            loc: { start: context.sourceCode.getLocFromIndex(edge.pos), end: context.sourceCode.getLocFromIndex(edge.end) },
            messageId: 'cycle',
            data: { cycle: hops.map((part) => `${base}/${part}`).join(' → '), why: why.join('; ') },
          });
        }
      },
    };
  },
};

export default { rules: { 'no-import-cycles': noImportCycles, 'no-folder-cycles': noFolderCycles } };
