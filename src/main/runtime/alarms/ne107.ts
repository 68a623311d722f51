// NAMUR NE107 status of instruments (tags) and devices.
//
// A tag's own status comes from its quality: F for a failure (no link, a
// device exception, a sensor or configuration fault, no value yet), S when
// its value is outside its measuring range or plausibility limits. The
// alarms that declare an `ne107` category add theirs while active (a rising
// vibration: M; a loop in manual: C). The worst one shows: F > C > S > M.
// A device is F while its link is down, otherwise the worst of its tags.
import { NE107_RANK, NE107_STATUSES, type Ne107Status } from '../../../shared/alarms';
import type { DeviceState, Quality } from '../../../shared/types';

/** Ranks as stored per tag (0 good .. 4 F), and back. */
export const STATUS_OF_RANK: readonly Ne107Status[] = NE107_STATUSES.slice().sort((a, b) => NE107_RANK[a] - NE107_RANK[b]);

export function qualityNe107(quality: Quality): Ne107Status {
  if (quality.status === 'good') return 'good';
  if (quality.reason === 'out_of_range' || quality.reason === 'rate_of_change') return 'S';
  return quality.status === 'bad' ? 'F' : 'S';
}

export function deviceNe107(state: DeviceState, worstTagRank: number): Ne107Status {
  if (state === 'disconnected' || state === 'connecting') return 'F';
  return STATUS_OF_RANK[worstTagRank]!;
}
