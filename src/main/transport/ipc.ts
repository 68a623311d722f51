// The contract over Electron IPC: one invoke channel for every method and a
// pair for event subscriptions, each checking that the sender is our own
// renderer. Subscribing again with the same id replaces the subscription's
// params in place; a refusal is the subscribe call's answer, which the
// preload hands to the client's error callback. Typed structurally (IpcMainLike) so the binding is tested with an
// in-memory pair instead of Electron, which cannot run on our build machines.
import { IPC } from '../../shared/bridge';
import type { Caller, EventName, Result } from '../../shared/contract';
import { ContractFailure } from '../../shared/contract';
import type { EventChannel, EventSend } from '../runtime/eventChannel';
import type { Dispatch } from './dispatch';

export interface IpcSender {
  readonly id: number;
  send(channel: string, ...args: unknown[]): void;
  isDestroyed(): boolean;
  once(event: 'destroyed', listener: () => void): unknown;
}

export interface IpcEventLike {
  readonly sender: IpcSender;
  readonly senderFrame: { readonly url: string } | null;
}

export interface IpcMainLike {
  handle(channel: string, listener: (event: IpcEventLike, ...args: unknown[]) => unknown): void;
  removeHandler(channel: string): void;
}

export interface IpcBindingOptions {
  readonly dispatch: Dispatch;
  /** Opens a window's event channel; `caller` is asked at each use (the window's login changes while it lives). */
  readonly openEvents: (send: EventSend, caller: () => Caller) => EventChannel;
  /** This machine's user and name, for the record (a window's caller is local). */
  readonly local: Pick<Caller, 'user' | 'workstation'>;
  /** True when the frame's URL is our renderer (file:// of out/renderer, or the dev server). */
  readonly isTrustedUrl: (url: string) => boolean;
}

const refused = (message: string): Result<never> => ({ ok: false, error: { kind: 'invalid_request', message } });

/** Binds the contract; returns the function that unbinds it. */
export function bindIpc(ipcMain: IpcMainLike, options: IpcBindingOptions): () => void {
  const channels = new Map<number, EventChannel>();
  // A window's login lives here, keyed by its webContents: the renderer never has to hold a token.
  const tokens = new Map<number, string>();
  const callerOf = (sender: IpcSender): Caller => ({ ...options.local, role: null, token: tokens.get(sender.id) ?? null, local: true });
  const trusted = (event: IpcEventLike) => event.senderFrame !== null && options.isTrustedUrl(event.senderFrame.url);

  const channelOf = (sender: IpcSender): EventChannel => {
    let channel = channels.get(sender.id);
    if (!channel) {
      channel = options.openEvents((id: string, name: EventName, payload: unknown) => {
        if (!sender.isDestroyed()) sender.send(IPC.event, id, name, payload);
      }, () => callerOf(sender));
      channels.set(sender.id, channel);
      sender.once('destroyed', () => {
        channels.get(sender.id)?.close();
        channels.delete(sender.id);
        tokens.delete(sender.id);
      });
    }
    return channel;
  };

  ipcMain.handle(IPC.call, async (event, method, request) => {
    if (!trusted(event)) return refused('calls are accepted from the application window only');
    const result = await options.dispatch(method, request, callerOf(event.sender));
    if (result.ok && (method === 'auth.login' || method === 'auth.setup')) tokens.set(event.sender.id, (result.value as { token: string }).token);
    if (method === 'auth.logout') tokens.delete(event.sender.id);
    return result;
  });
  ipcMain.handle(IPC.subscribe, (event, id, name, params): Result<null> => {
    if (!trusted(event)) return refused('subscriptions are accepted from the application window only');
    try {
      channelOf(event.sender).subscribe(id, name, params);
      return { ok: true, value: null };
    } catch (error) {
      if (error instanceof ContractFailure) return { ok: false, error: error.toError() };
      return { ok: false, error: { kind: 'internal', message: String(error) } };
    }
  });
  ipcMain.handle(IPC.unsubscribe, (event, id) => {
    if (trusted(event)) channels.get(event.sender.id)?.unsubscribe(id);
    return { ok: true, value: null };
  });

  return () => {
    for (const channel of [IPC.call, IPC.subscribe, IPC.unsubscribe]) ipcMain.removeHandler(channel);
    for (const channel of channels.values()) channel.close();
    channels.clear();
  };
}
