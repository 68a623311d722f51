// The uplink display's pure parts: which state, symbol and severity a status
// reads as (a retry during an outage stays "offline"), the queue's flags,
// bytes, fill, the oldest message's age and the drops, the masked broker
// URL, and the store slice that ignores a poll repeating the last answer.
import { afterEach, describe, expect, it } from 'vitest';
import type { StoreForwardInfo, UplinkStatus } from '../../../src/shared/uplink';
import {
  commandsText,
  dropSummary,
  formatBytes,
  headerQueue,
  nodeName,
  queueAge,
  queueAgeTicks,
  queueBytesText,
  queueFill,
  redactUrl,
  stateSince,
  uplinkFlags,
  uplinkView,
} from '../../../src/renderer/src/features/uplink/uplinkView';
import { sameUplinkStatus, useHmi } from '../../../src/renderer/src/stores';
import { formatTime } from '../../../src/renderer/src/ui/format';

const T0 = Date.UTC(2025, 2, 14, 8, 0, 0);

function queue(over: Partial<StoreForwardInfo> = {}): StoreForwardInfo {
  return {
    state: 'ok',
    problem: null,
    file: '/data/uplink-queue.db',
    depth: 0,
    bytes: 0,
    maxBytes: 500_000_000,
    oldestTs: null,
    dropped: 0,
    droppedSinceStart: 0,
    lastDropAt: null,
    bufferedMetrics: 0,
    replayed: 0,
    ...over,
  };
}

function status(over: Partial<UplinkStatus> = {}): UplinkStatus {
  return {
    state: 'online',
    format: 'sparkplug',
    url: 'mqtt://127.0.0.1:1883',
    groupId: 'Plant1',
    edgeNodeId: 'hmi-01',
    primaryHostId: null,
    connectedSince: T0,
    lastError: null,
    lastErrorAt: null,
    reconnects: 0,
    bdSeq: 3,
    publishedTags: 12,
    messages: 100,
    metrics: 1200,
    births: 2,
    deaths: 0,
    commandsEnabled: false,
    commands: 0,
    commandsRefused: 0,
    lastCommandError: null,
    queue: queue(),
    ...over,
  };
}

describe('uplinkView', () => {
  it('shows nothing before the first answer and for a project without an uplink', () => {
    expect(uplinkView(null, null)).toBeNull();
    expect(uplinkView(status({ state: 'disabled' }), null)).toBeNull();
    // A failed re-check does not make a missing uplink appear.
    expect(uplinkView(status({ state: 'disabled' }), 'unreachable')).toBeNull();
  });

  it('reads online quietly, with broker, identity and bdSeq in the title', () => {
    const view = uplinkView(status(), null)!;
    expect(view).toMatchObject({ state: 'online', severity: 'normal', symbol: '●', text: 'Uplink online', flags: [] });
    expect(view.detail).toBe('publishing live');
    expect(view.title).toContain('mqtt://127.0.0.1:1883');
    expect(view.title).toContain('Group Plant1 · edge node hmi-01 · bdSeq 3');
    expect(view.title).toContain('Sparkplug B');
    expect(view.title).toContain(`Connected since ${formatTime(T0)}`);
  });

  it('says when it replays the queue while online', () => {
    const view = uplinkView(status({ queue: queue({ depth: 40, oldestTs: T0 }) }), null)!;
    expect(view.detail).toBe('publishing live, replaying the queue');
    expect(view.severity).toBe('normal');
  });

  it('reads waiting for host in amber, naming the host', () => {
    const view = uplinkView(status({ state: 'waiting_for_host', primaryHostId: 'scada-host' }), null)!;
    expect(view).toMatchObject({ state: 'waiting_for_host', severity: 'warning', symbol: '▲', text: 'Uplink waiting for host' });
    expect(view.detail).toBe('primary host scada-host offline: publishing paused, messages wait in the queue');
    expect(view.title).toContain('Primary host scada-host');
  });

  it('reads offline in red, and says when values are not kept', () => {
    const down = status({ state: 'offline', connectedSince: null, lastError: 'connect ECONNREFUSED', lastErrorAt: T0, reconnects: 1 });
    const view = uplinkView(down, null)!;
    expect(view).toMatchObject({ state: 'offline', severity: 'fault', symbol: '✕', text: 'Uplink offline' });
    expect(view.detail).toBe('no broker; messages wait in the queue');
    expect(view.title).toContain(`Last error ${formatTime(T0)}: connect ECONNREFUSED`);
    expect(uplinkView({ ...down, queue: null }, null)!.detail).toBe('no broker; values are not kept (no store-and-forward)');
  });

  it('reads only the first attempt as connecting; a retry after a loss stays offline', () => {
    const first = uplinkView(status({ state: 'connecting', connectedSince: null }), null)!;
    expect(first).toMatchObject({ state: 'connecting', severity: 'warning', symbol: '◌', text: 'Uplink connecting' });
    const retry = uplinkView(status({ state: 'connecting', connectedSince: null, reconnects: 3, lastError: 'x' }), null)!;
    expect(retry).toMatchObject({ state: 'offline', severity: 'fault', text: 'Uplink offline' });
    expect(retry.detail).toMatch(/^reconnecting now/);
    // A first attempt that already failed once (broker down at start) is offline too.
    expect(uplinkView(status({ state: 'connecting', lastError: 'refused' }), null)!.state).toBe('offline');
  });

  it('reads stopped quietly', () => {
    expect(uplinkView(status({ state: 'stopped' }), null)).toMatchObject({ state: 'stopped', severity: 'normal', symbol: '■' });
  });

  it('reads a failed status call as unknown, with the last known status in the title', () => {
    const view = uplinkView(status(), 'no answer (unavailable)')!;
    expect(view).toMatchObject({ state: 'unknown', severity: 'warning', symbol: '?', flags: [] });
    expect(view.title).toContain('no answer (unavailable)');
    expect(view.title).toContain('Last known:');
    expect(uplinkView(null, 'refused')!.title).not.toContain('Last known');
  });

  it('flags a degraded queue, a nearly full one and drops since this start', () => {
    expect(uplinkFlags(null)).toEqual([]);
    expect(uplinkFlags(queue())).toEqual([]);
    const flags = uplinkFlags(
      queue({ state: 'degraded', problem: 'disk full', bytes: 460_000_000, droppedSinceStart: 1234, dropped: 2000 }),
    );
    expect(flags.map((f) => f.kind)).toEqual(['degraded', 'nearly_full', 'dropped']);
    expect(flags.map((f) => f.text)).toEqual(['queue degraded', '92 % full', '1,234 dropped']);
    // Drops before this start are history: the panel lists them, no flag.
    expect(uplinkFlags(queue({ dropped: 50 }))).toEqual([]);
    const view = uplinkView(status({ queue: queue({ state: 'degraded', problem: 'disk full' }) }), null)!;
    expect(view.flags).toHaveLength(1);
    expect(view.title).toContain('Queue degraded: disk full');
  });
});

describe('queue figures', () => {
  it('puts the depth in the header while messages wait, and how full when it nearly is', () => {
    expect(headerQueue(null)).toBeNull();
    expect(headerQueue(queue())).toBeNull();
    expect(headerQueue(queue({ depth: 1234, bytes: 1_000_000 }))).toEqual({ text: '1,234 queued', full: false });
    expect(headerQueue(queue({ depth: 55, bytes: 9_900, maxBytes: 10_000 }))).toEqual({
      text: '55 queued · 99 % full',
      full: true,
    });
  });

  it('formats bytes in decimal units', () => {
    expect(formatBytes(0)).toBe('0 B');
    expect(formatBytes(999)).toBe('999 B');
    expect(formatBytes(1500)).toBe('1.5 kB');
    expect(formatBytes(532_000)).toBe('532 kB');
    expect(formatBytes(12_345_678)).toBe('12.3 MB');
    expect(formatBytes(500_000_000)).toBe('500 MB');
    expect(formatBytes(999_960)).toBe('1.0 MB');
    expect(formatBytes(2_500_000_000)).toBe('2.5 GB');
    expect(formatBytes(-1)).toBe('—');
    expect(formatBytes(Number.NaN)).toBe('—');
  });

  it('fills the bar by bytes of maxBytes, capped at 1', () => {
    expect(queueFill({ bytes: 0, maxBytes: 1000 })).toBe(0);
    expect(queueFill({ bytes: 250, maxBytes: 1000 })).toBe(0.25);
    expect(queueFill({ bytes: 2000, maxBytes: 1000 })).toBe(1);
    expect(queueFill({ bytes: 10, maxBytes: 0 })).toBe(0);
    expect(queueBytesText({ bytes: 1_200_000, maxBytes: 500_000_000 })).toBe('1.2 MB of 500 MB (0.2 %)');
    expect(queueBytesText({ bytes: 0, maxBytes: 500_000_000 })).toBe('0 B of 500 MB (0 %)');
  });

  it('ages the oldest message against now, never below zero', () => {
    const waiting = { depth: 10, oldestTs: T0 };
    expect(queueAge(waiting, T0 + 133_000)).toBe('2 min 13 s');
    expect(queueAge(waiting, T0 + 5_000)).toBe('5 s');
    expect(queueAge(waiting, T0 + 3_725_000)).toBe('1 h 02 min');
    // This machine's clock a little behind the runtime's.
    expect(queueAge(waiting, T0 - 800)).toBe('0 s');
    expect(queueAge({ depth: 0, oldestTs: null }, T0)).toBe('—');
    expect(queueAge({ depth: 3, oldestTs: null }, T0)).toBe('unknown');
  });

  it('ticks the age only while messages wait with a known time', () => {
    expect(queueAgeTicks(null)).toBe(false);
    expect(queueAgeTicks({ depth: 0, oldestTs: null })).toBe(false);
    expect(queueAgeTicks({ depth: 3, oldestTs: null })).toBe(false);
    expect(queueAgeTicks({ depth: 3, oldestTs: T0 })).toBe(true);
  });

  it('sums up drops ever and since start, with the last one', () => {
    expect(dropSummary({ dropped: 0, droppedSinceStart: 0, lastDropAt: null })).toBeNull();
    expect(dropSummary({ dropped: 40, droppedSinceStart: 12, lastDropAt: T0 })).toBe(
      `12 since start · 40 ever · last ${formatTime(T0)}`,
    );
    expect(dropSummary({ dropped: 1500, droppedSinceStart: 0, lastDropAt: null })).toBe('0 since start · 1,500 ever');
  });
});

describe('identity and times', () => {
  it('masks a password in the broker URL', () => {
    expect(redactUrl('mqtt://127.0.0.1:1883')).toBe('mqtt://127.0.0.1:1883');
    expect(redactUrl('mqtts://edge:s3cret@broker.plant:8883/x')).toBe('mqtts://edge:•••@broker.plant:8883/x');
    expect(redactUrl('mqtt://edge@broker:1883')).toBe('mqtt://edge@broker:1883');
    expect(redactUrl('wss://u:p@h/mqtt?a=b@c')).toBe('wss://u:•••@h/mqtt?a=b@c');
  });

  it('says whether commands are on, and how many came and were refused', () => {
    expect(commandsText(status())).toBe('off');
    expect(commandsText(status({ commandsEnabled: true, commands: 1200, commandsRefused: 3 }))).toBe(
      'on · 1,200 received · 3 refused',
    );
  });

  it('names the node and dates the state only while connected', () => {
    expect(nodeName(status())).toBe('Plant1 / hmi-01');
    expect(nodeName({ groupId: null, edgeNodeId: null })).toBe('— / —');
    expect(stateSince(status())).toBe(T0);
    expect(stateSince(status({ state: 'waiting_for_host' }))).toBe(T0);
    expect(stateSince(status({ state: 'offline', connectedSince: null }))).toBeNull();
    // A status that still carries a start time while not online does not claim it.
    expect(stateSince(status({ state: 'connecting' }))).toBeNull();
  });
});

describe('uplink slice', () => {
  afterEach(() => useHmi.setState({ uplink: null, uplinkError: null }));

  it('compares statuses field by field, the queue too', () => {
    expect(sameUplinkStatus(status(), status())).toBe(true);
    expect(sameUplinkStatus(status(), status({ messages: 101 }))).toBe(false);
    expect(sameUplinkStatus(status(), status({ queue: queue({ depth: 1 }) }))).toBe(false);
    expect(sameUplinkStatus(status(), status({ queue: null }))).toBe(false);
    expect(sameUplinkStatus(status({ queue: null }), status({ queue: null }))).toBe(true);
  });

  it('keeps the same object (no re-render) when a poll repeats the last answer', () => {
    const first = status();
    useHmi.getState().setUplink(first);
    useHmi.getState().setUplink(status());
    expect(useHmi.getState().uplink).toBe(first);
    useHmi.getState().setUplink(status({ state: 'offline' }));
    expect(useHmi.getState().uplink?.state).toBe('offline');
  });

  it('clears an error with the next answer, even an unchanged one', () => {
    const first = status();
    useHmi.getState().setUplink(first);
    useHmi.getState().setUplinkError('unreachable');
    expect(useHmi.getState().uplinkError).toBe('unreachable');
    useHmi.getState().setUplink(status());
    expect(useHmi.getState().uplinkError).toBeNull();
  });
});
