// The schema of a project file, checked entry by entry: the top level, then
// each device and each tag with its own schema. A bad entry is reported and
// left out; the rest is returned so that the cross-checks (unknown devices,
// addresses, setpoint tags…) run in the same pass, and one wrong priority no
// longer hides every other problem of the file.
//
// What is left out must not cascade: the names of devices and paths of tags
// whose entries failed are returned, so that the cross-checks stay silent
// about references to them (the entry's own problem is already reported).
import type { z } from 'zod';
import { deviceSchema, projectShellSchema, tagSchema, type DeviceConfig, type ProjectFile, type TagConfig } from './schema';

export type ReportIssue = (path: readonly PropertyKey[], message: string) => void;

export interface CheckedEntries {
  /** The file with only the entries that passed their schema (or were salvaged, see below). */
  readonly file: ProjectFile;
  /** For each entry of `file.devices` / `file.tags`: its index in the file. */
  readonly origins: {
    readonly devices: readonly number[];
    readonly tags: readonly number[];
    /** For a salvaged tag that lost alarms (by its index in `file.tags`): the file's index of each alarm kept. */
    readonly alarms: ReadonlyMap<number, readonly number[]>;
  };
  /** Names of the device entries, and paths of the tag entries, that were left out. */
  readonly failed: { readonly devices: ReadonlySet<string>; readonly tags: ReadonlySet<string> };
}

// A tag whose problem lies in one of these cannot be cross-checked without
// guessing (which device, which address, which type): it is left out. A
// problem elsewhere (units, scale, one alarm, a misspelt key…) is reported and
// the field or alarm dropped, so its device, address and other alarms are
// still checked. Dropping a field gives it its default, which never adds a
// problem: the cross-checks only look at what a field says when it is given.
const TAG_ESSENTIALS = new Set<PropertyKey>(['path', 'device', 'address', 'dataType']);

/**
 * Checks the schema of every entry, reports each issue at its path, and
 * returns what can be cross-checked; null when the top level itself cannot
 * be read (the file is not a mapping at all).
 */
export function checkEntries(data: unknown, report: ReportIssue, progress?: (done: number, total: number) => void): CheckedEntries | null {
  let top = projectShellSchema.safeParse(data);
  if (!top.success) {
    for (const issue of top.error.issues) report(issue.path, issue.message);
    // A bad top-level section (uplink, historian…) is reported and read as absent, which is its default.
    const salvaged = withoutIssues(data, top.error.issues, () => false);
    top = salvaged ? projectShellSchema.safeParse(salvaged.value) : top;
    if (!top.success) return null;
  }
  const shell = top.data;
  const failedDevices = new Set<string>();
  const failedTags = new Set<string>();
  const devices: DeviceConfig[] = [];
  const deviceOrigins: number[] = [];
  shell.devices.forEach((entry, i) => {
    const parsed = deviceSchema.safeParse(entry);
    if (parsed.success) {
      devices.push(parsed.data);
      deviceOrigins.push(i);
      return;
    }
    for (const issue of parsed.error.issues) report(['devices', i, ...issue.path], issue.message);
    // Not salvaged: a device field's default could disagree with a device sharing its line, a problem the file does not have.
    const name = nameOf(entry, 'name');
    if (name !== null) failedDevices.add(name);
  });

  const tags: TagConfig[] = [];
  const tagOrigins: number[] = [];
  const alarmOrigins = new Map<number, number[]>();
  const total = shell.tags.length;
  shell.tags.forEach((entry, i) => {
    if (progress && (i & 1023) === 0) progress(i, total);
    const parsed = tagSchema.safeParse(entry);
    if (parsed.success) {
      tags.push(parsed.data);
      tagOrigins.push(i);
      return;
    }
    for (const issue of parsed.error.issues) report(['tags', i, ...issue.path], issue.message);
    const salvaged = withoutIssues(entry, parsed.error.issues, (key) => TAG_ESSENTIALS.has(key));
    const again = salvaged ? tagSchema.safeParse(salvaged.value) : null;
    if (again?.success) {
      const kept = salvaged!.kept.get('alarms');
      if (kept) alarmOrigins.set(tags.length, kept);
      tags.push(again.data);
      tagOrigins.push(i);
    } else {
      const path = nameOf(entry, 'path');
      if (path !== null) failedTags.add(path);
    }
  });
  progress?.(total, total);

  return {
    file: { ...shell, devices, tags } as ProjectFile,
    origins: { devices: deviceOrigins, tags: tagOrigins, alarms: alarmOrigins },
    failed: { devices: failedDevices, tags: failedTags },
  };
}

function nameOf(entry: unknown, key: string): string | null {
  const value = entry !== null && typeof entry === 'object' ? (entry as Record<string, unknown>)[key] : undefined;
  return typeof value === 'string' ? value : null;
}

/**
 * A copy of `value` (a mapping) without what its issues point at: the key of
 * each issue, or the one item of a list (`alarms[2]`), or the unrecognized
 * keys; with, per list that lost items, the indexes of the items kept. Null
 * when that cannot be done (not a mapping, or an essential key).
 */
function withoutIssues(
  value: unknown,
  issues: readonly z.core.$ZodIssue[],
  essential: (key: PropertyKey) => boolean,
): { value: Record<string, unknown>; kept: Map<string, number[]> } | null {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return null;
  const copy: Record<string, unknown> = { ...(value as Record<string, unknown>) };
  const dropItems = new Map<string, Set<number>>();
  for (const issue of issues) {
    const [key, index] = issue.path;
    if (key === undefined) {
      if (issue.code !== 'unrecognized_keys') return null;
      for (const unknown of issue.keys) delete copy[unknown];
      continue;
    }
    if (essential(key) || typeof key !== 'string') return null;
    if (typeof index === 'number' && Array.isArray(copy[key])) {
      const set = dropItems.get(key) ?? new Set<number>();
      dropItems.set(key, set.add(index));
    } else delete copy[key];
  }
  const kept = new Map<string, number[]>();
  for (const [key, indexes] of dropItems) {
    const list = copy[key];
    if (!Array.isArray(list)) continue; // the key itself was dropped too
    const keep = list.map((_, i) => i).filter((i) => !indexes.has(i));
    copy[key] = keep.map((i) => list[i] as unknown);
    kept.set(key, keep);
  }
  return { value: copy, kept };
}
