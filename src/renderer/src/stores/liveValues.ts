// Live tag values, kept OUTSIDE React state (zustand's "transient updates"):
// a Map path → latest value with per-path listeners. The `tags.changed`
// listener writes here; each table cell listens to its own path and writes
// into its DOM node, so a value change never re-renders the table.
import type { TagChange, TagInfo, TagValue } from '../../../shared/types';

export type LiveValueListener = (value: TagValue) => void;

export class LiveValueCache {
  private readonly values = new Map<string, TagValue>();
  private readonly listeners = new Map<string, Set<LiveValueListener>>();
  /** Changes applied since start, for the status bar. */
  received = 0;

  get(path: string): TagValue | undefined {
    return this.values.get(path);
  }

  /** Applies one batch; each path's listeners hear its latest value once. */
  apply(changes: readonly TagChange[]): void {
    for (const change of changes) {
      this.values.set(change.path, change);
      this.received++;
      const set = this.listeners.get(change.path);
      if (set) for (const listener of set) listener(change);
    }
  }

  /**
   * Seeds values from a `tags.list` answer. A path that already has a value
   * keeps it: it came from the event stream, which is never older.
   */
  seed(tags: readonly TagInfo[]): void {
    for (const tag of tags) {
      if (this.values.has(tag.path)) continue;
      const value: TagValue = tag.serverTs === undefined ? { value: tag.value, quality: tag.quality, ts: tag.ts } : { value: tag.value, quality: tag.quality, ts: tag.ts, serverTs: tag.serverTs };
      this.values.set(tag.path, value);
      const set = this.listeners.get(tag.path);
      if (set) for (const listener of set) listener(value);
    }
  }

  subscribe(path: string, listener: LiveValueListener): () => void {
    let set = this.listeners.get(path);
    if (!set) {
      set = new Set();
      this.listeners.set(path, set);
    }
    set.add(listener);
    return () => {
      const current = this.listeners.get(path);
      if (!current) return;
      current.delete(listener);
      if (current.size === 0) this.listeners.delete(path);
    };
  }

  clear(): void {
    this.values.clear();
  }
}

export const liveValues = new LiveValueCache();
