// An acknowledgement answered as done survives a kill -9 right after the
// answer: serve mode is killed the moment alarms.ack answers 200, started
// again on the same data folder, and the alarm must still be acknowledged,
// with its journal entry and its audit entry (the chain unbroken). Prints
// its counts in the CI log.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { adminToken, callApi, startServe } from '../../scripts/serveProcess.mjs';
import { RawModbusServer } from '../helpers/rawModbusServer';
import { waitFor } from '../helpers/waitFor';

const ROUNDS = 5;
const ALARM = 'Area/Pressure#hi';

interface AlarmView {
  id: string;
  state: string;
}

const dir = mkdtempSync(join(tmpdir(), 'faults-ack-'));
const device = new RawModbusServer();
afterAll(async () => {
  await device.close();
  rmSync(dir, { recursive: true, force: true });
});

async function alarmState(url: string): Promise<string | undefined> {
  const { alarms } = (await callApi(url, 'alarms.list', { filter: { show: 'all' } })) as { alarms: AlarmView[] };
  return alarms.find((a) => a.id === ALARM)?.state;
}

describe('faults: kill -9 right after an operator action', () => {
  it(`keeps every acknowledgement and write answered as done, with its audit entry (${ROUNDS} kills)`, async () => {
    const port = await device.listen();
    const project = join(dir, 'plant.yaml');
    writeFileSync(
      project,
      `devices: [{ name: plc, driver: modbus-tcp, host: 127.0.0.1, port: ${port}, pollMs: 50, timeoutMs: 2000 }]
tags:
  - path: Area/Pressure
    device: plc
    address: "HR:0"
    units: bar
    alarms: [{ kind: hi, limit: 50, priority: 1 }]
  - { path: Area/Setpoint, device: plc, address: "HR:1", units: bar, writable: true, writeLimits: { min: 0, max: 1000 } }
`,
    );
    const data = join(dir, 'data');
    let lost = 0;
    for (let round = 1; round <= ROUNDS; round++) {
      const serve = startServe(['--project', project, '--data', data, '--port', '0']);
      const url = (await serve.url) as string;
      const token = (await adminToken(url)) as string;
      // A fresh activation to acknowledge: below the limit (normal), then above it.
      device.registers[0] = 0;
      await waitFor(async () => (await alarmState(url)) === 'normal', `round ${round}: the alarm normal`, 15_000);
      device.registers[0] = 100;
      await waitFor(async () => (await alarmState(url)) === 'unacknowledged', `round ${round}: the alarm raised`, 15_000);
      const answer = (await callApi(url, 'alarms.ack', { ids: [ALARM], comment: `round ${round}` }, token)) as { acknowledged: string[] };
      // A write answered as done, then killed at once: nothing after the answer gets to run.
      const written = (await callApi(url, 'tags.write', { path: 'Area/Setpoint', value: 100 + round }, token)) as { held: number };
      serve.child.kill('SIGKILL');
      expect(answer.acknowledged).toEqual([ALARM]);
      expect(written.held).toBe(100 + round);
      expect(device.registers[1]).toBe(100 + round);
      await new Promise((resolve) => serve.child.once('exit', resolve));

      const again = startServe(['--project', project, '--data', data, '--port', '0']);
      try {
        const url2 = (await again.url) as string;
        const token2 = (await adminToken(url2)) as string;
        const state = await alarmState(url2);
        const { entries } = (await callApi(url2, 'alarms.journal', { from: 0, to: Date.now() + 60_000, filter: { alarmId: ALARM, events: ['acknowledged'] }, limit: 100 })) as { entries: { comment: string | null }[] };
        const audit = (await callApi(url2, 'audit.list', { from: 0, to: Date.now() + 60_000, filter: { action: 'alarms.ack' }, limit: 100 }, token2)) as { entries: { comment: string | null }[] };
        const chain = (await callApi(url2, 'audit.verify', {}, token2)) as { ok: boolean };
        const writes = (await callApi(url2, 'audit.list', { from: 0, to: Date.now() + 60_000, filter: { action: 'tags.write' }, limit: 100 }, token2)) as { entries: { newValue: string | null }[] };
        const kept = state === 'acknowledged' && entries.some((e) => e.comment === `round ${round}`) && audit.entries.some((e) => e.comment === `round ${round}`) && chain.ok;
        const writeKept = writes.entries.some((e) => e.newValue === String(100 + round));
        if (!kept || !writeKept) {
          lost++;
          console.log(`faults: round ${round} lost an action answered as done: state ${state}, journal ${entries.length}, ack audit ${audit.entries.length}, write audit ${writeKept}, chain ${chain.ok}`);
        }
      } finally {
        await again.stop();
      }
    }
    console.log(`faults: ${ROUNDS} kills right after alarms.ack and tags.write, ${lost} actions lost`);
    expect(lost).toBe(0);
  }, 300_000);
});
