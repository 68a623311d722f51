// An alarm as the engine knows it: the project file's declaration, resolved
// against its tag (ids, units, the default message).
import type { AlarmKind, AlarmPriority, Ne107Category, SystemAlarmSpec } from '../../../shared/alarms';

export interface AlarmDefinition {
  /** `<tag path>#<name or kind>`: stable across restarts, the journal's key. */
  readonly id: string;
  readonly path: string;
  /** The tag's folder. */
  readonly area: string;
  readonly kind: AlarmKind;
  readonly priority: AlarmPriority;
  /** hihi/hi/lo/lolo: the limit; deviation: max |PV - SP|; roc: units per second. */
  readonly limit: number | null;
  /** deviation: the setpoint tag. */
  readonly sp: string | null;
  /** digital: the value that is the alarm. */
  readonly state: boolean | null;
  /** ne107: the category (or worse) that is the alarm. */
  readonly category: Ne107Category | null;
  readonly deadband: number;
  readonly onDelayMs: number;
  readonly offDelayMs: number;
  readonly latch: boolean;
  readonly reAlarmMs: number | null;
  /** The message template ({value} {units} {limit} {path}). */
  readonly message: string;
  readonly units: string;
  readonly ne107: Ne107Category | null;
  readonly suppressedBy: { readonly path: string; readonly state: boolean } | null;
  /** A communication alarm's device; absent otherwise. */
  readonly device?: string;
}

const KIND_TEXT: Record<AlarmKind, string> = {
  hihi: 'very high',
  hi: 'high',
  lo: 'low',
  lolo: 'very low',
  deviation: 'deviates from its setpoint',
  roc: 'changes too fast',
  digital: 'in alarm',
  quality: 'bad quality',
  ne107: 'diagnostic',
  system: 'fault',
  communication: 'communication lost',
};

/**
 * A system alarm's definition: no tag, no limits, no delays; `path` is its id
 * and `area` `system`, so the list's area filter and search find it.
 */
export function systemDefinition(id: string, spec: SystemAlarmSpec): AlarmDefinition {
  const kind = spec.kind ?? 'system';
  return {
    id,
    path: id,
    area: 'system',
    kind,
    priority: spec.priority ?? 'diagnostic',
    limit: null,
    sp: null,
    state: null,
    category: null,
    deadband: 0,
    onDelayMs: 0,
    offDelayMs: 0,
    latch: false,
    reAlarmMs: null,
    message: defaultMessage(kind, spec.label),
    units: '',
    ne107: null,
    suppressedBy: null,
    ...(spec.device === undefined ? {} : { device: spec.device }),
  };
}

/** What a message says when the project gives none: "Tank level LT-101 high: {value} {units} (limit {limit})". */
export function defaultMessage(kind: AlarmKind, label: string): string {
  const what = `${label} ${KIND_TEXT[kind]}`;
  switch (kind) {
    case 'hihi':
    case 'hi':
    case 'lo':
    case 'lolo':
      return `${what}: {value} {units} (limit {limit})`;
    case 'deviation':
      return `${what} by more than {limit} {units}: {value} {units}`;
    case 'roc':
      return `${what}: more than {limit} {units}/s`;
    case 'digital':
    case 'ne107':
    case 'system':
    case 'communication':
      return what;
    case 'quality':
      return `${label}: bad quality`;
  }
}

/** Fills a message template; unknown placeholders stay as written. */
export function formatMessage(template: string, fields: Readonly<Record<string, string>>): string {
  return template.replace(/\{(\w+)\}/g, (whole, key: string) => fields[key] ?? whole);
}
