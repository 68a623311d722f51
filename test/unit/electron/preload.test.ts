// The preload (src/preload/index.ts) with a stand-in for Electron's
// contextBridge and ipcRenderer: it exposes one object, window.scada, with
// call and subscribe only, and forwards nothing the contract does not name.
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { BRIDGE_KEY, IPC, type ScadaBridge } from '../../../src/shared/bridge';
import type { EventName, MethodName } from '../../../src/shared/names';

const electron = vi.hoisted(() => {
  const exposed: [string, unknown][] = [];
  const invoked: unknown[][] = [];
  const listeners = new Map<string, (...args: unknown[]) => void>();
  return {
    exposed,
    invoked,
    listeners,
    module: {
      contextBridge: { exposeInMainWorld: (key: string, api: unknown) => exposed.push([key, api]) },
      ipcRenderer: {
        invoke: (...args: unknown[]) => {
          invoked.push(args);
          return Promise.resolve({ ok: true, value: null });
        },
        on: (channel: string, listener: (...args: unknown[]) => void) => listeners.set(channel, listener),
      },
    },
  };
});

vi.mock('electron', () => electron.module);

describe('the preload', () => {
  let bridge: ScadaBridge;

  beforeAll(async () => {
    await import('../../../src/preload/index');
    expect(electron.exposed).toHaveLength(1);
    const [key, api] = electron.exposed[0]!;
    expect(key).toBe(BRIDGE_KEY);
    bridge = api as ScadaBridge;
  });

  it('exposes one object with call and subscribe, both functions, and nothing else', () => {
    expect(Object.keys(bridge).sort()).toEqual(['call', 'subscribe']);
    expect(typeof bridge.call).toBe('function');
    expect(typeof bridge.subscribe).toBe('function');
  });

  it('listens on the event channel only', () => {
    expect([...electron.listeners.keys()]).toEqual([IPC.event]);
  });

  it('forwards contract methods over the call channel, and refuses any other name without touching IPC', async () => {
    electron.invoked.length = 0;
    await expect(bridge.call('tags.list', { folder: 'Area' })).resolves.toEqual({ ok: true, value: null });
    expect(electron.invoked).toEqual([[IPC.call, 'tags.list', { folder: 'Area' }]]);
    for (const name of ['shell.exec', '__proto__', 'constructor', '', 'tags.list ']) {
      await expect(bridge.call(name as MethodName, {})).resolves.toMatchObject({ ok: false, error: { kind: 'unknown_method' } });
    }
    expect(electron.invoked).toHaveLength(1);
  });

  it('subscribes to contract event streams only, and routes events to the right listener', async () => {
    electron.invoked.length = 0;
    expect(() => bridge.subscribe('fs.watch' as EventName, {}, () => {})).toThrow(/no event stream/);
    expect(electron.invoked).toHaveLength(0);
    const got: unknown[] = [];
    const subscription = bridge.subscribe('tags.changed', { paths: ['A/B/C'] }, (payload) => got.push(payload));
    const stop = () => subscription.close();
    const [channel, id, name] = electron.invoked[0]!;
    expect([channel, name]).toEqual([IPC.subscribe, 'tags.changed']);
    electron.listeners.get(IPC.event)!({}, id, 'tags.changed', [1]);
    electron.listeners.get(IPC.event)!({}, 'someone-else', 'tags.changed', [2]);
    expect(got).toEqual([[1]]);
    stop();
    expect(electron.invoked.at(-1)).toEqual([IPC.unsubscribe, id]);
    electron.listeners.get(IPC.event)!({}, id, 'tags.changed', [3]);
    expect(got).toEqual([[1]]);
  });
});

describe('the preload’s subscriptions', () => {
  it('replace their params in place (the same id) and hand a refusal to the error callback', async () => {
    const [, api] = electron.exposed[0]!;
    const bridge = api as ScadaBridge;
    electron.invoked.length = 0;
    const errors: unknown[] = [];
    const subscription = bridge.subscribe('tags.changed', { paths: ['A'] }, () => {}, (error) => errors.push(error));
    subscription.update({ paths: ['A', 'B'] });
    const ids = electron.invoked.map((args) => args[1]);
    expect(electron.invoked.map((args) => args[0])).toEqual([IPC.subscribe, IPC.subscribe]);
    expect(ids[0]).toBe(ids[1]);
    expect(electron.invoked[1]![3]).toEqual({ paths: ['A', 'B'] });
    // No unsubscribe between the two: the stream is never dropped.
    expect(electron.invoked.some((args) => args[0] === IPC.unsubscribe)).toBe(false);
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(errors).toEqual([]);

    const refusal = { ok: false, error: { kind: 'forbidden', message: 'no' } };
    const original = electron.module.ipcRenderer.invoke;
    electron.module.ipcRenderer.invoke = (...args: unknown[]) => {
      electron.invoked.push(args);
      return Promise.resolve(refusal) as unknown as Promise<{ ok: true; value: null }>;
    };
    try {
      subscription.update({ paths: ['C'] });
      await new Promise((resolve) => setTimeout(resolve, 0));
      expect(errors).toEqual([refusal.error]);
    } finally {
      electron.module.ipcRenderer.invoke = original;
    }
    subscription.close();
    expect(electron.invoked.at(-1)).toEqual([IPC.unsubscribe, ids[0]]);
  });
});
