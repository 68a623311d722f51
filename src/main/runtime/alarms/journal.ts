// The alarm journal as the runtime sees it: the client of the journal's store
// (journalStore.ts), which does all its SQLite work in a worker thread, so
// journalling a flood or answering a year's query never holds up polling.
//
// Transitions of the process are batched here and sent at most every
// `flushMs` (100 ms by default): a flood of 10,000 is one message and one
// commit. An operator action awaits `flush()`, which sends at once and
// resolves once the store committed (true) or kept the entries in memory
// because the disk refused (false), so its answer can wait for the commit.
//
// The status is known here without asking: the store's last status plus what
// is still on its way to it. When the disk refuses, entries wait in the
// store's memory (bounded, the oldest dropped and counted) and writing
// resumes by itself; the status says why meanwhile.
import type { AlarmKpis, JournalEntry, JournalStatus } from '../../../shared/alarms';
import { StoreClient, type WorkerLocation } from '../storage/client';
import { journalService } from './journalStore';
import type { AppendBatch, JournalOptions, JournalQuery, NewEntry, StoreJournalStatus } from './journalTypes';
import type { Activation, StandingCandidate } from './kpis';
import type { MachineSnapshot } from './machine';

export type { JournalOptions, JournalQuery, NewEntry } from './journalTypes';

export interface AlarmJournalOptions extends JournalOptions {
  /** The store worker; omitted or null: the store runs on this thread (tests, tools). */
  readonly worker?: WorkerLocation | null;
}

export class AlarmJournal {
  private readonly client: StoreClient;
  private buffer: NewEntry[] = [];
  private readonly states = new Map<string, MachineSnapshot>();
  /** Entries sent to the store, and dropped here before they went (the store was slower than the bound). */
  private sent = 0;
  private droppedHere = 0;
  private storeStatus: StoreJournalStatus;
  private timer: NodeJS.Timeout | null = null;
  private readonly maxPending: number;
  private readonly flushMs: number;

  constructor(private readonly options: AlarmJournalOptions) {
    this.maxPending = options.maxPending ?? 1_000_000;
    this.flushMs = options.flushMs ?? 100;
    const { worker, ...storeOptions } = options;
    this.storeStatus = { state: 'ok', problem: null, file: options.file, pending: 0, dropped: 0, received: 0 };
    this.client = new StoreClient({
      service: 'alarmJournal',
      options: storeOptions,
      worker: worker ?? null,
      factory: journalService,
      onEvent: (name, payload) => {
        if (name === 'status') this.storeStatus = payload as StoreJournalStatus;
      },
    });
  }

  /** Opens (or creates) the file; resolves with the saved alarm states (none when the file cannot be used: the status says why). */
  async open(): Promise<Map<string, MachineSnapshot>> {
    try {
      return await this.ask<Map<string, MachineSnapshot>>('open');
    } catch (error) {
      this.storeStatus = { ...this.storeStatus, state: 'degraded', problem: (error as Error).message };
      return new Map();
    }
  }

  status(): JournalStatus {
    const { received: _received, ...status } = this.storeStatus;
    const waiting = status.pending + (this.sent - this.storeStatus.received) + this.buffer.length;
    const over = Math.max(0, waiting - this.maxPending);
    return { ...status, pending: waiting - over, dropped: status.dropped + this.droppedHere + over };
  }

  /** Journals an entry; it goes to the store with the others of the next `flushMs`. */
  append(entry: NewEntry): void {
    this.buffer.push(entry);
    if (this.buffer.length > this.maxPending) {
      const excess = this.buffer.length - this.maxPending;
      this.buffer.splice(0, excess);
      this.droppedHere += excess;
    }
    this.schedule();
  }

  saveState(alarmId: string, snapshot: MachineSnapshot): void {
    this.states.set(alarmId, snapshot);
    this.schedule();
  }

  /** Sends what waits now; resolves true once committed, false when the disk refused it (it waits in the store). */
  async flush(): Promise<boolean> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    if (this.buffer.length === 0 && this.states.size === 0) return this.ask<boolean>('flush').catch(() => false);
    const batch: AppendBatch = { entries: this.buffer, states: [...this.states] };
    this.buffer = [];
    this.states.clear();
    this.sent += batch.entries.length;
    try {
      return await this.ask<boolean>('append', batch);
    } catch {
      return false;
    }
  }

  /** Entries in [from, to], newest first, read in the store's worker (what is still on its way is sent first). */
  async query(query: JournalQuery): Promise<{ entries: JournalEntry[]; truncated: boolean }> {
    this.send();
    return this.client.call('query', query);
  }

  /** The KPIs of a range, computed in the store's worker. */
  async kpis(from: number, to: number): Promise<AlarmKpis> {
    this.send();
    return this.client.call('kpis', { from, to });
  }

  async activations(from: number, to: number): Promise<Activation[]> {
    this.send();
    return (await this.client.call<{ activations: Activation[] }>('activations', { from, to })).activations;
  }

  async activeAt(to: number): Promise<StandingCandidate[]> {
    this.send();
    return this.client.call('activeAt', { to });
  }

  /** For tests: changes the page cap of the open file. */
  setMaxPageCount(pages: number): Promise<void> {
    return this.client.call('setMaxPageCount', { pages });
  }

  /** Sends what waits, lets the store write it and close the file, and ends its worker. */
  async close(): Promise<void> {
    if (!this.client.running) return;
    this.send();
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.client.close();
  }

  /** Sends the buffer without waiting for the answer (the next call is answered after it). */
  private send(): void {
    if (this.buffer.length > 0 || this.states.size > 0) void this.flush();
  }

  private schedule(): void {
    if (this.timer || !this.client.running) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.flush();
    }, this.flushMs);
    this.timer.unref();
  }

  /** A call whose answer carries the store's status. */
  private async ask<T>(method: string, args?: unknown): Promise<T> {
    const { value, status } = await this.client.call<{ value: T; status: StoreJournalStatus }>(method, args);
    this.storeStatus = status;
    return value;
  }
}
