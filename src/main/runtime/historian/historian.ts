// The historian as the runtime sees it: takes the tag engine's changes,
// decides what to record (recorder.ts; textRecorder.ts for text tags), and
// sends batches to the worker that owns the file; queries go to the same
// worker and come back as columns. Every change of a tag's quality (status,
// reason or protocol code) is sent too, as a transition: the numeric samples
// carry only the status (0/1/2), the transitions say why.
import { Worker } from 'node:worker_threads';
import { QUALITY_CODE, qualityEquals, type HistorianStatus, type HistoryStats, type Quality, type TagScalar } from '../../../shared/types';
import { BudgetError } from '../budget/limits';
import type { EngineTag, TagEngine } from '../tags/engine';
import type { FromWorker, QualityEntry, QueryReply, RetentionRule, TextEntry, ToWorker, WorkerConfig, WorkerStatus } from './protocol';
import type { SeriesRequest } from './query';
import { Recorder, type RecordingPolicy } from './recorder';
import type { StoreTag } from './store';
import { TextRecorder } from './textRecorder';

/** A tag the historian records, with how. */
export interface HistorizedTag extends StoreTag {
  readonly policy: RecordingPolicy;
  /** Values are rounded to this many decimals before they are recorded (the tag's declared precision). */
  readonly decimals?: number;
}

export interface HistorianOptions {
  readonly file: string;
  /** The built worker (out/main/historianWorker.js), or a bootstrap that imports `workerEntry`. */
  readonly workerUrl: URL | string;
  readonly workerEntry?: string;
  readonly readonly?: boolean;
  readonly tags?: readonly HistorizedTag[];
  readonly retention?: readonly RetentionRule[];
  readonly chunkMs?: number;
  /** How often batches go to the worker. */
  readonly postMs?: number;
  readonly flushMs?: number;
  readonly retryMs?: number;
  readonly maxPending?: number;
  readonly maxPageCount?: number;
}

function qualityCode(quality: Quality): number {
  return QUALITY_CODE[quality.status];
}

function numeric(value: TagScalar | null): number {
  if (value === null || typeof value === 'string') return NaN;
  return typeof value === 'boolean' ? (value ? 1 : 0) : value;
}

/** A text tag's value as recorded: its text, whatever the source sent (null stays null). */
function textOf(value: TagScalar | null): string | null {
  return value === null ? null : String(value);
}

/** The quality recorded when nothing is known (the runtime stops, the tag is removed): Bad, with no reason to give. */
const UNKNOWN: Quality = Object.freeze({ status: 'bad' });

function storeTagOf({ path, units, description, dataType, group, step, offset }: HistorizedTag): StoreTag {
  return { path, units, description, dataType, group, step, offset };
}

/** A text tag gets a TextRecorder, any other a Recorder; the other slot is null. */
function recordersOf(tag: HistorizedTag): { numeric: Recorder | null; text: TextRecorder | null } {
  return tag.dataType === 'string' ? { numeric: null, text: new TextRecorder(tag.policy) } : { numeric: new Recorder(tag.policy), text: null };
}

export class Historian {
  private readonly worker: Worker;
  private readonly pending = new Map<number, { resolve: (value: unknown) => void; reject: (error: Error) => void }>();
  private nextId = 1;
  private lastStatus: WorkerStatus;
  private readonly statusListeners = new Set<(status: HistorianStatus) => void>();
  /** Engine id → index in the worker's tag list, and that tag's recorder. */
  private readonly indexOf = new Map<number, number>();
  // Two arrays rather than one of both kinds: the per-sample path (`record`,
  // `offer`) stays a monomorphic call on numeric recorders.
  private readonly recorders: (Recorder | null)[] = [];
  private readonly textRecorders: (TextRecorder | null)[] = [];
  /** The last quality sent as a transition, by index (null: none yet in this run). */
  private readonly qualities: (Quality | null)[] = [];
  private rows: { text: TextEntry[]; qualities: QualityEntry[] } = { text: [], qualities: [] };
  private readonly rounding: (number | undefined)[] = [];
  /** Index in the worker's tag list by path: every tag it was ever told of (history of a removed tag stays readable). */
  private readonly indexByPath = new Map<string, number>();
  private readonly configs: HistorizedTag[] = [];
  private batch = { ids: new Int32Array(4096), t: new Float64Array(4096), v: new Float64Array(4096), q: new Uint8Array(4096), count: 0 };
  private timers: NodeJS.Timeout[] = [];
  private unlisten: (() => void) | null = null;
  private exited = false;

  constructor(
    private readonly engine: TagEngine | null,
    readonly options: HistorianOptions,
  ) {
    const tags = options.tags ?? [];
    for (const tag of tags) this.adopt(tag);
    const config: WorkerConfig = {
      file: options.file,
      readonly: options.readonly === true,
      chunkMs: options.chunkMs,
      tags: tags.map(storeTagOf),
      retention: options.retention ?? [],
      flushMs: options.flushMs,
      retryMs: options.retryMs,
      maxPending: options.maxPending,
      maxPageCount: options.maxPageCount,
      entry: options.workerEntry,
    };
    this.lastStatus = {
      state: 'unavailable', problem: 'starting', file: options.file, fileBytes: 0, tags: 0, samplesStored: 0,
      pending: 0, dropped: 0, rejected: 0, oldest: null, newest: null,
    };
    // A larger young generation: a year-long query decodes thousands of short-lived
    // column arrays, and fewer scavenges keep it well under a frame's budget.
    this.worker = new Worker(options.workerUrl, { workerData: config, resourceLimits: { maxYoungGenerationSizeMb: 64 } });
    this.worker.on('message', (message: FromWorker) => this.received(message));
    this.worker.on('error', (error) => {
      this.setStatus({ ...this.lastStatus, state: 'unavailable', problem: `the historian stopped: ${error.message}` });
    });
    this.worker.on('exit', () => {
      this.exited = true;
      for (const { reject } of this.pending.values()) reject(new Error('the historian has stopped'));
      this.pending.clear();
    });
  }

  /** Whether the historian holds (or records) this tag. */
  records(path: string): boolean {
    return this.indexByPath.has(path);
  }

  /** Takes a tag into the worker's list (or gives a known one its new settings); returns its index. */
  private adopt(tag: HistorizedTag): number {
    let index = this.indexByPath.get(tag.path);
    if (index === undefined) {
      index = this.recorders.length;
      this.indexByPath.set(tag.path, index);
      const { numeric, text } = recordersOf(tag);
      this.recorders.push(numeric);
      this.textRecorders.push(text);
      this.qualities.push(null);
      this.rounding.push(undefined);
      this.configs.push(tag);
    } else if (JSON.stringify(this.configs[index]) !== JSON.stringify(tag)) {
      const { numeric, text } = recordersOf(tag);
      this.recorders[index] = numeric;
      this.textRecorders[index] = text;
      this.configs[index] = tag;
    }
    this.rounding[index] = tag.decimals === undefined ? undefined : 10 ** tag.decimals;
    const engineTag = this.engine?.find(tag.path);
    if (engineTag) this.indexOf.set(engineTag.id, index);
    return index;
  }

  /**
   * The tag set changed: records `tags` from now on. A tag no longer in it
   * stops being recorded, its line ended by a Bad sample (a gap, not a held
   * value); its history stays readable.
   */
  setTags(tags: readonly HistorizedTag[]): void {
    if (this.options.readonly) return;
    const wanted = new Set(tags.map((tag) => tag.path));
    const now = Date.now();
    for (const [id, index] of [...this.indexOf]) {
      const tag = this.engine?.tags[id];
      if (tag && !tag.removed && wanted.has(tag.def.path)) continue;
      if (tag) this.end(index, tag, now);
      this.indexOf.delete(id);
    }
    const known = this.recorders.length;
    const changed: { index: number; tag: HistorizedTag }[] = [];
    for (const tag of tags) {
      const before = this.indexByPath.get(tag.path);
      const previous = before === undefined ? undefined : this.configs[before];
      const index = this.adopt(tag);
      if (index >= known || previous !== this.configs[index]) changed.push({ index, tag });
    }
    if (changed.length > 0 && !this.exited) {
      this.post();
      this.worker.postMessage({ type: 'tags', tags: changed.map(({ index, tag }) => ({ index, tag: storeTagOf(tag) })) } satisfies ToWorker);
    }
  }

  /** Starts recording the engine's changes (not in review mode). */
  start(): void {
    if (!this.engine || this.options.readonly) return;
    const engine = this.engine;
    this.unlisten = engine.onChanges((ids) => {
      for (const id of ids) {
        const index = this.indexOf.get(id);
        if (index !== undefined) this.offer(index, engine.tags[id]!);
      }
    });
    this.timers.push(setInterval(() => this.post(), this.options.postMs ?? 100));
    this.timers.push(
      setInterval(() => {
        const now = Date.now();
        for (const [id, index] of this.indexOf) {
          const tag = engine.tags[id]!;
          const recorder = this.recorders[index];
          if (!recorder) this.textRecorders[index]!.heartbeat(now, textOf(tag.value), qualityCode(tag.quality), (t, v, q) => this.addText(index, t, v, q));
          else recorder.heartbeat(now, this.valueOf(index, tag), qualityCode(tag.quality), (t, v, q) => this.add(index, t, v, q));
        }
      }, 1000),
    );
  }

  /** Records one value directly (tests and benchmarks feed the historian without an engine). */
  record(index: number, t: number, value: number, quality: number): void {
    const recorder = this.recorders[index];
    if (!recorder) throw new Error(`${this.configs[index]!.path} is a text tag`);
    recorder.offer(t, value, quality, (rt, rv, rq) => this.add(index, rt, rv, rq));
  }

  /** Sends what is batched to the worker now. */
  post(): void {
    if (this.exited) return;
    if (this.rows.text.length > 0 || this.rows.qualities.length > 0) {
      // Before the numeric samples: a query that follows sees both (the worker takes messages in order).
      this.worker.postMessage({ type: 'rows', ...this.rows } satisfies ToWorker);
      this.rows = { text: [], qualities: [] };
    }
    const b = this.batch;
    if (b.count === 0) return;
    const message: ToWorker = {
      type: 'append',
      ids: b.ids.slice(0, b.count),
      t: b.t.slice(0, b.count),
      v: b.v.slice(0, b.count),
      q: b.q.slice(0, b.count),
      count: b.count,
    };
    this.worker.postMessage(message, [message.ids.buffer, message.t.buffer, message.v.buffer, message.q.buffer] as ArrayBuffer[]);
    b.count = 0;
  }

  query(paths: readonly string[], request: SeriesRequest): Promise<QueryReply> {
    this.post();
    return this.call({ type: 'query', id: 0, paths, request }) as Promise<QueryReply>;
  }

  stats(paths: readonly string[], from: number, to: number): Promise<{ stats: HistoryStats[] }> {
    this.post();
    return this.call({ type: 'stats', id: 0, paths, from, to }) as Promise<{ stats: HistoryStats[] }>;
  }

  /** Posts what is batched and waits until the worker committed it. */
  async flush(): Promise<HistorianStatus> {
    this.post();
    this.setStatus((await this.call({ type: 'flush', id: 0 })) as WorkerStatus);
    return this.status();
  }

  status(): HistorianStatus {
    return { ...this.lastStatus, reviewOnly: this.options.readonly === true };
  }

  /** Hears the status whenever it changes (the worker reports it after each write); returns the function that stops it. */
  onStatus(listener: (status: HistorianStatus) => void): () => void {
    this.statusListeners.add(listener);
    return () => this.statusListeners.delete(listener);
  }

  private setStatus(status: WorkerStatus): void {
    const changed = JSON.stringify(status) !== JSON.stringify(this.lastStatus);
    this.lastStatus = status;
    if (!changed) return;
    const current = this.status();
    for (const listener of [...this.statusListeners]) listener(current);
  }

  /** Stops recording, writes what is left and closes the file. */
  async stop(): Promise<void> {
    if (this.unlisten && this.engine) {
      // Nothing is known while the runtime is off: end every tag's line with a
      // Bad sample, so a trend shows a gap there rather than a held value.
      const now = Date.now();
      for (const [id, index] of this.indexOf) {
        const tag = this.engine.tags[id]!;
        if (tag.ts <= now) this.end(index, tag, now);
      }
    }
    this.unlisten?.();
    this.unlisten = null;
    for (const timer of this.timers) clearInterval(timer);
    this.timers = [];
    this.post();
    if (!this.exited) {
      // The worker writes what it holds and closes the file; a worker that does
      // not answer in time (stuck on a dying disk) is stopped regardless.
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise((resolve) => (timer = setTimeout(resolve, 10_000)));
      try {
        await Promise.race([this.call({ type: 'close', id: 0 }), timeout]);
      } catch {
        // Already gone.
      } finally {
        clearTimeout(timer);
      }
      await this.worker.terminate();
    }
  }

  private valueOf(index: number, tag: EngineTag): number {
    const value = numeric(tag.value);
    const scale = this.rounding[index];
    return scale === undefined ? value : Math.round(value * scale) / scale;
  }

  private offer(index: number, tag: EngineTag): void {
    this.transition(index, tag.ts, tag.quality);
    const recorder = this.recorders[index];
    if (!recorder) this.textRecorders[index]!.offer(tag.ts, textOf(tag.value), qualityCode(tag.quality), (t, v, q) => this.addText(index, t, v, q));
    else recorder.offer(tag.ts, this.valueOf(index, tag), qualityCode(tag.quality), (t, v, q) => this.add(index, t, v, q));
  }

  /** Ends a tag's line with a Bad sample without a reason (nothing is known from now on). */
  private end(index: number, tag: EngineTag, now: number): void {
    this.transition(index, now, UNKNOWN);
    const recorder = this.recorders[index];
    if (!recorder) this.textRecorders[index]!.offer(now, textOf(tag.value), QUALITY_CODE.bad, (t, v, q) => this.addText(index, t, v, q));
    else recorder.offer(now, this.valueOf(index, tag), QUALITY_CODE.bad, (t, v, q) => this.add(index, t, v, q));
  }

  /** Sends the quality as a transition when it differs from the last one sent (the worker also skips repeats across restarts). */
  private transition(index: number, t: number, quality: Quality): void {
    const last = this.qualities[index];
    if (last && qualityEquals(last, quality)) return;
    this.qualities[index] = quality;
    this.rows.qualities.push({
      index,
      t,
      status: qualityCode(quality),
      reason: quality.reason ?? null,
      codeValue: quality.code?.value ?? null,
      codeName: quality.code?.name ?? null,
    });
  }

  private addText(index: number, t: number, value: string | null, q: number): void {
    this.rows.text.push({ index, t, value, q });
  }

  private add(index: number, t: number, v: number, q: number): void {
    let b = this.batch;
    if (b.count === b.ids.length) {
      const size = b.count * 2;
      const grown = { ids: new Int32Array(size), t: new Float64Array(size), v: new Float64Array(size), q: new Uint8Array(size), count: b.count };
      grown.ids.set(b.ids);
      grown.t.set(b.t);
      grown.v.set(b.v);
      grown.q.set(b.q);
      this.batch = b = grown;
    }
    b.ids[b.count] = index;
    b.t[b.count] = t;
    b.v[b.count] = v;
    b.q[b.count] = q;
    b.count++;
  }

  private call(message: ToWorker & { id: number }): Promise<unknown> {
    if (this.exited) return Promise.reject(new Error('the historian has stopped'));
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.worker.postMessage({ ...message, id });
    });
  }

  private received(message: FromWorker): void {
    if (message.type === 'status') {
      this.setStatus(message.status);
      return;
    }
    const waiting = this.pending.get(message.id);
    if (!waiting) return;
    this.pending.delete(message.id);
    if (message.ok) waiting.resolve(message.value);
    else waiting.reject(message.budget ? new BudgetError(message.error) : new Error(message.error));
  }
}
