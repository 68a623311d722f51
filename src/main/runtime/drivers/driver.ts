// What every protocol driver is to the runtime. Drivers emit readings into a
// sink (the tag engine) and nothing else: they know nothing of the historian,
// alarms, uplink or UI.
import type { DriverStatus, Quality, TagScalar } from '../../../shared/types';

export interface DriverTag {
  /** The tag engine's id of the tag. */
  readonly id: number;
  /** The address as written in the project file. */
  readonly address: string;
}

export interface DriverSink {
  /** A reading in raw units; null when there is no value, only a quality. `ts` is the poll tick. */
  reading(id: number, raw: TagScalar | null, quality: Quality, ts: number): void;
  /** The same quality for many tags (a link lost), keeping their values. */
  qualityOf(ids: Iterable<number>, quality: Quality, ts: number): void;
  /** The device's status or counters changed. */
  statusChanged(): void;
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
  /** Stops polling and closes every socket and timer the driver owns. */
  stop(): Promise<void>;
  /** Writes a raw value; resolves when the device confirmed, rejects with a DeviceError. */
  write(id: number, raw: TagScalar): Promise<void>;
  /**
   * Reads tags from the device now, ahead of the polls (the writer reads back
   * what a device holds after a write); one reading per id, in order. Rejects
   * with a DeviceError when the device cannot be asked at all. Absent where
   * the protocol has no read on demand (a Sparkplug host only hears reports).
   */
  read?(ids: readonly number[]): Promise<DeviceReading[]>;
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
