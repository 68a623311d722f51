// A change set: devices and tags added, updated and removed in one step, in
// the project file's own terms. It is applied to the project as a whole and
// checked as the loader checks a file; one problem refuses all of it, and
// every problem is named by where it is (`tags.add[3].address: …`, or
// `tags[12].device` for an entry of the file the change broke).
import type { z } from 'zod';
import { formatPath } from '../../../shared/contract';
import { deviceSchema, tagSchema, type ProjectFile } from './schema';
import { crossCheck, type Project } from './validate';

export interface ListChanges {
  /** New entries, as the project file writes them. */
  readonly add?: readonly unknown[];
  /** Whole new definitions of existing entries, found by name (devices) or path (tags). */
  readonly update?: readonly unknown[];
  /** Names (devices) or paths (tags) to remove. */
  readonly remove?: readonly string[];
}

export interface ChangeSet {
  readonly devices?: ListChanges;
  readonly tags?: ListChanges;
}

export interface ChangeProblem {
  readonly path: string;
  readonly message: string;
}

const MAX_SHOWN = 20;

export class ChangeSetError extends Error {
  constructor(readonly problems: readonly ChangeProblem[]) {
    const shown = problems.slice(0, MAX_SHOWN).map((p) => `${p.path}: ${p.message}`);
    if (problems.length > MAX_SHOWN) shown.push(`… and ${problems.length - MAX_SHOWN} more problems`);
    super(`the change was refused, nothing was applied:\n${shown.join('\n')}`);
    this.name = 'ChangeSetError';
  }
}

/** Where each entry of the changed list came from: its change (`tags.add[3]`) or its index in the file. */
type Origin = readonly PropertyKey[];

interface Applied<T> {
  readonly items: T[];
  readonly origins: Origin[];
}

/**
 * The project as it would be after `changes`; throws a ChangeSetError with
 * every problem, and changes nothing, when any part is invalid.
 */
export function changedProject(current: Project, changes: ChangeSet): Project {
  const { source } = current;
  if (!source) throw new Error('a project without its file (an offline review) takes no changes');
  const problems: ChangeProblem[] = [];
  const devices = applyList('devices', source.devices, changes.devices, deviceSchema, (device) => device.name, problems);
  const tags = applyList('tags', source.tags, changes.tags, tagSchema, (tag) => tag.path, problems);
  if (problems.length > 0) throw new ChangeSetError(problems);
  const file: ProjectFile = { ...source, devices: devices.items, tags: tags.items };
  const project = crossCheck(file, (path, message) => {
    const [list, index, ...rest] = path;
    const origins = list === 'devices' ? devices.origins : list === 'tags' ? tags.origins : null;
    const origin = origins && typeof index === 'number' ? origins[index] : undefined;
    problems.push({ path: formatPath(origin ? [...origin, ...rest] : path), message });
  }, current);
  if (problems.length > 0) throw new ChangeSetError(problems);
  return project;
}

function applyList<T>(
  list: 'devices' | 'tags',
  current: readonly T[],
  changes: ListChanges | undefined,
  schema: z.ZodType<T, unknown>,
  keyOf: (item: T) => string,
  problems: ChangeProblem[],
): Applied<T> {
  const what = list === 'devices' ? 'device' : 'tag';
  const present = new Map(current.map((item, index) => [keyOf(item), index]));
  const removed = new Set<string>();
  (changes?.remove ?? []).forEach((key, i) => {
    if (!present.has(key)) problems.push({ path: formatPath([list, 'remove', i]), message: `no ${what} "${key}"` });
    else if (removed.has(key)) problems.push({ path: formatPath([list, 'remove', i]), message: `"${key}" is removed twice` });
    removed.add(key);
  });
  const parse = (value: unknown, at: Origin): T | null => {
    const parsed = schema.safeParse(value);
    if (parsed.success) return parsed.data;
    for (const issue of parsed.error.issues) problems.push({ path: formatPath([...at, ...issue.path]), message: issue.message });
    return null;
  };
  const updates = new Map<string, { item: T; origin: Origin }>();
  (changes?.update ?? []).forEach((value, i) => {
    const origin = [list, 'update', i];
    const item = parse(value, origin);
    if (item === null) return;
    const key = keyOf(item);
    if (!present.has(key) || removed.has(key)) problems.push({ path: formatPath(origin), message: `no ${what} "${key}" to update (a new one is added with add)` });
    else if (updates.has(key)) problems.push({ path: formatPath(origin), message: `"${key}" is updated twice` });
    else updates.set(key, { item, origin });
  });
  const items: T[] = [];
  const origins: Origin[] = [];
  current.forEach((item, index) => {
    const key = keyOf(item);
    if (removed.has(key)) return;
    const update = updates.get(key);
    items.push(update ? update.item : item);
    origins.push(update ? update.origin : [list, index]);
  });
  (changes?.add ?? []).forEach((value, i) => {
    const origin = [list, 'add', i];
    const item = parse(value, origin);
    if (item === null) return;
    items.push(item);
    origins.push(origin);
  });
  return { items, origins };
}
