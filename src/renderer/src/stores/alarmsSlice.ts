// The alarms as `alarms.changed` reports them (merged by id: the first batch
// after subscribing has every configured alarm, later ones only what
// changed), the runtime's counts, the NE107 status of instruments, and what
// the operator is doing on the Alarms screen (sub-view, filter, selection).
// Each batch is one store update, however many alarms it carries.
import type { StateCreator } from 'zustand';
import type {
  AlarmCounts,
  AlarmInfo,
  AlarmPriority,
  AlarmState,
  AlarmsChanged,
  JournalStatus,
  Ne107Status,
} from '../../../shared/alarms';
import type { TagInfo } from '../../../shared/types';
import { mergeAlarms, mergeInstruments, newlyAnnunciated } from './alarmMerge';
import type { CatalogSlice } from './catalogSlice';

export type AlarmTab = 'active' | 'hidden' | 'journal' | 'kpis';

/** The list's filter; empty lists mean "all". Applied in the renderer, on the merged alarms. */
export interface AlarmFilter {
  /** A folder: alarms of tags under it ('' all). */
  readonly area: string;
  readonly priorities: readonly AlarmPriority[];
  readonly states: readonly AlarmState[];
  /** Case-insensitive substring of the path or the message. */
  readonly search: string;
}

export const NO_ALARM_FILTER: AlarmFilter = { area: '', priorities: [], states: [], search: '' };

export interface AlarmsSlice {
  /** Every configured alarm, by id. */
  alarms: ReadonlyMap<string, AlarmInfo>;
  /** The runtime's counts with the last batch; null before the first. */
  alarmCounts: AlarmCounts | null;
  /** A batch (or the `alarms.list` answer) has arrived. */
  alarmsLoaded: boolean;
  /** Why the alarms cannot be had (the runtime refused `alarms.list`). */
  alarmsError: string | null;
  journalStatus: JournalStatus | null;
  /** Bumped by every applied batch: what views that re-query (journal, KPIs) follow. */
  alarmsSeq: number;
  /** Bumped when a batch brings a new unacknowledged priority 1 or 2 alarm (the horn listens). */
  annunciations: number;
  /** The highest priority among the last annunciation's alarms. */
  annunciatedPriority: AlarmPriority | null;
  /**
   * NE107 statuses of instruments (tags) as `alarms.changed` reported them.
   * A tag not in here has the status `tags.list` gave (see `ne107Of`).
   */
  instruments: ReadonlyMap<string, Ne107Status>;

  alarmTab: AlarmTab;
  alarmFilter: AlarmFilter;
  /** The row the keyboard is on. */
  alarmCursor: string | null;
  /** The rows chosen for acknowledge (ids). */
  alarmSelection: ReadonlySet<string>;
  /** The journal shows only this alarm (chosen from the list's menu); null: all. */
  journalAlarm: string | null;

  applyAlarmBatch(batch: AlarmsChanged, replace: boolean): void;
  /** The `alarms.list` answer; ignored if a batch came first (a batch is never older). */
  setAlarmSnapshot(alarms: readonly AlarmInfo[], counts: AlarmCounts): void;
  setAlarmsError(message: string | null): void;
  setJournalStatus(status: JournalStatus): void;
  setAlarmTab(tab: AlarmTab): void;
  setAlarmFilter(patch: Partial<AlarmFilter>): void;
  setAlarmCursor(id: string | null): void;
  setAlarmSelection(ids: ReadonlySet<string>): void;
  setJournalAlarm(id: string | null): void;
  /** Every tag's status as `tags.list` gave it (after a reconnect). */
  setInstrumentsFromTags(tags: readonly Pick<TagInfo, 'path' | 'ne107'>[]): void;
}

export const createAlarmsSlice: StateCreator<AlarmsSlice, [], [], AlarmsSlice> = (set, get) => ({
  alarms: new Map(),
  alarmCounts: null,
  alarmsLoaded: false,
  alarmsError: null,
  journalStatus: null,
  alarmsSeq: 0,
  annunciations: 0,
  annunciatedPriority: null,
  instruments: new Map(),
  alarmTab: 'active',
  alarmFilter: NO_ALARM_FILTER,
  alarmCursor: null,
  alarmSelection: new Set(),
  journalAlarm: null,

  applyAlarmBatch: (batch, replace) => {
    const state = get();
    const changed = Array.isArray(batch.alarms) ? batch.alarms : [];
    const instruments = Array.isArray(batch.instruments) ? batch.instruments : [];
    // A first batch only restates what is there: nothing is new to the operator then.
    const fresh = replace ? [] : newlyAnnunciated(state.alarms, changed);
    set({
      alarms: mergeAlarms(state.alarms, changed, replace),
      alarmCounts: batch.counts ?? state.alarmCounts,
      journalStatus: batch.journal ?? state.journalStatus,
      alarmsLoaded: true,
      alarmsError: null,
      alarmsSeq: state.alarmsSeq + 1,
      // A first batch names every instrument that is not Good: the others are.
      instruments: replace ? new Map(instruments.map((i) => [i.path, i.ne107])) : mergeInstruments(state.instruments, instruments),
      ...(fresh.length > 0
        ? { annunciations: state.annunciations + 1, annunciatedPriority: fresh.some((a) => a.priority === 1) ? 1 : 2 }
        : {}),
    });
  },
  setAlarmSnapshot: (alarms, counts) => {
    if (get().alarmsLoaded) return;
    set({
      alarms: mergeAlarms(get().alarms, alarms, true),
      alarmCounts: counts,
      alarmsLoaded: true,
      alarmsError: null,
      alarmsSeq: get().alarmsSeq + 1,
    });
  },
  setAlarmsError: (alarmsError) => {
    if (get().alarmsError !== alarmsError) set({ alarmsError });
  },
  setJournalStatus: (journalStatus) => set({ journalStatus }),
  setAlarmTab: (alarmTab) => {
    if (get().alarmTab !== alarmTab) set({ alarmTab });
  },
  setAlarmFilter: (patch) => set({ alarmFilter: { ...get().alarmFilter, ...patch } }),
  setAlarmCursor: (alarmCursor) => {
    if (get().alarmCursor !== alarmCursor) set({ alarmCursor });
  },
  setAlarmSelection: (alarmSelection) => set({ alarmSelection }),
  setJournalAlarm: (journalAlarm) => {
    if (get().journalAlarm !== journalAlarm) set({ journalAlarm });
  },
  setInstrumentsFromTags: (tags) => set({ instruments: new Map(tags.map((t) => [t.path, t.ne107])) }),
});

/** A tag's NE107 status: the stream's latest, else what `tags.list` said, else Good. */
export function ne107Of(state: Pick<AlarmsSlice & CatalogSlice, 'instruments' | 'byPath'>, path: string): Ne107Status {
  return state.instruments.get(path) ?? state.byPath.get(path)?.ne107 ?? 'good';
}
