import { describe, expect, it } from 'vitest';
import { Pid, PLANT, Plant, Prng } from '../../../src/main/simulator/plant';

/** Runs the plant for `seconds` in steps of `dt`, calling `each` after every step. */
function run(plant: Plant, seconds: number, dt = 0.1, each?: (p: Plant) => void): void {
  const steps = Math.round(seconds / dt);
  for (let i = 0; i < steps; i++) {
    plant.step(dt);
    each?.(plant);
  }
}

/** A plant in manual with the steam valve at `output` %, run to a steady outlet temperature. */
function steadyInManual(output: number): Plant {
  const plant = new Plant({ seed: 7 });
  plant.setAuto(false);
  plant.setManualOutput(output);
  run(plant, 400);
  return plant;
}

describe('Prng', () => {
  it('repeats its sequence for a seed and differs between seeds', () => {
    const a = new Prng(42);
    const b = new Prng(42);
    const c = new Prng(43);
    const seqA = Array.from({ length: 5 }, () => a.next());
    expect(Array.from({ length: 5 }, () => b.next())).toEqual(seqA);
    expect(Array.from({ length: 5 }, () => c.next())).not.toEqual(seqA);
    for (const x of seqA) expect(x >= 0 && x < 1).toBe(true);
  });

  it('gaussian has roughly the requested spread', () => {
    const rng = new Prng(3);
    const xs = Array.from({ length: 20_000 }, () => rng.gaussian(2));
    const mean = xs.reduce((s, x) => s + x, 0) / xs.length;
    const sd = Math.sqrt(xs.reduce((s, x) => s + (x - mean) ** 2, 0) / xs.length);
    expect(Math.abs(mean)).toBeLessThan(0.05);
    expect(sd).toBeGreaterThan(1.9);
    expect(sd).toBeLessThan(2.1);
  });
});

describe('Plant', () => {
  it('moves visibly within seconds of start', () => {
    const plant = new Plant({ seed: 1 });
    const level0 = plant.tank.level;
    const produced0 = plant.line.produced;
    const temperature0 = plant.hx.temperature;
    run(plant, 2);
    expect(Math.abs(plant.tank.level - level0)).toBeGreaterThan(0.04); // > 40 counts of the level register
    expect(plant.line.produced - produced0).toBeGreaterThanOrEqual(4);
    expect(plant.pump.running).toBe(true);
    expect(plant.pump.current).toBeGreaterThan(1);
    run(plant, 8);
    expect(plant.hx.temperature - temperature0).toBeGreaterThan(3);
  });

  it('is deterministic for a seed', () => {
    const a = new Plant({ seed: 5 });
    const b = new Plant({ seed: 5 });
    const c = new Plant({ seed: 6 });
    run(a, 60);
    run(b, 60);
    run(c, 60);
    expect(b.hx.temperature).toBe(a.hx.temperature);
    expect(b.pump.vibration).toBe(a.pump.vibration);
    expect(c.pump.vibration).not.toBe(a.pump.vibration);
  });

  it('gives the same trajectory for one big step as for its sub-steps', () => {
    const a = new Plant({ seed: 2 });
    const b = new Plant({ seed: 2 });
    a.step(1);
    run(b, 1, 0.1);
    expect(a.tank.level).toBeCloseTo(b.tank.level, 9);
    expect(a.time).toBeCloseTo(1, 9);
  });

  it('cycles the pump between the stop and start levels', () => {
    const plant = new Plant({ seed: 1 });
    const starts: number[] = [];
    const stops: number[] = [];
    let wasRunning = plant.pump.running;
    run(plant, 1200, 0.1, (p) => {
      if (p.pump.running !== wasRunning) (p.pump.running ? starts : stops).push(p.tank.level);
      wasRunning = p.pump.running;
    });
    expect(starts.length).toBeGreaterThanOrEqual(3);
    expect(stops.length).toBeGreaterThanOrEqual(3);
    for (const level of starts.slice(1)) expect(level).toBeCloseTo(PLANT.tank.pumpStartLevel, 1);
    for (const level of stops) expect(level).toBeCloseTo(PLANT.tank.pumpStopLevel, 1);
  });

  it('stays within physical bounds over hours of changing commands', () => {
    const plant = new Plant({ seed: 9 });
    const rng = new Prng(11);
    const seen: Record<string, [number, number]> = {};
    const track = (name: string, value: number): void => {
      const range = (seen[name] ??= [value, value]);
      range[0] = Math.min(range[0], value);
      range[1] = Math.max(range[1], value);
    };
    for (let minute = 0; minute < 240; minute++) {
      // A restless operator: new commands every minute, some out of range.
      plant.setValveCommand(rng.next() * 130 - 10);
      plant.setPumpSpeed(rng.next() * 130 - 10);
      plant.setPumpStart(rng.next() > 0.3);
      plant.setSetpoint(rng.next() * 200 - 20);
      plant.setAuto(rng.next() > 0.3);
      plant.setManualOutput(rng.next() * 130 - 10);
      run(plant, 60, 0.5, (p) => {
        track('level', p.tank.level);
        track('inflow', p.tank.inflow);
        track('steamValve', p.hx.steamValve);
        track('temperature', p.hx.temperature);
        track('speed', p.pump.speed);
        track('current', p.pump.current);
        track('vibration', p.pump.vibration);
      });
    }
    expect(seen.level![0]).toBeGreaterThanOrEqual(0);
    expect(seen.level![1]).toBeLessThanOrEqual(PLANT.tank.height);
    expect(seen.level![1] - seen.level![0]).toBeGreaterThan(5); // it did move
    expect(seen.inflow![0]).toBeGreaterThanOrEqual(0);
    expect(seen.inflow![1]).toBeLessThanOrEqual(PLANT.tank.maxInflow * (1 + PLANT.tank.supplyPulse));
    expect(seen.steamValve).toEqual([0, 100]);
    expect(seen.temperature![0]).toBeGreaterThan(10);
    expect(seen.temperature![1]).toBeLessThan(115);
    expect(seen.speed).toEqual([0, 100]);
    expect(seen.current![0]).toBeGreaterThanOrEqual(0);
    expect(seen.current![1]).toBeLessThan(25);
    expect(seen.vibration![0]).toBeGreaterThanOrEqual(0);
    expect(seen.vibration![1]).toBeLessThan(25);
    expect(plant.tank.valveCommand).toBeLessThanOrEqual(100);
    expect(plant.hx.setpoint).toBeLessThanOrEqual(150);
  });

  it('closes the inflow at the high-level switch and sounds the horn until silenced', () => {
    const plant = new Plant({ seed: 1 });
    plant.setPumpStart(false);
    plant.setValveCommand(100);
    run(plant, 200);
    expect(plant.tank.highLevel).toBe(true);
    expect(plant.tank.level).toBeLessThan(PLANT.tank.highSwitch + 0.1);
    expect(plant.tank.inflow).toBe(0);
    expect(plant.line.horn).toBe(true);
    plant.setHornSilence(true);
    run(plant, 1);
    expect(plant.line.horn).toBe(false);
    // Once the alarm clears, the PLC resets the silence latch.
    plant.setPumpStart(true);
    run(plant, 30);
    expect(plant.tank.highLevel).toBe(false);
    expect(plant.line.hornSilenced).toBe(false);
  });

  it('stops the pump at the low-level switch even when started', () => {
    const plant = new Plant({ seed: 1 });
    plant.setValveCommand(0);
    plant.tank.level = 8; // above the start level: the pump runs
    run(plant, 200);
    expect(plant.tank.lowLevel).toBe(false); // level control stopped it at 3 m first
    plant.tank.level = 0.4;
    run(plant, 0.2);
    expect(plant.pump.dryRunTrip).toBe(true);
    expect(plant.pump.running).toBe(false);
  });

  it('stops counting while the guard door is open', () => {
    const plant = new Plant({ seed: 1 });
    run(plant, PLANT.line.doorOpenAt + 1);
    expect(plant.line.doorClosed).toBe(false);
    expect(plant.line.interlock).toBe(true);
    const produced = plant.line.produced;
    run(plant, 5);
    expect(plant.line.produced).toBe(produced);
    run(plant, PLANT.line.doorOpenFor);
    expect(plant.line.doorClosed).toBe(true);
    run(plant, 2);
    expect(plant.line.produced).toBeGreaterThan(produced);
  });

  it('wraps the production counter at 2^32', () => {
    const plant = new Plant({ seed: 1 });
    plant.line.produced = 4294967295;
    run(plant, 2);
    expect(plant.line.produced).toBeGreaterThanOrEqual(0);
    expect(plant.line.produced).toBeLessThan(10);
  });

  it('delays the temperature response to a valve step by the dead time', () => {
    const plant = steadyInManual(30);
    const before = plant.hx.temperature;
    plant.setManualOutput(70);
    const dead = PLANT.hx.deadTime;
    run(plant, dead - 0.3);
    expect(plant.hx.steamValve).toBe(70); // the valve moved at once...
    expect(Math.abs(plant.hx.temperature - before)).toBeLessThan(0.2); // ...the outlet did not
    run(plant, 5);
    expect(plant.hx.temperature - before).toBeGreaterThan(3);
  });

  it('settles at inlet + gain × output in manual, following the manual output', () => {
    const plant = steadyInManual(40);
    // The inlet temperature swings slowly, and the outlet follows it with a lag.
    const tolerance = PLANT.hx.inletSwing + 0.2;
    expect(plant.hx.steamValve).toBe(40);
    expect(Math.abs(plant.hx.temperature - (PLANT.hx.inletMean + PLANT.hx.gain * 40))).toBeLessThan(tolerance);
    plant.setManualOutput(10);
    run(plant, 1);
    expect(plant.hx.steamValve).toBe(10);
    run(plant, 250);
    expect(Math.abs(plant.hx.temperature - (PLANT.hx.inletMean + PLANT.hx.gain * 10))).toBeLessThan(tolerance);
  });

  it('reaches the setpoint in auto, and again after a setpoint change', () => {
    const plant = new Plant({ seed: 4 });
    plant.setSetpoint(70);
    run(plant, 300);
    expect(Math.abs(plant.hx.temperature - 70)).toBeLessThan(0.5);
    plant.setSetpoint(45);
    run(plant, 300);
    expect(Math.abs(plant.hx.temperature - 45)).toBeLessThan(0.5);
    expect(plant.hx.steamValve).toBeGreaterThan(0);
    expect(plant.hx.steamValve).toBeLessThan(100);
  });

  it('switches from manual to auto without a bump', () => {
    const plant = steadyInManual(50);
    plant.setSetpoint(plant.hx.temperature);
    plant.setAuto(true);
    run(plant, 0.1);
    expect(Math.abs(plant.hx.steamValve - 50)).toBeLessThan(1);
  });

  it('keeps the PID from winding up while saturated', () => {
    const pid = new Pid();
    for (let i = 0; i < 1000; i++) pid.update(100, 20, 0.1); // far below setpoint: output pinned at 100
    // As soon as the measurement passes the setpoint, the output leaves the limit.
    expect(pid.update(100, 101, 0.1)).toBeLessThan(100);
  });

  it('draws motor current by speed and drifts vibration upwards with run time', () => {
    const plant = new Plant({ seed: 1 });
    plant.setValveCommand(60);
    run(plant, 10);
    expect(plant.pump.running).toBe(true);
    const fullSpeedCurrent = plant.pump.current;
    plant.setPumpSpeed(40);
    run(plant, 5);
    expect(plant.pump.current).toBeLessThan(fullSpeedCurrent - 4);
    plant.setPumpStart(false);
    run(plant, 5);
    expect(plant.pump.current).toBeLessThan(0.01);
    expect(plant.pump.vibration).toBeLessThan(0.2);

    // Wear: an hour of running adds about wearRate mm/s of vibration.
    const worn = new Plant({ seed: 1 });
    const wear0 = worn.pump.wear;
    const hours0 = worn.pump.runSeconds;
    worn.setValveCommand(100); // keeps the level up, so the pump runs most of the time
    run(worn, 3600, 0.5);
    const ranHours = (worn.pump.runSeconds - hours0) / 3600;
    expect(ranHours).toBeGreaterThan(0.3);
    expect(worn.pump.wear - wear0).toBeCloseTo(PLANT.pump.wearRate * ranHours, 6);
  });
});
