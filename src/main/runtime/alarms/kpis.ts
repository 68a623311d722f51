// Alarm-system KPIs over one range of the alarm journal (EEMUA 191, ISA-18.2).
//
// Pure: the caller reads the range's activations and the alarms still active
// at `to`; nothing here reads a clock or a file, so a report on a past range
// is reproducible and every rule below can be checked by hand.
//
// The activations arrive sorted by time, so each KPI is one pass over them
// (the floods a second one, with two pointers) and one Map entry per alarm;
// only the short lists that are reported (chattering, standing) get sorted.
// A month of a flooding plant is a few million activations: no per-activation
// allocation beyond the Map's first sight of an alarm.
//
// Only activations in [from, to) count. The window of a rate or a flood never
// reaches back before `from`: a flood already running at `from` is reported
// only if the range's own activations start one (it then starts at the
// activation that makes the 11th in ten minutes, never before `from`), and a
// flood still running at `to` ends at `to`.
import { ALARM_PRIORITIES, type AlarmKpis, type AlarmPriority } from '../../../shared/alarms';

/** EEMUA 191 states alarm rates per 10 minutes: the buckets, the average and the flood window. */
const RATE_WINDOW_MS = 10 * 60_000;
/** A flood starts when more than this many activations fall in one rate window... */
const FLOOD_START_ABOVE = 10;
/** ...and ends when fewer than this many do. */
const FLOOD_END_BELOW = 5;
/** An alarm active this long at `to` is standing. */
const STANDING_MS = 24 * 60 * 60_000;
/**
 * Three activations of one alarm within this span make it chattering. (The
 * three is built into the pass, which keeps the two activations before each.)
 */
const CHATTER_WINDOW_MS = 60_000;
const BAD_ACTOR_COUNT = 10;

export interface Activation {
  readonly ts: number;
  readonly alarmId: string;
  readonly path: string;
  readonly priority: AlarmPriority;
}

/** An alarm still active at `to`, and since when. */
export interface StandingCandidate {
  readonly alarmId: string;
  readonly path: string;
  readonly activeAt: number;
}

type Flood = AlarmKpis['floods'][number];
type BadActor = AlarmKpis['badActors'][number];

/** What the pass learns about one alarm. */
interface Tally {
  readonly alarmId: string;
  readonly path: string;
  activations: number;
  /** Its previous two activation times; -Infinity until it has had that many. */
  last: number;
  beforeLast: number;
  /** Whether the three activations ending at the previous one spanned the chatter window: a burst is open. */
  inBurst: boolean;
  bursts: number;
}

/**
 * @param activations sorted by `ts`, all within [from, to) (any outside are ignored)
 * @param stillActive the alarms active at `to`, with the time each became active
 */
export function computeKpis(from: number, to: number, activations: readonly Activation[], stillActive: readonly StandingCandidate[]): AlarmKpis {
  const span = Math.max(0, to - from);
  // Sorted input: the in-range slice is two binary searches, and the promise is checked for free.
  const lo = firstAtOrAfter(activations, from);
  const hi = Math.max(lo, firstAtOrAfter(activations, to));
  const total = hi - lo;

  const bucketCount = Math.ceil(span / RATE_WINDOW_MS);
  const buckets = new Uint32Array(bucketCount);
  const byPriority = new Uint32Array(ALARM_PRIORITIES.length);
  const tallies = new Map<string, Tally>();
  for (let i = lo; i < hi; i++) {
    const a = activations[i]!;
    // min: a fractional timestamp a hair before `to` may divide up to the bucket count.
    buckets[Math.min(bucketCount - 1, Math.floor((a.ts - from) / RATE_WINDOW_MS))]!++;
    byPriority[ALARM_PRIORITIES.indexOf(a.priority)]!++;
    let tally = tallies.get(a.alarmId);
    if (tally === undefined) {
      tally = { alarmId: a.alarmId, path: a.path, activations: 0, last: -Infinity, beforeLast: -Infinity, inBurst: false, bursts: 0 };
      tallies.set(a.alarmId, tally);
    }
    tally.activations++;
    // This activation and the two before it within the window: a new burst, unless the previous three were one already.
    const chatters = a.ts - tally.beforeLast <= CHATTER_WINDOW_MS;
    if (chatters && !tally.inBurst) tally.bursts++;
    tally.inBurst = chatters;
    tally.beforeLast = tally.last;
    tally.last = a.ts;
  }

  const per10Min = Array.from(buckets, (count, k) => ({ t: from + k * RATE_WINDOW_MS, count }));
  let maxPer10Min = 0;
  for (const count of buckets) if (count > maxPer10Min) maxPer10Min = count;

  const floods = findFloods(activations, lo, hi, to);
  let timeInFloodMs = 0;
  for (const flood of floods) timeInFloodMs += flood.end - flood.start;

  const chattering: AlarmKpis['chattering'][number][] = [];
  for (const tally of tallies.values()) {
    if (tally.bursts > 0) chattering.push({ alarmId: tally.alarmId, path: tally.path, activations: tally.activations, bursts: tally.bursts });
  }
  chattering.sort((a, b) => b.activations - a.activations || byId(a, b));

  return {
    from,
    to,
    activations: total,
    // The rate over the range itself: a partial last bucket does not count as a whole one.
    averagePer10Min: span > 0 ? (total * RATE_WINDOW_MS) / span : 0,
    maxPer10Min,
    per10Min,
    floods,
    timeInFloodMs,
    timeInFloodPercent: span > 0 ? (100 * timeInFloodMs) / span : 0,
    standing: standingOf(to, stillActive),
    chattering,
    badActors: badActorsOf(tallies, total),
    priorityDistribution: ALARM_PRIORITIES.map((priority, k) => ({ priority, activations: byPriority[k]!, percent: percentOf(byPriority[k]!, total) })),
  };
}

/** The first index with ts >= time (activations sorted by ts). */
function firstAtOrAfter(activations: readonly Activation[], time: number): number {
  let lo = 0;
  let hi = activations.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (activations[mid]!.ts < time) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * Floods over activations [lo, hi), by the count c(τ) of activations in the
 * trailing window (τ − 10 min, τ].
 *
 * A flood starts at the activation at which c exceeds 10. c falls only when an
 * activation k leaves the window, at t_k + 10 min, and it is then the number of
 * activations in (t_k, t_k + 10 min], arrivals at that instant included. So the
 * flood ends at the first such departure, among the activations in the window
 * at the start, after which fewer than 5 remain: the first k whose fifth
 * successor is later than t_k + 10 min, or that has no fifth successor. (A
 * successor with the same timestamp as k leaves with it and is counted here
 * anyway; that only delays the test to the last of the tie, which leaves at
 * the same instant, so the end is exact.)
 *
 * A flood's activations are those in [start, end], so the ten before its
 * start that built it up are not among them. Every pointer only moves forward:
 * the next flood's window begins after this one's last departure.
 */
function findFloods(activations: readonly Activation[], lo: number, hi: number, to: number): Flood[] {
  const floods: Flood[] = [];
  let tail = lo; // the oldest activation in the window ending at activation i
  let i = lo;
  while (i < hi) {
    const start = activations[i]!.ts;
    while (activations[tail]!.ts <= start - RATE_WINDOW_MS) tail++;
    if (i - tail + 1 <= FLOOD_START_ABOVE) {
      i++;
      continue;
    }
    let k = tail;
    while (k + FLOOD_END_BELOW < hi && activations[k + FLOOD_END_BELOW]!.ts <= activations[k]!.ts + RATE_WINDOW_MS) k++;
    const end = Math.min(to, activations[k]!.ts + RATE_WINDOW_MS);
    // Activations that share the start's timestamp but came first in the input are in [start, end] too.
    let first = i;
    while (first > lo && activations[first - 1]!.ts === start) first--;
    let next = i + 1;
    while (next < hi && activations[next]!.ts <= end) next++;
    floods.push({ start, end, activations: next - first });
    i = next;
  }
  return floods;
}

/** Alarms active for 24 h or more at `to`, the longest first. */
function standingOf(to: number, stillActive: readonly StandingCandidate[]): AlarmKpis['standing'][number][] {
  const standing: AlarmKpis['standing'][number][] = [];
  for (const { alarmId, path, activeAt } of stillActive) {
    if (activeAt <= to - STANDING_MS) standing.push({ alarmId, path, activeAt, durationMs: to - activeAt });
  }
  return standing.sort((a, b) => b.durationMs - a.durationMs || byId(a, b));
}

/**
 * The ten alarms with the most activations, ties by alarmId. A sorted list of
 * at most ten, filled by insertion: a plant with thousands of alarms is not
 * sorted to report ten of them.
 */
function badActorsOf(tallies: ReadonlyMap<string, Tally>, total: number): BadActor[] {
  const top: Tally[] = [];
  for (const tally of tallies.values()) {
    if (top.length === BAD_ACTOR_COUNT && !ranksBefore(tally, top[BAD_ACTOR_COUNT - 1]!)) continue;
    let at = top.length === BAD_ACTOR_COUNT ? BAD_ACTOR_COUNT - 1 : top.length;
    while (at > 0 && ranksBefore(tally, top[at - 1]!)) {
      top[at] = top[at - 1]!;
      at--;
    }
    top[at] = tally;
  }
  return top.map((t) => ({ alarmId: t.alarmId, path: t.path, activations: t.activations, percent: percentOf(t.activations, total) }));
}

function ranksBefore(a: Tally, b: Tally): boolean {
  return a.activations > b.activations || (a.activations === b.activations && a.alarmId < b.alarmId);
}

/** By code unit, not locale: the same order on every workstation. */
function byId(a: { readonly alarmId: string }, b: { readonly alarmId: string }): number {
  return a.alarmId < b.alarmId ? -1 : a.alarmId > b.alarmId ? 1 : 0;
}

/** A share in percent, to 0.1; none of nothing is 0, not NaN. */
function percentOf(part: number, total: number): number {
  return total > 0 ? Math.round((1000 * part) / total) / 10 : 0;
}
