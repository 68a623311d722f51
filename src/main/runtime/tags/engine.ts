// The tag engine: turns a driver's raw readings into values with quality,
// and tells its listeners, once per event-loop turn, which tags changed.
//
// Per reading: raw → engineering units (scaling), plausibility (range, rate)
// → quality, then the deadband decides whether it is a change. A quality
// change is always a change. Values stay in plain per-tag records, looked up
// by a dense integer id, so 100,000 tags cost a few tens of megabytes.
//
// The tag set is live: tags are added (new ids at the end), changed (same id,
// new definition) and removed while the runtime runs. A removed tag keeps its
// record (so an id still in flight finds something) but is out of `find` and
// `live`, and takes no more readings; ids are never reused.
import {
  qualityEquals,
  type Quality,
  type TagInfo,
  type TagScalar,
  type TagValue,
} from '../../../shared/types';
import type { TagDefinition } from './definition';
import { judgeReading, qualityOf } from './plausibility';
import { linearScaler, type Scaler } from './scaling';

export interface EngineTag {
  readonly id: number;
  def: TagDefinition;
  scaler: Scaler;
  value: TagScalar | null;
  quality: Quality;
  /** Source timestamp. */
  ts: number;
  /** The server's timestamp, where the protocol has one. */
  serverTs: number | undefined;
  /** Removed from the tag set: kept for ids still in flight, never live again. */
  removed: boolean;
  /** Last accepted reading and its time, for the rate-of-change check. */
  lastReading: number;
  lastReadingTs: number;
}

export type ChangeListener = (ids: readonly number[]) => void;

const WAITING = qualityOf('bad', 'waiting_for_initial_data');

export class TagEngine {
  private readonly all: EngineTag[] = [];
  private readonly byPath = new Map<string, EngineTag>();
  private readonly listeners = new Set<ChangeListener>();
  /** Ids changed in this turn; `stamp` keeps each id in it once. */
  private changed: number[] = [];
  private stamp: Uint32Array;
  private turn = 1;
  private flushScheduled = false;

  constructor(definitions: readonly TagDefinition[], now = Date.now()) {
    this.stamp = new Uint32Array(definitions.length);
    this.add(definitions, now);
  }

  /** Every tag by id, removed ones included (check `removed`); `live()` has only the current set. */
  get tags(): readonly EngineTag[] {
    return this.all;
  }

  /** One past the highest id: what per-id arrays must hold. */
  get size(): number {
    return this.all.length;
  }

  /** How many tags are in the current set. */
  get count(): number {
    return this.byPath.size;
  }

  find(path: string): EngineTag | undefined {
    return this.byPath.get(path);
  }

  paths(): IterableIterator<string> {
    return this.byPath.keys();
  }

  /** The current tag set, in id order of creation. */
  live(): IterableIterator<EngineTag> {
    return this.byPath.values();
  }

  /** Adds tags (their paths must be new); returns them with their ids. */
  add(definitions: readonly TagDefinition[], now = Date.now()): EngineTag[] {
    const added = definitions.map((def) => {
      if (this.byPath.has(def.path)) throw new Error(`tag "${def.path}" exists already`);
      const tag: EngineTag = {
        id: this.all.length,
        def,
        scaler: linearScaler(def.scale),
        value: null,
        quality: WAITING,
        ts: now,
        serverTs: undefined,
        removed: false,
        lastReading: NaN,
        lastReadingTs: 0,
      };
      this.all.push(tag);
      this.byPath.set(def.path, tag);
      return tag;
    });
    if (this.stamp.length < this.all.length) {
      const grown = new Uint32Array(Math.max(this.all.length, this.stamp.length * 2));
      grown.set(this.stamp);
      this.stamp = grown;
    }
    return added;
  }

  /**
   * Gives a tag a new definition (same path). Its value is forgotten until
   * the next reading: the old one may be in other units or from another address.
   */
  redefine(tag: EngineTag, def: TagDefinition, now = Date.now()): void {
    if (def.path !== tag.def.path) throw new Error(`redefine keeps the path (${tag.def.path}, not ${def.path})`);
    tag.def = def;
    tag.scaler = linearScaler(def.scale);
    tag.value = null;
    tag.quality = WAITING;
    tag.ts = now;
    tag.serverTs = undefined;
    tag.lastReading = NaN;
    tag.lastReadingTs = 0;
    this.markChanged(tag.id);
  }

  /** Takes tags out of the set; they keep their last value and take no more readings. */
  remove(tags: readonly EngineTag[]): void {
    for (const tag of tags) {
      if (tag.removed) continue;
      tag.removed = true;
      this.byPath.delete(tag.def.path);
    }
  }

  onChanges(listener: ChangeListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * A driver's reading. `raw` is null when there is no value to report (the
   * read failed): the last value is kept and only the quality changes.
   */
  ingest(id: number, raw: TagScalar | null, quality: Quality, ts: number, serverTs?: number): void {
    const tag = this.all[id];
    if (!tag || tag.removed) return;
    if (raw === null || quality.status === 'bad') {
      this.setQuality(tag, quality, ts);
      return;
    }
    let value: TagScalar = raw;
    let judged = quality;
    if (typeof raw === 'number') {
      value = tag.scaler.toEu(raw);
      // A Good reading (with or without the protocol's code) is judged against the tag's limits.
      if (quality.status === 'good') judged = judgeReading(tag.def.limits, value, ts, tag.lastReading, tag.lastReadingTs);
      tag.lastReading = value;
      tag.lastReadingTs = ts;
    }
    if (qualityEquals(judged, tag.quality) && !this.differs(tag, value)) return;
    tag.value = value;
    tag.quality = judged;
    tag.ts = ts;
    tag.serverTs = serverTs;
    this.markChanged(tag.id);
  }

  /** Sets the quality of many tags at once (a device lost), keeping their last values. */
  setQualityOf(ids: Iterable<number>, quality: Quality, ts: number): void {
    for (const id of ids) {
      const tag = this.all[id];
      if (tag && !tag.removed) this.setQuality(tag, quality, ts);
    }
  }

  snapshot(tag: EngineTag): TagValue {
    return tag.serverTs === undefined
      ? { value: tag.value, quality: tag.quality, ts: tag.ts }
      : { value: tag.value, quality: tag.quality, ts: tag.ts, serverTs: tag.serverTs };
  }

  /** What tags.list shows, but the NE107 status (the alarm engine keeps that). */
  info(tag: EngineTag): Omit<TagInfo, 'ne107'> {
    const { def } = tag;
    return {
      path: def.path,
      device: def.device,
      address: def.address,
      dataType: def.dataType,
      units: def.units,
      description: def.description,
      writable: def.writable,
      ...this.snapshot(tag),
    };
  }

  private setQuality(tag: EngineTag, quality: Quality, ts: number): void {
    if (qualityEquals(tag.quality, quality)) return;
    tag.quality = quality;
    tag.ts = ts;
    this.markChanged(tag.id);
  }

  private differs(tag: EngineTag, value: TagScalar): boolean {
    const last = tag.value;
    if (typeof value !== 'number' || typeof last !== 'number') return value !== last;
    // Deadband in engineering units, against the last published value.
    return tag.def.deadband > 0 ? Math.abs(value - last) >= tag.def.deadband : value !== last;
  }

  private markChanged(id: number): void {
    if (this.stamp[id] === this.turn) return;
    this.stamp[id] = this.turn;
    this.changed.push(id);
    if (!this.flushScheduled) {
      this.flushScheduled = true;
      setImmediate(this.flush);
    }
  }

  /** Hands this turn's changes to the listeners; public so benchmarks and tests need not wait. */
  readonly flush = (): void => {
    this.flushScheduled = false;
    if (this.changed.length === 0) return;
    const ids = this.changed;
    this.changed = [];
    if (++this.turn === 0xffffffff) {
      this.turn = 1;
      this.stamp.fill(0);
    }
    for (const listener of this.listeners) {
      // One consumer that throws (a bug) must not starve the others (historian, alarms, clients) nor stop the process.
      try {
        listener(ids);
      } catch (error) {
        console.error('a tag change listener failed:', error);
      }
    }
  };
}
