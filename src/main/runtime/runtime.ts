// The composition root: builds the tag engine and one driver per device from
// a project, wires drivers into the engine, and offers the contract's
// handlers and event sources. Plain Node: it never imports electron.
import { methods, type Caller, type Handlers, type MethodName } from '../../shared/contract';
import type { DeviceInfo, SimulatorFaultKind, SimulatorStatus } from '../../shared/types';
import { createHandlers } from './api';
import type { Driver, DriverSink } from './drivers/driver';
import { DriverFactory } from './drivers/index';
import type { Project } from './project/validate';
import { ClientSession, type EventSend, type EventSources } from './sessions';
import { TagEngine } from './tags/engine';
import { ChangeFanout } from './tags/fanout';
import { Historian, type HistorianOptions } from './historian/historian';
import { historizedTags, retentionRules } from './historian/setup';
import { TrendViews } from './project/trendViews';
import { AlarmEngine, type AlarmListener } from './alarms/alarmEngine';
import { AlarmJournal, type JournalOptions } from './alarms/journal';
import type { WorkerLocation } from './storage/client';
import { Uplink } from './uplink/uplink';
import { Security, trustedCaller } from './security/security';

/** What the runtime may ask of a simulated plant, when one runs beside it. */
export interface SimulatorControl {
  setFault(kind: SimulatorFaultKind, signal: string | undefined, active: boolean): void;
  status(): SimulatorStatus;
}

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

export class Runtime implements EventSources {
  readonly engine: TagEngine;
  readonly drivers = new Map<string, Driver>();
  readonly handlers: Handlers;
  readonly historian: Historian | null;
  readonly trendViews: TrendViews;
  readonly alarms: AlarmEngine;
  readonly alarmJournal: AlarmJournal | null;
  readonly uplink: Uplink | null;
  readonly security: Security;
  /** Event streams opened with a login, by its token. */
  private readonly streamsOf = new Map<string, Set<ClientSession>>();
  private readonly fanout: ChangeFanout;
  private readonly factory: DriverFactory;
  private readonly deviceListeners = new Set<(devices: DeviceInfo[]) => void>();
  private statusTimer: NodeJS.Timeout | null = null;
  private readonly statusIntervalMs: number;
  private started = false;

  constructor(
    readonly project: Project,
    options: RuntimeOptions = {},
  ) {
    this.engine = new TagEngine(project.tags);
    const secret = (name: string): string => {
      if (!options.secrets) throw new Error(`the project needs the secret "${name}", and no secret store is open`);
      return options.secrets(name);
    };
    this.factory = new DriverFactory(secret);
    this.fanout = new ChangeFanout(this.engine, options.changeIntervalMs ?? 50);
    this.statusIntervalMs = options.statusIntervalMs ?? 250;
    const sink: DriverSink = {
      reading: (id, raw, quality, ts) => this.engine.ingest(id, raw, quality, ts),
      qualityOf: (ids, quality, ts) => this.engine.setQualityOf(ids, quality, ts),
      statusChanged: () => {
        this.uplink?.devicesChanged();
        this.scheduleStatus();
      },
    };
    for (const device of project.devices) {
      const tags = this.engine.tags
        .filter((tag) => tag.def.device === device.name)
        .map((tag) => ({ id: tag.id, address: tag.def.address }));
      this.drivers.set(device.name, this.factory.create(device, tags, sink));
    }
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
              await this.handlers['tags.write']({ path, value }, dcmdCaller);
            },
            queueFile: options.uplinkQueueFile ?? null,
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
    });
    this.security.onSessionEnd((token) => {
      for (const stream of this.streamsOf.get(token) ?? []) stream.close();
      this.streamsOf.delete(token);
    });
    this.trendViews = new TrendViews(options.projectFile ?? null, project.trends);
    this.handlers = createHandlers(this, options.simulator);
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
    this.uplink?.start();
    await this.alarms.start();
    if (!this.started) return; // stopped meanwhile
    for (const driver of this.drivers.values()) driver.start();
  }

  async stop(): Promise<void> {
    this.started = false;
    // Before the drivers: a shutdown is not a plant fault, and must not raise quality alarms.
    await this.alarms.stop();
    await Promise.all([...this.drivers.values()].map((driver) => this.factory.dispose(driver)));
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
    return [...this.drivers.values()].map((driver) => {
      const info = driver.info();
      return { ...info, ne107: this.alarms.deviceNe107(info.name, info.status) };
    });
  }

  /** A client's event subscriptions; close it when the client goes. Subscribing needs the caller to be allowed to look. */
  openSession(send: EventSend, caller?: Caller): ClientSession {
    const token = caller?.token ?? null;
    const session = new ClientSession(this, send, () => this.security.authorize(this.security.resolve(caller), 'read'), () => {
      if (token) this.streamsOf.get(token)?.delete(session);
    });
    if (token) {
      // A stream opened with a login ends with it: a client logged out (or expired) elsewhere stops receiving.
      let streams = this.streamsOf.get(token);
      if (!streams) this.streamsOf.set(token, (streams = new Set()));
      streams.add(session);
    }
    return session;
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
