// The audit trail on a full disk (a size-capped security file): actions are
// answered truthfully. With `security.auditFailure: accept` (the default) a
// write or an acknowledgement is carried out and answered as done, its entry
// waits, the header's state and a diagnostic system alarm say so, and once
// there is space again the entries are on the trail in order and chained.
// With `refuse` the action is refused before anything happens. Nothing is
// dropped without a count and a record of the gap.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ContractFailure } from '../../../src/shared/contract';
import { parseProject } from '../../../src/main/runtime/project/load';
import { Runtime } from '../../../src/main/runtime/runtime';
import { RUNTIME_CALLER, Security, trustedCaller } from '../../../src/main/runtime/security/security';
import { RawModbusServer } from '../../helpers/rawModbusServer';
import { waitFor } from '../../helpers/waitFor';

/** The store worker, run from source through tsx, as the application runs it. */
const worker = { url: new URL('../../helpers/tsWorker.mjs', import.meta.url), entry: new URL('../../../src/main/runtime/storeWorker/worker.ts', import.meta.url).href };

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  while (cleanups.length > 0) await cleanups.pop()!();
});

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'audit-full-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

const LEVEL = 'Area/Level';
const ALARM = `${LEVEL}#hi`;
const operator = trustedCaller('olga', 'ws-7', 'operator');

async function plant(auditFailure: 'accept' | 'refuse') {
  const device = new RawModbusServer();
  const port = await device.listen();
  cleanups.push(() => device.close());
  const runtime = new Runtime(
    parseProject(`
devices: [{ name: plc, driver: modbus-tcp, host: 127.0.0.1, port: ${port}, pollMs: 50, timeoutMs: 2000 }]
tags:
  - { path: ${LEVEL}, device: plc, address: "HR:0", writable: true, alarms: [{ kind: hi, limit: 50, priority: 1 }] }
security: { auditFailure: ${auditFailure} }
`),
    { securityFile: join(tempDir(), 'security.db'), storeWorker: worker },
  );
  cleanups.push(() => runtime.stop());
  await runtime.security.ready();
  await runtime.start();
  await waitFor(() => runtime.engine.find(LEVEL)!.quality.status === 'good', 'the level to be read', 10_000);
  const h = runtime.handlers;
  const write = (value: number) => h['tags.write']({ path: LEVEL, value }, operator);
  /** Caps the file where it stands, then writes until an entry no longer fits (the last page may have had room). */
  const fillDisk = async (): Promise<number[]> => {
    await runtime.security.store.setMaxPageCount(1);
    const written: number[] = [];
    for (let value = 1; runtime.security.auditStatus().state === 'ok'; value++) {
      if (value > 200) throw new Error('the capped file never filled');
      await write(value);
      written.push(value);
    }
    return written;
  };
  return { device, runtime, h, write, fillDisk };
}

/** The refusal of a call (the guard refuses before the handler runs, so it may throw at once). */
async function failureOf(run: () => unknown): Promise<ContractFailure> {
  try {
    await run();
  } catch (error) {
    if (error instanceof ContractFailure) return error;
    throw error;
  }
  throw new Error('it succeeded');
}

describe('a full disk under the audit trail', () => {
  it('accept: writes and acks are carried out and answered as done; their entries wait, then reach the trail in order and chained', async () => {
    const { device, runtime, h, write, fillDisk } = await plant('accept');
    const before = await fillDisk();
    // Every write was answered as done, and the device holds each value in turn.
    expect(device.registers[0]).toBe(before.at(-1));

    // More actions while the trail cannot be written: carried out and answered as done.
    expect(await write(60)).toMatchObject({ path: LEVEL, held: 60, readBack: 'held' });
    expect(device.registers[0]).toBe(60);
    await waitFor(() => runtime.alarms.find(ALARM)!.state === 'unacknowledged', 'the hi alarm');
    expect(await h['alarms.ack']({ ids: [ALARM], comment: 'seen on the full disk' }, operator)).toEqual({ acknowledged: [ALARM] });
    expect(runtime.alarms.find(ALARM)!.state).toBe('acknowledged');
    expect(await write(40)).toMatchObject({ held: 40 });

    // The header's state (auth.session) and a diagnostic system alarm say so.
    const session = await h['auth.session']({}, operator);
    expect(session.audit).toMatchObject({ state: 'degraded', mode: 'accept', dropped: 0 });
    expect(session.audit.pending).toBeGreaterThanOrEqual(4);
    expect(session.audit.problem).toContain('disk is full');
    const listed = await h['alarms.list']({ filter: { show: 'active' } }, operator);
    expect(listed.alarms.find((a) => a.id === 'system/audit')).toMatchObject({ kind: 'system', priority: 'diagnostic', state: 'unacknowledged' });
    expect(listed.alarms.find((a) => a.id === 'system/audit')!.message).toMatch(/^Audit trail degraded: the disk is full/);

    // Space again: the entries are written by themselves, in order, and chained.
    await runtime.security.store.setMaxPageCount(1_000_000);
    await waitFor(() => runtime.security.auditStatus().state === 'ok', 'the trail to catch up', 15_000);
    expect(runtime.security.auditStatus()).toMatchObject({ pending: 0, dropped: 0, problem: null });
    const { entries } = await h['audit.list']({ from: 0, to: Date.now() + 1000, filter: {}, limit: 1000 }, RUNTIME_CALLER);
    const actions = entries
      .reverse()
      .filter((e) => e.action === 'tags.write' || e.action === 'alarms.ack')
      .map((e) => (e.action === 'alarms.ack' ? `ack ${e.comment}` : e.newValue));
    expect(actions).toEqual([...before.map(String), '60', 'ack seen on the full disk', '40']);
    expect(entries.every((e, i) => i === 0 || e.seq === entries[i - 1]!.seq + 1)).toBe(true);
    expect(await h['audit.verify']({}, RUNTIME_CALLER)).toMatchObject({ ok: true, brokenAt: null });
    expect(runtime.alarms.find('system/audit')).toMatchObject({ state: 'rtn_unacknowledged', message: expect.stringContaining('written again') });
  }, 60_000);

  it('refuse: an action that cannot be audited is refused before it happens, with the reason', async () => {
    const { device, runtime, h, write, fillDisk } = await plant('refuse');
    const before = await fillDisk();
    // The write that found the disk full had already been carried out: it is answered as done, its entry waits.
    expect(device.registers[0]).toBe(before.at(-1));
    await waitFor(() => runtime.alarms.find('system/audit')?.state === 'unacknowledged', 'the audit alarm');

    const refused = await failureOf(() => write(60));
    expect(refused.kind).toBe('unavailable');
    expect(refused.message).toMatch(/^tags.write refused: the audit trail cannot be written \(the disk is full.*\(security.auditFailure: refuse\)$/);
    expect(device.registers[0]).toBe(before.at(-1)); // nothing was sent
    const ack = await failureOf(() => h['alarms.ack']({ ids: ['system/audit'] }, operator));
    expect(ack.kind).toBe('unavailable');
    expect(runtime.alarms.find('system/audit')!.state).toBe('unacknowledged');
    expect((await h['auth.session']({}, operator)).audit).toMatchObject({ state: 'degraded', mode: 'refuse' });

    await runtime.security.store.setMaxPageCount(1_000_000);
    await waitFor(() => runtime.security.auditStatus().state === 'ok', 'the trail to catch up', 15_000);
    expect(await write(61)).toMatchObject({ held: 61 });
    expect(await h['audit.verify']({}, RUNTIME_CALLER)).toMatchObject({ ok: true });
  }, 60_000);

  it('drops past its bound only with a count, and records the gap in the trail once it is written again', async () => {
    const security = new Security({ file: join(tempDir(), 'security.db'), worker, maxPendingAudit: 3, auditRetryMs: 50 });
    cleanups.push(() => security.close());
    await security.ready();
    await security.audit(RUNTIME_CALLER, 'test', 'first', null, null, null);
    await security.store.setMaxPageCount(1);
    const answers = [];
    for (let i = 0; i < 100 && security.auditStatus().dropped < 2; i++) answers.push(await security.audit(operator, 'tags.write', LEVEL, null, String(i), 'x'.repeat(300)));
    expect(answers.at(-1)).toBeNull();
    expect(security.auditStatus()).toMatchObject({ state: 'degraded', pending: 3, dropped: 2 });
    expect((await security.sessionInfo(operator)).audit).toMatchObject({ pending: 3, dropped: 2 });

    await security.store.setMaxPageCount(1_000_000);
    await waitFor(() => security.auditStatus().state === 'ok', 'the trail to catch up');
    // Still counted: the HMI keeps showing what was lost.
    expect(security.auditStatus()).toMatchObject({ pending: 0, dropped: 2 });
    const { entries } = await security.queryAudit({ from: 0, to: Date.now() + 1000, limit: 1000 });
    const gap = entries[0]!;
    expect(gap).toMatchObject({ action: 'audit.dropped', newValue: '2' });
    expect(gap.comment).toMatch(/^2 audit entries (at|from) .* were lost: the trail could not be written and its queue \(3\) was full$/);
    const written = entries.filter((e) => e.action === 'tags.write').map((e) => Number(e.newValue)).reverse();
    // In order, with no hole but the recorded one at the end of the queue.
    expect(written).toEqual(written.map((_, i) => written[0]! + i));
    expect(await security.store.verifyAudit()).toMatchObject({ ok: true });
  }, 60_000);
});
