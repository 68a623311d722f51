// What the alarm KPIs mean against the benchmarks of EEMUA 191 and
// ISA-18.2: about one alarm per 10 minutes is acceptable, two manageable,
// more than ten in 10 minutes is a flood; floods under 1 % of the time;
// few standing alarms, no chattering ones; priorities about 80 % low,
// 15 % medium, 5 % high. Pure: the view shows the verdicts with symbols.
import type { AlarmKpis, AlarmPriority } from '../../../../shared/alarms';

export type Verdict = 'good' | 'fair' | 'poor' | 'bad';

export interface Assessment {
  readonly verdict: Verdict;
  readonly text: string;
}

/** Average activations per 10 minutes. */
export function assessAverage(per10Min: number): Assessment {
  if (per10Min <= 1) return { verdict: 'good', text: 'Acceptable (≤ 1 per 10 min)' };
  if (per10Min <= 2) return { verdict: 'fair', text: 'Manageable (≤ 2 per 10 min)' };
  if (per10Min <= 10) return { verdict: 'poor', text: 'Over-demanding (> 2 per 10 min)' };
  return { verdict: 'bad', text: 'A flood on average (> 10 per 10 min)' };
}

/** The busiest 10 minutes. */
export function assessPeak(maxPer10Min: number): Assessment {
  if (maxPer10Min <= 10) return { verdict: 'good', text: 'No flood (≤ 10 per 10 min)' };
  return { verdict: 'bad', text: 'Flood (> 10 per 10 min)' };
}

export function assessFloodTime(percent: number): Assessment {
  if (percent <= 0) return { verdict: 'good', text: 'No time in flood' };
  if (percent < 1) return { verdict: 'fair', text: 'Under the 1 % target' };
  return { verdict: 'bad', text: 'Over the 1 % target' };
}

export function assessStanding(count: number): Assessment {
  if (count === 0) return { verdict: 'good', text: 'None' };
  if (count < 5) return { verdict: 'fair', text: 'Under 5: review them' };
  return { verdict: 'poor', text: '5 or more: fix or re-engineer them' };
}

export function assessChattering(count: number): Assessment {
  if (count === 0) return { verdict: 'good', text: 'None' };
  return { verdict: 'poor', text: 'Chattering alarms: tune deadbands and delays' };
}

export type PriorityBand = 'high' | 'medium' | 'low';

/** EEMUA 191's recommended shares. High is priority 1, medium 2, low 3 and 4. */
export const PRIORITY_TARGETS: readonly {
  readonly band: PriorityBand;
  readonly label: string;
  readonly target: number;
}[] = [
  { band: 'low', label: 'Low (P3, P4)', target: 80 },
  { band: 'medium', label: 'Medium (P2)', target: 15 },
  { band: 'high', label: 'High (P1)', target: 5 },
];

function bandOf(p: AlarmPriority): PriorityBand | null {
  if (p === 1) return 'high';
  if (p === 2) return 'medium';
  if (p === 3 || p === 4) return 'low';
  return null; // diagnostic: for maintenance, outside the operator's distribution
}

export interface BandShare {
  readonly band: PriorityBand;
  readonly label: string;
  readonly activations: number;
  /** Share of the operator's alarms (diagnostic ones left out), 0..100. */
  readonly percent: number;
  readonly target: number;
}

export function priorityBands(distribution: AlarmKpis['priorityDistribution']): {
  bands: BandShare[];
  diagnostic: number;
} {
  const counts: Record<PriorityBand, number> = { high: 0, medium: 0, low: 0 };
  let diagnostic = 0;
  for (const row of distribution) {
    const band = bandOf(row.priority);
    if (band === null) diagnostic += row.activations;
    else counts[band] += row.activations;
  }
  const total = counts.high + counts.medium + counts.low;
  return {
    bands: PRIORITY_TARGETS.map(({ band, label, target }) => ({
      band,
      label,
      activations: counts[band],
      percent: total === 0 ? 0 : (counts[band] / total) * 100,
      target,
    })),
    diagnostic,
  };
}

/** Bars for the activation strip: at most `maxBars`, each the busiest bucket it covers. */
export function stripBars(
  per10Min: AlarmKpis['per10Min'],
  maxBars: number,
): { t: number; count: number }[] {
  if (per10Min.length === 0 || maxBars <= 0) return [];
  const size = Math.ceil(per10Min.length / maxBars);
  const out: { t: number; count: number }[] = [];
  for (let i = 0; i < per10Min.length; i += size) {
    let count = 0;
    for (let j = i; j < Math.min(per10Min.length, i + size); j++) count = Math.max(count, per10Min[j]!.count);
    out.push({ t: per10Min[i]!.t, count });
  }
  return out;
}
