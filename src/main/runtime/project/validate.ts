// Checks that need the whole project: names unique, every tag on a known
// device, every address valid for its device's protocol.
import type { TrendView } from '../../../shared/contract';
import { parentFolder, tagPathProblem } from '../../../shared/tagPath';
import { isNumericType } from '../../../shared/types';
import { isIntegerDataType } from '../../../shared/write';
import { AddressError } from '../drivers/driver';
import type { DriverModule, ParsedAddress } from '../drivers/module';
import { moduleOf } from '../drivers/registry';
import { defaultMessage, type AlarmDefinition } from '../alarms/definition';
import type { AlarmConfig } from '../alarms/schema';
import type { TagDefinition } from '../tags/definition';
import { scaleProblem } from '../tags/scaling';
import type { UplinkConfig } from '../uplink/config';
import type { SecurityConfig } from '../security/config';
import type { AlarmJournalConfig, DeviceConfig, HistorianConfig, ProjectFile, SimulatorConfig, TagConfig } from './schema';

export interface Project {
  readonly name: string;
  readonly devices: readonly DeviceConfig[];
  readonly tags: readonly TagDefinition[];
  readonly simulator?: SimulatorConfig;
  readonly historian: HistorianConfig;
  readonly trends: readonly TrendView[];
  readonly alarms: readonly AlarmDefinition[];
  readonly alarmJournal: AlarmJournalConfig;
  readonly uplink?: UplinkConfig;
  readonly security?: SecurityConfig;
  /** The file as it was parsed, before the cross-checks: what a change set is applied to (absent: an offline review). */
  readonly source?: ProjectFile;
}

type Report = (path: readonly PropertyKey[], message: string) => void;

export interface CrossCheckOptions {
  /**
   * Names of devices and paths of tags whose entries are in the file but failed
   * their schema (and were left out): references to them are not reported,
   * since the entry's own problem already is.
   */
  readonly failed?: { readonly devices: ReadonlySet<string>; readonly tags: ReadonlySet<string> };
  /** Called every 1,024 tags with the count checked (for progress on large files). */
  readonly progress?: (done: number, total: number) => void;
}

/** At most this many names in "no device … (devices: …)": a site has hundreds. */
const NAMES_SHOWN = 10;

/**
 * Checks the whole file and resolves it into a Project. `previous` (the
 * project a change set starts from) lets a tag entry that is the very same
 * object, on the very same device entry, keep its definition: a change of
 * ten tags in a project of a hundred thousand parses ten addresses, not all.
 */
export function crossCheck(file: ProjectFile, report: Report, previous?: Project, options: CrossCheckOptions = {}): Project {
  const failedDevices = options.failed?.devices ?? new Set<string>();
  const reuse = reusableDefinitions(previous);
  const devices = new Map<string, DeviceConfig>();
  const ofModule = new Map<DriverModule, { device: DeviceConfig; index: number }[]>();
  file.devices.forEach((device, index) => {
    if (devices.has(device.name)) report(['devices', index, 'name'], `device "${device.name}" is defined twice`);
    devices.set(device.name, device);
    const module = moduleOf(device.driver);
    const list = ofModule.get(module);
    if (list) list.push({ device, index });
    else ofModule.set(module, [{ device, index }]);
  });
  for (const [module, list] of ofModule) module.checkDevices?.(list, report);

  const seen = new Set<string>();
  const tags: TagDefinition[] = [];
  const total = file.tags.length;
  file.tags.forEach((tag, i) => {
    if (options.progress && (i & 1023) === 0) options.progress(i, total);
    const at = (key: string) => ['tags', i, key];
    const known = reuse?.tags.get(tag);
    if (known && reuse!.devices.get(tag.device) === devices.get(tag.device) && !seen.has(tag.path)) {
      seen.add(tag.path);
      tags.push(known);
      return;
    }
    const pathProblem = tagPathProblem(tag.path);
    if (pathProblem) report(at('path'), `path ${pathProblem}`);
    if (seen.has(tag.path)) report(at('path'), `"${tag.path}" is defined twice`);
    seen.add(tag.path);

    const device = devices.get(tag.device);
    if (!device) {
      // A device whose entry failed its schema is reported there; its tags wait for it.
      if (failedDevices.has(tag.device)) return;
      report(at('device'), `no device "${tag.device}" (devices: ${namesOf([...devices.keys(), ...failedDevices])})`);
      return;
    }
    let facts: ParsedAddress;
    try {
      facts = moduleOf(device.driver).parseAddress(tag.address, device, tag.dataType);
    } catch (error) {
      if (!(error instanceof AddressError)) throw error;
      report(at('address'), error.message);
      return;
    }
    if (tag.writable && !facts.writable) report(at('writable'), `${tag.address} is in a read-only area`);
    if (tag.scale) {
      if (!isNumericType(facts.dataType)) report(at('scale'), `a ${facts.dataType} cannot be scaled`);
      const problem = scaleProblem(tag.scale);
      if (problem) report(at('scale'), problem);
    }
    if (tag.limits?.min !== undefined && tag.limits.max !== undefined && tag.limits.min > tag.limits.max) {
      report(at('limits'), `min ${tag.limits.min} is above max ${tag.limits.max}`);
    }
    if (tag.writeLimits) {
      if (facts.dataType === 'bool') report(at('writeLimits'), 'a bool has no write limits');
      const { min, max } = tag.writeLimits;
      if (min !== undefined && max !== undefined && min > max) report(at('writeLimits'), `min ${min} is above max ${max}`);
    }
    if (tag.writeRounding === 'round' && !isIntegerDataType(facts.dataType)) {
      report(at('writeRounding'), `only integer tags round; ${tag.path} is ${facts.dataType}`);
    }
    tags.push({
      path: tag.path,
      device: tag.device,
      address: tag.address,
      parsedAddress: facts.parsed,
      dataType: facts.dataType,
      units: tag.units,
      description: tag.description,
      writable: tag.writable,
      writeLimits: tag.writeLimits,
      writeRounding: tag.writeRounding,
      scale: tag.scale,
      deadband: tag.deadband,
      limits: tag.limits,
      history: tag.history,
    });
  });

  options.progress?.(total, total);
  // Tags of the file that did not resolve (their own problem is reported): a reference to one is not "no tag".
  const unresolved = new Set([...seen, ...(options.failed?.tags ?? [])]);
  const alarms = checkAlarms(file, tags, unresolved, report);
  return {
    name: file.name,
    devices: file.devices,
    tags,
    simulator: file.simulator,
    historian: file.historian,
    trends: file.trends,
    alarms,
    alarmJournal: file.alarmJournal,
    uplink: file.uplink,
    security: file.security,
    source: file,
  };
}

/** The definitions of `previous`, by the very tag entry (and device entry) they were made from. */
function reusableDefinitions(previous: Project | undefined): { tags: Map<TagConfig, TagDefinition>; devices: Map<string, DeviceConfig> } | null {
  if (!previous?.source || previous.source.tags.length !== previous.tags.length) return null;
  // A valid project has one definition per entry, in the file's order.
  const tags = new Map<TagConfig, TagDefinition>();
  previous.source.tags.forEach((config, i) => tags.set(config, previous.tags[i]!));
  return { tags, devices: new Map(previous.source.devices.map((device) => [device.name, device])) };
}

/** Resolves each tag's alarms; the tags they name must exist and fit the alarm's kind. */
function checkAlarms(file: ProjectFile, tags: readonly TagDefinition[], declared: ReadonlySet<string>, report: Report): AlarmDefinition[] {
  const byPath = new Map(tags.map((tag) => [tag.path, tag]));
  const checkOther = (path: string, need: 'numeric' | 'any', at: PropertyKey[]): string | null =>
    !byPath.has(path) && declared.has(path) ? path : checkOtherTag(byPath, path, need, report, at);
  const ids = new Set<string>();
  const alarms: AlarmDefinition[] = [];
  file.tags.forEach((config, i) => {
    const tag = byPath.get(config.path);
    if (!tag || config.alarms.length === 0) return;
    const limits = new Map<string, number>();
    config.alarms.forEach((alarm, j) => {
      const at = (key: string) => ['tags', i, 'alarms', j, key];
      const id = `${tag.path}#${alarm.name ?? alarm.kind}`;
      if (ids.has(id)) report(at('kind'), `a second ${alarm.kind} alarm on ${tag.path}: give each a different name`);
      ids.add(id);
      const numeric = isNumericType(tag.dataType);
      if (alarm.limit !== undefined && !numeric) report(at('kind'), `a ${alarm.kind} alarm needs a numeric tag; ${tag.path} is a ${tag.dataType}`);
      if (alarm.kind === 'digital' && tag.dataType !== 'bool') report(at('kind'), `a digital alarm needs a bool tag; ${tag.path} is ${tag.dataType}`);
      if (alarm.limit !== undefined) limits.set(alarm.kind, alarm.limit);
      const sp = alarm.sp === undefined ? null : checkOther(alarm.sp, 'numeric', at('sp'));
      const suppressor = alarm.suppressedBy === undefined ? null : typeof alarm.suppressedBy === 'string' ? { tag: alarm.suppressedBy, state: true } : alarm.suppressedBy;
      if (suppressor) checkOther(suppressor.tag, 'any', at('suppressedBy'));
      alarms.push(resolveAlarm(id, tag, alarm, sp, suppressor));
    });
    // Limits that cross each other would make the more severe alarm fire first.
    const ordered: [string, string, (a: number, b: number) => boolean, string][] = [
      ['hihi', 'hi', (a, b) => a >= b, 'below'],
      ['lolo', 'lo', (a, b) => a <= b, 'above'],
    ];
    for (const [severe, mild, ok, word] of ordered) {
      const a = limits.get(severe);
      const b = limits.get(mild);
      if (a !== undefined && b !== undefined && !ok(a, b)) {
        const j = config.alarms.findIndex((alarm) => alarm.kind === severe);
        report(['tags', i, 'alarms', j, 'limit'], `the ${severe} limit ${a} is ${word} the ${mild} limit ${b}`);
      }
    }
  });
  return alarms;
}

function namesOf(names: readonly string[]): string {
  if (names.length === 0) return 'none are defined';
  const shown = names.slice(0, NAMES_SHOWN).join(', ');
  return names.length > NAMES_SHOWN ? `${shown} and ${names.length - NAMES_SHOWN} more` : shown;
}

function checkOtherTag(byPath: ReadonlyMap<string, TagDefinition>, path: string, need: 'numeric' | 'any', report: Report, at: PropertyKey[]): string | null {
  const other = byPath.get(path);
  if (!other) {
    report(at, `no tag "${path}"`);
    return null;
  }
  if (need === 'numeric' && !isNumericType(other.dataType)) report(at, `${path} is a ${other.dataType}; a setpoint must be numeric`);
  return path;
}

function resolveAlarm(
  id: string,
  tag: TagDefinition,
  alarm: AlarmConfig,
  sp: string | null,
  suppressor: { tag: string; state: boolean } | null,
): AlarmDefinition {
  return {
    id,
    path: tag.path,
    area: parentFolder(tag.path),
    kind: alarm.kind,
    priority: alarm.priority,
    limit: alarm.limit ?? null,
    sp,
    state: alarm.state ?? null,
    category: alarm.kind === 'ne107' ? (alarm.category ?? 'F') : null,
    deadband: alarm.deadband,
    onDelayMs: alarm.onDelayMs,
    offDelayMs: alarm.offDelayMs,
    latch: alarm.latch,
    reAlarmMs: alarm.reAlarmMs ?? null,
    message: alarm.message ?? defaultMessage(alarm.kind, tag.description || tag.path),
    units: tag.units,
    ne107: alarm.ne107 ?? null,
    suppressedBy: suppressor && { path: suppressor.tag, state: suppressor.state },
  };
}
