// Offline review: `serve --review FILE.db` opens a historian file read-only,
// with no drivers, and refuses a file it cannot read, saying exactly why.
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HistorianStore } from '../../../src/main/runtime/historian/store';
import { waitFor } from '../../helpers/waitFor';

const SERVE = join(process.cwd(), 'out', 'main', 'serve.js');
const dir = mkdtempSync(join(tmpdir(), 'review-'));
const file = join(dir, 'incident.db');
const HOUR = 3_600_000;
const start = 1_700_000_000_000 - (1_700_000_000_000 % HOUR);

function serve(args: string[]) {
  const child = spawn(process.execPath, [SERVE, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  const out = { stdout: '', stderr: '' };
  child.stdout.on('data', (d: Buffer) => (out.stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (out.stderr += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
  return { child, out, exited };
}

async function post(url: string, method: string, body: unknown) {
  const res = await fetch(`${url}api/${method}`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

beforeAll(() => {
  const store = new HistorianStore(file, { chunkMs: HOUR });
  const [level, pump] = store.registerTags([
    { path: 'Plant/Tank/Level', units: 'm', description: 'level', dataType: 'uint16', group: '', step: 0.001, offset: 0 },
    { path: 'Plant/Pump/Running', units: '', description: 'pump', dataType: 'bool', group: '', step: 1, offset: 0 },
  ]);
  const n = 7200;
  const ids = new Int32Array(n * 2);
  const t = new Float64Array(n * 2);
  const v = new Float64Array(n * 2);
  const q = new Uint8Array(n * 2);
  for (let i = 0; i < n; i++) {
    ids.set([level!, pump!], i * 2);
    t.set([start + i * 1000, start + i * 1000], i * 2);
    v.set([(i % 1000) / 100, i < 3600 ? 1 : 0], i * 2);
    q.set([i >= 5000 && i < 5100 ? 2 : 0, 0], i * 2);
  }
  store.append(ids, t, v, q, n * 2);
  store.flush(start + 3 * HOUR);
  store.close();
});

const children: ReturnType<typeof serve>['child'][] = [];
afterAll(() => {
  for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
});

describe('offline review', () => {
  it('serves the tags, history and statistics of a historian file, read-only', async () => {
    const s = serve(['--review', file, '--port', '0']);
    children.push(s.child);
    const url = await waitFor(() => /HMI ready at (\S+)/.exec(s.out.stdout)?.[1], 'the ready line', 10_000);
    expect(s.out.stdout).toContain('read-only');
    const tags = (await post(url, 'tags.list', {})).body as unknown as Array<{ path: string; value: number; quality: { status: string; reason: string } }>;
    expect(tags.map((tag) => tag.path)).toEqual(['Plant/Pump/Running', 'Plant/Tank/Level']);
    expect(tags[1]).toMatchObject({ value: 1.99, quality: { status: 'uncertain', reason: 'last_known_value' } });
    expect(await post(url, 'devices.list', {})).toMatchObject({ status: 200, body: [] });
    // A review has no users and asks for none: it looks, and changes nothing.
    expect(await post(url, 'auth.session', {})).toMatchObject({ status: 200, body: { role: 'viewer', setupRequired: false } });
    expect(await post(url, 'auth.setup', { user: 'admin', password: 'long-enough' })).toMatchObject({ status: 400 });

    const raw = await post(url, 'history.query', { paths: ['Plant/Tank/Level'], from: start, to: start + 2 * HOUR });
    const series = (raw.body.series as Array<{ t: number[]; v: (number | null)[]; q: number[] }>)[0]!;
    expect(series.t).toHaveLength(7200);
    expect(series.v[5000]).toBeNull();
    expect(series.v[123]).toBe(1.23);

    const twa = await post(url, 'history.query', { paths: ['Plant/Pump/Running'], from: start, to: start + 2 * HOUR, aggregate: 'twa', intervalMs: 2 * HOUR });
    expect((twa.body.series as Array<{ v: number[] }>)[0]!.v[0]).toBeCloseTo(0.5, 3);
    const stats = (await post(url, 'history.stats', { paths: ['Plant/Tank/Level'], from: start, to: start + 2 * HOUR })).body.stats as Array<Record<string, number>>;
    expect(stats[0]).toMatchObject({ path: 'Plant/Tank/Level', min: 0, max: 9.99, badMs: 100_000, count: 7100 });
    expect(stats[0]!.goodMs).toBe(2 * HOUR - 100_000);
    const status = await post(url, 'history.status', {});
    expect(status.body).toMatchObject({ state: 'read_only', reviewOnly: true, samplesStored: 14_400 });
    expect(await post(url, 'tags.write', { path: 'Plant/Tank/Level', value: 1 })).toMatchObject({ status: 403 });
    s.child.kill('SIGTERM');
    expect(await s.exited).toBe(0);
  });

  it('says exactly why a file cannot be reviewed', async () => {
    const newer = join(dir, 'newer.db');
    new HistorianStore(newer).close();
    const db = new Database(newer);
    db.prepare("UPDATE meta SET value = '7' WHERE key = 'schema_version'").run();
    db.close();
    const garbage = join(dir, 'garbage.db');
    writeFileSync(garbage, 'this is not a database, it is a shopping list'.repeat(200));
    for (const [path, message] of [
      [newer, 'written by a newer version (schema 7); this build reads schema 1 to 2'],
      [garbage, 'is not a valid historian file'],
      [join(dir, 'missing.db'), 'no such file'],
    ] as const) {
      const s = serve(['--review', path, '--port', '0']);
      children.push(s.child);
      expect(await s.exited).toBe(1);
      expect(s.out.stderr).toContain(message);
    }
  });
});
