// Store-and-forward end to end: the demo plant publishes to Mosquitto, the
// broker stops for 30 seconds and comes back; every change made during the
// outage arrives once, in order, marked historical, and matches what the
// historian recorded. Then a restart of the application with a full queue.
// The application reaches the broker through a proxy the test holds shut
// until the independent subscriber is back, so the subscriber cannot miss
// the new births (a race of the test, not of the product).
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parse as parseYaml, stringify as stringifyYaml } from 'yaml';
import { demoProjectOnFreePort } from '../../../scripts/serveProcess.mjs';
import { startApp, type App } from '../../../src/main/app';
import { Mosquitto } from '../../helpers/mosquitto';
import { TcpProxy } from '../../helpers/tcpProxy';
import { SparkplugListener, type HeardMetric } from '../../helpers/sparkplugListener';
import { waitFor } from '../../helpers/waitFor';

const LEVEL = 'Plant/Tank/Level';
const OUTAGE_MS = 30_000;
const cleanups: Array<() => Promise<void> | void> = [];
afterAll(async () => {
  while (cleanups.length > 0) await cleanups.pop()!();
});

async function demoWithUplink(url: string): Promise<{ projectFile: string; dataDir: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'outage-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  const file = await demoProjectOnFreePort(dir);
  const project = parseYaml(readFileSync(file, 'utf8'));
  project.uplink = { url, groupId: 'Plant1', edgeNodeId: 'demo', publish: ['Plant/Tank/**'] };
  writeFileSync(file, stringifyYaml(project));
  return { projectFile: file, dataDir: join(dir, 'data') };
}

/** The level's metrics a listener heard, with the alias the DBIRTH gave it resolved. */
function levelMetrics(listener: SparkplugListener, from = 0): HeardMetric[] {
  let alias: number | undefined;
  const out: HeardMetric[] = [];
  for (const heard of listener.heard.slice(from)) {
    if (heard.type === 'DBIRTH') alias = heard.metrics.find((m) => m.name === LEVEL)?.alias;
    if (heard.type !== 'DDATA') continue;
    for (const metric of heard.metrics) if (metric.name === LEVEL || (alias !== undefined && metric.alias === alias)) out.push(metric);
  }
  return out;
}

describe('store-and-forward through a broker outage', () => {
  let broker: Mosquitto;
  let app: App;
  /** Between the application and the broker: cut, the broker is unreachable for the application only. */
  let link: TcpProxy;

  it(
    'delivers every change made during a 30 s outage once, in order, historical, as the historian recorded it',
    async () => {
      broker = await Mosquitto.start();
      cleanups.push(() => broker.stop());
      link = await TcpProxy.start(broker.port);
      cleanups.push(() => link.cut());
      // The subscriber talks to the broker directly, the application through the proxy.
      const listener = await SparkplugListener.connect(broker.url);
      cleanups.push(() => listener.close());
      app = await startApp(await demoWithUplink(`mqtt://127.0.0.1:${link.port}`));
      cleanups.push(() => app.stop());
      await listener.next('DBIRTH', 'the demo plant born', 15_000);
      await waitFor(() => levelMetrics(listener).length > 3, 'live level data', 10_000);

      await broker.pause();
      await link.cut();
      const down = Date.now();
      await waitFor(() => app.runtime.uplink!.status().state === 'offline', 'the uplink offline', 5000);
      await new Promise((r) => setTimeout(r, OUTAGE_MS));
      const queued = app.runtime.uplink!.status().queue!;
      expect(queued.depth).toBeGreaterThan(10);
      const up = Date.now();
      await broker.resume();
      await waitFor(() => listener.client.connected, 'the subscriber back', 10_000);
      await listener.client.subscribeAsync('spBv1.0/#', { qos: 1 });
      const heardFrom = listener.heard.length;
      await link.restore();
      await waitFor(() => app.runtime.uplink!.status().state === 'online', 'the uplink back', 35_000);
      await waitFor(() => app.runtime.uplink!.status().queue!.depth === 0, 'the queue drained', 30_000);
      await new Promise((r) => setTimeout(r, 500));

      const after = listener.heard.slice(heardFrom);
      const birth = after.findIndex((h) => h.type === 'NBIRTH');
      const firstHistorical = after.findIndex((h) => h.metrics.some((m) => m.isHistorical));
      expect(birth).toBeGreaterThanOrEqual(0);
      expect(firstHistorical).toBeGreaterThan(birth);

      const historical = after.flatMap((h) => h.metrics.filter((m) => m.isHistorical && m.name === LEVEL));
      const times = historical.map((m) => m.timestamp!);
      expect(new Set(times).size, 'each change once').toBe(times.length);
      expect([...times].sort((a, b) => a - b), 'in order').toEqual(times);
      expect(times.length).toBeGreaterThan(OUTAGE_MS / 500 / 4);

      // The historian recorded the same changes of the outage (the same tag deadband feeds both).
      const { series } = await app.runtime.handlers['history.query']({ paths: [LEVEL], from: down, to: up, maxPoints: 100_000 });
      const recorded = new Map<number, number | null>();
      for (let i = 0; i < series[0]!.t.length; i++) recorded.set(series[0]!.t[i]!, series[0]!.v[i]!);
      const during = historical.filter((m) => m.timestamp! >= down && m.timestamp! < up);
      expect(during.length).toBeGreaterThan(10);
      for (const metric of during) {
        expect(recorded.has(metric.timestamp!), `sample at ${metric.timestamp} in the historian`).toBe(true);
        expect(Math.fround(recorded.get(metric.timestamp!)!)).toBe(metric.value);
      }
      // And nothing of the outage came as live data.
      expect(after.flatMap((h) => h.metrics).filter((m) => !m.isHistorical && m.timestamp! >= down && m.timestamp! < up - 1000 && m.name === undefined)).toEqual([]);
    },
    120_000,
  );

  it(
    'keeps the queue across a restart of the application: nothing is lost',
    async () => {
      const setup = { projectFile: app.projectFile, dataDir: app.dataDir };
      const before = app.runtime.uplink!.status().queue!.bufferedMetrics;
      await link.cut();
      await waitFor(() => app.runtime.uplink!.status().state === 'offline', 'offline', 5000);
      await waitFor(() => app.runtime.uplink!.status().queue!.bufferedMetrics >= before + 10, 'changes queued', 15_000);
      await app.stop();
      const buffered = app.runtime.uplink!.status().queue!.bufferedMetrics - before;

      const listener = await SparkplugListener.connect(broker.url);
      cleanups.push(() => listener.close());
      await link.restore();
      const second = await startApp(setup);
      cleanups.push(() => second.stop());
      expect(second.runtime.uplink!.status().queue!.depth).toBeGreaterThan(0);
      await waitFor(() => second.runtime.uplink!.status().queue!.depth === 0, 'the carried queue drained', 30_000);
      await new Promise((r) => setTimeout(r, 300));
      const historical = listener.heard.flatMap((h) => h.metrics.filter((m) => m.isHistorical));
      // At least once: a message whose acknowledgement was cut short may come twice, none may be missing.
      const distinct = new Set(historical.map((m) => `${m.name} ${m.timestamp}`));
      // The second run queues too, until its first session is up: that is history as well.
      const ownBuffered = second.runtime.uplink!.status().queue!.bufferedMetrics;
      console.log(`restart: ${buffered} metrics buffered before, ${ownBuffered} by the new run before it connected, ${historical.length} historical received, ${distinct.size} distinct`);
      expect(distinct.size).toBe(buffered + ownBuffered);
    },
    60_000,
  );
});
