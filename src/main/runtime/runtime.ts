// The composition root: builds the tag engine and one driver per device from
// a project, wires drivers into the engine, and offers the contract's
// handlers and event sources. Plain Node: it never imports electron.
import { methods, type Caller, type Handlers, type MethodName } from '../../shared/contract';
import type { DeviceInfo } from '../../shared/types';
import { createHandlers } from './api';
import type { Driver, DriverEvent } from './drivers/driver';
import { DeviceDrivers, type UnboundTag } from './deviceDrivers';
import type { Project } from './project/validate';
import { ChangeSetError, changedProject, type ChangeSet } from './project/changeSet';
import type { EngineTag } from './tags/engine';
import type { TagDefinition } from './tags/definition';
import { EventChannel, type EventSend } from './eventChannel';
import { createEventSources, type EventRuntime, type EventSources } from './eventSources';
import type { RuntimeParts, SimulatorControl } from './parts';
import { TagEngine } from './tags/engine';
import { ChangeFanout } from './tags/fanout';
import { Historian, type HistorianOptions } from './historian/historian';
import { historizedTags, retentionRules } from './historian/setup';
import { TrendViews } from './project/trendViews';
import { AlarmEngine, type AlarmListener } from './alarms/alarmEngine';
import { AlarmJournal, type JournalOptions } from './alarms/journal';
import type { WorkerLocation } from './storage/client';
import { Uplink } from './uplink/uplink';
import { RUNTIME_CALLER, Security, trustedCaller } from './security/security';
import { Writer } from './writer/writer';

export type { SimulatorControl } from './parts';

export interface RuntimeOptions {
  readonly simulator?: SimulatorControl;
  /** Batches of tag changes to clients: at most one per this many ms. */
  readonly changeIntervalMs?: number;
  /** Device status events: at most one per this many ms. */
  readonly statusIntervalMs?: number;
  /** Where the historian keeps its file and finds its worker; omitted: no history. */
  readonly historian?: Pick<HistorianOptions, 'file' | 'workerUrl' | 'workerEntry' | 'flushMs' | 'retryMs' | 'maxPending' | 'maxPageCount' | 'postMs'>;
  /** Offline review: the historian file is opened read-only and nothing is recorded. */
  readonly review?: boolean;
  /** The alarm journal's file; omitted: alarms are evaluated but not journalled (and forgotten on restart). */
  readonly alarmJournal?: JournalOptions;
  /** The uplink's store-and-forward file; omitted: the uplink (if any) keeps nothing while offline. */
  readonly uplinkQueueFile?: string;
  /** Opens a secret by name (passwords the project refers to); omitted: a project that names one cannot start. */
  readonly secrets?: (name: string) => string;
  /** The security file (users, audit trail); omitted: kept in memory. */
  readonly securityFile?: string;
  /**
   * The store worker (out/main/storeWorker.js) that runs the alarm journal,
   * the uplink's queue and the security file off this event loop; omitted:
   * they run on this thread (tests, tools).
   */
  readonly storeWorker?: WorkerLocation;
  /** The project file, where trend views are saved; omitted: views are kept in memory. */
  readonly projectFile?: string;
}

/** A broker password from the secret store, by the name the project gives. */
export function passwordOf(password: { readonly secret: string } | string | undefined, secret: (name: string) => string): string | undefined {
  if (password === undefined) return undefined;
  return typeof password === 'string' ? password : secret(password.secret);
}

/** What a change set did. */
export interface ChangeSummary {
  readonly devices: { readonly added: number; readonly updated: number; readonly removed: number };
  readonly tags: { readonly added: number; readonly updated: number; readonly removed: number };
  /** Tags a driver could not bind, and why (they are Bad with config_error). */
  readonly unbound: readonly UnboundTag[];
}

function sameJson(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/** Whether a tag's definition is unchanged (its parsed address follows from the rest). */
function sameDefinition(a: TagDefinition, b: TagDefinition): boolean {
  // The checker hands an untouched entry's definition on as the same object.
  return a === b || sameJson({ ...a, parsedAddress: undefined }, { ...b, parsedAddress: undefined });
}

/**
 * What the clients hold in the runtime: their event channels, the
 * subscriptions on them, and the listeners those hold on the runtime's parts.
 * When every client has gone, all of it is back to what it was before they
 * came (test/integration/transport/clients.test.ts connects 50 and checks).
 */
export interface ClientStats {
  /** Open event channels: one per WebSocket or IPC window. */
  readonly channels: number;
  /** Open subscriptions over all channels, by event name. */
  readonly subscriptions: Readonly<Record<string, number>>;
  /** Subscriptions of the tag fan-out (tags.changed). */
  readonly tagSubscribers: number;
  /** Listeners of device statuses (devices.status). */
  readonly deviceListeners: number;
  /** Listeners of the alarm engine (alarms.changed). */
  readonly alarmListeners: number;
  /** Listeners of login changes (auth.session; the runtime keeps one of its own). */
  readonly securityListeners: number;
}

export class Runtime implements RuntimeParts, EventRuntime {
  readonly engine: TagEngine;
  readonly handlers: Handlers;
  readonly historian: Historian | null;
  readonly trendViews: TrendViews;
  readonly alarms: AlarmEngine;
  readonly alarmJournal: AlarmJournal | null;
  readonly uplink: Uplink | null;
  readonly security: Security;
  /** Every write goes through it: the contract's, the uplink's DCMD, control loops. */
  readonly writer: Writer;
  /** The source of each event stream, by event name. */
  readonly eventSources: EventSources;
  /** Every client's open event channel: each is asked again whenever a login changes. */
  private readonly channels = new Set<EventChannel>();
  private readonly fanout: ChangeFanout;
  private readonly devicesOf: DeviceDrivers;
  private readonly driverEventListeners = new Set<(device: string, event: DriverEvent) => void>();
  /** Change sets run one after another. */
  private changing: Promise<unknown> = Promise.resolve();
  private stopping = false;
  private current: Project;
  private readonly deviceListeners = new Set<(devices: DeviceInfo[]) => void>();
  private statusTimer: NodeJS.Timeout | null = null;
  private readonly statusIntervalMs: number;
  private started = false;

  constructor(
    project: Project,
    private readonly options: RuntimeOptions = {},
  ) {
    this.current = project;
    this.engine = new TagEngine(project.tags);
    const secret = (name: string): string => {
      if (!options.secrets) throw new Error(`the project needs the secret "${name}", and no secret store is open`);
      return options.secrets(name);
    };
    this.fanout = new ChangeFanout(this.engine, options.changeIntervalMs ?? 50);
    this.statusIntervalMs = options.statusIntervalMs ?? 250;
    this.devicesOf = new DeviceDrivers(this.engine, secret, (device, event) => this.driverEvent(device, event));
    const byDevice = this.tagsByDevice();
    for (const device of project.devices) this.devicesOf.add(device, byDevice.get(device.name) ?? []);
    this.historian =
      options.historian && project.historian.enabled
        ? new Historian(options.review ? null : this.engine, {
            ...options.historian,
            readonly: options.review === true,
            tags: historizedTags(project.tags, project.historian),
            retention: retentionRules(project.historian),
            chunkMs: project.historian.chunkMinutes * 60_000,
          })
        : null;
    this.alarmJournal = options.alarmJournal && !options.review ? new AlarmJournal({ ...options.alarmJournal, worker: options.storeWorker ?? null }) : null;
    this.alarms = new AlarmEngine(this.engine, options.review ? [] : project.alarms, {
      journal: this.alarmJournal,
      onInstrumentChange: () => this.scheduleStatus(),
    });
    const dcmdCaller = trustedCaller('sparkplug DCMD', project.uplink?.url ?? 'broker', 'operator');
    this.uplink =
      project.uplink?.enabled && !options.review
        ? new Uplink(project.uplink, {
            engine: this.engine,
            deviceOnline: (name) => this.drivers.get(name)?.info().status === 'connected',
            write: async (path, value) => {
              // The uplink's `commands` switch is the permission (off by default); the audit trail names it.
              await this.writer.write(dcmdCaller, path, value);
            },
            queueFile: options.uplinkQueueFile ?? null,
            storeWorker: options.storeWorker ?? null,
            password: passwordOf(project.uplink.password, secret),
          })
        : null;
    const rules = project.security;
    this.security = new Security({
      file: options.securityFile ?? null,
      roles: rules?.roles,
      sessionHours: rules?.sessionHours,
      idleLogoutMinutes: rules?.idleLogoutMinutes,
      maxLoginFailures: rules?.maxLoginFailures,
      noSetup: options.review === true,
      worker: options.storeWorker ?? null,
      auditFailure: rules?.auditFailure,
      // A login attack (and the audit trail degraded) are diagnostic system alarms.
      systemAlarm: (id, spec, active, message) => this.alarms.setCondition(id, spec, active, message),
    });
    // A login that ended (or a role that shrank) takes with it the streams it allowed.
    this.security.onChange(() => {
      for (const channel of [...this.channels]) channel.recheck();
    });
    this.writer = new Writer({
      tags: this.engine,
      driverOf: (device) => this.drivers.get(device),
      authorizeWrite: (caller, path) => this.security.authorizeWrite(caller, path),
      audit: (...entry) => this.security.audit(...entry),
      requireAuditable: () => this.security.requireAuditable('tags.write'),
    });
    this.trendViews = new TrendViews(options.projectFile ?? null, project.trends);
    this.handlers = createHandlers(this, options.simulator);
    this.eventSources = createEventSources(this);
  }

  /** The project as it stands now (change sets replace it). */
  get project(): Project {
    return this.current;
  }

  /** Each device's driver, by device name. */
  get drivers(): ReadonlyMap<string, Driver> {
    return this.devicesOf.drivers;
  }

  /**
   * Starts everything. The drivers start once the alarm journal (in its
   * worker) gave back the saved alarm states, so the first poll is evaluated
   * against the alarms as they were, not against fresh ones.
   */
  async start(): Promise<void> {
    if (this.started) return;
    this.started = true;
    this.historian?.start();
    const uplinkStarted = this.uplink?.start();
    await this.alarms.start();
    await uplinkStarted; // the queue's file open, in its worker, beside the journal's
    if (!this.started) return; // stopped meanwhile
    this.devicesOf.start();
  }

  async stop(): Promise<void> {
    this.started = false;
    this.stopping = true;
    // A change set under way finishes first (it journals, and it creates drivers).
    await this.changing.catch(() => undefined);
    // Before the drivers: a shutdown is not a plant fault, and must not raise quality alarms.
    await this.alarms.stop();
    await this.devicesOf.stop();
    // After the drivers: their last values (and the Bad of the shutdown) are recorded too.
    this.engine.flush();
    await Promise.all([this.historian?.stop(), this.uplink?.stop()]);
    await this.security.close();
    this.fanout.dispose();
    if (this.statusTimer) clearTimeout(this.statusTimer);
    this.statusTimer = null;
    this.deviceListeners.clear();
  }

  devices(): DeviceInfo[] {
    return this.devicesOf.statuses().map((info) => ({ ...info, ne107: this.alarms.deviceNe107(info.name, info.status) }));
  }

  /** Typed events of every driver (link, bindings, metadata, address space), by device name. */
  onDriverEvent(listener: (device: string, event: DriverEvent) => void): () => void {
    this.driverEventListeners.add(listener);
    return () => this.driverEventListeners.delete(listener);
  }

  /**
   * Applies a change set to the running runtime: devices and tags added,
   * updated and removed, with their alarms, history and uplink births. The
   * whole set is checked first; any problem refuses all of it (a
   * ChangeSetError naming every problem) and nothing changes.
   */
  applyChanges(changes: ChangeSet): Promise<ChangeSummary> {
    const run = this.changing.catch(() => undefined).then(() => {
      if (this.options.review || !this.current.source) throw new Error('this runtime cannot change: it is an offline review');
      if (this.stopping) throw new Error('this runtime is stopping: the change was not applied');
      return this.reconfigure(changedProject(this.current, changes));
    });
    this.changing = run;
    return run;
  }

  private async reconfigure(next: Project): Promise<ChangeSummary> {
    const before = this.current;
    const oldDevices = new Map(before.devices.map((device) => [device.name, device]));
    const newDevices = new Map(next.devices.map((device) => [device.name, device]));
    // What could still fail is asked before anything changes, so a refused change leaves all as it was.
    const missing: { path: string; message: string }[] = [];
    for (const [name, device] of newDevices) {
      const old = oldDevices.get(name);
      if (old && sameJson(old, device)) continue;
      try {
        this.devicesOf.prepare(device);
      } catch (error) {
        missing.push({ path: `devices["${name}"]`, message: (error as Error).message });
      }
    }
    if (missing.length > 0) throw new ChangeSetError(missing);
    const restarted = new Set<string>();
    const devices = { added: 0, updated: 0, removed: 0 };
    for (const [name, device] of oldDevices) {
      const now = newDevices.get(name);
      if (!now) devices.removed++;
      else if (!sameJson(now, device)) devices.updated++;
      else continue;
      restarted.add(name);
      await this.devicesOf.remove(name);
    }

    // The tags: the engine first, so every consumer below sees the new set.
    const oldTags = new Map(before.tags.map((def) => [def.path, def]));
    const newTags = new Map(next.tags.map((def) => [def.path, def]));
    const tags = { added: 0, updated: 0, removed: 0 };
    const perDevice = new Map<string, { added: EngineTag[]; removed: number[] }>();
    const on = (device: string) => {
      let entry = perDevice.get(device);
      if (!entry) perDevice.set(device, (entry = { added: [], removed: [] }));
      return entry;
    };
    const gone: EngineTag[] = [];
    for (const [path, def] of oldTags) {
      const tag = this.engine.find(path)!;
      const now = newTags.get(path);
      if (now && sameDefinition(now, def)) continue;
      on(def.device).removed.push(tag.id);
      if (!now) {
        gone.push(tag);
        tags.removed++;
      } else {
        this.engine.redefine(tag, now);
        on(now.device).added.push(tag);
        tags.updated++;
      }
    }
    this.engine.remove(gone);
    const fresh = this.engine.add(next.tags.filter((def) => !oldTags.has(def.path)));
    for (const tag of fresh) on(tag.def.device).added.push(tag);
    tags.added = fresh.length;
    this.current = next;

    // The drivers: new and changed devices start with all their tags; the others take their share of the change.
    const byDevice = this.tagsByDevice();
    for (const [name, device] of newDevices) {
      if (oldDevices.has(name) && !restarted.has(name)) continue;
      if (!oldDevices.has(name)) devices.added++;
      this.devicesOf.add(device, byDevice.get(name) ?? []);
    }
    // The consumers before any driver is awaited: the engine's next changes already name the new tags.
    this.historian?.setTags(historizedTags(next.tags, next.historian));
    this.alarms.reconfigure(this.options.review ? [] : next.alarms);
    // A rebirth births every online device; only without one do the devices' births and deaths need a look.
    if (tags.added + tags.updated + tags.removed > 0) this.uplink?.tagsChanged();
    else this.uplink?.devicesChanged();
    this.scheduleStatus();

    const unbound: UnboundTag[] = [];
    for (const [name, change] of perDevice) {
      // Only a device that ran before and runs on: a new or restarted one was created with all its tags.
      if (oldDevices.has(name) && !restarted.has(name) && newDevices.has(name)) unbound.push(...(await this.devicesOf.retag(name, change)));
    }
    return { devices, tags, unbound };
  }

  private tagsByDevice(): Map<string, EngineTag[]> {
    const byDevice = new Map<string, EngineTag[]>();
    for (const tag of this.engine.live()) {
      const list = byDevice.get(tag.def.device);
      if (list) list.push(tag);
      else byDevice.set(tag.def.device, [tag]);
    }
    return byDevice;
  }

  private driverEvent(device: string, event: DriverEvent): void {
    if (event.type === 'link') this.uplink?.devicesChanged();
    this.scheduleStatus();
    for (const listener of this.driverEventListeners) listener(device, event);
  }

  /**
   * A client's event channel; close it when the client goes. `caller` is who
   * subscribes: a fixed caller (a WebSocket keeps the login it was opened
   * with) or a function (an IPC window's login changes while it lives).
   */
  openEvents(send: EventSend, caller?: Caller | (() => Caller)): EventChannel {
    const callerNow = typeof caller === 'function' ? caller : () => caller ?? RUNTIME_CALLER;
    const channel = new EventChannel(
      this.eventSources,
      send,
      callerNow,
      (permission, who, touch) => this.security.authorize(this.security.resolve(who, touch), permission),
      () => this.channels.delete(channel),
    );
    this.channels.add(channel);
    return channel;
  }

  /** What the clients hold now (see ClientStats). */
  clientStats(): ClientStats {
    const subscriptions: Record<string, number> = {};
    for (const channel of this.channels) {
      for (const event of channel.subscriptions()) subscriptions[event] = (subscriptions[event] ?? 0) + 1;
    }
    return {
      channels: this.channels.size,
      subscriptions,
      tagSubscribers: this.fanout.subscriberCount,
      deviceListeners: this.deviceListeners.size,
      alarmListeners: this.alarms.listenerCount,
      securityListeners: this.security.changeListenerCount,
    };
  }

  subscribeTags(sink: Parameters<ChangeFanout['subscribe']>[0]) {
    return this.fanout.subscribe(sink);
  }

  subscribeDevices(listener: (devices: DeviceInfo[]) => void): () => void {
    this.deviceListeners.add(listener);
    listener(this.devices());
    return () => this.deviceListeners.delete(listener);
  }

  /** Whether the caller may call the method (401/403 as a ContractFailure); the handlers check again. */
  authorize(method: MethodName, caller: Caller): void {
    this.security.authorizeCall(this.security.resolve(caller), methods[method].permission, method);
  }

  subscribeAlarms(listener: AlarmListener): () => void {
    return this.alarms.subscribe(listener);
  }

  private scheduleStatus(): void {
    if (this.statusTimer || this.deviceListeners.size === 0) return;
    this.statusTimer = setTimeout(() => {
      this.statusTimer = null;
      const devices = this.devices();
      for (const listener of this.deviceListeners) listener(devices);
    }, this.statusIntervalMs);
  }
}
