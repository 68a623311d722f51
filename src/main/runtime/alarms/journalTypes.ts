// What the alarm journal's client and its store (in the worker) exchange.
import type { JournalEntry, JournalEvent, JournalStatus } from '../../../shared/alarms';
import type { MachineSnapshot } from './machine';

export interface JournalOptions {
  readonly file: string;
  /** Entries older than this are deleted; absent: kept for ever. */
  readonly maxAgeDays?: number;
  /** Entries held in memory while the disk refuses them; beyond, the oldest are dropped. */
  readonly maxPending?: number;
  readonly retryMs?: number;
  /** Transitions of the process are sent to the store (and committed) at most this often; operator actions at once. */
  readonly flushMs?: number;
  /** A cap on the file in 4 KiB pages (tests use it to fill the "disk"). */
  readonly maxPageCount?: number;
}

export type NewEntry = Omit<JournalEntry, 'seq'>;

export interface JournalQuery {
  readonly from: number;
  readonly to: number;
  readonly search?: string;
  readonly alarmId?: string;
  readonly area?: string;
  readonly events?: readonly JournalEvent[];
  readonly limit: number;
}

/** The store's status, with how many entries it has received (the client counts what is still on its way). */
export interface StoreJournalStatus extends JournalStatus {
  readonly received: number;
}

export interface AppendBatch {
  readonly entries: readonly NewEntry[];
  readonly states: readonly (readonly [string, MachineSnapshot])[];
}
