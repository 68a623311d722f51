// The tag engine: turns a driver's raw readings into values with quality,
// and tells its listeners, once per event-loop turn, which tags changed.
//
// Per reading: raw → engineering units (scaling), plausibility (range, rate)
// → quality, then the deadband decides whether it is a change. A quality
// change is always a change. Values stay in plain per-tag records, looked up
// by a dense integer id, so 100,000 tags cost a few tens of megabytes.
import {
  GOOD,
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
  readonly def: TagDefinition;
  readonly scaler: Scaler;
  value: TagScalar | null;
  quality: Quality;
  ts: number;
  /** Last accepted reading and its time, for the rate-of-change check. */
  lastReading: number;
  lastReadingTs: number;
}

export type ChangeListener = (ids: readonly number[]) => void;

const WAITING = qualityOf('bad', 'waiting_for_initial_data');

export class TagEngine {
  readonly tags: readonly EngineTag[];
  private readonly byPath = new Map<string, EngineTag>();
  private readonly listeners = new Set<ChangeListener>();
  /** Ids changed in this turn; `stamp` keeps each id in it once. */
  private changed: number[] = [];
  private readonly stamp: Uint32Array;
  private turn = 1;
  private flushScheduled = false;

  constructor(definitions: readonly TagDefinition[], now = Date.now()) {
    this.tags = definitions.map((def, id) => {
      const tag: EngineTag = {
        id,
        def,
        scaler: linearScaler(def.scale),
        value: null,
        quality: WAITING,
        ts: now,
        lastReading: NaN,
        lastReadingTs: 0,
      };
      this.byPath.set(def.path, tag);
      return tag;
    });
    this.stamp = new Uint32Array(definitions.length);
  }

  get size(): number {
    return this.tags.length;
  }

  find(path: string): EngineTag | undefined {
    return this.byPath.get(path);
  }

  paths(): IterableIterator<string> {
    return this.byPath.keys();
  }

  onChanges(listener: ChangeListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * A driver's reading. `raw` is null when there is no value to report (the
   * read failed): the last value is kept and only the quality changes.
   */
  ingest(id: number, raw: TagScalar | null, quality: Quality, ts: number): void {
    const tag = this.tags[id]!;
    if (raw === null || quality.status === 'bad') {
      this.setQuality(tag, quality, ts);
      return;
    }
    let value: TagScalar = raw;
    let judged = quality;
    if (typeof raw === 'number') {
      value = tag.scaler.toEu(raw);
      if (quality === GOOD) judged = judgeReading(tag.def.limits, value, ts, tag.lastReading, tag.lastReadingTs);
      tag.lastReading = value;
      tag.lastReadingTs = ts;
    }
    if (judged === tag.quality && !this.differs(tag, value)) return;
    tag.value = value;
    tag.quality = judged;
    tag.ts = ts;
    this.markChanged(tag.id);
  }

  /** Sets the quality of many tags at once (a device lost), keeping their last values. */
  setQualityOf(ids: Iterable<number>, quality: Quality, ts: number): void {
    for (const id of ids) this.setQuality(this.tags[id]!, quality, ts);
  }

  snapshot(tag: EngineTag): TagValue {
    return { value: tag.value, quality: tag.quality, ts: tag.ts };
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
      value: tag.value,
      quality: tag.quality,
      ts: tag.ts,
    };
  }

  private setQuality(tag: EngineTag, quality: Quality, ts: number): void {
    if (tag.quality === quality) return;
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
    for (const listener of this.listeners) listener(ids);
  };
}
