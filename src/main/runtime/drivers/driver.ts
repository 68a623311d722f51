// What every protocol driver is to the runtime, polled (Modbus, S7) or
// subscribed (OPC UA, Sparkplug) alike. Drivers emit readings and typed
// events into a sink (the tag engine and the runtime) and nothing else: they
// know nothing of the historian, alarms, uplink or UI.
import type { DeviceBrowseChild, DeviceBrowsePage, DriverStatus, Quality, TagDataType, TagScalar } from '../../../shared/types';

/** A tag as a driver sees it: its id and its address, parsed once at load by the driver module. */
export interface DriverTag<Address = unknown> {
  /** The tag engine's id of the tag. */
  readonly id: number;
  /** The address as written in the project file (for messages). */
  readonly address: string;
  /** What the module's `parseAddress` made of it; the driver never parses it again. */
  readonly parsed: Address;
  readonly dataType: TagDataType;
}

/** A tag a driver could not bind (an unknown node, a DB that does not exist), and why. */
export interface BindFailure {
  readonly id: number;
  readonly reason: string;
}

/** What a driver tells the runtime besides values. */
export type DriverEvent =
  /** The link to the device came up or went down (with why). */
  | { readonly type: 'link'; readonly up: boolean; readonly reason?: string }
  /** After a (re)connection or a `setTags`: how many tags are bound again, and those that could not be. */
  | { readonly type: 'bindings'; readonly restored: number; readonly failed: readonly BindFailure[] }
  /** The device's metadata of these tags changed (units, range, description). */
  | { readonly type: 'metadata'; readonly ids: readonly number[] }
  /** The device's address space changed (a browse would show something else now). */
  | { readonly type: 'addressSpace' }
  /** Only counters or figures of the status changed. */
  | { readonly type: 'counters' };

export interface DriverSink {
  /**
   * A reading in raw units; null when there is no value, only a quality.
   * `ts` is the source timestamp (the device's, else the poll tick);
   * `serverTs` the server's, where the protocol has one.
   */
  reading(id: number, raw: TagScalar | null, quality: Quality, ts: number, serverTs?: number): void;
  /** The same quality for many tags (a link lost), keeping their values. */
  qualityOf(ids: Iterable<number>, quality: Quality, ts: number): void;
  event(event: DriverEvent): void;
}

/** One child of a node in a device's address space. */
export type BrowseChild = DeviceBrowseChild;
/** One page of children; `continuation` is absent on the last page. */
export type BrowsePage = DeviceBrowsePage;

export interface BrowseOptions {
  readonly signal?: AbortSignal;
  readonly continuation?: string;
}

/** What a device knows of an address, for `describe`. */
export interface AddressMetadata {
  readonly address: string;
  readonly type?: TagDataType | null;
  readonly units?: string;
  readonly range?: { readonly min: number; readonly max: number };
  readonly description?: string;
  readonly writable?: boolean;
  /** Why nothing is known (the address does not exist). */
  readonly problem?: string;
}

/** A value read on demand (the writer's read-back), raw; `raw` is null when the device gave none, `problem` says why. */
export interface DeviceReading {
  readonly raw: TagScalar | null;
  readonly quality: Quality;
  readonly problem?: string;
}

export interface Driver {
  readonly name: string;
  start(): void;
  /** Stops polling and closes every socket, timer and listener the driver owns. */
  stop(): Promise<void>;
  /**
   * Changes the tag set of a running driver (a poll driver replans, a
   * subscription driver adds and removes monitored items in batches).
   * Resolves with the tags it could not bind, and why; the others are bound
   * (or will be, once the link is up).
   */
  setTags(added: readonly DriverTag[], removed: readonly number[]): Promise<readonly BindFailure[]>;
  /** Writes a raw value; resolves when the device confirmed, rejects with a DeviceError. Absent: read-only protocol. */
  write?(id: number, raw: TagScalar): Promise<void>;
  /**
   * Reads tags from the device now, ahead of the polls (the writer reads back
   * what a device holds after a write); one reading per id, in order. Rejects
   * with a DeviceError when the device cannot be asked at all. Absent where
   * the protocol has no read on demand (a Sparkplug host only hears reports).
   */
  read?(ids: readonly number[]): Promise<DeviceReading[]>;
  /** One page of the children of `node` (undefined: the root). */
  browse?(node: string | undefined, options?: BrowseOptions): Promise<BrowsePage>;
  describe?(addresses: readonly string[]): Promise<readonly AddressMetadata[]>;
  info(): DriverStatus;
}

/** A device refused or could not do something; `code` is the protocol's own code. */
export class DeviceError extends Error {
  constructor(
    message: string,
    readonly code?: number,
  ) {
    super(message);
    this.name = 'DeviceError';
  }
}

/** An address a driver module cannot use; the message says what is wrong with it. */
export class AddressError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'AddressError';
  }
}
