// Two runtimes through Mosquitto: one serves the demo plant and publishes it
// (a child process running serve mode, with an uplink that waits for its
// primary host), the other hosts it with a `sparkplug-host` device. Values
// and quality match, a write from the host reaches the plant by DCMD, and
// when the publisher is killed its Will (NDEATH, with the birth's bdSeq)
// turns the host's tags Bad.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse as parseYaml, stringify as stringifyYaml } from 'yaml';
import { adminToken, callApi, demoProjectOnFreePort, startServe, type ServeProcess } from '../../../scripts/serveProcess.mjs';
import { parseProject } from '../../../src/main/runtime/project/load';
import { Runtime } from '../../../src/main/runtime/runtime';
import { Mosquitto } from '../../helpers/mosquitto';
import { SparkplugListener } from '../../helpers/sparkplugListener';
import { waitFor } from '../../helpers/waitFor';
import { failOnLeaks } from '../../helpers/leaks';

interface ApiTag {
  path: string;
  value: number | boolean | null;
  ts: number;
  quality: { status: string; reason?: string };
}

let broker: Mosquitto;
let listener: SparkplugListener;
let publisher: ServeProcess;
let publisherUrl: string;
let host: Runtime;
let dir: string;

const HOST_PROJECT = (url: string) => `
devices:
  - { name: remote, driver: sparkplug-host, url: "${url}", groupId: Plant1, edgeNodeId: edge1, hostId: scada-host, reorderTimeoutMs: 500 }
tags:
  - { path: Remote/Tank/Level, device: remote, address: edge1/plc1/Plant/Tank/Level, units: m }
  - { path: Remote/Pump/Running, device: remote, address: edge1/plc1/Plant/Pump/Running, dataType: bool }
  - { path: Remote/TIC/SP, device: remote, address: edge1/plc1/Plant/HeatExchanger/TIC/SP, dataType: float32, writable: true }
  - { path: Remote/Node/Hostname, device: remote, address: "edge1//Node Info/Published Tags", dataType: uint32 }
`;

const hostTag = (path: string) => host.engine.find(path)!;
const publisherTags = async (): Promise<Map<string, ApiTag>> =>
  new Map((await callApi<ApiTag[]>(publisherUrl, 'tags.list', { folder: 'Plant' })).map((t) => [t.path, t]));

// Stopped drivers (and the servers this suite started) leave no socket, timer or listener behind.
failOnLeaks();

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'two-runtimes-'));
  broker = await Mosquitto.start();
  listener = await SparkplugListener.connect(broker.url);
  const file = await demoProjectOnFreePort(dir);
  const project = parseYaml(readFileSync(file, 'utf8'));
  project.historian = { enabled: false };
  project.uplink = { url: broker.url, groupId: 'Plant1', edgeNodeId: 'edge1', primaryHostId: 'scada-host', commands: true, publish: ['Plant/**'] };
  writeFileSync(file, stringifyYaml(project));
  publisher = startServe(['--project', file, '--port', '0', '--data', join(dir, 'data')]);
  publisherUrl = (await publisher.url) as string;
});

afterAll(async () => {
  await host?.stop();
  await publisher?.stop();
  await listener?.close();
  await broker?.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('a Sparkplug host and an edge node', () => {
  it('the edge node waits for its primary host; the host comes online and both sides agree on values', async () => {
    await new Promise((r) => setTimeout(r, 500));
    expect(listener.of('NBIRTH')).toHaveLength(0);
    host = new Runtime(parseProject(HOST_PROJECT(broker.url)));
    host.start();
    await waitFor(() => listener.heard.some((h) => h.topic === 'spBv1.0/STATE/scada-host'), 'the host STATE');
    await listener.next('DBIRTH', 'the births after the host came online', 10_000);
    await waitFor(() => hostTag('Remote/Tank/Level').quality.status === 'good', 'the level at the host', 10_000);

    // The same sample on both sides: same source time, same value (sent as a Float).
    const matched = await waitFor(async () => {
      const pub = (await publisherTags()).get('Plant/Tank/Level')!;
      const mine = hostTag('Remote/Tank/Level');
      return mine.ts === pub.ts && mine.value === Math.fround(pub.value as number) ? pub : null;
    }, 'the host and the publisher on the same level sample', 10_000);
    expect(matched.quality.status).toBe('good');
    expect(typeof hostTag('Remote/Pump/Running').value).toBe('boolean');
    expect(hostTag('Remote/Node/Hostname').value).toBeGreaterThan(20);
  });

  it('carries quality across: an out-of-range sensor is Bad at the host too, with the reason', async () => {
    await callApi(publisherUrl, 'simulator.setFault', { kind: 'out_of_range', signal: 'tank.level', active: true }, await adminToken(publisherUrl));
    await waitFor(() => hostTag('Remote/Tank/Level').quality.status === 'bad', 'Bad at the host', 10_000);
    expect(hostTag('Remote/Tank/Level').quality.reason).toBe('out_of_range');
    await callApi(publisherUrl, 'simulator.setFault', { kind: 'out_of_range', signal: 'tank.level', active: false }, await adminToken(publisherUrl));
    await waitFor(() => hostTag('Remote/Tank/Level').quality.status === 'good', 'Good again at the host', 10_000);
  });

  it('writes from the host reach the plant by DCMD', async () => {
    const answer = await host.handlers['tags.write']({ path: 'Remote/TIC/SP', value: 71.5 });
    // A Sparkplug command cannot be read back on demand: the answer says so rather than claim the value.
    expect(answer).toMatchObject({ sent: 71.5, held: null, readBack: 'unsupported', differs: false });
    await waitFor(async () => (await publisherTags()).get('Plant/HeatExchanger/TIC/SP')!.value === 71.5, 'the setpoint at the plant', 10_000);
    await waitFor(() => hostTag('Remote/TIC/SP').value === 71.5, 'the setpoint back at the host', 10_000);
  });

  it('a killed publisher: its Will (NDEATH with the birth’s bdSeq) turns the host’s tags Bad', async () => {
    const birth = listener.of('NBIRTH').at(-1)!;
    const bdSeq = birth.metrics.find((m) => m.name === 'bdSeq')!.value;
    publisher.child.kill('SIGKILL');
    const death = await listener.next('NDEATH', 'the Will', 15_000);
    expect(death.metrics.find((m) => m.name === 'bdSeq')!.value).toBe(bdSeq);
    await waitFor(() => hostTag('Remote/Tank/Level').quality.status === 'bad', 'Bad at the host', 5000);
    expect(hostTag('Remote/Tank/Level').quality.reason).toBe('comm_failure');
    expect(hostTag('Remote/TIC/SP').quality.status).toBe('bad');
    expect(hostTag('Remote/Node/Hostname').quality.status).toBe('bad');
  });
});
