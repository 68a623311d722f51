// The messages between a store's client (on the runtime's event loop) and the
// store's service (in its worker thread). Errors travel as values: a failed
// call is a reply with the error's name, message and code, never a thrown
// exception that would end the worker.
export type ToStore =
  | { readonly type: 'call'; readonly id: number; readonly method: string; readonly args: unknown }
  | { readonly type: 'close'; readonly id: number };

export interface StoreErrorValue {
  readonly name: string;
  readonly message: string;
  readonly code?: string;
}

export type FromStore =
  /** `rowsKey`: the value is the rest of a Rows reply, whose rows came before it. */
  | { readonly type: 'reply'; readonly id: number; readonly ok: true; readonly value: unknown; readonly rowsKey?: string }
  | { readonly type: 'reply'; readonly id: number; readonly ok: false; readonly error: StoreErrorValue }
  /** A part of a long list that a reply carries (see Rows): sent before the reply, a few thousand at a time. */
  | { readonly type: 'rows'; readonly id: number; readonly rows: readonly unknown[] }
  | { readonly type: 'event'; readonly name: string; readonly payload: unknown };

/** A service's handlers and how it lets go of its file; built in the worker (or in-process, see client.ts). */
export interface StoreService {
  readonly handlers: Readonly<Record<string, (args: never) => unknown>>;
  close(): void;
}

/** Builds a service from its options; `emit` pushes an event (a status change) to the client. */
export type ServiceFactory<O> = (options: O, emit: (name: string, payload: unknown) => void) => StoreService;

/**
 * A reply whose list is long (a 100,000-row journal query): the host sends
 * the rows in parts, so the runtime's event loop deserialises a few thousand
 * at a time between its other work rather than all of them in one turn. The
 * client hands back `{ ...rest, [key]: rows }`.
 */
export class Rows<T> {
  constructor(
    readonly key: string,
    readonly rows: readonly T[],
    readonly rest: Readonly<Record<string, unknown>>,
  ) {}
}

/**
 * A reply whose bytes move rather than copy: `transfer` lists the
 * ArrayBuffers of `value` handed to the client (the service must not touch
 * them afterwards). The store-and-forward queue packs a page of messages in
 * one buffer this way.
 */
export class Transfer<T> {
  constructor(
    readonly value: T,
    readonly transfer: readonly ArrayBuffer[],
  ) {}
}

/** What the worker entry reads from workerData. */
export interface StoreWorkerData {
  /** A bootstrap (tests run the worker from source through tsx) imports this module. */
  readonly entry?: string;
  readonly service: string;
  readonly options: unknown;
}
