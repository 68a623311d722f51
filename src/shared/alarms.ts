// Alarm and NE107 types shared by the runtime and the renderer (ISA-18.2,
// EEMUA 191, NAMUR NE107). Pure TypeScript: no Node, no DOM.
import type { Ne107Category, Ne107Status } from './ne107';
import type { TagScalar } from './types';

// NE107 is a status of tags and devices as much as of alarms: it lives in
// ne107.ts, which types.ts can import without importing the alarms.
export { NE107_RANK, NE107_STATUSES, worstNe107, type Ne107Category, type Ne107Status } from './ne107';

/** The longest an operator may shelve an alarm: a week (ISA-18.2 wants shelving time-limited). */
export const MAX_SHELVE_MS = 7 * 86_400_000;

/** The kinds a project file declares under a tag. */
export const TAG_ALARM_KINDS = ['hihi', 'hi', 'lo', 'lolo', 'deviation', 'roc', 'digital', 'quality', 'ne107'] as const;
export type TagAlarmKind = (typeof TAG_ALARM_KINDS)[number];

/**
 * Diagnostic alarms of the runtime itself, tied to no tag: raised and cleared
 * by its components (`system`: the audit trail degraded, a login attack;
 * `communication`: a device's link, keyed by the device).
 */
export const SYSTEM_ALARM_KINDS = ['system', 'communication'] as const;
export type SystemAlarmKind = (typeof SYSTEM_ALARM_KINDS)[number];

export const ALARM_KINDS = [...TAG_ALARM_KINDS, ...SYSTEM_ALARM_KINDS] as const;
export type AlarmKind = (typeof ALARM_KINDS)[number];

/** Whether the alarm is the runtime's own (no tag behind it: no value, no tag to show or trend). */
export function isSystemAlarm(alarm: { readonly kind: AlarmKind }): boolean {
  return (SYSTEM_ALARM_KINDS as readonly string[]).includes(alarm.kind);
}

/** The id of a system alarm of kind `system`: `system/<name>`. */
export function systemAlarmId(name: string): string {
  return `system/${name}`;
}

/** What a runtime component says about a system alarm it raises (see AlarmEngine.setCondition). */
export interface SystemAlarmSpec {
  /** Default `system`. */
  readonly kind?: SystemAlarmKind;
  /** Default `diagnostic`: for maintenance, not the operator's first look. */
  readonly priority?: AlarmPriority;
  /** What the alarm is about, when no message was given yet ("Audit trail"). */
  readonly label: string;
  /** A communication alarm's device. */
  readonly device?: string;
}

/** How a component raises and clears its system alarms, without knowing the alarm engine. */
export type SystemAlarmSink = (id: string, spec: SystemAlarmSpec, active: boolean, message?: string) => void;

/** ISA-18.2 alarm states (the operator and engineering states are flags beside them). */
export const ALARM_STATES = ['normal', 'unacknowledged', 'acknowledged', 'rtn_unacknowledged', 'latched'] as const;
export type AlarmState = (typeof ALARM_STATES)[number];

/** 1 is the highest; diagnostic alarms are for maintenance, not the operator's first look. */
export const ALARM_PRIORITIES = [1, 2, 3, 4, 'diagnostic'] as const;
export type AlarmPriority = (typeof ALARM_PRIORITIES)[number];

/** Whether the alarm is in alarm now (its process condition holds). */
export function isActiveState(state: AlarmState): boolean {
  return state === 'unacknowledged' || state === 'acknowledged';
}

export function isUnacknowledged(state: AlarmState): boolean {
  return state === 'unacknowledged' || state === 'rtn_unacknowledged' || state === 'latched';
}

export interface AlarmInfo {
  /** `<tag path>#<name or kind>` (a system alarm: `system/<name>`), stable across restarts. */
  readonly id: string;
  /** The tag's path; a system alarm's id. */
  readonly path: string;
  /** The tag's folder (`Plant/Tank`): what "area" filters on; `system` for system alarms. */
  readonly area: string;
  readonly kind: AlarmKind;
  readonly priority: AlarmPriority;
  readonly state: AlarmState;
  /** Shelved by an operator until this time; null: not shelved. */
  readonly shelvedUntil: number | null;
  readonly shelveReason: string | null;
  /** Suppressed by design: its condition tag says the equipment is not in service. */
  readonly suppressed: boolean;
  readonly outOfService: boolean;
  readonly outOfServiceReason: string | null;
  /** The NE107 category the alarm reports while active; null: none. */
  readonly ne107: Ne107Category | null;
  /** When it last became active / was acknowledged; null: not since it was last normal. */
  readonly activeAt: number | null;
  readonly ackedAt: number | null;
  readonly ackedBy: string | null;
  /** The tag's value when the alarm last changed state (or now, while active); null for a system alarm. */
  readonly value: TagScalar | null;
  /** A communication alarm's device (absent otherwise). */
  readonly device?: string;
  readonly units: string;
  readonly limit: number | null;
  readonly message: string;
}

export type PriorityCounts = Readonly<Record<'1' | '2' | '3' | '4' | 'diagnostic', number>>;

export interface AlarmCounts {
  /** On the operator's list: not normal, not shelved, suppressed or out of service. */
  readonly listed: number;
  readonly active: number;
  readonly unacknowledged: number;
  /** Listed alarms by priority. */
  readonly byPriority: PriorityCounts;
  readonly unackByPriority: PriorityCounts;
  readonly shelved: number;
  readonly suppressed: number;
  readonly outOfService: number;
}

/** An instrument's (tag's) NE107 status, as `alarms.changed` reports its changes. */
export interface InstrumentStatus {
  readonly path: string;
  readonly ne107: Ne107Status;
}

export interface AlarmsChanged {
  /** Every alarm whose state or flags changed since the last batch. */
  readonly alarms: AlarmInfo[];
  readonly counts: AlarmCounts;
  /** Tags whose NE107 status changed (the first batch: every tag that is not Good). */
  readonly instruments: InstrumentStatus[];
  /** Whether the journal reaches its disk. */
  readonly journal: JournalStatus;
  /** The batch lists every alarm (the first one, and after the configuration changed): alarms not in it are gone. */
  readonly complete?: boolean;
}

/** The alarm journal's file: whether entries reach the disk. */
export interface JournalStatus {
  readonly state: 'ok' | 'degraded' | 'off';
  /** What is wrong and what it means, when state is degraded. */
  readonly problem: string | null;
  readonly file: string | null;
  /** Entries waiting in memory for the disk. */
  readonly pending: number;
  /** Entries lost because the disk stayed unwritable past the memory bound. */
  readonly dropped: number;
}

export const JOURNAL_EVENTS = [
  'activated',
  'cleared',
  'acknowledged',
  'reset',
  'reannunciated',
  'shelved',
  'unshelved',
  'suppressed',
  'unsuppressed',
  'out_of_service',
  'in_service',
  /** The alarm left the configuration while running (its tag removed, or the alarm redefined). */
  'removed',
] as const;
export type JournalEvent = (typeof JOURNAL_EVENTS)[number];

/** One line of the alarm journal: a transition or an operator action. */
export interface JournalEntry {
  readonly seq: number;
  readonly ts: number;
  readonly alarmId: string;
  readonly path: string;
  readonly kind: AlarmKind;
  readonly priority: AlarmPriority;
  readonly event: JournalEvent;
  /** The ISA-18.2 state after the event. */
  readonly state: AlarmState;
  readonly value: TagScalar | null;
  readonly message: string;
  /** Who did it (operator actions); null for what the process did. */
  readonly user: string | null;
  readonly workstation: string | null;
  readonly comment: string | null;
}

export interface AlarmKpis {
  readonly from: number;
  readonly to: number;
  /** Alarm activations in the range. */
  readonly activations: number;
  readonly averagePer10Min: number;
  readonly maxPer10Min: number;
  /** Activations per 10-minute bucket, aligned to the range's start. */
  readonly per10Min: ReadonlyArray<{ readonly t: number; readonly count: number }>;
  /** Floods: begin when more than 10 activations fall in 10 minutes, end when fewer than 5 do. */
  readonly floods: ReadonlyArray<{ readonly start: number; readonly end: number; readonly activations: number }>;
  readonly timeInFloodMs: number;
  readonly timeInFloodPercent: number;
  /** Alarms active for more than 24 h (at the end of the range). */
  readonly standing: ReadonlyArray<{ readonly alarmId: string; readonly path: string; readonly activeAt: number; readonly durationMs: number }>;
  /** Alarms that activated 3 or more times within one minute. */
  readonly chattering: ReadonlyArray<{ readonly alarmId: string; readonly path: string; readonly activations: number; readonly bursts: number }>;
  /** The ten alarms with the most activations, and their share of all. */
  readonly badActors: ReadonlyArray<{ readonly alarmId: string; readonly path: string; readonly activations: number; readonly percent: number }>;
  /** Activations by priority, with the percentages (EEMUA 191 recommends about 80/15/5). */
  readonly priorityDistribution: ReadonlyArray<{ readonly priority: AlarmPriority; readonly activations: number; readonly percent: number }>;
}
