// The demo plant: the process model, its register map and a Modbus TCP
// server, put together. A timer steps the plant (every 100 ms by default)
// and publishes its signals into the register bank; a client's write to a
// setpoint or command reaches the plant at once, through the bank's write
// listener.
//
// Faults act on the registers only, as a failing transmitter would: the plant
// goes on underneath.
//   sensor_stuck   the signal's register keeps the value it had when the fault began
//   out_of_range   the register reports the signal's out-of-range value (120 % of span,
//                  a negative temperature…); it wins over sensor_stuck
//   link_down      the server drops every connection (no signal)
import type { SimulatorFault, SimulatorFaultKind, SimulatorStatus, TagScalar } from '../../shared/types';
import { parseModbusAddress, type ModbusAddress } from '../runtime/drivers/modbus/address';
import { ModbusTcpServer } from './modbusTcpServer';
import { Plant } from './plant';
import { RegisterBank } from './registerBank';
import { defineDemoAreas, SIGNALS, type SignalDef, type SignalValue } from './signals';

export interface DemoPlantOptions {
  readonly host: string;
  /** 0 lets the OS pick; `DemoPlant.port` tells which. */
  readonly port: number;
  /** Answer only this unit id; undefined answers every unit id. */
  readonly unitId?: number;
  /** Period of the plant's scan, ms (default 100). */
  readonly stepMs?: number;
  /** Seed of the measurement noise (default 1). */
  readonly seed?: number;
}

export interface DemoPlant {
  readonly port: number;
  readonly bank: RegisterBank;
  readonly server: ModbusTcpServer;
  readonly plant: Plant;
  /** Starts or ends a fault. Throws, naming the valid signals, for an unknown signal or a missing one. */
  setFault(kind: SimulatorFaultKind, signal: string | undefined, active: boolean): void;
  status(): SimulatorStatus;
  stop(): Promise<void>;
}

interface BoundSignal {
  readonly def: SignalDef;
  readonly address: ModbusAddress;
}

interface SignalFaults {
  /** The raw register value frozen by sensor_stuck. */
  stuck?: TagScalar;
  outOfRange: boolean;
}

const INTEGER_LIMITS: Partial<Record<ModbusAddress['type'], readonly [number, number]>> = {
  uint16: [0, 0xffff],
  int16: [-0x8000, 0x7fff],
  uint32: [0, 0xffffffff],
  int32: [-0x80000000, 0x7fffffff],
};

/** Engineering value → what the register holds: counts are rounded and kept inside the type. */
function toRaw(bound: BoundSignal, value: SignalValue): TagScalar {
  if (typeof value === 'boolean' || typeof value === 'string') return value;
  const limits = INTEGER_LIMITS[bound.address.type];
  if (!limits) return value;
  const raw = Math.round(value * (bound.def.rawPerUnit ?? 1));
  return Math.min(limits[1], Math.max(limits[0], raw));
}

function fromRaw(bound: BoundSignal, raw: TagScalar): SignalValue {
  return typeof raw === 'number' ? raw / (bound.def.rawPerUnit ?? 1) : raw;
}

/** The signals faults apply to: the analog sensors (every one takes both signal faults). */
const FAULTABLE = SIGNALS.filter((s) => s.outOfRange !== undefined && s.write === undefined).map((s) => s.name);

class RunningDemoPlant implements DemoPlant {
  readonly bank = new RegisterBank();
  readonly plant: Plant;
  readonly server: ModbusTcpServer;
  port = 0;

  private readonly signals: BoundSignal[];
  private readonly byName = new Map<string, BoundSignal>();
  private readonly faults = new Map<string, SignalFaults>();
  private linkDown = false;
  private timer: NodeJS.Timeout | undefined;
  private lastStep = 0;
  private readonly unsubscribe: () => void;

  constructor(private readonly options: DemoPlantOptions) {
    defineDemoAreas(this.bank);
    this.plant = new Plant({ seed: options.seed ?? 1 });
    this.signals = SIGNALS.map((def) => ({ def, address: parseModbusAddress(def.address) }));
    for (const s of this.signals) this.byName.set(s.def.name, s);
    this.server = new ModbusTcpServer(this.bank, { host: options.host, port: options.port, unitId: options.unitId });
    this.unsubscribe = this.bank.onWrite((area, offset, count) => this.applyClientWrite(area, offset, count));
    this.publish();
  }

  async start(): Promise<void> {
    this.port = await this.server.listen();
    const stepMs = this.options.stepMs ?? 100;
    this.lastStep = performance.now();
    this.timer = setInterval(() => this.tick(), stepMs);
    this.timer.unref();
  }

  setFault(kind: SimulatorFaultKind, signal: string | undefined, active: boolean): void {
    if (kind === 'link_down') {
      this.linkDown = active;
      this.server.setLinkDown(active);
      return;
    }
    const valid = `the demo plant's signals are ${FAULTABLE.join(', ')}`;
    if (signal === undefined) throw new Error(`fault ${kind} needs a signal: ${valid}`);
    const bound = this.byName.get(signal);
    if (!bound || !FAULTABLE.includes(signal)) throw new Error(`unknown signal "${signal}" for ${kind}: ${valid}`);
    const faults = this.faults.get(signal) ?? { outOfRange: false };
    if (kind === 'sensor_stuck') faults.stuck = active ? (faults.stuck ?? this.bank.get(bound.address)) : undefined;
    else faults.outOfRange = active;
    if (faults.stuck === undefined && !faults.outOfRange) this.faults.delete(signal);
    else this.faults.set(signal, faults);
    this.publishSignal(bound); // the fault shows in the register at once, not at the next scan
  }

  status(): SimulatorStatus {
    const faults: SimulatorFault[] = [];
    if (this.linkDown) faults.push({ kind: 'link_down' });
    for (const [signal, f] of this.faults) {
      if (f.stuck !== undefined) faults.push({ kind: 'sensor_stuck', signal });
      if (f.outOfRange) faults.push({ kind: 'out_of_range', signal });
    }
    return { signals: [...FAULTABLE], faults };
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    this.unsubscribe();
    await this.server.close();
  }

  private tick(): void {
    const now = performance.now();
    // Real elapsed time keeps plant time in step with the wall clock when a
    // scan is late; a stall (debugger, suspended laptop) counts as at most 1 s.
    const dt = Math.min(1, Math.max(0, (now - this.lastStep) / 1000));
    this.lastStep = now;
    this.plant.step(dt);
    this.publish();
  }

  private publish(): void {
    for (const s of this.signals) this.publishSignal(s);
  }

  private publishSignal(s: BoundSignal): void {
    const faults = this.faults.get(s.def.name);
    let raw: TagScalar;
    if (faults?.outOfRange && s.def.outOfRange !== undefined) raw = toRaw(s, s.def.outOfRange);
    else if (faults?.stuck !== undefined) raw = faults.stuck;
    else raw = toRaw(s, s.def.read(this.plant));
    this.bank.set(s.address, raw);
  }

  private applyClientWrite(area: 'HR' | 'CO', offset: number, count: number): void {
    for (const s of this.signals) {
      const a = s.address;
      if (!s.def.write || a.area !== area || a.offset + a.length <= offset || a.offset >= offset + count) continue;
      s.def.write(this.plant, fromRaw(s, this.bank.get(a)));
      // As a PLC that clamps on write: the register holds the accepted value at once, so a read-back sees it.
      this.publishSignal(s);
    }
  }
}

/** Starts the demo plant: resolves once its Modbus TCP server listens. */
export async function startDemoPlant(options: DemoPlantOptions): Promise<DemoPlant> {
  const demo = new RunningDemoPlant(options);
  await demo.start();
  return demo;
}
