// Tag paths are '/'-separated: `Area/Unit/Name`. Folders are implied by paths.
import type { BrowseNode } from './types';

export const SEPARATOR = '/';

/** Why a path is not acceptable, or null when it is. */
export function tagPathProblem(path: string): string | null {
  if (path.length === 0) return 'is empty';
  if (path.startsWith(SEPARATOR) || path.endsWith(SEPARATOR)) return `"${path}" starts or ends with '/'`;
  if (path.includes('//')) return `"${path}" has an empty folder name`;
  for (let i = 0; i < path.length; i++) {
    if (path.charCodeAt(i) < 0x20) return `"${path}" contains a control character`;
  }
  return null;
}

/** The folder a path lives in: 'Plant/Tank/Level' → 'Plant/Tank'; a top-level tag → ''. */
export function parentFolder(path: string): string {
  const i = path.lastIndexOf(SEPARATOR);
  return i < 0 ? '' : path.slice(0, i);
}

export function leafName(path: string): string {
  return path.slice(path.lastIndexOf(SEPARATOR) + 1);
}

export function isUnder(path: string, folder: string): boolean {
  return folder === '' || path === folder || path.startsWith(folder + SEPARATOR);
}

/**
 * Children of `folder` among `paths`: sub-folders first (with the number of
 * tags below them), then tags, each group in name order.
 */
export function browseChildren(paths: Iterable<string>, folder: string): BrowseNode[] {
  const prefix = folder === '' ? '' : folder + SEPARATOR;
  const folders = new Map<string, number>();
  const tags: BrowseNode[] = [];
  for (const path of paths) {
    if (!path.startsWith(prefix)) continue;
    const rest = path.slice(prefix.length);
    const cut = rest.indexOf(SEPARATOR);
    if (cut < 0) tags.push({ kind: 'tag', name: rest, path });
    else {
      const name = rest.slice(0, cut);
      folders.set(name, (folders.get(name) ?? 0) + 1);
    }
  }
  const byName = (a: { name: string }, b: { name: string }) => a.name.localeCompare(b.name);
  const folderNodes: BrowseNode[] = [...folders].map(([name, tagCount]) => ({
    kind: 'folder',
    name,
    path: prefix + name,
    tagCount,
  }));
  return [...folderNodes.sort(byName), ...tags.sort(byName)];
}

/**
 * Whether a path matches a pattern of folder names where `*` stands for one
 * name (or part of one: `Pump*`) and `**` for any number of folders.
 * `Plant/**` matches everything under Plant; `Plant/*` / `Level` one level down.
 */
export function matchesPattern(pattern: string, path: string): boolean {
  return compilePattern(pattern).test(path);
}

const compiled = new Map<string, RegExp>();
function compilePattern(pattern: string): RegExp {
  let re = compiled.get(pattern);
  if (re) return re;
  const parts = pattern.split(SEPARATOR).map((part) =>
    part === '**' ? '(?:.*)' : part.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '[^/]*'),
  );
  // `a/**/b` must also match `a/b`: let '**' swallow its separator.
  const source = parts.join('/').replace(/\/\(\?:\.\*\)\//g, '(?:/.*/|/)').replace(/\/\(\?:\.\*\)$/, '(?:/.*)?');
  re = new RegExp(`^${source}$`);
  compiled.set(pattern, re);
  return re;
}
