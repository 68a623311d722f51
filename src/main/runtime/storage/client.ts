// The client side of a store channel: the runtime's handle on a store whose
// SQLite work runs in a worker thread, so the event loop that polls devices
// never waits on the disk. Calls carry ids and come back as promises; a call
// that gets no answer in time is refused (the worker goes on); an error in
// the worker comes back as a rejected promise with the worker's message; a
// worker that dies refuses every call with the reason. `close` lets the
// service write what it holds and close its file, then ends the thread, so
// nothing is left running.
//
// Without a worker location (tests, command-line tools, in-memory stores) the
// same service runs on this thread behind a MessageChannel: the same
// messages, the same asynchrony, one code path to test.
import { MessageChannel, Worker, type MessagePort } from 'node:worker_threads';
import { hostStore } from './host';
import type { FromStore, ServiceFactory, StoreWorkerData, ToStore } from './protocol';

/** Where the built store worker is (out/main/storeWorker.js), or a bootstrap that imports `entry`. */
export interface WorkerLocation {
  readonly url: URL | string;
  readonly entry?: string;
}

export interface StoreClientOptions {
  /** The service's name in the worker's registry (storeWorker/services.ts). */
  readonly service: string;
  readonly options: unknown;
  /** null: run the service on this thread. */
  readonly worker: WorkerLocation | null;
  /** The same service, for running it on this thread. */
  readonly factory: ServiceFactory<never>;
  /** A call unanswered this long is refused. */
  readonly timeoutMs?: number;
  readonly onEvent?: (name: string, payload: unknown) => void;
}

/** A call the store refused, failed or did not answer; `code` is SQLite's (or Node's) when there is one. */
export class StoreCallError extends Error {
  constructor(
    message: string,
    readonly kind: string,
    readonly code?: string,
  ) {
    super(message);
    this.name = 'StoreCallError';
  }
}

interface Waiting {
  readonly resolve: (value: unknown) => void;
  readonly reject: (error: Error) => void;
  readonly timer: NodeJS.Timeout | null;
  rows: unknown[] | null;
}

interface Endpoint {
  postMessage(message: ToStore, transfer?: readonly ArrayBuffer[]): void;
  ref(): void;
  unref(): void;
}

export class StoreClient {
  private readonly waiting = new Map<number, Waiting>();
  private readonly endpoint: Endpoint;
  private readonly worker: Worker | null = null;
  private readonly port: MessagePort | null = null;
  private readonly exited: Promise<void>;
  private nextId = 1;
  /** Why calls are refused (closed, or the worker died); null while it runs. */
  private gone: string | null = null;
  private closing: Promise<void> | null = null;
  private readonly timeoutMs: number;

  constructor(private readonly options: StoreClientOptions) {
    this.timeoutMs = options.timeoutMs ?? 60_000;
    if (options.worker) {
      const data: StoreWorkerData = { entry: options.worker.entry, service: options.service, options: options.options };
      const worker = new Worker(options.worker.url, { workerData: data });
      this.worker = worker;
      this.endpoint = worker;
      worker.on('message', (message: FromStore) => this.received(message));
      worker.on('error', (error) => this.stopped(`the ${options.service} store stopped: ${error.message}`));
      this.exited = new Promise((resolve) => worker.once('exit', () => resolve()));
      void this.exited.then(() => this.stopped(`the ${options.service} store has stopped`));
    } else {
      const { port1, port2 } = new MessageChannel();
      this.port = port1;
      this.endpoint = port1;
      port1.on('message', (message: FromStore) => this.received(message));
      // The service is built here (an error opening is its own business: it reports it as status).
      hostStore(port2, options.factory(options.options as never, (name, payload) => options.onEvent?.(name, payload)));
      port2.unref();
      this.exited = new Promise((resolve) => port1.once('close', () => resolve()));
    }
    // An idle store does not keep the process alive by itself (a tool that forgot to close it
    // still exits); a call waiting for its answer does.
    this.endpoint.unref();
  }

  /** Runs `method` in the store; rejects with a StoreCallError when it fails, times out or the store is gone. */
  call<T>(method: string, args?: unknown, options: { transfer?: readonly ArrayBuffer[]; timeoutMs?: number } = {}): Promise<T> {
    if (this.gone !== null) return Promise.reject(new StoreCallError(this.gone, 'unavailable'));
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      const ms = options.timeoutMs ?? this.timeoutMs;
      const timer =
        ms === Infinity
          ? null
          : setTimeout(() => {
              this.untrack(id);
              reject(new StoreCallError(`the ${this.options.service} store did not answer ${method} within ${ms} ms`, 'timeout'));
            }, ms);
      timer?.unref();
      this.track(id, { resolve: resolve as (value: unknown) => void, reject, timer, rows: null });
      this.endpoint.postMessage({ type: 'call', id, method, args }, options.transfer);
    });
  }

  get running(): boolean {
    return this.gone === null;
  }

  /** Lets the service write what it holds and close its file, then ends the thread. Idempotent. */
  close(timeoutMs = 10_000): Promise<void> {
    this.closing ??= this.shutdown(timeoutMs);
    return this.closing;
  }

  private async shutdown(timeoutMs: number): Promise<void> {
    if (this.gone === null) {
      const id = this.nextId++;
      const answered = new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, timeoutMs);
        this.track(id, { resolve: () => (clearTimeout(timer), resolve()), reject: () => (clearTimeout(timer), resolve()), timer: null, rows: null });
      });
      this.endpoint.postMessage({ type: 'close', id });
      await answered;
    }
    this.stopped(`the ${this.options.service} store is closed`);
    if (this.worker) {
      // A service stuck on a dying disk does not hold the shutdown: the thread is ended regardless.
      const timer = setTimeout(() => void this.worker?.terminate(), 2000);
      await this.exited;
      clearTimeout(timer);
    } else {
      this.port?.close();
    }
  }

  private received(message: FromStore): void {
    if (message.type === 'event') {
      this.options.onEvent?.(message.name, message.payload);
      return;
    }
    const waiting = this.waiting.get(message.id);
    if (!waiting) return; // timed out meanwhile
    if (message.type === 'rows') {
      // Concatenated in place: the parts of one reply arrive in order.
      waiting.rows ??= [];
      for (const row of message.rows) waiting.rows.push(row);
      return;
    }
    this.untrack(message.id);
    if (waiting.timer) clearTimeout(waiting.timer);
    if (!message.ok) {
      waiting.reject(new StoreCallError(message.error.message, message.error.name, message.error.code));
    } else if (message.rowsKey !== undefined) {
      waiting.resolve({ ...(message.value as object), [message.rowsKey]: waiting.rows ?? [] });
    } else {
      waiting.resolve(message.value);
    }
  }

  private stopped(reason: string): void {
    if (this.gone === null) this.gone = reason;
    for (const [id, waiting] of this.waiting) {
      if (waiting.timer) clearTimeout(waiting.timer);
      waiting.reject(new StoreCallError(this.gone, 'unavailable'));
      this.untrack(id);
    }
  }

  private track(id: number, waiting: Waiting): void {
    if (this.waiting.size === 0) this.endpoint.ref();
    this.waiting.set(id, waiting);
  }

  private untrack(id: number): void {
    if (this.waiting.delete(id) && this.waiting.size === 0) this.endpoint.unref();
  }
}
