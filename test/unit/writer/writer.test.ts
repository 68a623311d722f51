// The writer with a fake driver and a fake audit trail: what is sent, what
// is answered, what is audited, and in which order.
import { describe, expect, it } from 'vitest';
import { ContractFailure, type Caller } from '../../../src/shared/contract';
import type { TagScalar } from '../../../src/shared/types';
import { DeviceError, type BindFailure, type DeviceReading, type Driver } from '../../../src/main/runtime/drivers/driver';
import type { TagDefinition } from '../../../src/main/runtime/tags/definition';
import { TagEngine } from '../../../src/main/runtime/tags/engine';
import { qualityOf } from '../../../src/main/runtime/tags/plausibility';
import { Writer } from '../../../src/main/runtime/writer/writer';

const OPERATOR: Caller = { user: 'ann', workstation: 'ws1', role: 'operator', token: 't', local: true };

function def(path: string, extra: Partial<TagDefinition> = {}): TagDefinition {
  return { path, device: 'plc', address: 'HR:0', dataType: 'float32', units: '°C', description: '', writable: true, deadband: 0, ...extra };
}

/** A device that keeps raw values, clamps some, and can be read back (or not). */
class FakeDriver implements Driver {
  readonly name = 'plc';
  readonly sent: Array<[number, TagScalar]> = [];
  readonly held = new Map<number, TagScalar>();
  clamp: ((id: number, raw: TagScalar) => TagScalar) | null = null;
  refuseWrite: DeviceError | null = null;
  read?: (ids: readonly number[]) => Promise<DeviceReading[]>;

  constructor(readable: boolean) {
    if (readable) this.read = async (ids) => ids.map((id) => ({ raw: this.held.get(id) ?? null, quality: qualityOf('good') }));
  }

  start(): void {}
  async stop(): Promise<void> {}
  async setTags(): Promise<readonly BindFailure[]> {
    return [];
  }
  async write(id: number, raw: TagScalar): Promise<void> {
    if (this.refuseWrite) throw this.refuseWrite;
    this.sent.push([id, raw]);
    this.held.set(id, this.clamp ? this.clamp(id, raw) : raw);
  }
  info() {
    return { name: 'plc', driver: this.read ? 'modbus-tcp' : 'sparkplug-host', status: 'connected' as const, lastError: null, lastErrorAt: null, requests: 0, errors: 0, timeouts: 0, reconnects: 0, tagCount: 0, details: [] };
  }
}

interface Entry {
  action: string;
  target: string;
  oldValue: string | null;
  newValue: string | null;
  comment: string | null;
}

function setup(tags: TagDefinition[], options: { readable?: boolean; auditDelayMs?: number; mayWrite?: (path: string) => boolean } = {}) {
  const engine = new TagEngine(tags);
  const driver = new FakeDriver(options.readable ?? true);
  const trail: Entry[] = [];
  const writer = new Writer({
    tags: engine,
    driverOf: (device) => (device === 'plc' ? driver : undefined),
    authorizeWrite: (caller, path) => {
      if (options.mayWrite && !options.mayWrite(path)) throw new ContractFailure('forbidden', `${caller.user} may not write ${path}`);
    },
    // An audit store off the event loop: the entry is committed a little later.
    audit: (_caller, action, target, oldValue, newValue, comment) =>
      new Promise<void>((resolve) =>
        setTimeout(() => {
          trail.push({ action, target, oldValue, newValue, comment });
          resolve();
        }, options.auditDelayMs ?? 5),
      ),
  });
  return { engine, driver, trail, writer };
}

describe('Writer', () => {
  it('sends the raw value, reads it back, answers with what the device holds, and audits before answering', async () => {
    const { driver, trail, writer } = setup([def('P/SP', { writeLimits: { min: 0, max: 150 } })], { auditDelayMs: 30 });
    const result = await writer.write(OPERATOR, 'P/SP', 75.1);
    // The audit entry is committed by the time the answer comes, however slow the store.
    expect(trail).toHaveLength(1);
    expect(driver.sent).toEqual([[0, 75.1]]);
    expect(result).toMatchObject({ path: 'P/SP', written: 75.1, requested: 75.1, sent: 75.1, held: 75.1, readBack: 'held', readBackProblem: null, differs: false });
    expect(trail[0]).toEqual({ action: 'tags.write', target: 'P/SP', oldValue: null, newValue: '75.1', comment: null });
  });

  it('answers and audits requested and held when the device clamps', async () => {
    const { driver, trail, writer } = setup([def('P/SP', { writeLimits: { min: 0, max: 600 } })]);
    driver.clamp = (_id, raw) => Math.min(150, raw as number);
    const result = await writer.write(OPERATOR, 'P/SP', 500);
    expect(result).toMatchObject({ requested: 500, sent: 500, held: 150, readBack: 'held', differs: true });
    expect(trail[0]).toMatchObject({ action: 'tags.write', newValue: '150', comment: 'requested 500 °C, device holds 150 °C' });
  });

  it('shows a float32 the device changed at its own precision', async () => {
    const { driver, writer } = setup([def('P/SP')]);
    driver.clamp = () => Math.fround(149.9);
    expect((await writer.write(OPERATOR, 'P/SP', 500)).held).toBe(149.9);
  });

  it('refuses a value outside the write limits before anything is sent, and audits the refusal', async () => {
    const { driver, trail, writer } = setup([def('P/SP', { writeLimits: { min: 0, max: 150 } })]);
    await expect(writer.write(OPERATOR, 'P/SP', 500)).rejects.toMatchObject({ kind: 'invalid_request', message: expect.stringContaining('0 … 150 °C') });
    expect(driver.sent).toEqual([]);
    expect(trail).toEqual([{ action: 'tags.write_refused', target: 'P/SP', oldValue: null, newValue: '500', comment: expect.stringContaining('outside its write limits') }]);
  });

  it('says so where the driver cannot read back, instead of claiming the value', async () => {
    const { trail, writer } = setup([def('P/SP')], { readable: false });
    const result = await writer.write(OPERATOR, 'P/SP', 71.5);
    expect(result).toMatchObject({ sent: 71.5, held: null, readBack: 'unsupported', differs: false });
    expect(result.readBackProblem).toMatch(/sparkplug-host driver cannot read on demand/);
    expect(trail[0]).toMatchObject({ action: 'tags.write', newValue: '71.5', comment: expect.stringMatching(/^sent 71.5 °C; not read back/) });
  });

  it('reports a failed read-back as such, the write itself confirmed', async () => {
    const { driver, writer } = setup([def('P/SP')]);
    driver.read = async () => {
      throw new DeviceError('plc: timed out');
    };
    expect(await writer.write(OPERATOR, 'P/SP', 1)).toMatchObject({ held: null, readBack: 'failed', readBackProblem: 'plc: timed out' });
  });

  it('rounds only where the tag says so, and answers with the value sent', async () => {
    const scale = { rawMin: 0, rawMax: 1000, euMin: 0, euMax: 100 };
    const { driver, writer } = setup([def('P/Strict', { dataType: 'int16', units: '%', scale }), def('P/Round', { dataType: 'int16', units: '%', scale, writeRounding: 'round' })]);
    await expect(writer.write(OPERATOR, 'P/Strict', 42.26)).rejects.toMatchObject({ kind: 'invalid_request', message: expect.stringContaining('write 42.2 % or 42.3 %') });
    expect(driver.sent).toEqual([]);
    expect(await writer.write(OPERATOR, 'P/Round', 42.26)).toMatchObject({ written: 423, requested: 42.26, sent: 42.3, held: 42.3, differs: true });
  });

  it('checks existence, writability and permission first, and audits a denied write', async () => {
    const { driver, trail, writer } = setup([def('P/SP'), def('P/PV', { writable: false })], { mayWrite: (path) => path !== 'P/SP' });
    await expect(writer.write(OPERATOR, 'No/Such', 1)).rejects.toMatchObject({ kind: 'not_found' });
    await expect(writer.write(OPERATOR, 'P/PV', 1)).rejects.toMatchObject({ kind: 'not_writable' });
    await expect(writer.write(OPERATOR, 'P/SP', 1)).rejects.toMatchObject({ kind: 'forbidden' });
    expect(driver.sent).toEqual([]);
    expect(trail).toEqual([{ action: 'denied', target: 'P/SP', oldValue: null, newValue: '1', comment: 'ann may not write P/SP' }]);
  });

  it('maps a device refusal to device_error with its code, and audits the failure', async () => {
    const { driver, trail, writer } = setup([def('P/SP')]);
    driver.refuseWrite = new DeviceError('plc refused the write: exception 2 (illegal data address)', 2);
    await expect(writer.write(OPERATOR, 'P/SP', 1)).rejects.toMatchObject({ kind: 'device_error', code: 2 });
    expect(trail[0]).toMatchObject({ action: 'tags.write_failed', comment: expect.stringContaining('exception 2') });
  });
});
