// The shelve dialog's duration: a preset or a custom number of minutes or
// hours, checked against the contract's limit (ISA-18.2: shelving is
// always time-limited) before anything is sent.

import { MAX_SHELVE_MS } from '../../../../shared/alarms';

export { MAX_SHELVE_MS };

export const SHELVE_PRESETS: readonly { readonly id: string; readonly label: string; readonly ms: number }[] = [
  { id: '15m', label: '15 min', ms: 15 * 60_000 },
  { id: '1h', label: '1 h', ms: 3_600_000 },
  { id: '8h', label: '8 h', ms: 8 * 3_600_000 },
];

export type ShelveChoice =
  | { readonly kind: 'preset'; readonly ms: number }
  | { readonly kind: 'custom'; readonly text: string; readonly unit: 'min' | 'h' };

export type ParsedDuration = { readonly ok: true; readonly ms: number } | { readonly ok: false; readonly problem: string };

export function parseShelveDuration(choice: ShelveChoice): ParsedDuration {
  if (choice.kind === 'preset') return { ok: true, ms: choice.ms };
  const text = choice.text.trim();
  if (text === '') return { ok: false, problem: 'Enter how long to shelve' };
  const n = Number(text);
  if (!Number.isFinite(n) || n <= 0) return { ok: false, problem: `"${text}" is not a positive number` };
  const ms = Math.round(n * (choice.unit === 'h' ? 3_600_000 : 60_000));
  if (ms < 60_000) return { ok: false, problem: 'Shelve for at least a minute' };
  if (ms > MAX_SHELVE_MS) return { ok: false, problem: `Shelve for at most ${MAX_SHELVE_MS / 86_400_000} days` };
  return { ok: true, ms };
}
