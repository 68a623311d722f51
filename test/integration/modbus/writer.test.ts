// The writer over a real Modbus TCP link: against the test's own server (one
// that clamps a register, as a PLC does) and against the demo plant's
// simulator. A write beyond the limits sends nothing; a clamped one is
// answered and audited as "requested X, device holds Y".
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { parse as parseYaml, stringify as stringifyYaml } from 'yaml';
import { demoProjectOnFreePort } from '../../../scripts/serveProcess.mjs';
import { startApp, type App } from '../../../src/main/app';
import { parseModbusAddress } from '../../../src/main/runtime/drivers/modbus/address';
import { decodeRegisters, encodeRegisters } from '../../../src/main/runtime/drivers/modbus/codec';
import { parseProject } from '../../../src/main/runtime/project/load';
import { Runtime } from '../../../src/main/runtime/runtime';
import type { WriteResult } from '../../../src/shared/contract';
import { RawModbusServer } from '../../helpers/rawModbusServer';
import { waitFor } from '../../helpers/waitFor';

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  while (cleanups.length > 0) await cleanups.pop()!();
});

const WRITE_FCS = new Set([5, 6, 15, 16]);

/** The audit entries of one action on one tag, newest first. */
async function auditOf(runtime: Runtime, action: string, target: string) {
  return (await runtime.security.queryAudit({ from: 0, to: Date.now() + 1000, action, limit: 100 })).entries.filter((e) => e.target === target);
}

describe('the writer against a Modbus server that clamps', () => {
  const SP = parseModbusAddress('HR:42:float32:CDAB');

  async function start(): Promise<{ server: RawModbusServer; runtime: Runtime }> {
    const server = new RawModbusServer();
    const port = await server.listen();
    cleanups.push(() => server.close());
    // The PLC's own range for its setpoint is 0..150; the project's limits are wider, as a careless one's might be.
    server.afterWrite = (_fc, address, count) => {
      if (address > SP.offset + 1 || address + count <= SP.offset) return;
      const value = decodeRegisters(server.registers, SP.offset, SP) as number;
      server.registers.set(encodeRegisters(Math.min(150, Math.max(0, value)), SP), SP.offset);
    };
    const runtime = new Runtime(
      parseProject(`
devices:
  - { name: plc, driver: modbus-tcp, host: 127.0.0.1, port: ${port}, timeoutMs: 500, pollMs: 100 }
tags:
  - { path: TIC/SP, device: plc, address: "HR:42:float32:CDAB", units: °C, writable: true, writeLimits: { min: 0, max: 600 } }
  - { path: TIC/Valve, device: plc, address: "HR:40", units: '%', writable: true, scale: { rawMin: 0, rawMax: 1000, euMin: 0, euMax: 100 } }
  - { path: TIC/Speed, device: plc, address: "HR:41", units: '%', writable: true, writeLimits: { min: 0, max: 100 } }
`),
      { changeIntervalMs: 10 },
    );
    runtime.start();
    cleanups.push(() => runtime.stop());
    await waitFor(() => runtime.devices()[0]!.status === 'connected', 'the connection');
    return { server, runtime };
  }

  it('answers and audits the value the device holds, and the value asked for, when they differ', async () => {
    const { server, runtime } = await start();
    const result: WriteResult = await runtime.handlers['tags.write']({ path: 'TIC/SP', value: 500 });
    expect(result).toMatchObject({ path: 'TIC/SP', written: 500, requested: 500, sent: 500, held: 150, readBack: 'held', differs: true });
    expect(decodeRegisters(server.registers, SP.offset, SP)).toBe(150);
    // The read-back is a read right after the write, through the same queue.
    const after = server.log.slice(server.log.findIndex((l) => l.fc === 16));
    expect(after.slice(0, 2).map((l) => `${l.fc}@${l.address}+${l.count}`)).toEqual(['16@42+2', '3@42+2']);

    const [entry] = await auditOf(runtime, 'tags.write', 'TIC/SP');
    expect(entry).toMatchObject({ newValue: '150', comment: 'requested 500 °C, device holds 150 °C' });

    // A value the device keeps: no difference, nothing but the value on the trail.
    expect(await runtime.handlers['tags.write']({ path: 'TIC/SP', value: 75.1 })).toMatchObject({ requested: 75.1, held: 75.1, differs: false });
    expect((await auditOf(runtime, 'tags.write', 'TIC/SP'))[0]).toMatchObject({ newValue: '75.1', comment: null });
  });

  it('refuses a value beyond the write limits (declared, or the scale’s) before anything is sent', async () => {
    const { server, runtime } = await start();
    server.registers[40] = 250;
    server.registers[41] = 30;
    const writesBefore = server.log.filter((l) => WRITE_FCS.has(l.fc)).length;
    await expect(runtime.handlers['tags.write']({ path: 'TIC/SP', value: 601 })).rejects.toMatchObject({
      kind: 'invalid_request',
      message: 'TIC/SP accepts 0 … 600 °C: 601 °C is outside its write limits, nothing was sent',
    });
    await expect(runtime.handlers['tags.write']({ path: 'TIC/Valve', value: 100.5 })).rejects.toMatchObject({ message: expect.stringContaining('0 … 100 %') });
    await expect(runtime.handlers['tags.write']({ path: 'TIC/Speed', value: -1 })).rejects.toMatchObject({ message: expect.stringContaining('0 … 100 %') });
    // A fraction of an integer tag is refused, too (writeRounding defaults to refuse).
    await expect(runtime.handlers['tags.write']({ path: 'TIC/Speed', value: 42.5 })).rejects.toMatchObject({
      message: 'TIC/Speed is a uint16 and takes whole numbers: write 42 % or 43 %, not 42.5 %',
    });
    expect(server.log.filter((l) => WRITE_FCS.has(l.fc))).toHaveLength(writesBefore);
    expect([server.registers[40], server.registers[41]]).toEqual([250, 30]);
    const refused = await auditOf(runtime, 'tags.write_refused', 'TIC/SP');
    expect(refused).toHaveLength(1);
    expect(refused[0]).toMatchObject({ newValue: '601', comment: expect.stringContaining('outside its write limits') });
    expect(await auditOf(runtime, 'tags.write', 'TIC/SP')).toEqual([]);
  });

  it('tells tags.list clients the limits of writable tags', async () => {
    const { runtime } = await start();
    const tags = await runtime.handlers['tags.list']({});
    expect(Object.fromEntries(tags.map((t) => [t.path, t.writeLimits]))).toEqual({
      'TIC/SP': { min: 0, max: 600 },
      'TIC/Valve': { min: 0, max: 100 },
      'TIC/Speed': { min: 0, max: 100 },
    });
  });
});

describe('the writer on the demo plant', () => {
  const SP = 'Plant/HeatExchanger/TIC/SP';

  /** The demo project on a free port; `edit` may change it first. */
  async function demo(edit: (project: { tags: Array<Record<string, unknown>> }) => void = () => {}): Promise<App> {
    const dir = mkdtempSync(join(tmpdir(), 'writer-'));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const file = await demoProjectOnFreePort(dir);
    const project = parseYaml(readFileSync(file, 'utf8'));
    project.historian = { enabled: false };
    project.devices[0].pollMs = 200;
    edit(project);
    writeFileSync(file, stringifyYaml(project));
    const app = await startApp({ projectFile: file, dataDir: join(dir, 'data') });
    cleanups.push(() => app.stop());
    await waitFor(() => app.runtime.engine.find(SP)!.quality.status === 'good', 'the setpoint to be read', 10_000);
    return app;
  }

  it('refuses 500 °C for the 0..150 °C setpoint, and the controller keeps its setpoint', async () => {
    const app = await demo();
    const before = app.plant!.plant.hx.setpoint;
    await expect(app.runtime.handlers['tags.write']({ path: SP, value: 500 })).rejects.toMatchObject({
      kind: 'invalid_request',
      message: `${SP} accepts 0 … 150 °C: 500 °C is outside its write limits, nothing was sent`,
    });
    expect(app.plant!.plant.hx.setpoint).toBe(before);
    expect(await app.runtime.handlers['tags.write']({ path: SP, value: 120 })).toMatchObject({ requested: 120, held: 120, differs: false });
    expect(app.plant!.plant.hx.setpoint).toBe(120);
  });

  it('answers "requested 500, device holds 150" where the project’s limits let 500 through to the clamping controller', async () => {
    const app = await demo((project) => {
      const sp = project.tags.find((t) => t.path === SP)!;
      sp.writeLimits = { min: 0, max: 1000 };
    });
    const result = await app.runtime.handlers['tags.write']({ path: SP, value: 500 });
    expect(result).toMatchObject({ requested: 500, held: 150, readBack: 'held', differs: true });
    expect(app.plant!.plant.hx.setpoint).toBe(150);
    expect((await auditOf(app.runtime, 'tags.write', SP))[0]).toMatchObject({ newValue: '150', comment: 'requested 500 °C, device holds 150 °C' });
  });

  it('rounds the inflow valve to its 0.1 % step as the demo project declares, and says so', async () => {
    const app = await demo();
    const result = await app.runtime.handlers['tags.write']({ path: 'Plant/Tank/InflowValve', value: 42.26 });
    expect(result).toMatchObject({ written: 423, requested: 42.26, sent: 42.3, held: 42.3, differs: true });
    await expect(app.runtime.handlers['tags.write']({ path: 'Plant/Pump/SpeedSP', value: 101 })).rejects.toMatchObject({ kind: 'invalid_request' });
  });
});
