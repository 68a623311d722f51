// The service side of a store channel: runs each call against the service,
// in arrival order, and answers with its value or its error (as a value).
// Used by the worker entry and, for stores without a worker, in-process.
import type { FromStore, StoreErrorValue, StoreService, ToStore } from './protocol';
import { Rows, Transfer } from './protocol';

/** The part of a MessagePort (or parentPort) the host needs. */
export interface HostPort {
  postMessage(message: FromStore, transfer?: readonly ArrayBuffer[]): void;
  on(event: 'message', listener: (message: ToStore) => void): unknown;
  close(): void;
}

/** Rows per message of a long reply: small enough that one part deserialises in a millisecond or two. */
const ROWS_PER_PART = 2000;

export function hostStore(port: HostPort, service: StoreService): void {
  let closed = false;
  port.on('message', (message) => {
    if (closed) return;
    if (message.type === 'close') {
      closed = true;
      let error: StoreErrorValue | null = null;
      try {
        service.close();
      } catch (cause) {
        error = errorValue(cause);
      }
      port.postMessage(error ? { type: 'reply', id: message.id, ok: false, error } : { type: 'reply', id: message.id, ok: true, value: null });
      port.close();
      return;
    }
    const handler = service.handlers[message.method];
    if (!handler) {
      port.postMessage({ type: 'reply', id: message.id, ok: false, error: { name: 'Error', message: `the store has no method "${message.method}"` } });
      return;
    }
    try {
      answer(port, message.id, handler(message.args as never));
    } catch (cause) {
      port.postMessage({ type: 'reply', id: message.id, ok: false, error: errorValue(cause) });
    }
  });
}

function answer(port: HostPort, id: number, value: unknown): void {
  if (value instanceof Transfer) {
    port.postMessage({ type: 'reply', id, ok: true, value: value.value }, value.transfer);
    return;
  }
  if (!(value instanceof Rows)) {
    port.postMessage({ type: 'reply', id, ok: true, value });
    return;
  }
  for (let i = 0; i < value.rows.length; i += ROWS_PER_PART) port.postMessage({ type: 'rows', id, rows: value.rows.slice(i, i + ROWS_PER_PART) });
  port.postMessage({ type: 'reply', id, ok: true, value: value.rest, rowsKey: value.key });
}

export function errorValue(cause: unknown): StoreErrorValue {
  if (cause instanceof Error) {
    const code = (cause as { code?: unknown }).code;
    return { name: cause.name, message: cause.message, ...(typeof code === 'string' ? { code } : {}) };
  }
  return { name: 'Error', message: String(cause) };
}
