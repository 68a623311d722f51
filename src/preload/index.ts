// The sandboxed preload: exposes one narrow, typed object (window.scada) and
// nothing else. It refuses method and event names the contract does not have,
// so the renderer cannot reach any other IPC channel.
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import { BRIDGE_KEY, IPC, type ScadaBridge } from '../shared/bridge';
import type { Result } from '../shared/contract';
import { isEventName, isMethodName, quoteName } from '../shared/names';

type Listener = (payload: unknown) => void;
const listeners = new Map<string, Listener>();
let nextId = 0;

ipcRenderer.on(IPC.event, (_event: IpcRendererEvent, id: unknown, _name: unknown, payload: unknown) => {
  if (typeof id === 'string') listeners.get(id)?.(payload);
});

const bridge: ScadaBridge = {
  call(method, request) {
    if (!isMethodName(method)) {
      return Promise.resolve<Result<unknown>>({
        ok: false,
        error: { kind: 'unknown_method', message: `no method ${quoteName(method)}` },
      });
    }
    return ipcRenderer.invoke(IPC.call, method, request) as Promise<Result<unknown>>;
  },
  subscribe(event, params, listener, onError) {
    if (!isEventName(event)) throw new Error(`no event stream ${quoteName(event)}`);
    const id = `s${++nextId}`;
    listeners.set(id, listener);
    // The same id again replaces the subscription's params in the main process.
    const send = (p: unknown): void => {
      void (ipcRenderer.invoke(IPC.subscribe, id, event, p) as Promise<Result<null>>).then((result) => {
        if (result.ok || !listeners.has(id)) return;
        if (onError) onError(result.error);
        else console.error(`subscription to ${event} refused: ${result.error.message}`);
      });
    };
    send(params);
    return {
      update: (next) => {
        if (listeners.has(id)) send(next);
      },
      close: () => {
        if (!listeners.delete(id)) return;
        void ipcRenderer.invoke(IPC.unsubscribe, id);
      },
    };
  },
};

contextBridge.exposeInMainWorld(BRIDGE_KEY, bridge);
