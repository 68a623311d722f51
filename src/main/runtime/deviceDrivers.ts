// The runtime's drivers, one per device, kept in step with the tag set: it
// creates, restarts and disposes drivers as devices come, change and go, and
// hands each running driver the tags added to it and taken from it.
import type { DeviceInfo } from '../../shared/types';
import type { BindFailure, Driver, DriverEvent, DriverSink, DriverTag } from './drivers/driver';
import type { DriverContext } from './drivers/module';
import { moduleOf, DriverSet, type DeviceConfig } from './drivers/registry';
import type { EngineTag, TagEngine } from './tags/engine';
import { qualityOf } from './tags/plausibility';

const CONFIG_ERROR = qualityOf('bad', 'config_error');
const WAITING = qualityOf('bad', 'waiting_for_initial_data');

export interface DriverEventListener {
  (device: string, event: DriverEvent): void;
}

/** What a device's tags did in one change: the tags it takes and gives up. */
export interface DeviceTagChanges {
  readonly added: readonly EngineTag[];
  readonly removed: readonly number[];
}

/** A tag a driver could not bind, by path. */
export interface UnboundTag {
  readonly path: string;
  readonly device: string;
  readonly reason: string;
}

export class DeviceDrivers {
  readonly drivers = new Map<string, Driver>();
  private readonly configs = new Map<string, DeviceConfig>();
  private readonly set: DriverSet;
  private readonly context: DriverContext;
  private running = false;

  constructor(
    private readonly engine: TagEngine,
    secret: (name: string) => string,
    private readonly onEvent: DriverEventListener,
  ) {
    this.context = { secret };
    this.set = new DriverSet(this.context);
  }

  /** The driver's view of a tag: its id and its address, parsed once. */
  static driverTag(tag: EngineTag, device: DeviceConfig): DriverTag {
    const { def } = tag;
    // Tags built by the loader carry their parsed address; others (tests building a project by hand) are parsed here, once.
    const parsed = def.parsedAddress !== undefined ? def.parsedAddress : moduleOf(device.driver).parseAddress(def.address, device, def.dataType).parsed;
    return { id: tag.id, address: def.address, parsed, dataType: def.dataType };
  }

  /** Throws, saying what is missing, when a driver for the device could not be created (before anything changes). */
  prepare(device: DeviceConfig): void {
    moduleOf(device.driver).prepare?.(device, this.context);
  }

  /** Creates the driver of a device with its tags; started if the runtime runs. */
  add(device: DeviceConfig, tags: readonly EngineTag[]): void {
    const sink: DriverSink = {
      reading: (id, raw, quality, ts, serverTs) => this.engine.ingest(id, raw, quality, ts, serverTs),
      qualityOf: (ids, quality, ts) => this.engine.setQualityOf(ids, quality, ts),
      event: (event) => {
        if (event.type === 'bindings') this.markUnbound(event.failed);
        this.onEvent(device.name, event);
      },
    };
    const driver = this.set.create(device, tags.map((tag) => DeviceDrivers.driverTag(tag, device)), sink);
    this.drivers.set(device.name, driver);
    this.configs.set(device.name, device);
    if (this.running) driver.start();
  }

  /**
   * Stops a device's driver and closes what it held. Its tags (until the
   * device's next driver reads them, or for good when it is disabled) wait
   * for a value: their last one is not passed off as current.
   */
  async remove(name: string): Promise<void> {
    const driver = this.drivers.get(name);
    this.drivers.delete(name);
    this.configs.delete(name);
    if (driver) await this.set.dispose(driver);
    const ids: number[] = [];
    for (const tag of this.engine.live()) if (tag.def.device === name) ids.push(tag.id);
    this.engine.setQualityOf(ids, WAITING, Date.now());
  }

  config(name: string): DeviceConfig | undefined {
    return this.configs.get(name);
  }

  /** Hands a running driver its added and removed tags; what it could not bind goes Bad (config_error). */
  async retag(name: string, changes: DeviceTagChanges): Promise<UnboundTag[]> {
    const driver = this.drivers.get(name);
    const device = this.configs.get(name);
    if (!driver || !device || (changes.added.length === 0 && changes.removed.length === 0)) return [];
    const failed = await driver.setTags(changes.added.map((tag) => DeviceDrivers.driverTag(tag, device)), changes.removed);
    this.markUnbound(failed);
    return failed.map((failure) => ({ path: this.engine.tags[failure.id]?.def.path ?? `#${failure.id}`, device: name, reason: failure.reason }));
  }

  start(): void {
    this.running = true;
    for (const driver of this.drivers.values()) driver.start();
  }

  async stop(): Promise<void> {
    this.running = false;
    // The drivers stay listed (stopped), so a status asked after the stop is still true.
    await Promise.all([...this.drivers.values()].map((driver) => this.set.dispose(driver)));
  }

  statuses(): Omit<DeviceInfo, 'ne107'>[] {
    return [...this.drivers.values()].map((driver) => driver.info());
  }

  private markUnbound(failed: readonly BindFailure[]): void {
    if (failed.length > 0) this.engine.setQualityOf(failed.map((failure) => failure.id), CONFIG_ERROR, Date.now());
  }
}
