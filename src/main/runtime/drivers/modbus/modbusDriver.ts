// The Modbus driver of one device (one unit id on one line): plans its tags
// into blocks, polls them on the poll tick, turns answers into readings, and
// writes through the same queue.
import type { DriverStatus, DeviceState, Quality, TagScalar } from '../../../../shared/types';
import { qualityOf } from '../../tags/plausibility';
import { DeviceError, type BindFailure, type Driver, type DriverSink, type DriverTag, type DeviceReading } from '../driver';
import { qualityOfReading } from '../values';
import { isBitArea, type ModbusAddress } from './address';
import { decodeRegisters, encodeRegisters, encodeText, setRegisterBit } from './codec';
import { timeoutOf, type ModbusDeviceConfig } from './config';
import { describeException, exceptionCode } from './exceptions';
import { LinkError, modbusExceptionCode, messageOf, ProtocolError, TimeoutError, type LineState, type ModbusClient, type ModbusLine } from './line';
import { planBlocks, splitBlock, type Block } from './planner';

const GOOD = qualityOf('good');
const COMM_FAILURE = qualityOf('bad', 'comm_failure');
const DEVICE_EXCEPTION = qualityOf('bad', 'device_exception');
const CONFIG_ERROR = qualityOf('bad', 'config_error');
/** A block refused down to a single tag is retried every this many scans. */
const REFUSED_RETRY_SCANS = 10;

/** Exception codes that mean "this range does not exist here": worth splitting the block. */
const SPLIT_ON = new Set([2, 3]);

interface PlannedBlock {
  block: Block;
  /** Refused down to a single span: skip until this scan number. */
  retryAtScan: number;
}

export class ModbusDriver implements Driver {
  readonly name: string;
  private readonly addresses = new Map<number, ModbusAddress>();
  private plan: PlannedBlock[] = [];
  private timer: NodeJS.Timeout | null = null;
  private running = false;
  private scanning: Promise<void> | null = null;
  /** A read of newly added tags, outside the poll. */
  private catchingUp: Promise<void> | null = null;
  private nextTick = 0;
  private scanCount = 0;
  private readonly timeoutMs: number;
  private readonly unlisten: () => void;
  private counters = { requests: 0, errors: 0, timeouts: 0, overruns: 0 };
  private lastError: string | null = null;
  private lastErrorAt: number | null = null;
  private lastScanMs: number | null = null;

  constructor(
    private readonly config: ModbusDeviceConfig,
    tags: readonly DriverTag[],
    private readonly sink: DriverSink,
    private readonly line: ModbusLine,
  ) {
    this.name = config.name;
    this.timeoutMs = timeoutOf(config);
    this.bind(tags, []);
    this.unlisten = line.onState((state) => this.lineChanged(state));
  }

  /** Tags added or removed while polling: the planner replans, and the next scan reads the new plan. */
  async setTags(added: readonly DriverTag[], removed: readonly number[]): Promise<readonly BindFailure[]> {
    this.bind(added, removed);
    this.sink.event({ type: 'bindings', restored: added.length, failed: [] });
    // New tags are read now rather than at the next poll tick (up to a whole period away).
    if (added.length > 0) this.catchUp(new Set(added.map((tag) => tag.id)));
    // A Modbus address cannot be checked without reading it: a missing one goes Bad with the device's exception.
    return [];
  }

  /** Reads, once, the blocks that hold the given tags, through the same queue as the poll. */
  private catchUp(ids: ReadonlySet<number>): void {
    if (!this.running || this.line.state !== 'connected') return;
    const blocks = this.plan.filter((planned) => planned.block.items.some((item) => ids.has(item.id)));
    const run = (async () => {
      const tick = Date.now();
      for (const planned of blocks) {
        if (!this.running || this.line.state !== 'connected') return;
        if (!(await this.readBlock(planned, tick))) return;
      }
    })();
    const tracked: Promise<void> = run.finally(() => {
      if (this.catchingUp === tracked) this.catchingUp = null;
    });
    this.catchingUp = tracked;
  }

  private bind(added: readonly DriverTag[], removed: readonly number[]): void {
    for (const id of removed) this.addresses.delete(id);
    for (const tag of added) this.addresses.set(tag.id, tag.parsed as ModbusAddress);
    const items = [...this.addresses].map(([id, address]) => ({ id, area: address.area, offset: address.offset, length: address.length }));
    this.plan = planBlocks(items, this.config).map((block) => ({ block, retryAtScan: 0 }));
  }

  private ids(): IterableIterator<number> {
    return this.addresses.keys();
  }

  start(): void {
    if (this.running || !this.config.enabled) return;
    this.running = true;
    this.line.open();
    // Ticks are aligned to the poll period, so every device polled at 500 ms stamps the same instants.
    this.nextTick = Math.ceil(Date.now() / this.config.pollMs) * this.config.pollMs;
    this.schedule();
  }

  async stop(): Promise<void> {
    this.running = false;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.unlisten();
    await Promise.all([this.scanning?.catch(() => undefined), this.catchingUp?.catch(() => undefined)]);
  }

  info(): DriverStatus {
    return {
      name: this.name,
      driver: this.config.driver,
      status: this.state(),
      // The later of the device's own last error (an exception, a timeout) and its link's (cannot connect).
      ...lastOf({ error: this.lastError, at: this.lastErrorAt }, { error: this.line.lastError, at: this.line.lastErrorAt }),
      requests: this.counters.requests,
      errors: this.counters.errors,
      timeouts: this.counters.timeouts,
      reconnects: this.line.reconnects,
      tagCount: this.addresses.size,
      details: [
        { key: 'blocksPerScan', label: 'Blocks', value: this.plan.length },
        { key: 'lastScanMs', label: 'Last scan', value: this.lastScanMs, unit: 'ms' },
        { key: 'pollMs', label: 'Poll', value: this.config.pollMs, unit: 'ms' },
        { key: 'overruns', label: 'Overruns', value: this.counters.overruns, abnormal: this.counters.overruns > 0 },
      ],
    };
  }

  /** The blocks read per scan, for tests and the device panel. */
  blocks(): readonly Block[] {
    return this.plan.map((p) => p.block);
  }

  async write(id: number, raw: TagScalar): Promise<void> {
    const address = this.addresses.get(id);
    if (!address) throw new DeviceError(`tag ${id} is not on ${this.name}`);
    const { singleWrites } = this.config;
    // Encoded before queueing: a value that does not fit is the caller's error (RangeError), not the link's.
    const registers =
      address.area === 'CO' || address.bit !== undefined ? [] : address.type === 'string' ? encodeText(textOf(raw), address) : encodeRegisters(toNumber(raw), address);
    this.counters.requests++;
    try {
      await this.line.run(this.config.unitId, this.timeoutMs, 'write', async (client) => {
        if (address.area === 'CO') {
          const on = toBool(raw);
          if (singleWrites) await client.writeCoil(address.offset, on); // FC5
          else await client.writeCoils(address.offset, [on]); // FC15
        } else if (address.bit !== undefined) {
          // A bit of a register: read-modify-write inside one queued job, so no poll slips in between.
          const current = (await client.readHoldingRegisters(address.offset, 1)).data[0] ?? 0;
          const next = setRegisterBit(current, address.bit, toBool(raw));
          if (singleWrites) await client.writeRegister(address.offset, next);
          else await client.writeRegisters(address.offset, [next]);
        } else {
          if (singleWrites && registers.length === 1) await client.writeRegister(address.offset, registers[0]!); // FC6
          else await client.writeRegisters(address.offset, registers); // FC16
        }
      });
    } catch (error) {
      this.noteError(error);
      const code = modbusExceptionCode(error);
      if (code !== undefined) throw new DeviceError(`${this.name} refused the write: ${describeException(code)}`, code);
      throw new DeviceError(`${this.name}: ${messageOf(error)}`);
    }
  }

  /**
   * Reads each tag with its own request, queued as a write is (ahead of the
   * polls), so a read-back follows its write with no scan in between. An
   * exception answers that tag only; a lost link or a timeout rejects.
   */
  async read(ids: readonly number[]): Promise<DeviceReading[]> {
    const out: DeviceReading[] = [];
    for (const id of ids) {
      const address = this.addresses.get(id);
      if (!address) throw new DeviceError(`tag ${id} is not on ${this.name}`);
      const block: Block = { area: address.area, start: address.offset, count: address.length, items: [] };
      this.counters.requests++;
      try {
        const data = await this.line.run(this.config.unitId, this.timeoutMs, 'write', (client) => readArea(client, block));
        const raw = isBitArea(address.area) ? data[0] === true : decodeRegisters(data as ArrayLike<number>, 0, address);
        out.push({ raw, quality: qualityOfReading(address.type, raw) });
      } catch (error) {
        this.noteError(error);
        const code = modbusExceptionCode(error);
        if (code === undefined) throw new DeviceError(`${this.name}: ${messageOf(error)}`);
        out.push({ raw: null, quality: exceptionQuality(code), problem: `${this.name} refused the read: ${describeException(code)}` });
      }
    }
    return out;
  }

  private state(): DeviceState {
    if (!this.running) return 'stopped';
    return this.line.state === 'stopped' ? 'disconnected' : this.line.state;
  }

  private lineChanged(state: LineState): void {
    if (state === 'disconnected' && this.running) {
      // A lost link: every tag of the device goes Bad now, not at its next poll.
      this.sink.qualityOf(this.ids(), COMM_FAILURE, Date.now());
    }
    if (state === 'connected' && this.running && !this.scanning && this.timer) {
      // (Re)connected: read now rather than at the next tick, so values show (and recover) at once.
      clearTimeout(this.timer);
      this.timer = null;
      this.nextTick -= this.config.pollMs; // the tick that was pending is still the next one
      this.runScan(Date.now());
    }
    if (state === 'connected' || state === 'disconnected') {
      this.sink.event({ type: 'link', up: state === 'connected', reason: state === 'disconnected' ? (this.line.lastError ?? undefined) : undefined });
    } else this.sink.event({ type: 'counters' });
  }

  private runScan(tick: number): void {
    this.scanning = this.scan(tick).finally(() => {
      this.scanning = null;
      this.schedule();
    });
  }

  private schedule(): void {
    if (!this.running) return;
    const now = Date.now();
    const period = this.config.pollMs;
    if (this.nextTick <= now) {
      // Overran: skip the ticks that passed rather than bunching scans.
      const missed = Math.floor((now - this.nextTick) / period) + 1;
      if (missed > 1) this.counters.overruns += missed - 1;
      this.nextTick += missed * period;
    }
    const tick = this.nextTick;
    this.nextTick += period;
    this.timer = setTimeout(() => {
      this.timer = null;
      this.runScan(tick);
    }, tick - now);
  }

  private async scan(tick: number): Promise<void> {
    if (this.line.state !== 'connected') return;
    const started = Date.now();
    this.scanCount++;
    // Iterate over a copy: refused blocks are replaced by their halves as we go.
    for (const planned of [...this.plan]) {
      if (!this.running || this.line.state !== 'connected') return;
      if (planned.retryAtScan > this.scanCount) continue;
      const ok = await this.readBlock(planned, tick);
      if (!ok) return;
    }
    this.lastScanMs = Date.now() - started;
    this.sink.event({ type: 'counters' });
  }

  /** Reads one block; false when the link failed and the scan should stop. */
  private async readBlock(planned: PlannedBlock, tick: number): Promise<boolean> {
    const { block } = planned;
    this.counters.requests++;
    try {
      const data = await this.line.run(this.config.unitId, this.timeoutMs, 'read', (client) => readArea(client, block));
      this.deliver(block, data, tick);
      planned.retryAtScan = 0;
      return true;
    } catch (error) {
      this.noteError(error);
      const code = modbusExceptionCode(error);
      if (code === undefined) {
        if (error instanceof LinkError || error instanceof TimeoutError) {
          // No answer or a lost link: every tag of the device is in doubt, and the scan stops here.
          this.sink.qualityOf(this.ids(), COMM_FAILURE, tick);
          return false;
        }
        // An answer that could not be understood: this block only.
        this.sink.qualityOf(block.items.map((item) => item.id), COMM_FAILURE, tick);
        return true;
      }
      if (SPLIT_ON.has(code)) {
        const halves = splitBlock(block);
        const index = this.plan.indexOf(planned);
        // index < 0: the plan was replaced (tags added or removed) while this block was on the wire.
        if (halves && index >= 0) {
          const parts = halves.map((half) => ({ block: half, retryAtScan: 0 }));
          this.plan.splice(index, 1, ...parts);
          this.sink.event({ type: 'counters' });
          for (const part of parts) if (!(await this.readBlock(part, tick))) return false;
          return true;
        }
        planned.retryAtScan = this.scanCount + REFUSED_RETRY_SCANS;
      }
      const quality = exceptionQuality(code);
      for (const item of block.items) if (this.addresses.has(item.id)) this.sink.reading(item.id, null, quality, tick);
      return true;
    }
  }

  private deliver(block: Block, data: ArrayLike<number | boolean>, tick: number): void {
    const bits = isBitArea(block.area);
    for (const item of block.items) {
      const index = item.offset - block.start;
      const address = this.addresses.get(item.id);
      // Removed, or given another address, while the block was on the wire: these registers are not its value.
      if (!address || address.area !== block.area || address.offset !== item.offset || address.length !== item.length) continue;
      if (!this.running) return;
      const raw = bits ? data[index] === true : decodeRegisters(data as ArrayLike<number>, index, address);
      this.sink.reading(item.id, raw, qualityOfReading(address.type, raw, GOOD), tick);
    }
  }

  private noteError(error: unknown): void {
    this.counters.errors++;
    if (error instanceof TimeoutError) this.counters.timeouts++;
    const code = modbusExceptionCode(error);
    this.lastError = code === undefined ? messageOf(error) : describeException(code);
    this.lastErrorAt = Date.now();
    this.sink.event({ type: 'counters' });
  }
}

/** Bad with the device's exception code: illegal function is our configuration's fault, the rest the device's. */
function exceptionQuality(code: number): Quality {
  let quality = exceptionQualities.get(code);
  if (!quality) {
    const base = code === 1 ? CONFIG_ERROR : DEVICE_EXCEPTION;
    exceptionQualities.set(code, (quality = Object.freeze({ ...base, code: exceptionCode(code) })));
  }
  return quality;
}
const exceptionQualities = new Map<number, Quality>();

async function readArea(client: ModbusClient, block: Block): Promise<ArrayLike<number | boolean>> {
  const data = await readRaw(client, block);
  // A device whose byte count says less than was asked (modbus-serial passes it on): the missing values must not read as 0.
  if (data.length < block.count) {
    const unit = isBitArea(block.area) ? 'bits' : 'registers';
    throw new ProtocolError(`the answer holds ${data.length} ${unit} of the ${block.count} asked for at ${block.area}:${block.start}`);
  }
  return data;
}

async function readRaw(client: ModbusClient, block: Block): Promise<ArrayLike<number | boolean>> {
  switch (block.area) {
    case 'HR':
      return (await client.readHoldingRegisters(block.start, block.count)).data;
    case 'IR':
      return (await client.readInputRegisters(block.start, block.count)).data;
    case 'CO':
      return (await client.readCoils(block.start, block.count)).data;
    case 'DI':
      return (await client.readDiscreteInputs(block.start, block.count)).data;
  }
}

function toBool(raw: TagScalar): boolean {
  return typeof raw === 'boolean' ? raw : raw !== 0;
}

function textOf(raw: TagScalar): string {
  if (typeof raw !== 'string') throw new RangeError(`a string register takes text, not ${String(raw)}`);
  return raw;
}

function toNumber(raw: TagScalar): number {
  if (typeof raw === 'string') throw new RangeError('a Modbus register holds a number, not text');
  return typeof raw === 'number' ? raw : raw ? 1 : 0;
}

function lastOf(...errors: { error: string | null; at: number | null }[]): { lastError: string | null; lastErrorAt: number | null } {
  let last: { error: string | null; at: number | null } = { error: null, at: null };
  for (const e of errors) if (e.error !== null && (last.error === null || (e.at ?? 0) >= (last.at ?? 0))) last = e;
  return { lastError: last.error, lastErrorAt: last.at };
}
