// The uplink against Mosquitto from Debian on loopback:
//
//   uplink.metrics_per_s         sustained DDATA metrics, from the tag engine's
//                                changes through the Sparkplug edge node to a
//                                subscriber that received them all
//   uplink.bytes_per_metric      DDATA payload bytes per metric (alias,
//                                timestamp, value: what goes on the wire)
//   uplink.replay_metrics_per_s  store-and-forward drain: metrics queued
//                                while the broker was down, replayed (QoS 1,
//                                acknowledged) once it is back; the queue
//                                runs in the store worker, as in the app
//
// 10 devices × 2,000 tags (a plant's worth of Float and Double values) change
// every round; each round is one engine turn, so one DDATA per device.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mqtt from 'mqtt';
import type { TagDefinition } from '../src/main/runtime/tags/definition';
import { TagEngine } from '../src/main/runtime/tags/engine';
import { qualityOf } from '../src/main/runtime/tags/plausibility';
import { uplinkSchema } from '../src/main/runtime/uplink/config';
import { Uplink } from '../src/main/runtime/uplink/uplink';
import { Mosquitto } from '../test/helpers/mosquitto';
import { report } from './report';

const DEVICES = 10;
const PER_DEVICE = 2000;
const TAGS = DEVICES * PER_DEVICE;
const LIVE_ROUNDS = 100;
const OFFLINE_ROUNDS = 30;
const GOOD = qualityOf('good');

const definitions: TagDefinition[] = Array.from({ length: TAGS }, (_, i) => ({
  path: `Site/Line${i % DEVICES}/Cell${Math.floor(i / 100) % 20}/PV${i}`,
  device: `plc${i % DEVICES}`,
  address: `HR:${i % 60000}`,
  // Three in four from 16-bit registers scaled to engineering units (Float), the rest float64 (Double).
  dataType: i % 4 === 3 ? 'float64' : 'uint16',
  units: 'm',
  description: '',
  writable: false,
  deadband: 0,
  scale: i % 4 === 3 ? undefined : { rawMin: 0, rawMax: 10000, euMin: 0, euMax: 100 },
}));

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'bench-uplink-'));
  const broker = await Mosquitto.start();
  const engine = new TagEngine(definitions);
  const config = uplinkSchema.parse({
    url: broker.url,
    groupId: 'Bench',
    edgeNodeId: 'edge',
    storeAndForward: { file: 'queue.db', replayPerSecond: 1_000_000 },
  });
  // The queue's SQLite work in the store worker, as in the application (`npm run bench` builds it).
  const storeWorker = { url: join(process.cwd(), 'out', 'main', 'storeWorker.js') };
  const uplink = new Uplink(config, { engine, deviceOnline: () => true, write: async () => undefined, queueFile: join(dir, 'queue.db'), storeWorker });

  // An independent subscriber: counts DDATA messages and their payload bytes.
  const subscriber = await mqtt.connectAsync(broker.url, { protocolVersion: 5 });
  let ddata = 0;
  let ddataBytes = 0;
  let historicalMessages = 0;
  subscriber.on('message', (topic, payload) => {
    if (!topic.includes('/DDATA/')) return;
    ddata++;
    ddataBytes += payload.length;
    // is_historical (field 5 of a metric, true) shows in the bytes as 0x28 0x01 after the metric's header.
    if (payload.includes(Buffer.from([0x28, 0x01]))) historicalMessages++;
  });
  await subscriber.subscribeAsync('spBv1.0/Bench/#', { qos: 1 });

  let tick = Date.now();
  const round = (r: number) => {
    tick += 1000;
    for (let id = 0; id < TAGS; id++) engine.ingest(id, definitions[id]!.scale ? (id * 7 + r * 13) % 10000 : Math.sin(id + r) * 50, GOOD, tick);
    engine.flush();
  };

  uplink.start();
  const deadline = Date.now() + 20_000;
  while (uplink.status().births < 1 + DEVICES) {
    if (Date.now() > deadline) throw new Error(`no births: ${JSON.stringify(uplink.status())}`);
    await new Promise((r) => setTimeout(r, 20));
  }

  // Live: rounds as fast as the event loop lets the client write them.
  const started = performance.now();
  for (let r = 1; r <= LIVE_ROUNDS; r++) {
    round(r);
    await new Promise((resolve) => setImmediate(resolve));
  }
  const expected = LIVE_ROUNDS * DEVICES;
  while (ddata < expected) {
    if (performance.now() - started > 120_000) throw new Error(`only ${ddata} of ${expected} DDATA arrived`);
    await new Promise((r) => setTimeout(r, 5));
  }
  const liveSeconds = (performance.now() - started) / 1000;
  report('uplink.metrics_per_s', Math.round((LIVE_ROUNDS * TAGS) / liveSeconds), 'metrics/s');
  report('uplink.bytes_per_metric', ddataBytes / (LIVE_ROUNDS * TAGS), 'B');

  // Offline: the broker goes, rounds are queued; it comes back, the queue drains.
  await broker.pause();
  while (uplink.status().state === 'online') await new Promise((r) => setTimeout(r, 20));
  for (let r = 1; r <= OFFLINE_ROUNDS; r++) round(LIVE_ROUNDS + r);
  await new Promise((r) => setTimeout(r, 200));
  const queued = uplink.status().queue!;
  const queuedMetrics = OFFLINE_ROUNDS * TAGS;
  if (queued.depth !== OFFLINE_ROUNDS * DEVICES) throw new Error(`expected ${OFFLINE_ROUNDS * DEVICES} queued messages, found ${queued.depth}`);
  historicalMessages = 0;
  const ddataBefore = ddata;
  await broker.resume();
  await subscriber.reconnect();
  while (!subscriber.connected) await new Promise((r) => setTimeout(r, 10));
  await subscriber.subscribeAsync('spBv1.0/Bench/#', { qos: 1 });
  // From the session's births (the replay starts right after them) to the queue's last acknowledgement.
  while (uplink.status().state !== 'online') await new Promise((r) => setTimeout(r, 2));
  const drainStart = performance.now();
  while (uplink.status().queue!.depth > 0) {
    if (performance.now() - drainStart > 120_000) throw new Error('the queue did not drain');
    await new Promise((r) => setTimeout(r, 2));
  }
  const drainSeconds = (performance.now() - drainStart) / 1000;
  report('uplink.replay_metrics_per_s', Math.round(queuedMetrics / drainSeconds), 'metrics/s');
  await new Promise((r) => setTimeout(r, 1000));
  console.error(
    `bench: ${LIVE_ROUNDS * TAGS} live metrics in ${liveSeconds.toFixed(2)} s; ${queuedMetrics} queued metrics (${queued.bytes} bytes) drained in ${drainSeconds.toFixed(2)} s; the subscriber saw ${historicalMessages} historical messages of ${ddata - ddataBefore} DDATA`,
  );

  await uplink.stop();
  await subscriber.endAsync(true);
  await broker.stop();
  rmSync(dir, { recursive: true, force: true });
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
