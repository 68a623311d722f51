// The Modbus TCP driver against hostile devices: test servers
// (test/helpers/rawModbusServer.ts) that answer with garbage, wrong lengths,
// wrong units and function codes, short PDUs, lying byte counts, exceptions
// (known codes and not), late answers and answers in 1-byte segments,
// chosen by a seeded PRNG. Several devices (each its own server and TCP
// line) misbehave at once, independently, so more hostile frames fit in the
// time: a dropped link waits a 250 ms backoff before it tries again.
//
// Through it all: the process never sees an unhandled error, no tag is ever
// Good with a value its device never held, tags go Bad with a reason while
// their device misbehaves, and once it behaves again every tag is Good with
// the device's current value.
//
// Reproduce a run with FUZZ_SEED=<seed>.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { parseProject } from '../../src/main/runtime/project/load';
import { Runtime } from '../../src/main/runtime/runtime';
import { detailOf } from '../../src/shared/types';
import type { EngineTag } from '../../src/main/runtime/tags/engine';
import { MISBEHAVIOURS, RawModbusServer, type Misbehaviour } from '../helpers/rawModbusServer';
import { Dice, seedFor } from './hostile';

const SEED = Number(process.env.FUZZ_SEED ?? 20_261_123);
const DEVICES = 3;
const POLL_MS = 10;
const TIMEOUT_MS = 150;
/** Misbehaving phases, each followed by a recovery and a stretch of good behaviour; then rapid switching. */
const PHASES = 16;
const CHAOS_MS = 3000;
/**
 * How soon tags must be Good again. The design puts a floor under it: a
 * dropped TCP link waits a backoff of 250 ms ±20% before reconnecting, and a
 * block refused (exception 2 or 3) down to one tag is retried only every 10
 * scans. The bound adds slack for a loaded 2-core machine; the test prints
 * what it measured.
 */
const RECOVERY_MS = 300 + 12 * POLL_MS + 1200;
const BAD_MS = 3000;
/** After each recovery the devices behave for this long, and every tag must stay Good. */
const HEALTHY_MS = 15 * POLL_MS;

/** Quality reasons a misbehaving device may cause (exception 1, illegal function, is a configuration error). */
const REASONS = new Set(['comm_failure', 'device_exception', 'config_error']);

/**
 * What a device's tags must become while it misbehaves so: 'good' for an
 * answer that is right, only slow to arrive ('split'); for a byte count
 * that lies upwards, the register tags go Bad (their data runs past the
 * frame) while bits past the frame read as padding, so the bit tags keep
 * their right values; every other misbehaviour makes every tag Bad.
 */
type Expectation = 'good' | 'bad' | 'registers-bad';
const expectationOf = (kind: Misbehaviour): Expectation => (kind === 'none' || kind === 'split' ? 'good' : kind === 'lying-byte-count' ? 'registers-bad' : 'bad');
const FAULTS = MISBEHAVIOURS.filter((m) => m !== 'none');

/** Each device's tags: every function code (1-4), several blocks, every width of register value. */
const TAGS = (d: number) => `
  - { path: D${d}/U16, device: plc${d}, address: "HR:0" }
  - { path: D${d}/F32, device: plc${d}, address: "HR:2:float32" }
  - { path: D${d}/I32, device: plc${d}, address: "HR:10:int32:CDAB" }
  - { path: D${d}/Far, device: plc${d}, address: "HR:300" }
  - { path: D${d}/In, device: plc${d}, address: "IR:5" }
  - { path: D${d}/Coil, device: plc${d}, address: "CO:3" }
  - { path: D${d}/Coil2, device: plc${d}, address: "CO:12" }
  - { path: D${d}/Disc, device: plc${d}, address: "DI:7" }
`;

/** Device d's values in generation g: every number distinct from every other generation's, and never 0. */
function valuesOf(d: number, g: number): Record<string, number | boolean> {
  const base = d * 100_000 + g;
  return {
    [`D${d}/U16`]: 1000 + g,
    [`D${d}/F32`]: 1.5 + base,
    [`D${d}/I32`]: -base,
    [`D${d}/Far`]: 2000 + g,
    [`D${d}/In`]: 3000 + g,
    [`D${d}/Coil`]: g % 2 === 1,
    [`D${d}/Coil2`]: g % 2 === 0,
    [`D${d}/Disc`]: g % 2 === 1,
  };
}

class Device {
  generation = 0;
  /** Every numeric value this device has held, per tag path. */
  readonly held = new Map<string, Set<number>>();
  tags: EngineTag[] = [];

  constructor(
    readonly index: number,
    readonly server: RawModbusServer,
  ) {}

  /** The values move on: the next generation, written into the server. */
  advance(): void {
    this.generation++;
    const v = valuesOf(this.index, this.generation);
    for (const [path, value] of Object.entries(v)) {
      if (typeof value !== 'number') continue;
      let set = this.held.get(path);
      if (!set) this.held.set(path, (set = new Set()));
      set.add(value);
    }
    const d = this.index;
    const words = new DataView(new ArrayBuffer(4));
    const s = this.server;
    s.registers[0] = v[`D${d}/U16`] as number;
    words.setFloat32(0, v[`D${d}/F32`] as number);
    s.registers[2] = words.getUint16(0);
    s.registers[3] = words.getUint16(2);
    words.setInt32(0, v[`D${d}/I32`] as number);
    s.registers[10] = words.getUint16(2); // CDAB: the low word first
    s.registers[11] = words.getUint16(0);
    s.registers[300] = v[`D${d}/Far`] as number;
    s.inputs[5] = v[`D${d}/In`] as number;
    s.coils[3] = v[`D${d}/Coil`] ? 1 : 0;
    s.coils[12] = v[`D${d}/Coil2`] ? 1 : 0;
    s.discretes[7] = v[`D${d}/Disc`] ? 1 : 0;
  }

  /** Whether its tags are what `kind` should make them (see expectationOf). */
  settled(kind: Misbehaviour): boolean {
    const expected = expectationOf(kind);
    const values = valuesOf(this.index, this.generation);
    return this.tags.every((tag) => {
      if (expected === 'good') return tag.quality.status === 'good' && tag.value === values[tag.def.path];
      if (expected === 'registers-bad' && typeof values[tag.def.path] === 'boolean') return true;
      return tag.quality.status === 'bad' && REASONS.has(tag.quality.reason ?? '');
    });
  }

  describe(): string {
    return this.tags.map((t) => `${t.def.path}=${String(t.value)}/${t.quality.status}${t.quality.reason ? `:${t.quality.reason}` : ''}`).join(' ');
  }
}

interface Plant {
  readonly runtime: Runtime;
  readonly devices: readonly Device[];
  /** Good values a device never held, and Bad qualities without an expected reason. */
  readonly violations: string[];
}

const unhandled: string[] = [];
const onRejection = (reason: unknown) => unhandled.push(`unhandled rejection: ${String(reason)}`);
const onException = (error: Error) => unhandled.push(`uncaught exception: ${error.stack ?? error.message}`);
const plants: Plant[] = [];

beforeAll(() => {
  process.on('unhandledRejection', onRejection);
  process.on('uncaughtException', onException);
});

afterEach(async () => {
  for (const plant of plants.splice(0)) {
    await plant.runtime.stop();
    for (const device of plant.devices) await device.server.close();
  }
});

afterAll(() => {
  process.off('unhandledRejection', onRejection);
  process.off('uncaughtException', onException);
});

async function startPlant(seed: number, count: number): Promise<Plant> {
  const devices: Device[] = [];
  const lines: string[] = [];
  const tags: string[] = [];
  for (let d = 1; d <= count; d++) {
    const server = new RawModbusServer();
    const dice = new Dice(seedFor(seed, `server ${d}`));
    server.random = () => dice.next();
    const port = await server.listen();
    devices.push(new Device(d, server));
    lines.push(`  - { name: plc${d}, driver: modbus-tcp, host: 127.0.0.1, port: ${port}, pollMs: ${POLL_MS}, timeoutMs: ${TIMEOUT_MS} }`);
    tags.push(TAGS(d));
  }
  const runtime = new Runtime(parseProject(`devices:\n${lines.join('\n')}\ntags:\n${tags.join('')}`), { changeIntervalMs: 10 });
  const plant: Plant = { runtime, devices, violations: [] };
  plants.push(plant);
  for (const device of devices) {
    device.tags = runtime.engine.tags.filter((tag) => tag.def.device === `plc${device.index}`);
    device.advance();
  }
  const deviceOf = new Map(devices.flatMap((device) => device.tags.map((tag) => [tag.id, device] as const)));
  runtime.engine.onChanges((ids) => {
    for (const id of ids) {
      const tag = runtime.engine.tags[id]!;
      const device = deviceOf.get(id)!;
      const path = tag.def.path;
      if (tag.quality.status === 'good') {
        if (typeof tag.value === 'number' && !device.held.get(path)!.has(tag.value)) {
          plant.violations.push(`${path} Good with ${tag.value}, which its device never held (generation ${device.generation}, ${device.server.misbehaviour})`);
        }
      } else if (tag.quality.status === 'bad' && !REASONS.has(tag.quality.reason ?? '')) {
        plant.violations.push(`${path} Bad with reason ${String(tag.quality.reason)} (${device.server.misbehaviour})`);
      }
    }
  });
  runtime.start();
  if ((await settle(devices, () => 'none', 5000)) === null) throw new Error(`no first values: ${devices.map((d) => d.describe()).join(' ')}`);
  return plant;
}

/** Waits until every device's tags are what its misbehaviour should make them; the time it took, or null. */
async function settle(devices: readonly Device[], kindOf: (device: Device) => Misbehaviour, limitMs: number): Promise<number | null> {
  const started = Date.now();
  while (Date.now() - started <= limitMs) {
    if (devices.every((device) => device.settled(kindOf(device)))) return Date.now() - started;
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  return null;
}

function misbehave(device: Device, kind: Misbehaviour, dice: Dice): void {
  // Late enough to be past the driver's timeout; a byte count that lies upwards by 3 or more
  // (one too small is the bug below; one or two too many only reach the frame's padding).
  device.server.slowMs = TIMEOUT_MS + 100 + dice.int(400);
  device.server.byteCountDelta = 3 + dice.int(60);
  device.server.misbehaviour = kind;
}

/** Fisher-Yates, with the seeded die. */
function shuffle<T>(items: T[], dice: Dice): T[] {
  for (let i = items.length - 1; i > 0; i--) {
    const j = dice.int(i + 1);
    [items[i], items[j]] = [items[j]!, items[i]!];
  }
  return items;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('Modbus TCP driver against hostile devices', () => {
  it(`keeps every tag honest through ${PHASES} misbehaving phases and ${CHAOS_MS / 1000} s of switching on ${DEVICES} devices, and recovers each time`, async () => {
    const seed = seedFor(SEED, 'modbus');
    const dice = new Dice(seed);
    const plant = await startPlant(seed, DEVICES);
    const { devices } = plant;
    const failures: string[] = [];
    const badTimes: number[] = [];
    const recoveries: number[] = [];
    // Each device meets every kind once, in its own seeded order, then seeded picks.
    const orders = devices.map(() => shuffle([...FAULTS], dice));
    for (let phase = 0; phase < PHASES; phase++) {
      const kinds = new Map(devices.map((device, i) => [device, orders[i]![phase] ?? dice.pick(FAULTS)] as const));
      for (const device of devices) {
        misbehave(device, kinds.get(device)!, dice);
        device.advance();
      }
      const what = [...kinds.values()].join(', ');
      const took = await settle(devices, (device) => kinds.get(device)!, BAD_MS);
      if (took === null) {
        const stuck = devices.filter((device) => !device.settled(kinds.get(device)!));
        failures.push(`phase ${phase}: not as expected in ${BAD_MS} ms: ${stuck.map((d) => `${kinds.get(d)} (${expectationOf(kinds.get(d)!)}) ${d.describe()}`).join('; ')}`);
      } else badTimes.push(took);
      for (const device of devices) {
        device.server.misbehaviour = 'none';
        device.advance();
      }
      const back = await settle(devices, () => 'none', RECOVERY_MS);
      if (back === null) failures.push(`phase ${phase} (${what}): not all Good with the new values ${RECOVERY_MS} ms after the devices behaved: ${devices.map((d) => d.describe()).join(' ')}`);
      else recoveries.push(back);
      await sleep(HEALTHY_MS);
      if (!devices.every((device) => device.settled('none'))) failures.push(`phase ${phase} (${what}): a tag left Good while its device behaved`);
    }

    // Chaos: each device switches to a new misbehaviour (or none) every 10..120 ms, its values moving now and then.
    const chaosEnd = Date.now() + CHAOS_MS;
    let switches = 0;
    const next = devices.map(() => 0);
    while (Date.now() < chaosEnd) {
      const now = Date.now();
      devices.forEach((device, i) => {
        if (now < next[i]!) return;
        misbehave(device, dice.pick(MISBEHAVIOURS), dice);
        if (dice.chance(0.3)) device.advance();
        next[i] = now + 10 + dice.int(110);
        switches++;
      });
      await sleep(5);
    }
    for (const device of devices) {
      device.server.misbehaviour = 'none';
      device.advance();
    }
    const final = await settle(devices, () => 'none', RECOVERY_MS);
    if (final === null) failures.push(`after the chaos: not all Good with the current values in ${RECOVERY_MS} ms: ${devices.map((d) => d.describe()).join(' ')}`);
    else recoveries.push(final);

    const infos = plant.runtime.devices();
    const requests = devices.reduce((n, device) => n + device.server.log.length, 0);
    const scans = infos.reduce((n, info) => n + Math.round(info.requests / Math.max(1, Number(detailOf(info, 'blocksPerScan')))), 0);
    const frames: Record<string, number> = {};
    for (const device of devices) for (const [kind, n] of Object.entries(device.server.frames)) frames[kind] = (frames[kind] ?? 0) + n;
    const sum = (key: 'errors' | 'timeouts' | 'reconnects') => infos.reduce((n, info) => n + info[key], 0);
    console.log(
      `modbus fuzz (seed ${seed}): ${DEVICES} devices, ${PHASES} phases, ${switches} switches in ${CHAOS_MS} ms; ${requests} requests (about ${scans} scans), ` +
        `${sum('errors')} errors, ${sum('timeouts')} timeouts, ${sum('reconnects')} reconnects; Bad within ${Math.max(0, ...badTimes)} ms, Good again within ${Math.max(0, ...recoveries)} ms`,
    );
    console.log(`frames sent by kind: ${JSON.stringify(frames)} (${Object.entries(frames).filter(([k]) => k !== 'none').reduce((n, [, v]) => n + v, 0)} hostile)`);
    expect(failures).toEqual([]);
    expect(plant.violations.slice(0, 10), `${plant.violations.length} dishonest tag states`).toEqual([]);
    expect(unhandled).toEqual([]);
    expect(scans).toBeGreaterThanOrEqual(300);
    expect(infos.every((info) => info.status === 'connected')).toBe(true);
  }, 60_000);

  // BUG (src/main/runtime/drivers/modbus/modbusDriver.ts, readBlock/deliver,
  // through modbus-serial's _readFC3or4/_readFC2): a read answer whose frame
  // has the right length but whose byte count says less (HR 0..11 answered
  // with byte count 22 instead of 24, CO 3..12 with 0 instead of 2) is taken
  // as it is: the registers and bits past the byte count decode from
  // `undefined` as 0 / false, and the tags go Good with those values. The
  // driver never checks that the data holds block.count values.
  it('refuses an answer whose byte count is too small', async () => {
    const plant = await startPlant(seedFor(SEED, 'byte count'), 1);
    const device = plant.devices[0]!;
    device.server.byteCountDelta = -2;
    device.server.misbehaviour = 'lying-byte-count';
    device.advance();
    await sleep(30 * POLL_MS);
    expect(plant.violations).toEqual([]);
    expect(device.settled('lying-byte-count'), device.describe()).toBe(true);
  });
});
