// The alarm engine: evaluates every alarm when its tag (or its setpoint or
// suppression tag) changes, runs the delays, shelve expiries and re-alarms on
// a timer, keeps the NE107 status of every instrument, writes each event to
// the journal and tells its listeners, in batches, what changed.
//
// Per value change the work is a few comparisons per alarm on that tag; the
// machines, records and watcher lists are built once, so a flood of changes
// allocates only the journal entries it produces.
//
// System alarms (the audit trail degraded, a login attack, later a device's
// communication) have no tag: runtime components raise and clear them with
// `setCondition`. They are records like the others (listed, journalled,
// acknowledged, shelved, counted, restored after a restart) whose condition
// comes from that call instead of a tag, and whose message is the caller's.
import {
  NE107_RANK,
  type AlarmCounts,
  type AlarmInfo,
  type AlarmsChanged,
  type InstrumentStatus,
  type JournalEvent,
  type JournalStatus,
  type Ne107Category,
  type Ne107Status,
  type SystemAlarmSpec,
} from '../../../shared/alarms';
import { ContractFailure, type Caller } from '../../../shared/contract';
import type { DeviceState, TagScalar } from '../../../shared/types';
import type { EngineTag, TagEngine } from '../tags/engine';
import { limitCondition } from './condition';
import { formatMessage, systemDefinition, type AlarmDefinition } from './definition';
import type { AlarmJournal } from './journal';
import { AlarmMachine, type MachineSnapshot } from './machine';
import { deviceNe107, qualityNe107, STATUS_OF_RANK } from './ne107';

interface AlarmRecord {
  readonly def: AlarmDefinition;
  /** null: a system alarm (its condition and message come from setCondition). */
  readonly tag: EngineTag | null;
  readonly sp: EngineTag | null;
  readonly suppressor: EngineTag | null;
  readonly machine: AlarmMachine;
  /** roc: the last Good value and its time. */
  lastValue: number;
  lastTs: number;
  /** In the engine's timed set (kept here so the set is touched only when it changes). */
  timed: boolean;
  /** A system alarm: the condition and message its component last gave. */
  wanted: boolean;
  text: string | null;
}

/** A record with a tag (every alarm the project declares). */
type TagRecord = AlarmRecord & { readonly tag: EngineTag };

function hasTag(record: AlarmRecord): record is TagRecord {
  return record.tag !== null;
}

export type AlarmListener = (batch: AlarmsChanged) => void;

export interface AlarmEngineOptions {
  readonly journal?: AlarmJournal | null;
  /** Delays, shelve expiries and re-alarms are checked this often. */
  readonly tickMs?: number;
  /** Batches to listeners: at most one per this many ms. */
  readonly batchMs?: number;
  /** An instrument's NE107 status changed (devices derive theirs from it). */
  readonly onInstrumentChange?: () => void;
}

/** A rate of change that saw no new value for this long is taken as zero (the tag's deadband hid the small steps). */
const ROC_STALE_MS = 2000;
const PROCESS: Caller | null = null;

export class AlarmEngine {
  private records: AlarmRecord[] = [];
  private readonly byId = new Map<string, AlarmRecord>();
  /** Per tag id: the alarms to evaluate when it changes. */
  private watchers: (AlarmRecord[] | undefined)[] = [];
  /** Per tag id: the ne107-kind alarms on it (evaluated after its status settles). */
  private statusWatchers: (AlarmRecord[] | undefined)[] = [];
  /** Per tag id: NE107 rank from its quality, and what its active alarms report (count per rank). */
  private qualityRank = new Uint8Array(0);
  private alarmRanks = new Uint32Array(0);
  private shownRank = new Uint8Array(0);
  private readonly tagsOfDevice = new Map<string, number[]>();
  /** Records with a delay, shelve or re-alarm running (and roc alarms in alarm). */
  private readonly timed = new Set<AlarmRecord>();
  private readonly changed = new Set<AlarmRecord>();
  private readonly changedInstruments = new Set<number>();
  private readonly listeners = new Set<AlarmListener>();
  private readonly journal: AlarmJournal | null;
  private batchTimer: NodeJS.Timeout | null = null;
  private tickTimer: NodeJS.Timeout | null = null;
  private unsubscribe: (() => void) | null = null;
  private started = false;
  /** The journal's saved states are applied: a system alarm set from now on is evaluated at once. */
  private restored = false;
  private stopped = false;
  /** Saved states no record took yet: a system alarm first set after the start takes its own from here. */
  private saved = new Map<string, MachineSnapshot>();

  constructor(
    private readonly engine: TagEngine,
    definitions: readonly AlarmDefinition[],
    private readonly options: AlarmEngineOptions = {},
  ) {
    this.journal = options.journal ?? null;
    this.growTo(engine.size);
    for (const tag of engine.live()) {
      this.qualityRank[tag.id] = NE107_RANK[qualityNe107(tag.quality)];
      this.shownRank[tag.id] = this.qualityRank[tag.id]!;
    }
    this.records = definitions.map((def) => this.newRecord(def));
    for (const record of this.records) this.byId.set(record.def.id, record);
    this.index();
  }

  /**
   * The tag set or the alarms changed while running. An alarm whose
   * definition is unchanged keeps its state; a changed one starts afresh
   * (its limits may mean something else now); an alarm that is gone (its
   * tag removed, or itself) ends with a `removed` journal entry.
   */
  reconfigure(definitions: readonly AlarmDefinition[]): void {
    this.growTo(this.engine.size);
    const now = Date.now();
    const next: AlarmRecord[] = [];
    const kept = new Set<AlarmRecord>();
    for (const def of definitions) {
      const old = this.byId.get(def.id);
      if (old && old.tag !== null && sameDefinition(old.def, def) && old.tag === this.engine.find(def.path)) {
        next.push(old);
        kept.add(old);
      } else next.push(this.newRecord(def));
    }
    // System alarms are not the project's: they stay as they are.
    for (const old of this.records) {
      if (old.tag !== null || this.byId.get(old.def.id) !== old || definitions.some((def) => def.id === old.def.id)) continue;
      next.push(old);
      kept.add(old);
    }
    for (const old of this.records) {
      if (kept.has(old)) continue;
      if (old.machine.active) this.contribute(old, false);
      this.timed.delete(old);
      this.changed.delete(old);
      this.byId.delete(old.def.id);
      this.journalEntry(old, 'removed', now, PROCESS, 'the alarm (or its tag) was removed or redefined');
    }
    this.records = next;
    for (const record of next) this.byId.set(record.def.id, record);
    this.index();
    if (this.unsubscribe) for (const record of next) if (!kept.has(record)) this.evaluate(record);
    // Listeners take the whole list again: alarms went away, which a batch of changes cannot say.
    const snapshot = this.snapshot();
    for (const listener of this.listeners) listener(snapshot);
  }

  private newRecord(def: AlarmDefinition): AlarmRecord {
    return {
      def,
      tag: this.requireTag(def.path),
      sp: def.sp === null ? null : this.requireTag(def.sp),
      suppressor: def.suppressedBy === null ? null : this.requireTag(def.suppressedBy.path),
      machine: new AlarmMachine(def),
      lastValue: NaN,
      lastTs: NaN,
      timed: false,
      wanted: false,
      text: null,
    };
  }

  /** Per-tag arrays sized for the engine's ids (they only grow). */
  private growTo(size: number): void {
    if (this.qualityRank.length >= size) return;
    const grow = <T extends Uint8Array | Uint32Array>(old: T, make: (n: number) => T, per = 1): T => {
      const next = make(size * per);
      next.set(old);
      return next;
    };
    this.qualityRank = grow(this.qualityRank, (n) => new Uint8Array(n));
    this.shownRank = grow(this.shownRank, (n) => new Uint8Array(n));
    this.alarmRanks = grow(this.alarmRanks, (n) => new Uint32Array(n), 5);
  }

  /** Who watches which tag, and which tags each device has. */
  private index(): void {
    this.watchers = [];
    this.statusWatchers = [];
    for (const record of this.records) {
      if (!hasTag(record)) continue;
      if (record.def.kind === 'ne107') watch(this.statusWatchers, record.tag.id, record);
      else watch(this.watchers, record.tag.id, record);
      if (record.sp) watch(this.watchers, record.sp.id, record);
      if (record.suppressor) watch(this.watchers, record.suppressor.id, record);
    }
    this.tagsOfDevice.clear();
    for (const tag of this.engine.live()) {
      const list = this.tagsOfDevice.get(tag.def.device);
      if (list) list.push(tag.id);
      else this.tagsOfDevice.set(tag.def.device, [tag.id]);
    }
  }

  get size(): number {
    return this.records.length;
  }

  /** Brings back the journal's states (read in its worker), evaluates every alarm once and follows the tags. */
  async start(): Promise<void> {
    if (this.started) return;
    this.started = true;
    const saved = (await this.journal?.open()) ?? new Map<string, MachineSnapshot>();
    if (!this.started) return; // stopped while the journal opened
    const now = Date.now();
    for (const record of this.records) {
      const snapshot = saved.get(record.def.id);
      saved.delete(record.def.id);
      if (snapshot) {
        record.machine.restore(snapshot, now);
        this.contribute(record, record.machine.active);
        this.retime(record);
      }
      // A system alarm set before the start: its condition now, against the state it had.
      if (record.tag === null) this.applySystem(record, now);
    }
    this.saved = saved;
    this.restored = true;
    this.unsubscribe = this.engine.onChanges(this.onTagChanges);
    this.onTagChanges([...this.engine.live()].map((tag) => tag.id));
    this.tickTimer = setInterval(() => this.tick(Date.now()), this.options.tickMs ?? 100);
    this.tickTimer.unref();
  }

  /** Stops evaluating; resolves once the journal wrote what it holds and closed its file. */
  async stop(): Promise<void> {
    this.started = false;
    this.stopped = true;
    this.unsubscribe?.();
    this.unsubscribe = null;
    if (this.tickTimer) clearInterval(this.tickTimer);
    if (this.batchTimer) clearTimeout(this.batchTimer);
    this.tickTimer = this.batchTimer = null;
    this.listeners.clear();
    await this.journal?.close();
  }

  /**
   * Resolves once every journal entry made so far is committed (true), or
   * kept in memory because the disk refused it (false; the journal status
   * says why). An operator action awaits it before it is answered.
   */
  committed(): Promise<boolean> {
    return this.journal ? this.journal.flush() : Promise.resolve(true);
  }

  /** The listener gets every alarm now, then batches of what changed. */
  /** How many listeners are subscribed (each client's alarms.changed is one). */
  get listenerCount(): number {
    return this.listeners.size;
  }

  subscribe(listener: AlarmListener): () => void {
    this.listeners.add(listener);
    listener(this.snapshot());
    return () => this.listeners.delete(listener);
  }

  /** Every alarm and every instrument that is not Good: a listener's first batch. */
  private snapshot(): AlarmsChanged {
    const instruments: InstrumentStatus[] = [];
    this.shownRank.forEach((rank, id) => {
      const tag = this.engine.tags[id];
      if (rank !== 0 && tag && !tag.removed) instruments.push({ path: tag.def.path, ne107: STATUS_OF_RANK[rank]! });
    });
    return { alarms: this.records.map((r) => this.info(r)), counts: this.counts(), instruments, journal: this.journalStatus(), complete: true };
  }

  list(): AlarmInfo[] {
    return this.records.map((record) => this.info(record));
  }

  find(id: string): AlarmInfo | undefined {
    const record = this.byId.get(id);
    return record && this.info(record);
  }

  counts(): AlarmCounts {
    const byPriority = { '1': 0, '2': 0, '3': 0, '4': 0, diagnostic: 0 };
    const unackByPriority = { '1': 0, '2': 0, '3': 0, '4': 0, diagnostic: 0 };
    let listed = 0;
    let active = 0;
    let unacknowledged = 0;
    let shelved = 0;
    let suppressed = 0;
    let outOfService = 0;
    for (const { machine, def } of this.records) {
      if (machine.active) active++;
      if (machine.shelvedUntil !== null) shelved++;
      if (machine.suppressed) suppressed++;
      if (machine.outOfService) outOfService++;
      if (!machine.listed) continue;
      listed++;
      byPriority[def.priority]++;
      if (machine.state !== 'acknowledged') {
        unacknowledged++;
        unackByPriority[def.priority]++;
      }
    }
    return { listed, active, unacknowledged, byPriority, unackByPriority, shelved, suppressed, outOfService };
  }

  journalStatus(): JournalStatus {
    return this.journal?.status() ?? { state: 'off', problem: null, file: null, pending: 0, dropped: 0 };
  }

  /** The instrument's NE107 status. */
  tagNe107(tag: EngineTag): Ne107Status {
    return STATUS_OF_RANK[this.shownRank[tag.id]!]!;
  }

  /** A device's NE107 status: F while its link is down, else the worst of its instruments. */
  deviceNe107(device: string, state: DeviceState): Ne107Status {
    let worst = 0;
    for (const id of this.tagsOfDevice.get(device) ?? []) if (this.shownRank[id]! > worst) worst = this.shownRank[id]!;
    return deviceNe107(state, worst);
  }

  // ---- system alarms ----

  /**
   * Raises (`active`) or clears a system alarm of a runtime component; the
   * first call creates it (`id`: `system/<name>`, or `<device>#communication`).
   * `message` replaces what the alarm says (absent: it keeps the last one, or
   * the label's default). Set before the start, it is evaluated once the
   * journal's saved states are back, so a restart does not raise it twice.
   */
  setCondition(id: string, spec: SystemAlarmSpec, active: boolean, message?: string): void {
    if (this.stopped) return;
    let record = this.byId.get(id);
    if (record && record.tag !== null) throw new Error(`"${id}" is an alarm of a tag, not a system alarm`);
    if (!record) {
      record = this.newSystemRecord(id, spec);
      this.records.push(record);
      this.byId.set(id, record);
      const snapshot = this.saved.get(id);
      if (snapshot) {
        this.saved.delete(id);
        record.machine.restore(snapshot, Date.now());
        this.retime(record);
      }
      // Listeners learn of it in the next batch, as of any alarm that changed.
      this.changed.add(record);
      this.scheduleBatch();
    }
    record.wanted = active;
    if (message !== undefined && message !== record.text) {
      record.text = message;
      this.changed.add(record);
      this.scheduleBatch();
    }
    if (this.restored) this.applySystem(record, Date.now());
  }

  private newSystemRecord(id: string, spec: SystemAlarmSpec): AlarmRecord {
    const def = systemDefinition(id, spec);
    return { def, tag: null, sp: null, suppressor: null, machine: new AlarmMachine(def), lastValue: NaN, lastTs: NaN, timed: false, wanted: false, text: null };
  }

  private applySystem(record: AlarmRecord, now: number): void {
    const event = record.machine.input(record.wanted, now);
    if (event) this.record(record, event, now, PROCESS, null);
  }

  // ---- operator actions ----

  ack(ids: readonly string[], caller: Caller, comment: string | null): string[] {
    const records = ids.map((id) => this.require(id));
    const now = Date.now();
    const acknowledged: string[] = [];
    for (const record of records) {
      const event = record.machine.ack(now, caller.user);
      if (!event) continue;
      acknowledged.push(record.def.id);
      this.record(record, event, now, caller, comment);
    }
    return acknowledged;
  }

  shelve(id: string, durationMs: number, reason: string, caller: Caller): AlarmInfo {
    const record = this.require(id);
    const now = Date.now();
    record.machine.shelve(now + durationMs, reason);
    this.record(record, 'shelved', now, caller, reason);
    return this.info(record);
  }

  unshelve(id: string, caller: Caller, comment: string | null): AlarmInfo {
    const record = this.require(id);
    if (record.machine.shelvedUntil === null) throw new ContractFailure('invalid_request', `${id} is not shelved`);
    record.machine.unshelve();
    this.record(record, 'unshelved', Date.now(), caller, comment);
    return this.info(record);
  }

  setOutOfService(id: string, outOfService: boolean, reason: string, caller: Caller): AlarmInfo {
    const record = this.require(id);
    if (record.machine.outOfService !== outOfService) {
      record.machine.setOutOfService(outOfService, reason);
      this.record(record, outOfService ? 'out_of_service' : 'in_service', Date.now(), caller, reason);
    }
    return this.info(record);
  }

  // ---- evaluation ----

  /** The tag engine's changes of one turn. Public so benchmarks can drive it without the event loop. */
  readonly onTagChanges = (ids: readonly number[]): void => {
    for (const id of ids) {
      const tag = this.engine.tags[id]!;
      if (id >= this.qualityRank.length) this.growTo(this.engine.size);
      const rank = NE107_RANK[qualityNe107(tag.quality)];
      if (rank !== this.qualityRank[id]) {
        this.qualityRank[id] = rank;
        this.updateInstrument(id);
      }
      const list = this.watchers[id];
      if (list) for (const record of list) this.evaluate(record);
    }
  };

  private evaluate(record: AlarmRecord): void {
    if (!hasTag(record)) return; // a system alarm's condition comes from setCondition
    const { def, tag, machine } = record;
    if (record.suppressor) this.evaluateSuppression(record, record.suppressor);
    let condition: boolean;
    const quality = tag.quality;
    if (def.kind === 'quality') {
      // No value yet is not a fault of the instrument: the link's own alarms tell that story.
      if (quality.reason === 'waiting_for_initial_data') return;
      condition = quality.status === 'bad';
    } else if (def.kind === 'ne107') {
      condition = this.ownRank(tag.id) >= NE107_RANK[def.category ?? 'F'];
    } else {
      const value = tag.value;
      // A Bad value says nothing about the process: hold the alarm as it is.
      if (quality.status === 'bad' || value === null) return;
      if (def.kind === 'digital') condition = (typeof value === 'boolean' ? value : value !== 0) === def.state;
      else {
        const measured = this.measure(record, value as number);
        if (Number.isNaN(measured)) return;
        condition = limitCondition(def.kind, measured, def.limit!, def.deadband, machine.condition);
      }
    }
    const event = machine.input(condition, tag.ts);
    if (event) this.record(record, event, machine.changedAt, PROCESS, null);
    else this.retime(record);
  }

  /** The number a limit is compared with: the value, |PV - SP|, or |rate| per second; NaN: none yet. */
  private measure(record: TagRecord, value: number): number {
    switch (record.def.kind) {
      case 'deviation': {
        const sp = record.sp!;
        if (sp.quality.status === 'bad' || typeof sp.value !== 'number') return NaN;
        return Math.abs(value - sp.value);
      }
      case 'roc': {
        const { tag } = record;
        const dt = (tag.ts - record.lastTs) / 1000;
        if (dt <= 0) return NaN;
        const rate = Math.abs(value - record.lastValue) / dt;
        record.lastValue = value;
        record.lastTs = tag.ts;
        return rate;
      }
      default:
        return value;
    }
  }

  private evaluateSuppression(record: AlarmRecord, suppressor: EngineTag): void {
    if (suppressor.quality.status === 'bad' || suppressor.value === null) return;
    const value = suppressor.value;
    const suppressed = (typeof value === 'boolean' ? value : value !== 0) === record.def.suppressedBy!.state;
    if (suppressed === record.machine.suppressed) return;
    record.machine.suppressed = suppressed;
    this.record(record, suppressed ? 'suppressed' : 'unsuppressed', suppressor.ts, PROCESS, null);
  }

  private tick(now: number): void {
    for (const record of [...this.timed]) {
      const { machine } = record;
      machine.tick(now, (event, at) => this.record(record, event, at, PROCESS, null));
      if (record.def.kind === 'roc' && machine.condition && now - record.lastTs > ROC_STALE_MS) {
        const event = machine.input(false, now);
        if (event) this.record(record, event, now, PROCESS, null);
      }
      this.retime(record);
    }
  }

  private retime(record: AlarmRecord): void {
    const { machine } = record;
    const timed = machine.waiting || (record.def.kind === 'roc' && machine.condition);
    if (timed === record.timed) return;
    record.timed = timed;
    if (timed) this.timed.add(record);
    else this.timed.delete(record);
  }

  /** Journals an event, updates NE107 and queues the alarm for listeners. */
  private record(record: AlarmRecord, event: JournalEvent, at: number, caller: Caller | null, comment: string | null): void {
    if (event === 'activated' || event === 'cleared') this.contribute(record, event === 'activated');
    this.retime(record);
    this.journalEntry(record, event, at, caller, comment);
    this.changed.add(record);
    this.scheduleBatch();
  }

  private journalEntry(record: AlarmRecord, event: JournalEvent, at: number, caller: Caller | null, comment: string | null): void {
    const { def, machine, tag } = record;
    if (this.journal) {
      this.journal.append({
        ts: at,
        alarmId: def.id,
        path: def.path,
        kind: def.kind,
        priority: def.priority,
        event,
        state: machine.state,
        value: tag?.value ?? null,
        message: this.message(record),
        user: caller?.user ?? null,
        workstation: caller?.workstation ?? null,
        comment,
      });
      this.journal.saveState(def.id, machine.snapshot());
    }
  }

  /** Adds or removes what an active alarm reports to its instrument's NE107 status. */
  private contribute(record: AlarmRecord, active: boolean): void {
    const category = record.def.ne107;
    if (category === null || record.tag === null) return;
    const slot = record.tag.id * 5 + NE107_RANK[category];
    if (active) this.alarmRanks[slot]!++;
    else if (this.alarmRanks[slot]! > 0) this.alarmRanks[slot]!--;
    this.updateInstrument(record.tag.id);
  }

  /** The instrument's status without what its ne107-kind alarms watch: quality and alarm categories. */
  private ownRank(id: number): number {
    let rank = this.qualityRank[id]!;
    for (let r = 4; r > rank; r--) {
      if (this.alarmRanks[id * 5 + r]! > 0) {
        rank = r;
        break;
      }
    }
    return rank;
  }

  private updateInstrument(id: number): void {
    const rank = this.ownRank(id);
    if (rank === this.shownRank[id]) return;
    this.shownRank[id] = rank;
    this.changedInstruments.add(id);
    const list = this.statusWatchers[id];
    if (list) for (const record of list) this.evaluate(record);
    this.scheduleBatch();
    this.options.onInstrumentChange?.();
  }

  private scheduleBatch(): void {
    if (this.batchTimer || this.listeners.size === 0) return;
    this.batchTimer = setTimeout(() => this.emitBatch(), this.options.batchMs ?? 100);
  }

  private emitBatch(): void {
    this.batchTimer = null;
    if (this.changed.size === 0 && this.changedInstruments.size === 0) return;
    const alarms = [...this.changed].map((record) => this.info(record));
    const instruments: InstrumentStatus[] = [...this.changedInstruments].map((id) => ({
      path: this.engine.tags[id]!.def.path,
      ne107: STATUS_OF_RANK[this.shownRank[id]!]!,
    }));
    this.changed.clear();
    this.changedInstruments.clear();
    const batch: AlarmsChanged = { alarms, counts: this.counts(), instruments, journal: this.journalStatus() };
    for (const listener of this.listeners) listener(batch);
  }

  private info(record: AlarmRecord): AlarmInfo {
    const { def, machine, tag } = record;
    return {
      id: def.id,
      path: def.path,
      area: def.area,
      kind: def.kind,
      priority: def.priority,
      state: machine.state,
      shelvedUntil: machine.shelvedUntil,
      shelveReason: machine.shelveReason,
      suppressed: machine.suppressed,
      outOfService: machine.outOfService,
      outOfServiceReason: machine.outOfServiceReason,
      ne107: def.ne107 as Ne107Category | null,
      activeAt: machine.activeAt,
      ackedAt: machine.ackedAt,
      ackedBy: machine.ackedBy,
      value: tag?.value ?? null,
      units: def.units,
      limit: def.limit,
      message: this.message(record),
      ...(def.device === undefined ? {} : { device: def.device }),
    };
  }

  private message(record: AlarmRecord): string {
    const { def, tag } = record;
    if (tag === null) return record.text ?? def.message;
    return formatMessage(def.message, {
      value: formatScalar(tag.value),
      units: def.units,
      limit: def.limit === null ? '' : formatScalar(def.limit),
      path: def.path,
    });
  }

  private require(id: string): AlarmRecord {
    const record = this.byId.get(id);
    if (!record) throw new ContractFailure('not_found', `no alarm "${id.slice(0, 200)}"`);
    return record;
  }

  private requireTag(path: string): EngineTag {
    const tag = this.engine.find(path);
    if (!tag) throw new Error(`an alarm refers to tag "${path}", which does not exist`);
    return tag;
  }
}

function sameDefinition(a: AlarmDefinition, b: AlarmDefinition): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

function watch(lists: (AlarmRecord[] | undefined)[], id: number, record: AlarmRecord): void {
  const list = lists[id];
  if (!list) lists[id] = [record];
  else if (!list.includes(record)) list.push(record);
}

/** A value as a message shows it: up to 4 decimals, no trailing zeros. */
function formatScalar(value: TagScalar | null): string {
  if (value === null) return '—';
  if (typeof value === 'boolean') return value ? 'on' : 'off';
  if (typeof value === 'string') return value;
  return String(Math.round(value * 10_000) / 10_000);
}
