// One Modbus connection (a TCP socket or a serial port) and the queue in
// front of it. Exactly one request is on the wire at a time; writes jump
// ahead of queued reads; nothing sleeps between requests.
//
// Connection states:
//
//   connecting ──ok──► connected ──link error / TCP timeout──► disconnected
//        ▲                                                        │
//        └──────────── after a backoff delay (with jitter) ───────┘
//
// A serial port is shared by every device (unit id) on it, so a timeout of
// one unit does not drop the port; on TCP a timeout drops the socket, since
// a late answer could otherwise be taken for the next request's.
import type { EventEmitter } from 'node:events';
import ModbusRTU from 'modbus-serial';
import { Backoff } from '../../net/backoff';

export type LineTarget =
  | { readonly kind: 'tcp'; readonly host: string; readonly port: number }
  | {
      readonly kind: 'rtu';
      readonly path: string;
      readonly baudRate: number;
      readonly parity: 'none' | 'even' | 'odd';
      readonly dataBits: 7 | 8;
      readonly stopBits: 1 | 2;
    };

export type LineState = 'connecting' | 'connected' | 'disconnected' | 'stopped';
export type ModbusClient = InstanceType<typeof ModbusRTU>;
type Priority = 'read' | 'write';

interface Job {
  readonly unitId: number;
  readonly timeoutMs: number;
  readonly run: (client: ModbusClient) => Promise<unknown>;
  readonly resolve: (value: unknown) => void;
  readonly reject: (error: unknown) => void;
}

export class LinkError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'LinkError';
  }
}

/** An answer that could not be understood (bad CRC, wrong length). */
export class ProtocolError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ProtocolError';
  }
}

export class TimeoutError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TimeoutError';
  }
}

/** A Modbus exception response: the device answered, and said no. */
export function modbusExceptionCode(error: unknown): number | undefined {
  const code = (error as { modbusCode?: unknown } | null)?.modbusCode;
  return typeof code === 'number' ? code : undefined;
}

export function describeTarget(target: LineTarget): string {
  return target.kind === 'tcp' ? `${target.host}:${target.port}` : target.path;
}

export class ModbusLine {
  state: LineState = 'disconnected';
  lastError: string | null = null;
  /** When the link last failed (ms since the epoch). */
  lastErrorAt: number | null = null;
  reconnects = 0;
  private client: ModbusClient | null = null;
  private readonly writes: Job[] = [];
  private readonly reads: Job[] = [];
  private busy = false;
  private reconnectTimer: NodeJS.Timeout | null = null;
  private readonly backoff: Backoff;
  private readonly listeners = new Set<(state: LineState) => void>();
  /** Bumped on every new client, so callbacks of a dropped one are ignored. */
  private generation = 0;

  constructor(
    readonly target: LineTarget,
    backoff: Backoff = new Backoff(),
  ) {
    this.backoff = backoff;
  }

  onState(listener: (state: LineState) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  open(): void {
    if (this.state === 'connecting' || this.state === 'connected') return;
    void this.connect();
  }

  /** Queues one request; rejects at once with a LinkError while the link is down. */
  run<T>(unitId: number, timeoutMs: number, priority: Priority, run: (client: ModbusClient) => Promise<T>): Promise<T> {
    if (this.state !== 'connected') {
      return Promise.reject(new LinkError(`${describeTarget(this.target)} is not connected`));
    }
    return new Promise<T>((resolve, reject) => {
      const job: Job = { unitId, timeoutMs, run, resolve: resolve as (value: unknown) => void, reject };
      (priority === 'write' ? this.writes : this.reads).push(job);
      this.pump();
    });
  }

  async close(): Promise<void> {
    this.state = 'stopped';
    if (this.reconnectTimer) clearTimeout(this.reconnectTimer);
    this.reconnectTimer = null;
    this.failQueued(new LinkError('the connection was closed'));
    await this.dropClient();
    this.emit();
  }

  private async connect(): Promise<void> {
    this.setState('connecting');
    const generation = ++this.generation;
    const client = new ModbusRTU();
    this.client = client;
    try {
      if (this.target.kind === 'tcp') {
        await client.connectTCP(this.target.host, { port: this.target.port });
      } else {
        const { path, baudRate, parity, dataBits, stopBits } = this.target;
        await client.connectRTUBuffered(path, { baudRate, parity, dataBits, stopBits });
      }
    } catch (error) {
      if (generation !== this.generation) return;
      this.linkLost(`cannot connect to ${describeTarget(this.target)}: ${messageOf(error)}`);
      return;
    }
    if (generation !== this.generation || this.state === 'stopped') {
      client.close(() => undefined);
      return;
    }
    client.on('close', () => {
      if (generation === this.generation && this.state === 'connected') {
        this.linkLost(`${describeTarget(this.target)} closed the connection`);
      }
    });
    client.on('error', (error) => {
      if (generation === this.generation) this.linkLost(`${describeTarget(this.target)}: ${messageOf(error)}`);
    });
    this.backoff.reset();
    this.setState('connected');
    this.pump();
  }

  private linkLost(message: string): void {
    if (this.state === 'stopped') return;
    this.lastError = message;
    this.lastErrorAt = Date.now();
    this.failQueued(new LinkError(message));
    void this.dropClient();
    this.setState('disconnected');
    if (!this.reconnectTimer) {
      this.reconnectTimer = setTimeout(() => {
        this.reconnectTimer = null;
        if (this.state === 'disconnected') {
          this.reconnects++;
          void this.connect();
        }
      }, this.backoff.next());
    }
  }

  private async dropClient(): Promise<void> {
    const client = this.client;
    this.client = null;
    this.generation++;
    if (!client) return;
    // ModbusRTU is an EventEmitter, though its typings do not say so.
    const emitter = client as unknown as EventEmitter;
    emitter.removeAllListeners('close');
    emitter.removeAllListeners('error');
    // Keep a late socket error from becoming an uncaught exception.
    emitter.on('error', () => undefined);
    await new Promise<void>((resolve) => {
      try {
        if (this.target.kind === 'tcp') client.destroy(() => resolve());
        else client.close(() => resolve());
      } catch {
        resolve();
      }
    });
  }

  private pump(): void {
    if (this.busy || this.state !== 'connected') return;
    const write = this.writes.length > 0;
    const job = this.writes.shift() ?? this.reads.shift();
    if (!job) return;
    this.busy = true;
    void this.execute(job).finally(() => {
      this.busy = false;
      // After a write, the writer's read-back (queued once its answer has been handed back) goes next, before any poll:
      // the next job is picked after the promise callbacks of this turn have run.
      if (write) setImmediate(() => this.pump());
      else this.pump();
    });
  }

  private async execute(job: Job): Promise<void> {
    const client = this.client!;
    const generation = this.generation;
    client.setID(job.unitId);
    client.setTimeout(job.timeoutMs);
    // modbus-serial forgets a pending request when its port is destroyed, so
    // this guard settles the job even then (a little after the device timeout).
    let guard: NodeJS.Timeout | undefined;
    const backstop = new Promise<never>((_, reject) => {
      guard = setTimeout(() => reject(new TimeoutError(`no answer in ${job.timeoutMs} ms`)), job.timeoutMs + 250);
    });
    try {
      job.resolve(await Promise.race([job.run(client), backstop]));
    } catch (error) {
      const timedOut = error instanceof TimeoutError || (error as { errno?: unknown }).errno === 'ETIMEDOUT';
      if (timedOut) {
        const timeout = new TimeoutError(`unit ${job.unitId} at ${describeTarget(this.target)} did not answer in ${job.timeoutMs} ms`);
        job.reject(timeout);
        if (this.target.kind === 'tcp' && generation === this.generation) this.linkLost(timeout.message);
      } else if (modbusExceptionCode(error) !== undefined) {
        job.reject(error);
      } else if (this.target.kind === 'rtu' && (error as { errno?: unknown }).errno !== 'ECONNREFUSED') {
        // A garbled or truncated frame on a shared serial line: that request failed, the port is fine.
        job.reject(new ProtocolError(`unit ${job.unitId} at ${this.target.path}: ${messageOf(error)}`));
      } else {
        const message = `${describeTarget(this.target)}: ${messageOf(error)}`;
        job.reject(new LinkError(message));
        if (generation === this.generation) this.linkLost(message);
      }
    } finally {
      clearTimeout(guard);
    }
  }

  private failQueued(error: Error): void {
    for (const job of this.writes.splice(0)) job.reject(error);
    for (const job of this.reads.splice(0)) job.reject(error);
  }

  private setState(state: LineState): void {
    if (this.state === state) return;
    this.state = state;
    this.emit();
  }

  private emit(): void {
    for (const listener of this.listeners) listener(this.state);
  }
}

/** modbus-serial's errors are not all Error instances, and some carry only a string. */
export function messageOf(error: unknown): string {
  const message = (error as { message?: unknown } | null)?.message;
  return typeof message === 'string' && message !== '' ? message : String(error);
}
