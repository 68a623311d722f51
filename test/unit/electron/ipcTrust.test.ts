// The IPC binding (src/main/transport/ipc.ts) checks the sender's frame on
// every channel: a frame that is not our renderer, or a frame that is gone,
// reaches neither the dispatcher nor an event channel.
import { describe, expect, it } from 'vitest';
import { IPC } from '../../../src/shared/bridge';
import { trustedUrlPredicate } from '../../../src/main/hardening';
import { bindIpc, type IpcEventLike, type IpcMainLike, type IpcSender } from '../../../src/main/transport/ipc';
import type { EventChannel } from '../../../src/main/runtime/eventChannel';

const APP = 'file:///opt/scada/out/renderer/index.html';

function bound() {
  const handlers = new Map<string, (event: IpcEventLike, ...args: unknown[]) => unknown>();
  const ipcMain: IpcMainLike = {
    handle: (channel, listener) => handlers.set(channel, listener),
    removeHandler: (channel) => handlers.delete(channel),
  };
  const dispatched: unknown[] = [];
  const sessions: string[] = [];
  const sender: IpcSender = { id: 7, send: () => {}, isDestroyed: () => false, once: () => undefined };
  const unbind = bindIpc(ipcMain, {
    dispatch: async (method) => {
      dispatched.push(method);
      return { ok: true, value: 'answered' };
    },
    openEvents: () => {
      sessions.push('opened');
      return { subscribe: () => sessions.push('subscribed'), unsubscribe: () => sessions.push('unsubscribed'), close: () => {} } as unknown as EventChannel;
    },
    local: { user: 'operator', workstation: 'hmi-1' },
    isTrustedUrl: trustedUrlPredicate({ rendererUrl: APP }),
  });
  const invoke = (frameUrl: string | null, channel: string, ...args: unknown[]) =>
    Promise.resolve(handlers.get(channel)!({ sender, senderFrame: frameUrl === null ? null : { url: frameUrl } }, ...args));
  return { handlers, dispatched, sessions, invoke, unbind };
}

const STRANGERS = ['https://evil.example/', 'file:///tmp/evil.html', `${APP}?x`, 'about:blank', 'http://127.0.0.1:8080/', null];

describe('IPC sender checks', () => {
  it('binds the three contract channels and nothing else', () => {
    const ipc = bound();
    expect([...ipc.handlers.keys()].sort()).toEqual([IPC.call, IPC.subscribe, IPC.unsubscribe].sort());
    ipc.unbind();
    expect(ipc.handlers.size).toBe(0);
  });

  it('answers our renderer and refuses calls from any other frame, or from none', async () => {
    const ipc = bound();
    expect(await ipc.invoke(APP, IPC.call, 'tags.list', {})).toEqual({ ok: true, value: 'answered' });
    expect(await ipc.invoke(`${APP}#/alarms`, IPC.call, 'tags.list', {})).toEqual({ ok: true, value: 'answered' });
    for (const url of STRANGERS) {
      expect(await ipc.invoke(url, IPC.call, 'tags.list', {}), String(url)).toMatchObject({ ok: false, error: { kind: 'invalid_request' } });
    }
    expect(ipc.dispatched).toEqual(['tags.list', 'tags.list']);
  });

  it('opens no session and touches no subscription for another frame', async () => {
    const ipc = bound();
    for (const url of STRANGERS) {
      expect(await ipc.invoke(url, IPC.subscribe, 's1', 'tags.changed', {}), String(url)).toMatchObject({ ok: false });
      await ipc.invoke(url, IPC.unsubscribe, 's1');
    }
    expect(ipc.sessions).toEqual([]);
    expect(await ipc.invoke(APP, IPC.subscribe, 's1', 'tags.changed', {})).toEqual({ ok: true, value: null });
    expect(ipc.sessions).toEqual(['opened', 'subscribed']);
  });
});
