// Messages between the runtime and the historian worker.
import type { HistorianStatus } from '../../../shared/types';
import type { SeriesData, SeriesRequest } from './query';
import type { StoreTag } from './store';

export interface RetentionRule {
  readonly group: string;
  readonly maxAgeMs?: number;
  readonly maxBytes?: number;
}

export interface WorkerConfig {
  readonly file: string;
  readonly readonly: boolean;
  readonly chunkMs?: number;
  readonly tags: readonly StoreTag[];
  readonly retention: readonly RetentionRule[];
  /** How often unflushed samples are committed (at most 1000 ms: the durability promise). */
  readonly flushMs?: number;
  /** How often a file that cannot be opened or written is tried again. */
  readonly retryMs?: number;
  /** Samples kept in memory while the file cannot be written; the oldest go first beyond it. */
  readonly maxPending?: number;
  readonly maxPageCount?: number;
  /** For a bootstrap worker that imports the real one (tests run it from source through tsx). */
  readonly entry?: string;
}

/** A text sample, by the tag's index in the worker's list. */
export interface TextEntry {
  readonly index: number;
  readonly t: number;
  readonly value: string | null;
  readonly q: number;
}

/** A quality transition (status as QUALITY_CODE), by the tag's index in the worker's list. */
export interface QualityEntry {
  readonly index: number;
  readonly t: number;
  readonly status: number;
  readonly reason: string | null;
  readonly codeValue: number | null;
  readonly codeName: string | null;
}

export type ToWorker =
  | { readonly type: 'append'; readonly ids: Int32Array; readonly t: Float64Array; readonly v: Float64Array; readonly q: Uint8Array; readonly count: number }
  /** Text samples and quality transitions: rare, so plain objects. */
  | { readonly type: 'rows'; readonly text: readonly TextEntry[]; readonly qualities: readonly QualityEntry[] }
  | { readonly type: 'query'; readonly id: number; readonly paths: readonly string[]; readonly request: SeriesRequest }
  | { readonly type: 'stats'; readonly id: number; readonly paths: readonly string[]; readonly from: number; readonly to: number }
  | { readonly type: 'status'; readonly id: number }
  | { readonly type: 'flush'; readonly id: number }
  | { readonly type: 'close'; readonly id: number }
  /** Tags added to (index past the end) or changed in the list the worker was started with. */
  | { readonly type: 'tags'; readonly tags: readonly { readonly index: number; readonly tag: StoreTag }[] };

export type WorkerStatus = Omit<HistorianStatus, 'reviewOnly'>;

export type FromWorker =
  | { readonly type: 'status'; readonly status: WorkerStatus }
  | { readonly type: 'reply'; readonly id: number; readonly ok: true; readonly value: unknown }
  /** `budget`: refused for its budget (shared/budget.ts), not for the file. */
  | { readonly type: 'reply'; readonly id: number; readonly ok: false; readonly error: string; readonly budget?: boolean };

export interface QueryReply {
  readonly series: ({ path: string } & SeriesData)[];
}
