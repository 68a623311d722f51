// What a protocol folder exports: one driver module. The project schema, the
// validator and the runtime iterate the registry of modules (registry.ts), so
// adding a protocol is its folder and one line there; nothing else switches
// on driver kinds.
import type { z } from 'zod';
import type { TagDataType } from '../../../shared/types';
import type { Driver, DriverSink, DriverTag } from './driver';

/** The keys every device has, whatever its protocol. */
export interface BaseDeviceConfig {
  readonly name: string;
  readonly driver: string;
  readonly description: string;
  readonly enabled: boolean;
}

export interface DriverCapabilities {
  /** poll: the driver asks on a period; push: the device sends changes (subscriptions). */
  readonly mode: 'poll' | 'push';
  readonly browse: boolean;
  readonly describe: boolean;
  readonly write: boolean;
}

/** An address as the module understands it: parsed once, at load. */
export interface ParsedAddress<Address = unknown> {
  readonly parsed: Address;
  readonly dataType: TagDataType;
  /** Whether the address can be written at all (an input register cannot). */
  readonly writable: boolean;
}

/** Reports a problem of the project at a path (`devices[2].port`). */
export type ReportProblem = (path: readonly PropertyKey[], message: string) => void;

/** What a module's factory may ask of the runtime. */
export interface DriverContext {
  /** Opens a secret (a password) by the name the project gives. */
  secret(name: string): string;
}

/** Makes the drivers of one module; holds what its devices share (a serial line, a TCP gateway). */
export interface DriverFactory<Config extends BaseDeviceConfig = BaseDeviceConfig> {
  create(device: Config, tags: readonly DriverTag[], sink: DriverSink): Driver;
  /** Stops a driver and closes what it alone held. */
  dispose(driver: Driver): Promise<void>;
}

// Methods (not function properties) on purpose: a module of a narrower
// config type stays assignable to the registry's list of modules.
export interface DriverModule<Config extends BaseDeviceConfig = BaseDeviceConfig, Address = unknown> {
  /** The protocol, for messages (`Modbus`, `Sparkplug B host`). */
  readonly protocol: string;
  /** The project-file keys of each `driver:` kind the module serves; each schema has `driver: z.literal(kind)`. */
  readonly schemas: readonly z.ZodType[];
  readonly capabilities: DriverCapabilities;
  /**
   * Parses a tag's address for a device; throws an AddressError that says
   * what is wrong. `declared` is the tag's `dataType` key, if it has one.
   */
  parseAddress(address: string, device: Config, declared: TagDataType | undefined): ParsedAddress<Address>;
  /** Checks that need all of the module's devices (devices sharing a serial port must agree on its settings). */
  checkDevices?(devices: readonly { readonly device: Config; readonly index: number }[], report: ReportProblem): void;
  /**
   * What creating a driver for the device would need of the runtime, asked
   * before a change set touches anything (a secret that is not there): throws
   * an Error that says what is missing.
   */
  prepare?(device: Config, context: DriverContext): void;
  factory(context: DriverContext): DriverFactory<Config>;
}
