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
  | 'waiting_for_initial_data'
  /** A 64-bit integer beyond ±(2^53 − 1): the value is the nearest double, not the exact integer. */
  | 'precision_lost';

/**
 * The protocol's own status code behind a quality, where it has one: an OPC
 * UA StatusCode (`BadNodeIdUnknown`, 0x80340000), a Modbus exception code
 * (`IllegalDataAddress`, 2), an ADS error code. Our `status` and `reason`
 * are what every screen understands; the code is what a commissioning
 * engineer looks up in the vendor's manual.
 */
export interface ProtocolCode {
  readonly value: number;
  readonly name: string;
}

export interface Quality {
  readonly status: QualityStatus;
  readonly reason?: QualityReason;
  readonly code?: ProtocolCode;
}

/**
 * A tag's value. 64-bit integers are numbers while they are exact (within
 * ±(2^53 − 1)); beyond, the number is the nearest double and the quality is
 * Uncertain with the reason `precision_lost`, so a trend still draws it and
 * nobody mistakes it for the exact count.
 */
export type TagScalar = number | boolean | string;

/** A tag's current value as every consumer sees it. */
export interface TagValue {
  /** null until the first read, or when the reading could not be decoded. */
  readonly value: TagScalar | null;
  readonly quality: Quality;
  /** Source timestamp (ms since epoch): the device's own where it stamps values, else the poll tick the value belongs to. */
  readonly ts: number;
  /** The server's timestamp, where the protocol has one (OPC UA, Sparkplug's payload time). */
  readonly serverTs?: number;
}

export const TAG_DATA_TYPES = ['bool', 'int16', 'uint16', 'int32', 'uint32', 'int64', 'uint64', 'float32', 'float64', 'string'] as const;
export type TagDataType = (typeof TAG_DATA_TYPES)[number];

/** Whether values of the type are numbers (scaled, trended, compared with limits). */
export function isNumericType(type: TagDataType): boolean {
  return type !== 'bool' && type !== 'string';
}

export function isIntegerType(type: TagDataType): boolean {
  return type === 'int16' || type === 'uint16' || type === 'int32' || type === 'uint32' || type === 'int64' || type === 'uint64';
}

/** The range a tag accepts writes in, in engineering units; null: that side is open. */
export interface WriteLimits {
  readonly min: number | null;
  readonly max: number | null;
}


export interface TagInfo extends TagValue {
  readonly path: string;
  readonly device: string;
  readonly address: string;
  readonly dataType: TagDataType;
  readonly units: string;
  readonly description: string;
  readonly writable: boolean;
  /** Writes outside these (engineering units) are refused; absent or null: none beyond the data type's. */
  readonly writeLimits?: WriteLimits | null;
  /** The instrument's NAMUR NE107 status. */
  readonly ne107: Ne107Status;
}

/** One row of a folder listing: a sub-folder or a tag. */
export type BrowseNode =
  | { readonly kind: 'folder'; readonly name: string; readonly path: string; readonly tagCount: number }
  | { readonly kind: 'tag'; readonly name: string; readonly path: string };

export type DeviceState = 'connecting' | 'connected' | 'disconnected' | 'stopped';

/**
 * One figure a protocol has of its device beyond the common ones (Modbus:
 * blocks per scan, overruns; Sparkplug: messages, edge nodes; OPC UA:
 * monitored items …). The device panel shows each by its label.
 */
export interface DriverFigure {
  /** Stable name for scripts and tests (`blocksPerScan`). */
  readonly key: string;
  readonly label: string;
  readonly value: number | string | null;
  readonly unit?: string;
  /** Shown as abnormal (overruns above zero …). */
  readonly abnormal?: boolean;
}

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
  /** The protocol's own figures. */
  readonly details: readonly DriverFigure[];
}

/** A figure of a device's details by its key; undefined when the driver has none. */
export function detailOf(status: Pick<DriverStatus, 'details'>, key: string): DriverFigure['value'] | undefined {
  return status.details.find((figure) => figure.key === key)?.value;
}

/** One child of a node in a device's own address space (`devices.browse`). */
export interface DeviceBrowseChild {
  readonly name: string;
  /** A variable: the address to give a tag; a folder: the `node` to browse next. */
  readonly address: string;
  /** A variable's data type as a tag would hold it; null for a folder, or a type no tag can hold. */
  readonly type: TagDataType | null;
  readonly writable: boolean;
  readonly hasChildren: boolean;
  readonly units?: string;
  readonly range?: { readonly min: number; readonly max: number };
  readonly description?: string;
}

/** One page of a node's children; pass `continuation` back for the next. */
export interface DeviceBrowsePage {
  readonly children: readonly DeviceBrowseChild[];
  readonly continuation?: string;
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
  if (a === b) return true;
  return a.status === b.status && a.reason === b.reason && a.code?.value === b.code?.value && a.code?.name === b.code?.name;
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
  /**
   * A text tag (data type `string`): the text of each point (null where
   * there was no value); `v` is then null throughout. Text is never
   * aggregated: the points are its changes.
   */
  readonly text?: ArrayLike<string | null>;
  /**
   * Why the quality was what it was: the quality transitions within the
   * range, the first being the one in force at `from` (when one was
   * recorded). Absent from files written before quality transitions were.
   */
  readonly qualities?: readonly QualityTransition[];
}

/** A tag's quality from `t` on, as the historian recorded it. */
export interface QualityTransition {
  readonly t: number;
  readonly status: QualityStatus;
  readonly reason?: QualityReason;
  readonly code?: ProtocolCode;
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
