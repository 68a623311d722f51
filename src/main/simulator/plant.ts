// The demo plant's process model and the logic of its simulated PLC.
// Pure: no I/O, no timers, no clock. `step(dt)` advances it, so tests can run
// hours of plant time in milliseconds, and a seeded PRNG makes the noise
// repeatable.
//
//   Tank     level from an inflow valve (with a slowly pulsing supply) and an
//            outflow pump; the PLC cycles the pump between two levels, closes
//            the inflow at the high-level switch and stops the pump at the
//            low-level switch (dry-run protection).
//   Heat     outlet temperature = first-order lag + dead time on the steam
//   exchanger valve; the PLC's PI(D) drives the valve to a setpoint in auto, a
//            manual output drives it in manual.
//   Pump     speed ramps to its setpoint; motor current from speed, vibration
//            RMS with noise and a slow bearing-wear drift, run hours, energy.
//   Line     a packaging line counting parts, stopped by its guard-door
//            interlock; a horn sounds on high level or an open door until
//            silenced.

import { Prng } from '../../shared/prng';

export { Prng };

/** Moves `x` towards `target` as a first-order lag would over `dt`; exact, so stable for any step. */
function lag(x: number, target: number, dt: number, tau: number): number {
  return x + (target - x) * (1 - Math.exp(-dt / tau));
}

function clamp(value: number, lo: number, hi: number): number {
  return Math.min(hi, Math.max(lo, value));
}

/** Plant constants. Exported so tests and docs state them once. */
export const PLANT = {
  /** Sub-step of the integration: larger steps are split. */
  maxStep: 0.1,
  tank: {
    height: 10, // m
    area: 1.0, // m²
    maxInflow: 150, // m³/h at 100 % valve
    supplyPulse: 0.25, // ±25 % supply-pressure swing on the inflow...
    supplyPeriod: 90, // ...with this period, s
    pumpStartLevel: 7.0, // m: the PLC starts the pump at or above
    pumpStopLevel: 3.0, // m: and stops it at or below
    highSwitch: 9.0, // m: LSH, closes the inflow valve
    lowSwitch: 0.5, // m: LSL, dry-run protection
  },
  hx: {
    gain: 0.9, // °C of outlet rise per % steam valve
    tau: 25, // s
    deadTime: 4, // s: transport delay to the outlet sensor
    inletMean: 18, // °C
    inletSwing: 2, // °C, slow sinusoidal disturbance...
    inletPeriod: 300, // ...period, s
    noise: 0.03, // °C, sensor noise
    maxDuty: 900, // kW at 100 % steam
  },
  pump: {
    maxFlow: 250, // m³/h at 100 % speed
    ramp: 25, // %/s, VFD acceleration
    idleCurrent: 3, // A
    fullLoadCurrent: 15, // A above idle at 100 % speed (∝ speed², a centrifugal load)
    currentTau: 0.3, // s
    wearRate: 1.0, // mm/s of vibration per running hour (bearing wear)
    vibrationNoise: 0.08, // mm/s
    kwPerAmp: 0.589, // √3 · 400 V · cos φ 0.85 / 1000
  },
  line: {
    rate: 2.5, // parts/s while running
    doorPeriod: 300, // s: an operator opens the guard door once per period...
    doorOpenAt: 240, // ...at this second of the period...
    doorOpenFor: 10, // ...for this long
  },
} as const;

export interface PlantOptions {
  readonly seed?: number;
}

/** A PI controller with derivative on the measurement, output clamping and bumpless tracking. */
export class Pid {
  kp = 3; // % per °C
  ti = 25; // s (integral time; 0 disables the integral)
  td = 0; // s
  private integral = 0; // in % of output
  private lastPv = Number.NaN;

  constructor(
    readonly outMin = 0,
    readonly outMax = 100,
  ) {}

  update(sp: number, pv: number, dt: number): number {
    const error = sp - pv;
    const derivative = Number.isNaN(this.lastPv) || this.td <= 0 ? 0 : (-this.kp * this.td * (pv - this.lastPv)) / dt;
    this.lastPv = pv;
    const proportional = this.kp * error;
    const step = this.ti > 0 ? (this.kp * error * dt) / this.ti : 0;
    const unclamped = proportional + this.integral + step + derivative;
    // Conditional integration: no winding up while the output is saturated in that direction.
    if (!(unclamped > this.outMax && step > 0) && !(unclamped < this.outMin && step < 0)) this.integral += step;
    return clamp(proportional + this.integral + derivative, this.outMin, this.outMax);
  }

  /** While another source drives the output (manual), sets the integral so that auto resumes from it without a bump. */
  track(output: number, sp: number, pv: number): void {
    this.integral = output - this.kp * (sp - pv);
    this.lastPv = pv;
  }
}

export class Plant {
  /** Plant time, s. */
  time = 0;

  readonly tank = {
    level: 6.5, // m
    inflow: 0, // m³/h measured by the inlet flow meter
    outflow: 0, // m³/h through the pump
    /** Inflow valve command, % (the operator's). */
    valveCommand: 60,
    highLevel: false,
    lowLevel: false,
  };

  readonly hx = {
    /** Outlet temperature as the sensor reads it (with noise), °C. */
    temperature: PLANT.hx.inletMean as number,
    inletTemperature: PLANT.hx.inletMean as number,
    setpoint: 65,
    auto: true,
    manualOutput: 0,
    /** The steam valve position the PLC outputs, %. */
    steamValve: 0,
    heatDuty: 0, // kW
  };

  readonly pump = {
    /** Operator start/stop: while on, the PLC runs the pump between the two levels. */
    startCommand: true,
    speedCommand: 80, // %
    // The level starts above the stop level with the pump already running,
    // so every pump signal is alive from the first second.
    speed: 80, // % actual
    running: true,
    /** The PLC's level control wants the pump on. */
    demand: true,
    dryRunTrip: false,
    current: 0, // A
    vibration: 0, // mm/s RMS
    wear: 0.8, // mm/s of vibration from bearing wear, grows while running
    runSeconds: 1234.5 * 3600,
    energy: 56789, // kWh
  };

  readonly line = {
    doorClosed: true,
    interlock: false,
    running: true,
    produced: 123_456_789, // uint32, wraps
    rate: 0, // parts/min
    hornSilenced: false,
    horn: false,
    heartbeat: 0, // uint16, +1 per PLC scan (sub-step)
    batch: 'B-2026-0417', // the batch code an operator sets at a product change
  };

  readonly pid = new Pid();

  private readonly rng: Prng;
  private trueTemperature: number = PLANT.hx.inletMean;
  private producedFraction = 0;
  // The steam valve's history for the dead time: [time, position] pairs, oldest first.
  private readonly valveHistory: Array<[number, number]> = [];

  constructor(options: PlantOptions = {}) {
    this.rng = new Prng(options.seed ?? 1);
    this.valveHistory.push([0, 0]);
    this.pump.current = this.motorCurrent();
    this.updateFlows();
    this.line.rate = PLANT.line.rate * 60;
    this.updateOutputs();
  }

  // Commands, clamped to what the equipment accepts.
  setValveCommand(percent: number): void {
    if (Number.isFinite(percent)) this.tank.valveCommand = clamp(percent, 0, 100);
  }
  /** A new batch code; a PLC string of 16 characters keeps only what fits (whole characters). */
  setBatch(code: string): void {
    let kept = code;
    while (new TextEncoder().encode(kept).length > 16) kept = kept.slice(0, -1);
    this.line.batch = kept;
  }

  setPumpStart(on: boolean): void {
    this.pump.startCommand = on;
  }
  setPumpSpeed(percent: number): void {
    if (Number.isFinite(percent)) this.pump.speedCommand = clamp(percent, 0, 100);
  }
  setSetpoint(celsius: number): void {
    if (Number.isFinite(celsius)) this.hx.setpoint = clamp(celsius, 0, 150);
  }
  setAuto(auto: boolean): void {
    this.hx.auto = auto;
  }
  setManualOutput(percent: number): void {
    if (Number.isFinite(percent)) this.hx.manualOutput = clamp(percent, 0, 100);
  }
  setKp(kp: number): void {
    if (Number.isFinite(kp)) this.pid.kp = clamp(kp, 0.01, 100);
  }
  setTi(seconds: number): void {
    if (Number.isFinite(seconds)) this.pid.ti = clamp(seconds, 0, 10_000);
  }
  setHornSilence(on: boolean): void {
    this.line.hornSilenced = on;
  }

  /** Advances the plant by `dt` seconds (split into sub-steps of at most 0.1 s). */
  step(dt: number): void {
    if (!(dt > 0)) return;
    const n = Math.ceil(dt / PLANT.maxStep - 1e-9);
    for (let i = 0; i < n; i++) this.subStep(dt / n);
  }

  private subStep(dt: number): void {
    this.time += dt;
    this.line.heartbeat = (this.line.heartbeat + 1) & 0xffff;
    this.stepLogic();
    this.stepTank(dt);
    this.stepHeatExchanger(dt);
    this.stepPump(dt);
    this.stepLine(dt);
    this.updateOutputs();
  }

  /** The PLC's discrete logic, evaluated on the switches of the previous scan. */
  private stepLogic(): void {
    const { tank, pump, line } = this;
    if (tank.level >= PLANT.tank.pumpStartLevel) pump.demand = true;
    else if (tank.level <= PLANT.tank.pumpStopLevel) pump.demand = false;
    pump.dryRunTrip = tank.lowLevel;
    pump.running = pump.startCommand && pump.demand && !pump.dryRunTrip;

    const phase = this.time % PLANT.line.doorPeriod;
    line.doorClosed = !(phase >= PLANT.line.doorOpenAt && phase < PLANT.line.doorOpenAt + PLANT.line.doorOpenFor);
    line.interlock = !line.doorClosed;
    line.running = !line.interlock;
    const alarm = tank.highLevel || line.interlock;
    // The silence latch resets once nothing is wrong, so the next alarm sounds again.
    if (!alarm) line.hornSilenced = false;
    line.horn = alarm && !line.hornSilenced;
  }

  private updateFlows(): void {
    const { tank, pump } = this;
    const supply = 1 + PLANT.tank.supplyPulse * Math.sin((2 * Math.PI * this.time) / PLANT.tank.supplyPeriod);
    // At the high-level switch the PLC overrides the operator and shuts the inflow valve.
    const valve = tank.highLevel ? 0 : tank.valveCommand;
    tank.inflow = (valve / 100) * PLANT.tank.maxInflow * supply;
    tank.outflow = tank.level > 0 ? (pump.speed / 100) * PLANT.pump.maxFlow : 0;
  }

  private stepTank(dt: number): void {
    const { tank } = this;
    this.updateFlows();
    const volume = tank.level * PLANT.tank.area + ((tank.inflow - tank.outflow) / 3600) * dt;
    tank.level = clamp(volume / PLANT.tank.area, 0, PLANT.tank.height);
    tank.highLevel = tank.level >= PLANT.tank.highSwitch;
    tank.lowLevel = tank.level <= PLANT.tank.lowSwitch;
  }

  private stepHeatExchanger(dt: number): void {
    const { hx } = this;
    hx.inletTemperature =
      PLANT.hx.inletMean + PLANT.hx.inletSwing * Math.sin((2 * Math.PI * this.time) / PLANT.hx.inletPeriod);
    if (hx.auto) {
      hx.steamValve = this.pid.update(hx.setpoint, hx.temperature, dt);
    } else {
      hx.steamValve = hx.manualOutput;
      this.pid.track(hx.steamValve, hx.setpoint, hx.temperature);
    }
    this.valveHistory.push([this.time, hx.steamValve]);
    const effective = this.delayedValve(this.time - PLANT.hx.deadTime);
    const target = hx.inletTemperature + PLANT.hx.gain * effective;
    this.trueTemperature = lag(this.trueTemperature, target, dt, PLANT.hx.tau);
    hx.heatDuty = (PLANT.hx.maxDuty * effective) / 100;
  }

  /** The valve position at time `t`: the latest sample not newer than `t`. Drops samples no longer needed. */
  private delayedValve(t: number): number {
    const history = this.valveHistory;
    let drop = 0;
    while (drop + 1 < history.length && history[drop + 1]![0] <= t + 1e-9) drop++;
    if (drop > 0) history.splice(0, drop);
    return history[0]![1];
  }

  private stepPump(dt: number): void {
    const { pump } = this;
    const target = pump.running ? pump.speedCommand : 0;
    const maxChange = PLANT.pump.ramp * dt;
    pump.speed += clamp(target - pump.speed, -maxChange, maxChange);
    pump.current = lag(pump.current, this.motorCurrent(), dt, PLANT.pump.currentTau);
    if (pump.running) {
      pump.runSeconds += dt;
      pump.wear += (PLANT.pump.wearRate * dt) / 3600;
    }
    pump.energy += (PLANT.pump.kwPerAmp * pump.current * dt) / 3600;
  }

  /** Steady-state current: idle plus a centrifugal load (∝ speed²); worn bearings add friction. */
  private motorCurrent(): number {
    const { pump } = this;
    if (!pump.running) return 0;
    const n = pump.speed / 100;
    return (PLANT.pump.idleCurrent + PLANT.pump.fullLoadCurrent * n * n) * (1 + 0.05 * pump.wear);
  }

  private stepLine(dt: number): void {
    const { line } = this;
    line.rate = line.running ? PLANT.line.rate * 60 : 0;
    if (!line.running) return;
    this.producedFraction += PLANT.line.rate * dt;
    const whole = Math.floor(this.producedFraction);
    this.producedFraction -= whole;
    line.produced = (line.produced + whole) % 4294967296;
  }

  /** The measured values, with sensor noise. */
  private updateOutputs(): void {
    const { hx, pump } = this;
    hx.temperature = this.trueTemperature + this.rng.gaussian(PLANT.hx.noise);
    const n = pump.speed / 100;
    // A stopped pump still picks up a little vibration from the rest of the plant.
    const turning = pump.speed > 0;
    const base = turning ? 0.4 + 1.4 * n + pump.wear : 0.05;
    pump.vibration = Math.max(0, base + this.rng.gaussian(turning ? PLANT.pump.vibrationNoise : 0.01));
  }
}
