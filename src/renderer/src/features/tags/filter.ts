import { isUnder } from '../../../../shared/tagPath';
import type { TagInfo } from '../../../../shared/types';

/**
 * The rows of the table: tags under `folder` whose path contains `search`
 * (case-insensitive). `lowerPaths[i]` is `tags[i].path.toLowerCase()`.
 * 50,000 tags filter in a few milliseconds; no index needed.
 */
export function filterTags(
  tags: readonly TagInfo[],
  lowerPaths: readonly string[],
  folder: string,
  search: string,
): readonly TagInfo[] {
  const needle = search.trim().toLowerCase();
  if (folder === '' && needle === '') return tags;
  const out: TagInfo[] = [];
  for (let i = 0; i < tags.length; i++) {
    const tag = tags[i]!;
    if (folder !== '' && !isUnder(tag.path, folder)) continue;
    if (needle !== '' && !lowerPaths[i]!.includes(needle)) continue;
    out.push(tag);
  }
  return out;
}
