// The MQTT uplink's status as the `uplink.status` stream last pushed it (at
// once when the link comes or goes, at most once a second for its counters).
import type { StateCreator } from 'zustand';
import type { StoreForwardInfo, UplinkStatus } from '../../../shared/uplink';

export interface UplinkSlice {
  /** null until the first answer. */
  uplink: UplinkStatus | null;
  /** Why `uplink.status` itself failed (runtime unreachable, refused). */
  uplinkError: string | null;
  setUplink(status: UplinkStatus): void;
  setUplinkError(message: string): void;
}

export const createUplinkSlice: StateCreator<UplinkSlice, [], [], UplinkSlice> = (set, get) => ({
  uplink: null,
  uplinkError: null,
  setUplink: (status) => {
    const current = get().uplink;
    // Answers come every 2 s and mostly repeat the last one while the link is
    // quiet (an idle plant publishes nothing): re-render only on a change.
    if (current !== null && sameUplinkStatus(current, status) && get().uplinkError === null) return;
    set({ uplink: status, uplinkError: null });
  },
  setUplinkError: (uplinkError) => {
    if (get().uplinkError !== uplinkError) set({ uplinkError });
  },
});

/** Every field equal (the queue's too). The status is flat apart from the queue. */
export function sameUplinkStatus(a: UplinkStatus, b: UplinkStatus): boolean {
  for (const key of Object.keys(a) as (keyof UplinkStatus)[]) {
    if (key === 'queue') continue;
    if (a[key] !== b[key]) return false;
  }
  if (Object.keys(a).length !== Object.keys(b).length) return false;
  return sameQueue(a.queue, b.queue);
}

function sameQueue(a: StoreForwardInfo | null, b: StoreForwardInfo | null): boolean {
  if (a === null || b === null) return a === b;
  const keys = Object.keys(a) as (keyof StoreForwardInfo)[];
  return keys.length === Object.keys(b).length && keys.every((key) => a[key] === b[key]);
}
