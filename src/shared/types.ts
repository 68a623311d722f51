// Domain types shared by the runtime and the renderer.
// Pure TypeScript: nothing here may import Node or touch the DOM.
import type { Ne107Status } from './ne107';

/** OPC UA status classes. */
export type QualityStatus = 'good' | 'uncertain' | 'bad';

/**
 * Why a value is not Good. The names follow OPC UA status codes where one
 * exists (Bad_CommunicationError, Bad_WaitingForInitialData,
 * Uncertain_LastUsableValue, Uncertain_EngineeringUnitsExceeded …).
 */
export type QualityReason =
  | 'comm_failure'
  | 'device_exception'
  | 'out_of_range'
  | 'rate_of_change'
  | 'sensor_failure'
  | 'config_error'
  | 'last_known_value'
  | 'waiting_for_initial_data';

export interface Quality {
  readonly status: QualityStatus;
  readonly reason?: QualityReason;
}

export type TagScalar = number | boolean;

/** A tag's current value as every consumer sees it. */
export interface TagValue {
  /** null until the first read, or when the reading could not be decoded. */
  readonly value: TagScalar | null;
  readonly quality: Quality;
  /** Source timestamp: the scheduled poll tick the value belongs to (ms since epoch). */
  readonly ts: number;
}

export type TagDataType = 'bool' | 'int16' | 'uint16' | 'int32' | 'uint32' | 'float32' | 'float64';

export interface TagInfo extends TagValue {
  readonly path: string;
  readonly device: string;
  readonly address: string;
  readonly dataType: TagDataType;
  readonly units: string;
  readonly description: string;
  readonly writable: boolean;
  /** The instrument's NAMUR NE107 status. */
  readonly ne107: Ne107Status;
}

/** One row of a folder listing: a sub-folder or a tag. */
export type BrowseNode =
  | { readonly kind: 'folder'; readonly name: string; readonly path: string; readonly tagCount: number }
  | { readonly kind: 'tag'; readonly name: string; readonly path: string };

export type DeviceState = 'connecting' | 'connected' | 'disconnected' | 'stopped';

/** What a driver reports of its device; the runtime adds the NE107 status. */
export interface DriverStatus {
  readonly name: string;
  readonly driver: string;
  readonly status: DeviceState;
  readonly lastError: string | null;
  readonly lastErrorAt: number | null;
  readonly requests: number;
  readonly errors: number;
  readonly timeouts: number;
  readonly reconnects: number;
  readonly tagCount: number;
  /** Blocks the planner reads per scan. */
  readonly blocksPerScan: number;
  /** Duration of the last complete scan, ms. */
  readonly lastScanMs: number | null;
  /** Poll ticks skipped because a scan took longer than the poll period. */
  readonly overruns: number;
  readonly pollMs: number;
}

export interface DeviceInfo extends DriverStatus {
  /** The device's NAMUR NE107 status: its link, and the worst of its instruments. */
  readonly ne107: Ne107Status;
}

/** A change of one tag, as it travels in `tags.changed`. */
export interface TagChange extends TagValue {
  readonly path: string;
}

export type SimulatorFaultKind = 'sensor_stuck' | 'out_of_range' | 'link_down';

export interface SimulatorFault {
  readonly kind: SimulatorFaultKind;
  /** The simulated signal (`tank.level`, …); not used by `link_down`. */
  readonly signal?: string;
}

export interface SimulatorStatus {
  readonly signals: readonly string[];
  readonly faults: readonly SimulatorFault[];
}

export const GOOD: Quality = Object.freeze({ status: 'good' });

export function qualityEquals(a: Quality, b: Quality): boolean {
  return a.status === b.status && a.reason === b.reason;
}

/**
 * Quality codes in history series (`q`): one number per sample, so a year of
 * samples travels as plain arrays. 0 Good, 1 Uncertain, 2 Bad.
 */
export const QUALITY_CODE = { good: 0, uncertain: 1, bad: 2 } as const;
export type QualityCode = (typeof QUALITY_CODE)[QualityStatus];

/**
 * One tag's history, columnar. `v` is null where the quality was Bad (a gap,
 * never an invented value). Raw samples, M4 points (first, min, max, last of
 * each pixel column, in time order) or one aggregate per interval.
 */
export interface HistorySeries {
  readonly path: string;
  readonly t: ArrayLike<number>;
  readonly v: ArrayLike<number | null>;
  readonly q: ArrayLike<number>;
  /** How the points were made. */
  readonly mode: 'raw' | 'm4' | 'aggregate';
}

export interface HistoryResult {
  readonly series: HistorySeries[];
}

/** One tag's statistics over a range; null where the range had no Good value. */
export interface HistoryStats {
  readonly path: string;
  readonly count: number;
  readonly min: number | null;
  readonly max: number | null;
  /** Mean of the recorded samples, and the time-weighted average (values hold until the next sample). */
  readonly avg: number | null;
  readonly twa: number | null;
  readonly goodMs: number;
  readonly badMs: number;
}

export type HistorianState = 'ok' | 'degraded' | 'read_only' | 'unavailable';

export interface HistorianStatus {
  readonly state: HistorianState;
  /** What is wrong and what it means, when state is not ok. */
  readonly problem: string | null;
  readonly file: string | null;
  readonly fileBytes: number;
  readonly tags: number;
  readonly samplesStored: number;
  /** Samples waiting to be written (kept in memory while the disk is unwritable). */
  readonly pending: number;
  /** Samples lost because the disk stayed unwritable past the memory bound. */
  readonly dropped: number;
  /** Samples refused because their time was not after the tag's last one. */
  readonly rejected: number;
  readonly oldest: number | null;
  readonly newest: number | null;
  readonly reviewOnly: boolean;
}
