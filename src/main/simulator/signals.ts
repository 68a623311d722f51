// The simulated PLC's register map: which plant signal sits at which Modbus
// address, with which type and scaling. One table, read by the demo plant
// (to publish and to accept writes) and mirrored by resources/demo-plant.yaml.
//
// The mix is deliberate, so the demo exercises the whole address syntax:
// scaled integer counts on input registers, float32 in ABCD, CDAB and BADC,
// float64, int32/uint32 in both word orders, bits of a status register,
// coils and discrete inputs.
//
//   IR 0..39           measurements as counts, counters
//   HR 0..49           measurements as floats, status word, setpoints/commands
//   HR 50..57          the batch code, 16 characters of text
//   HR 60..69, 71..79  two signals either side of HR 70, which is undefined on
//                      purpose: a client reading 65..75 in one block gets
//                      exception 2 and must split the block
//   HR 1000..9999      spare, all zero, for load tests with thousands of tags
//   CO 0..15, DI 0..15 commands and switches; CO/DI 1000..2999 spare
import type { RegisterBank } from './registerBank';
import type { Plant } from './plant';

export interface SignalDef {
  /** The name faults and `status()` use: `tank.level`. */
  readonly name: string;
  readonly address: string;
  /** The tag of resources/demo-plant.yaml that reads this signal. */
  readonly tagPath: string;
  readonly units: string;
  readonly description: string;
  /** Raw counts per engineering unit for integer registers (level 1000 counts/m); 1 when absent. */
  readonly rawPerUnit?: number;
  /** The sensor's range in engineering units (the tag's plausibility limits). */
  readonly range?: readonly [number, number];
  /** What the register reports under an `out_of_range` fault, in engineering units; absent: fault not possible. */
  readonly outOfRange?: number;
  readonly read: (plant: Plant) => SignalValue;
  /** Present for setpoints and commands a client may write. */
  readonly write?: (plant: Plant, value: SignalValue) => void;
}

/** What a signal holds: a number, a switch, or text (the batch code). */
export type SignalValue = number | boolean | string;

const num = (value: SignalValue): number => (typeof value === 'number' ? value : value === true ? 1 : 0);
const bool = (value: SignalValue): boolean => value === true || (typeof value === 'number' && value !== 0);
const text = (value: SignalValue): string => (typeof value === 'string' ? value : String(value));

export const SIGNALS: readonly SignalDef[] = [
  // ── Input registers: measurements in counts ──
  {
    name: 'tank.level',
    address: 'IR:0',
    tagPath: 'Plant/Tank/Level',
    units: 'm',
    description: 'Tank level (LT-101), 0..10000 counts = 0..10 m',
    rawPerUnit: 1000,
    range: [0, 10],
    outOfRange: 12,
    read: (p) => p.tank.level,
  },
  {
    name: 'tank.inflow',
    address: 'IR:1',
    tagPath: 'Plant/Tank/Inflow',
    units: 'm³/h',
    description: 'Tank inflow (FT-101), 0..10000 counts = 0..200 m³/h',
    rawPerUnit: 50,
    range: [0, 200],
    outOfRange: 240,
    read: (p) => p.tank.inflow,
  },
  {
    name: 'hx.inletTemp',
    address: 'IR:2:int16',
    tagPath: 'Plant/HeatExchanger/InletTemp',
    units: '°C',
    description: 'Product inlet temperature (TT-201), 0.1 °C per count',
    rawPerUnit: 10,
    range: [-20, 120],
    outOfRange: -30,
    read: (p) => p.hx.inletTemperature,
  },
  {
    name: 'pump.speed',
    address: 'IR:3',
    tagPath: 'Plant/Pump/Speed',
    units: '%',
    description: 'Pump speed from the drive (SI-301), 0.1 % per count',
    rawPerUnit: 10,
    range: [0, 100],
    outOfRange: 120,
    read: (p) => p.pump.speed,
  },
  {
    name: 'pump.runHours',
    address: 'IR:10:uint32',
    tagPath: 'Plant/Pump/RunHours',
    units: 'h',
    description: 'Pump run time, seconds in the register',
    rawPerUnit: 3600,
    read: (p) => p.pump.runSeconds / 3600,
  },
  {
    name: 'tank.netFlow',
    address: 'IR:20:int32:CDAB',
    tagPath: 'Plant/Tank/NetFlow',
    units: 'm³/h',
    description: 'Inflow minus outflow, signed, L/h in the register (low word first)',
    rawPerUnit: 1000,
    read: (p) => p.tank.inflow - p.tank.outflow,
  },
  {
    name: 'line.produced',
    address: 'IR:30:uint32:CDAB',
    tagPath: 'Plant/Counters/Produced',
    units: 'pcs',
    description: 'Parts produced by the packaging line (wraps at 2³²)',
    read: (p) => p.line.produced,
  },

  // ── Holding registers: measurements as floats ──
  {
    name: 'hx.temperature',
    address: 'HR:0:float32',
    tagPath: 'Plant/HeatExchanger/OutletTemp',
    units: '°C',
    description: 'Heat exchanger outlet temperature (TT-202), the TIC-202 measurement',
    range: [0, 150],
    outOfRange: -25,
    read: (p) => p.hx.temperature,
  },
  {
    name: 'pump.current',
    address: 'HR:2:float32:CDAB',
    tagPath: 'Plant/Pump/Current',
    units: 'A',
    description: 'Pump motor current (IT-301)',
    range: [0, 25],
    outOfRange: 30,
    read: (p) => p.pump.current,
  },
  {
    name: 'pump.vibration',
    address: 'HR:4:float32:CDAB',
    tagPath: 'Plant/Pump/Vibration',
    units: 'mm/s',
    description: 'Pump bearing vibration, velocity RMS (VT-301)',
    range: [0, 25],
    outOfRange: 30,
    read: (p) => p.pump.vibration,
  },
  {
    name: 'hx.steamValve',
    address: 'HR:6:float32',
    tagPath: 'Plant/HeatExchanger/TIC/Output',
    units: '%',
    description: 'TIC-202 output: steam valve position',
    read: (p) => p.hx.steamValve,
  },
  {
    name: 'pump.energy',
    address: 'HR:8:float64',
    tagPath: 'Plant/Pump/Energy',
    units: 'kWh',
    description: 'Pump motor energy meter',
    read: (p) => p.pump.energy,
  },
  {
    name: 'hx.heatDuty',
    address: 'HR:12:float32:BADC',
    tagPath: 'Plant/HeatExchanger/HeatDuty',
    units: 'kW',
    description: 'Heat delivered by the steam (bytes swapped in each word)',
    read: (p) => p.hx.heatDuty,
  },

  // ── HR 20: the PLC's status word, one bit per state ──
  {
    name: 'line.interlock',
    address: 'HR:20.0',
    tagPath: 'Plant/Line/Interlock',
    units: '',
    description: 'Guard door open: line stopped',
    read: (p) => p.line.interlock,
  },
  {
    name: 'alarm.horn',
    address: 'HR:20.1',
    tagPath: 'Plant/Alarms/Horn',
    units: '',
    description: 'Alarm horn sounding (high level or guard door open, until silenced)',
    read: (p) => p.line.horn,
  },
  {
    name: 'pump.dryRunTrip',
    address: 'HR:20.2',
    tagPath: 'Plant/Pump/DryRunTrip',
    units: '',
    description: 'Pump held off by the low-level switch',
    read: (p) => p.pump.dryRunTrip,
  },
  {
    name: 'pump.demand',
    address: 'HR:20.3',
    tagPath: 'Plant/Pump/Demand',
    units: '',
    description: 'Level control wants the pump on (on at 7 m, off at 3 m)',
    read: (p) => p.pump.demand,
  },

  // ── Holding registers: setpoints and commands (writable) ──
  {
    name: 'tank.inflowValve',
    address: 'HR:40',
    tagPath: 'Plant/Tank/InflowValve',
    units: '%',
    description: 'Inflow valve command (FV-101), 0.1 % per count',
    rawPerUnit: 10,
    read: (p) => p.tank.valveCommand,
    write: (p, v) => p.setValveCommand(num(v)),
  },
  {
    name: 'pump.speedSetpoint',
    address: 'HR:41',
    tagPath: 'Plant/Pump/SpeedSP',
    units: '%',
    description: 'Pump speed setpoint',
    read: (p) => p.pump.speedCommand,
    write: (p, v) => p.setPumpSpeed(num(v)),
  },
  {
    name: 'hx.setpoint',
    address: 'HR:42:float32:CDAB',
    tagPath: 'Plant/HeatExchanger/TIC/SP',
    units: '°C',
    description: 'TIC-202 setpoint (0..150 °C)',
    read: (p) => p.hx.setpoint,
    write: (p, v) => p.setSetpoint(num(v)),
  },
  {
    name: 'hx.manualOutput',
    address: 'HR:44:float32:CDAB',
    tagPath: 'Plant/HeatExchanger/TIC/ManualOutput',
    units: '%',
    description: 'TIC-202 output while in manual',
    read: (p) => p.hx.manualOutput,
    write: (p, v) => p.setManualOutput(num(v)),
  },
  {
    name: 'hx.kp',
    address: 'HR:46:float32',
    tagPath: 'Plant/HeatExchanger/TIC/Kp',
    units: '%/°C',
    description: 'TIC-202 proportional gain',
    read: (p) => p.pid.kp,
    write: (p, v) => p.setKp(num(v)),
  },
  {
    name: 'hx.ti',
    address: 'HR:48:float32',
    tagPath: 'Plant/HeatExchanger/TIC/Ti',
    units: 's',
    description: 'TIC-202 integral time (0 = no integral action)',
    read: (p) => p.pid.ti,
    write: (p, v) => p.setTi(num(v)),
  },

  // ── Text ──
  {
    name: 'line.batch',
    address: 'HR:50:string:16',
    tagPath: 'Plant/Line/Batch',
    units: '',
    description: 'Batch code of the product on the line (16 characters)',
    read: (p) => p.line.batch,
    write: (p, v) => p.setBatch(text(v)),
  },

  // ── Either side of the hole at HR 70 ──
  {
    name: 'line.rate',
    address: 'HR:65',
    tagPath: 'Plant/Line/Rate',
    units: 'pcs/min',
    description: 'Packaging line rate',
    read: (p) => p.line.rate,
  },
  {
    name: 'plc.heartbeat',
    address: 'HR:75',
    tagPath: 'Plant/PLC/Heartbeat',
    units: '',
    description: 'Counts PLC scans; frozen means the PLC has stopped',
    read: (p) => p.line.heartbeat,
  },

  // ── Coils: commands (writable) ──
  {
    name: 'pump.start',
    address: 'CO:0',
    tagPath: 'Plant/Pump/Start',
    units: '',
    description: 'Pump start/stop: while on, level control runs the pump',
    read: (p) => p.pump.startCommand,
    write: (p, v) => p.setPumpStart(bool(v)),
  },
  {
    name: 'hx.auto',
    address: 'CO:1',
    tagPath: 'Plant/HeatExchanger/TIC/Auto',
    units: '',
    description: 'TIC-202 mode: on = auto (PID), off = manual output',
    read: (p) => p.hx.auto,
    write: (p, v) => p.setAuto(bool(v)),
  },
  {
    name: 'alarm.hornSilence',
    address: 'CO:2',
    tagPath: 'Plant/Alarms/HornSilence',
    units: '',
    description: 'Silences the horn; the PLC resets it when no alarm remains',
    read: (p) => p.line.hornSilenced,
    write: (p, v) => p.setHornSilence(bool(v)),
  },

  // ── Discrete inputs: switches and feedback ──
  {
    name: 'pump.running',
    address: 'DI:0',
    tagPath: 'Plant/Pump/Running',
    units: '',
    description: 'Pump contactor feedback',
    read: (p) => p.pump.running,
  },
  {
    name: 'tank.highLevel',
    address: 'DI:1',
    tagPath: 'Plant/Tank/HighLevelSwitch',
    units: '',
    description: 'High-level switch LSH-101 (9 m): closes the inflow',
    read: (p) => p.tank.highLevel,
  },
  {
    name: 'tank.lowLevel',
    address: 'DI:2',
    tagPath: 'Plant/Tank/LowLevelSwitch',
    units: '',
    description: 'Low-level switch LSL-101 (0.5 m): dry-run protection',
    read: (p) => p.tank.lowLevel,
  },
  {
    name: 'line.doorClosed',
    address: 'DI:3',
    tagPath: 'Plant/Line/DoorClosed',
    units: '',
    description: 'Guard door closed (opens briefly every 5 minutes)',
    read: (p) => p.line.doorClosed,
  },
];

/** Makes the register map's areas exist, including the hole at HR 70 and the spare blocks. */
export function defineDemoAreas(bank: RegisterBank): void {
  bank
    .define('IR', 0, 40)
    .define('HR', 0, 58) // 0..49, and the batch code at 50..57
    .define('HR', 60, 10) // 60..69
    .define('HR', 71, 9) // 71..79: HR 70 stays undefined
    .define('HR', 1000, 9000) // 1000..9999
    .define('CO', 0, 16)
    .define('CO', 1000, 2000)
    .define('DI', 0, 16)
    .define('DI', 1000, 2000);
}

/** The undefined register between two defined ranges. */
export const HOLE_ADDRESS = 70;
export const SPARE_HOLDING = { start: 1000, count: 9000 } as const;
