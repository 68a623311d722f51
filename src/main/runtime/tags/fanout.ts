// Delivers tag changes to clients: batched (at most one batch per
// `intervalMs`, 50 ms = 20 per second by default) and filtered to the tags
// each client subscribed to. A tag that changed several times between two
// batches is sent once, with its latest value.
import type { TagChange } from '../../../shared/types';
import type { EngineTag, TagEngine } from './engine';

export type ChangeSink = (changes: TagChange[]) => void;

export interface TagSubscription {
  /** Replaces the subscribed paths; returns the paths that name no tag. */
  setPaths(paths: readonly string[]): string[];
  close(): void;
}

interface Subscriber {
  readonly sink: ChangeSink;
  member: Uint8Array;
  count: number;
  /** Tags to send with the next batch whatever changed (just subscribed). */
  initial: number[];
}

export class ChangeFanout {
  private readonly subscribers = new Set<Subscriber>();
  private dirty: number[] = [];
  private isDirty: Uint8Array;
  private timer: NodeJS.Timeout | null = null;
  private lastFlush = 0;
  private readonly unlisten: () => void;

  constructor(
    private readonly engine: TagEngine,
    private readonly intervalMs = 50,
  ) {
    this.isDirty = new Uint8Array(engine.size);
    this.unlisten = engine.onChanges((ids) => {
      if (this.subscribers.size === 0) return;
      if (this.isDirty.length < engine.size) {
        // Tags were added while running: ids past the end.
        const grown = new Uint8Array(Math.max(engine.size, this.isDirty.length * 2));
        grown.set(this.isDirty);
        this.isDirty = grown;
      }
      for (const id of ids) {
        if (this.isDirty[id] === 0) {
          this.isDirty[id] = 1;
          this.dirty.push(id);
        }
      }
      this.schedule();
    });
  }

  subscribe(sink: ChangeSink): TagSubscription {
    const subscriber: Subscriber = { sink, member: new Uint8Array(this.engine.size), count: 0, initial: [] };
    this.subscribers.add(subscriber);
    return {
      setPaths: (paths) => {
        const unknown: string[] = [];
        const member = new Uint8Array(this.engine.size);
        const initial: number[] = [];
        for (const path of paths) {
          const tag = this.engine.find(path);
          if (!tag) unknown.push(path);
          else if (member[tag.id] === 0) {
            member[tag.id] = 1;
            if (subscriber.member[tag.id] === 0) initial.push(tag.id);
          }
        }
        subscriber.member = member;
        subscriber.count = paths.length - unknown.length;
        subscriber.initial.push(...initial);
        if (initial.length > 0) this.schedule();
        return unknown;
      },
      close: () => {
        this.subscribers.delete(subscriber);
      },
    };
  }

  /** How many subscriptions are open (one per client subscription to tags.changed): back to 0 when the clients leave. */
  get subscriberCount(): number {
    return this.subscribers.size;
  }

  dispose(): void {
    this.unlisten();
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.subscribers.clear();
  }

  private schedule(): void {
    if (this.timer) return;
    const wait = Math.max(0, this.lastFlush + this.intervalMs - Date.now());
    this.timer = setTimeout(this.flush, wait);
  }

  /** Sends one batch to every subscriber; public so benchmarks need not wait for the timer. */
  readonly flush = (): void => {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.lastFlush = Date.now();
    const dirty = this.dirty;
    this.dirty = [];
    const tags = this.engine.tags;
    for (const subscriber of this.subscribers) {
      const changes: TagChange[] = [];
      const { member } = subscriber;
      // A just-subscribed tag that also changed goes out once, with the dirty ones.
      for (const id of subscriber.initial) {
        // (`!== 1`: a tag added live may lie past the end of isDirty, which only grows on a change.)
        if (member[id] === 1 && this.isDirty[id] !== 1) changes.push(changeOf(tags[id]!));
      }
      subscriber.initial = [];
      if (subscriber.count > 0) {
        for (const id of dirty) if (member[id] === 1) changes.push(changeOf(tags[id]!));
      }
      if (changes.length > 0) subscriber.sink(changes);
    }
    for (const id of dirty) this.isDirty[id] = 0;
  };
}

function changeOf(tag: EngineTag): TagChange {
  return tag.serverTs === undefined
    ? { path: tag.def.path, value: tag.value, quality: tag.quality, ts: tag.ts }
    : { path: tag.def.path, value: tag.value, quality: tag.quality, ts: tag.ts, serverTs: tag.serverTs };
}
