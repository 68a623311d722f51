// The historian worker: the one writer of the historian file, off the
// runtime's event loop, so polling never waits on the disk. It also answers
// queries, between two writes.
//
// When the file cannot be opened or written (a full disk, a read-only or
// damaged file, another process holding its lock), it says why in its status,
// keeps what arrives in memory (up to `maxPending` samples, the oldest going
// first beyond that) and tries again every `retryMs`; nothing on disk is
// touched until it can be written properly.
import { parentPort, workerData } from 'node:worker_threads';
import type { FromWorker, QueryReply, ToWorker, WorkerConfig, WorkerStatus } from './protocol';
import { querySeries, statsOf, type SeriesData, type SeriesRequest, type SeriesSource } from './query';
import { SchemaError } from './schema';
import { SampleBuffer } from './sampleBuffer';
import { HistorianStore } from './store';
import { qualityTransitions, textSeries } from './textQuery';
import { describeSqliteError } from '../storage/sqliteProblem';
import { BudgetError, Deadline, isBudgetError, NO_DEADLINE, type DeadlineCheck } from '../budget/limits';
import { answerBytes, rawPointsProblem } from './queryBudget';

const config = workerData as WorkerConfig;
const port = parentPort!;
const FLUSH_MS = Math.min(config.flushMs ?? 1000, 1000);
const RETRY_MS = config.retryMs ?? 5000;
const MAX_PENDING = config.maxPending ?? 5_000_000;
const RETENTION_MS = 3_600_000;

let store: HistorianStore | null = null;
/** The tags to record, by index: the configured ones, then those added while running. */
const tagList = [...config.tags];
/** The store's id of each tag, by its index in tagList. */
let ids: number[] = [];
let state: WorkerStatus['state'] = 'unavailable';
let problem: string | null = null;
/** Why the last retention pass failed, until one succeeds. */
let retentionProblem: string | null = null;
/** Samples that arrived before the file could be opened, by config index. */
const backlog = { ids: [] as number[], buffer: new SampleBuffer(), rows: [] as Extract<ToWorker, { type: 'rows' }>[] };
let dropped = 0;

function post(message: FromWorker, transfer: ArrayBuffer[] = []): void {
  port.postMessage(message, transfer);
}

/** A sentence an operator can act on, for what SQLite (or we) threw. */
function describe(error: unknown): string {
  if (error instanceof SchemaError) return `${config.file}: ${error.message}`;
  return describeSqliteError(config.file, 'history', error);
}

function setState(next: WorkerStatus['state'], why: string | null): void {
  const changed = next !== state || why !== problem;
  state = next;
  problem = why;
  if (changed) sendStatus();
}

function status(): WorkerStatus {
  const summary = store?.summary();
  return {
    state: state === 'ok' && retentionProblem ? 'degraded' : state,
    problem: problem ?? retentionProblem,
    file: config.file,
    fileBytes: summary?.bytes ?? 0,
    tags: summary?.tags ?? 0,
    samplesStored: summary?.samples ?? 0,
    pending: (store?.pendingCount() ?? 0) + backlog.buffer.count,
    dropped: dropped + (store?.dropped ?? 0),
    rejected: store?.rejected ?? 0,
    oldest: summary?.oldest ?? null,
    newest: summary?.newest ?? null,
  };
}

function sendStatus(): void {
  try {
    post({ type: 'status', status: status() });
  } catch {
    // The status is informative; a failure to read it must not stop the worker.
  }
}

function open(): void {
  try {
    store = new HistorianStore(config.file, { readonly: config.readonly, chunkMs: config.chunkMs, maxPageCount: config.maxPageCount });
    ids = config.readonly ? [] : store.registerTags(tagList);
    unregistered = [];
    if (backlog.buffer.count > 0) {
      const b = backlog.buffer;
      store.append(backlog.ids.map((index) => ids[index]!), b.t, b.v, b.q, b.count);
      backlog.ids = [];
      backlog.buffer = new SampleBuffer();
    }
    for (const message of backlog.rows.splice(0)) appendRows(message);
    setState(config.readonly ? 'read_only' : 'ok', null);
    // What waited for the file (a slow start, a disk that came back) is made durable now, not a tick later.
    if (!config.readonly && store.pendingCount() > 0) flush();
  } catch (error) {
    store?.close();
    store = null;
    setState('unavailable', describe(error));
    if (!config.readonly) setTimeout(open, RETRY_MS);
  }
}

function flush(): void {
  if (!store || config.readonly) return;
  try {
    store.flush();
    if (state !== 'ok') setState('ok', null);
  } catch (error) {
    setState('degraded', describe(error));
    dropped += store.shed(MAX_PENDING);
  }
}

function append(message: Extract<ToWorker, { type: 'append' }>): void {
  if (config.readonly) return;
  if (!store) {
    for (let i = 0; i < message.count; i++) {
      if (backlog.buffer.count >= MAX_PENDING) {
        dropped++;
        continue;
      }
      backlog.ids.push(message.ids[i]!);
      backlog.buffer.push(message.t[i]!, message.v[i]!, message.q[i]!);
    }
    return;
  }
  registerPending();
  const mapped = new Int32Array(message.count);
  let kept = 0;
  for (let i = 0; i < message.count; i++) {
    const id = ids[message.ids[i]!];
    // A tag the file has not taken yet (it refused the registration): counted as dropped, never stored under another id.
    if (id === undefined) {
      dropped++;
      continue;
    }
    if (kept !== i) {
      message.t[kept] = message.t[i]!;
      message.v[kept] = message.v[i]!;
      message.q[kept] = message.q[i]!;
    }
    mapped[kept++] = id;
  }
  store.append(mapped, message.t, message.v, message.q, kept);
  // Bulk arrivals (a backlog, a benchmark) seal many windows: write them now rather than hold them.
  if (store.closedWindows > 256 && state === 'ok') flush();
}

/** Text samples and quality transitions: held while the file is not open, as the samples are. */
function appendRows(message: Extract<ToWorker, { type: 'rows' }>): void {
  if (config.readonly) return;
  if (!store) {
    const held = backlog.rows.reduce((n, m) => n + m.text.length + m.qualities.length, 0);
    if (backlog.buffer.count + held >= MAX_PENDING) dropped += message.text.length + message.qualities.length;
    else backlog.rows.push(message);
    return;
  }
  registerPending();
  const log = store.text;
  for (const { index, ...row } of message.text) {
    const id = ids[index];
    if (id === undefined) dropped++;
    else log.appendText({ id, ...row });
  }
  for (const { index, ...row } of message.qualities) {
    const id = ids[index];
    if (id === undefined) dropped++;
    else log.appendQuality({ id, ...row });
  }
}

/** Tags added or changed while running that the file has not taken yet (it refused: a full disk). */
let unregistered: Extract<ToWorker, { type: 'tags' }>['tags'] = [];

/** Tags added or changed while running; registered now, or when the file opens (or takes them again). */
function setTags(changes: Extract<ToWorker, { type: 'tags' }>['tags']): void {
  for (const { index, tag } of changes) tagList[index] = tag;
  unregistered = [...unregistered, ...changes];
  registerPending();
}

function registerPending(): void {
  if (!store || config.readonly || unregistered.length === 0) return;
  try {
    const got = store.registerTags(unregistered.map((change) => change.tag));
    unregistered.forEach(({ index }, i) => (ids[index] = got[i]!));
    unregistered = [];
  } catch (error) {
    setState('degraded', describe(error));
  }
}

/**
 * A tag's samples for a query or statistics; a text tag's, over [from, to]
 * with the one in force at `from`. Every chunk decoded checks the request's
 * deadline first: decoding is where a long range spends its time.
 */
function sourceFor(current: HistorianStore, path: string, from: number, to: number, deadline: DeadlineCheck = NO_DEADLINE): SeriesSource {
  const tag = current.tagOf(path);
  if (tag === undefined) return emptySource;
  const id = tag.id;
  if (tag.isText) return textSource(current, id, from, to);
  return {
    rows: (from, to) => current.chunkRows(id, from, to),
    before: (time) => current.chunkBefore(id, time),
    decode: (row) => {
      deadline.check();
      return current.decode(row);
    },
    segments: (row) => {
      const parts = current.segmentsOf(row);
      if (parts === null) return null;
      return {
        segments: parts.segments,
        decode: (segment) => {
          deadline.check();
          return parts.decode(segment);
        },
      };
    },
    pending: () => current.pendingOf(id),
  };
}

function openStore(): HistorianStore {
  if (!store) throw new Error(`history is unavailable: ${problem ?? 'the file is not open'}`);
  return store;
}

/**
 * A text tag as a source for statistics: its samples with no value (NaN),
 * so counts and the time in Good and Bad come out right and every value
 * statistic is null.
 */
function textSource(current: HistorianStore, id: number, from: number, to: number): SeriesSource {
  const buffer = new SampleBuffer();
  for (const row of current.text.textSamples(id, from, to)) buffer.push(row.t, NaN, row.q);
  return { rows: () => [], before: () => undefined, decode: () => ({ t: [], v: [], q: [] }), pending: () => buffer };
}

function seriesOf(current: HistorianStore, path: string, request: SeriesRequest, deadline: DeadlineCheck): SeriesData {
  const tag = current.tagOf(path);
  if (tag === undefined) return querySeries(emptySource, request);
  const data = tag.isText
    ? textSeries(current.text.textSamples(tag.id, request.from, request.to), request)
    : querySeries(sourceFor(current, path, request.from, request.to, deadline), request);
  deadline.check();
  if (!current.text.enabled) return data;
  return { ...data, qualities: qualityTransitions(current.text.qualities(tag.id, request.from, request.to), request) };
}

/**
 * A query within its budget (shared/budget.ts): the schema already bounded
 * paths × maxPoints or intervals; raw samples without maxPoints are counted
 * here, from the chunks' counts, before anything is decoded; the work stops
 * at the time limit; an answer too large in bytes (long texts) is refused.
 */
function query(paths: readonly string[], request: SeriesRequest): QueryReply {
  const current = openStore();
  const tooMany = rawPointsProblem(current, paths, request);
  if (tooMany !== null) throw new BudgetError(`history.query: ${tooMany}`);
  const deadline = new Deadline('history.query');
  const reply = { series: paths.map((path) => ({ path, ...seriesOf(current, path, request, deadline) })) };
  const tooLarge = answerBytes(reply);
  if (tooLarge !== null) throw new BudgetError(`history.query: ${tooLarge}`);
  return reply;
}

function stats(paths: readonly string[], from: number, to: number) {
  const current = openStore();
  const orNull = (x: number) => (Number.isNaN(x) ? null : x);
  const deadline = new Deadline('history.stats');
  return {
    stats: paths.map((path) => {
      const s = statsOf(sourceFor(current, path, from, to, deadline), from, to);
      return { path, count: s.count, min: orNull(s.min), max: orNull(s.max), avg: orNull(s.avg), twa: orNull(s.twa), goodMs: s.goodMs, badMs: s.badMs };
    }),
  };
}

const emptySource: SeriesSource = { rows: () => [], before: () => undefined, decode: () => ({ t: [], v: [], q: [] }), pending: () => undefined };

function retention(now: number): number {
  if (!store || config.readonly) return 0;
  let dropped = 0;
  for (const rule of config.retention) {
    dropped += store.applyRetention(rule.group, {
      olderThan: rule.maxAgeMs === undefined ? undefined : now - rule.maxAgeMs,
      maxBytes: rule.maxBytes,
    });
  }
  return dropped;
}

function reply(id: number, run: () => unknown, transfer?: (value: unknown) => ArrayBuffer[]): void {
  try {
    const value = run();
    post({ type: 'reply', id, ok: true, value }, transfer?.(value) ?? []);
  } catch (error) {
    // A budget refusal says what the request asked for; the worker carries on with the next message.
    if (isBudgetError(error)) post({ type: 'reply', id, ok: false, error: error.message, budget: true });
    else post({ type: 'reply', id, ok: false, error: store ? describe(error) : (error as Error).message });
  }
}

const timers: NodeJS.Timeout[] = [];
open();
if (!config.readonly) {
  timers.push(setInterval(flush, FLUSH_MS));
  // Retention: soon after start (a file may have grown while the runtime was off), then hourly.
  const retain = () => {
    try {
      retention(Date.now());
      retentionProblem = null;
    } catch (error) {
      // Nothing stored is lost when a pass fails; the next one tries again. Say so meanwhile.
      retentionProblem = `retention could not run: ${describe(error)}`;
    }
    sendStatus();
  };
  const first = setTimeout(retain, 10_000);
  first.unref();
  timers.push(setInterval(retain, RETENTION_MS));
}
timers.push(setInterval(sendStatus, 2000));

port.on('message', (message: ToWorker) => {
  switch (message.type) {
    case 'append':
      append(message);
      return;
    case 'rows':
      appendRows(message);
      return;
    case 'query':
      reply(message.id, () => query(message.paths, message.request), (value) =>
        (value as QueryReply).series.flatMap((s) => [s.t.buffer as ArrayBuffer, s.v.buffer as ArrayBuffer, s.q.buffer as ArrayBuffer]),
      );
      return;
    case 'stats':
      reply(message.id, () => stats(message.paths, message.from, message.to));
      return;
    case 'status':
      reply(message.id, status);
      return;
    case 'flush':
      reply(message.id, () => {
        flush();
        return status();
      });
      return;
    case 'tags':
      setTags(message.tags);
      return;
    case 'close':
      flush();
      for (const timer of timers) clearInterval(timer);
      store?.close();
      store = null;
      post({ type: 'reply', id: message.id, ok: true, value: null });
      port.close();
      return;
  }
});
