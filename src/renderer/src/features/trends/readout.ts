// What the legend shows for each pen: the value in force at the cursor, or
// at the end of the range when the cursor is off the chart. Published by the
// chart controller on every cursor move and every live redraw, OUTSIDE React
// (transient updates): each legend cell listens and writes its own text.
import type { Reading } from './trendData';

export interface Readout {
  /** The time read (ms), or null when there is nothing to read. */
  readonly timeMs: number | null;
  /** true: at the cursor; false: the latest value of the range. */
  readonly atCursor: boolean;
  readonly byPath: ReadonlyMap<string, Reading | null>;
}

export type ReadoutListener = (readout: Readout) => void;

export class ReadoutChannel {
  private latest: Readout = { timeMs: null, atCursor: false, byPath: new Map() };
  private readonly listeners = new Set<ReadoutListener>();

  get current(): Readout {
    return this.latest;
  }

  publish(readout: Readout): void {
    this.latest = readout;
    for (const listener of this.listeners) listener(readout);
  }

  subscribe(listener: ReadoutListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}

export const trendReadout = new ReadoutChannel();
