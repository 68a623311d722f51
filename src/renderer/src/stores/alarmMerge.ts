// Pure parts of the alarm slice: merging an `alarms.changed` batch into the
// map by id, and finding what in it must be annunciated (a new
// unacknowledged alarm). One pass over the batch, one new Map per batch: a
// flood of 10,000 alarms costs one store update, not 10,000.
import type { AlarmInfo, InstrumentStatus, Ne107Status } from '../../../shared/alarms';

/**
 * The map after a batch. `replace`: the batch is a first one (after a
 * (re)subscription) and holds every configured alarm, so alarms it lacks are
 * gone. Returns `current` itself when the batch is empty.
 */
export function mergeAlarms(
  current: ReadonlyMap<string, AlarmInfo>,
  changed: readonly AlarmInfo[],
  replace: boolean,
): ReadonlyMap<string, AlarmInfo> {
  if (replace) return new Map(changed.map((a) => [a.id, a]));
  if (changed.length === 0) return current;
  const next = new Map(current);
  for (const alarm of changed) next.set(alarm.id, alarm);
  return next;
}

/** NE107 statuses after a batch of instrument changes; `current` itself when none. */
export function mergeInstruments(
  current: ReadonlyMap<string, Ne107Status>,
  changed: readonly InstrumentStatus[],
): ReadonlyMap<string, Ne107Status> {
  if (changed.length === 0) return current;
  const next = new Map(current);
  for (const { path, ne107 } of changed) next.set(path, ne107);
  return next;
}

/** Hidden from the operator's list: shelved, suppressed by design, or out of service. */
export function isHidden(alarm: AlarmInfo): boolean {
  return alarm.shelvedUntil !== null || alarm.suppressed || alarm.outOfService;
}

/** The priorities that sound the horn. */
const HORN: ReadonlySet<AlarmInfo['priority']> = new Set([1, 2]);

/**
 * The alarms of a batch that are newly annunciated: now unacknowledged and
 * active, on the operator's list, of priority 1 or 2, and either not
 * unacknowledged before or activated again since (a re-alarm).
 */
export function newlyAnnunciated(
  before: ReadonlyMap<string, AlarmInfo>,
  changed: readonly AlarmInfo[],
): AlarmInfo[] {
  const out: AlarmInfo[] = [];
  for (const alarm of changed) {
    if (alarm.state !== 'unacknowledged' || !HORN.has(alarm.priority) || isHidden(alarm)) continue;
    const previous = before.get(alarm.id);
    const wasShown = previous !== undefined && previous.state === 'unacknowledged' && !isHidden(previous);
    if (wasShown && previous.activeAt === alarm.activeAt) continue;
    out.push(alarm);
  }
  return out;
}
