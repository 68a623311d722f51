// The journal's time range: the last hour, 8 hours, day or week up to now
// (refreshed as the alarms change), or a fixed range the operator types.
export type JournalPreset = '1h' | '8h' | '24h' | '7d';

export const JOURNAL_PRESETS: readonly { readonly id: JournalPreset; readonly label: string; readonly ms: number }[] = [
  { id: '1h', label: '1 h', ms: 3_600_000 },
  { id: '8h', label: '8 h', ms: 8 * 3_600_000 },
  { id: '24h', label: '24 h', ms: 86_400_000 },
  { id: '7d', label: '7 d', ms: 7 * 86_400_000 },
];

export type JournalRange =
  | { readonly kind: 'preset'; readonly preset: JournalPreset }
  | { readonly kind: 'custom'; readonly from: number; readonly to: number };

/** The range as from/to at `now`; a preset ends a second past now, so nothing just written is missed. */
export function resolveRange(range: JournalRange, now: number): { from: number; to: number } {
  if (range.kind === 'custom') return { from: range.from, to: range.to };
  const preset = JOURNAL_PRESETS.find((p) => p.id === range.preset) ?? JOURNAL_PRESETS[0]!;
  const to = Math.floor(now) + 1000;
  return { from: to - 1000 - preset.ms, to };
}

const pad2 = (n: number) => String(n).padStart(2, '0');

/** For <input type="datetime-local">: local "YYYY-MM-DDTHH:MM". */
export function toLocalInput(ms: number): string {
  const d = new Date(ms);
  return `${d.getFullYear()}-${pad2(d.getMonth() + 1)}-${pad2(d.getDate())}T${pad2(d.getHours())}:${pad2(d.getMinutes())}`;
}

/** From <input type="datetime-local">; null when it is not a time. */
export function fromLocalInput(text: string): number | null {
  if (!/^\d{4}-\d\d-\d\dT\d\d:\d\d(:\d\d(\.\d+)?)?$/.test(text)) return null;
  const ms = new Date(text).getTime();
  return Number.isFinite(ms) ? ms : null;
}
