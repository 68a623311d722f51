// The folder tree, built once from the catalogue's paths (folders are implied
// by paths: `Plant/Tank/Level` lives in `Plant/Tank`, which lives in `Plant`).
import { leafName, parentFolder } from '../../../../shared/tagPath';

/** Natural order, as an operator counts: Unit2 before Unit10. */
const NATURAL = new Intl.Collator('en', { numeric: true });

export interface FolderNode {
  /** '' for the root. */
  readonly path: string;
  readonly name: string;
  /** 0 for the root. */
  readonly depth: number;
  readonly parent: FolderNode | null;
  readonly children: FolderNode[];
  /** Tags anywhere below this folder. */
  tagCount: number;
}

export function buildFolderTree(paths: Iterable<string>): FolderNode {
  const root: FolderNode = { path: '', name: 'All tags', depth: 0, parent: null, children: [], tagCount: 0 };
  const byPath = new Map<string, FolderNode>([['', root]]);
  const folderOf = (path: string): FolderNode => {
    const known = byPath.get(path);
    if (known) return known;
    const parent = folderOf(parentFolder(path));
    const node: FolderNode = {
      path,
      name: leafName(path),
      depth: parent.depth + 1,
      parent,
      children: [],
      tagCount: 0,
    };
    parent.children.push(node);
    byPath.set(path, node);
    return node;
  };
  for (const path of paths) {
    for (let node: FolderNode | null = folderOf(parentFolder(path)); node; node = node.parent) node.tagCount++;
  }
  for (const node of byPath.values()) node.children.sort((a, b) => NATURAL.compare(a.name, b.name));
  return root;
}

/** The folders on screen, in order: a node's children follow it when it is open. */
export function visibleFolders(root: FolderNode, expanded: ReadonlySet<string>): FolderNode[] {
  const out: FolderNode[] = [];
  const walk = (node: FolderNode) => {
    out.push(node);
    if (expanded.has(node.path)) for (const child of node.children) walk(child);
  };
  walk(root);
  return out;
}
