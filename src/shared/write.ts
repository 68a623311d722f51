// What a write may be and what it did, as the runtime and every client see
// it: a tag's write limits, and the words for the device's answer. One
// wording for the write dialog and the audit trail, so the two never tell
// different stories. Pure TypeScript: no Node, no DOM.
import { isIntegerType, type TagDataType, type TagScalar, type WriteLimits } from './types';

/**
 * How the read-back after a write went:
 * - `held`: the device was read after it confirmed; `held` is what it holds;
 * - `unsupported`: the driver cannot read on demand (a Sparkplug command): the device's next report tells;
 * - `failed`: the device confirmed the write, but reading it back failed.
 */
export type ReadBackState = 'held' | 'unsupported' | 'failed';

/** What the text helpers need of a write's answer (a subset of the contract's WriteResult). */
export interface WriteOutcome {
  readonly requested: TagScalar;
  readonly sent: TagScalar;
  readonly held: TagScalar | null;
  readonly readBack: ReadBackState;
  readonly readBackProblem?: string | null;
}

/** Whether the device stores whole numbers (before scaling) for this data type. */
export function isIntegerDataType(dataType: TagDataType): boolean {
  return isIntegerType(dataType);
}

/** `value` outside `limits`? */
export function outsideLimits(limits: WriteLimits | null | undefined, value: number): boolean {
  if (!limits) return false;
  return (limits.min !== null && value < limits.min) || (limits.max !== null && value > limits.max);
}

/** "0 … 150 °C", "≥ 0 %", "≤ 10 m"; '' when both sides are open. */
export function limitsText(limits: WriteLimits | null | undefined, units = ''): string {
  if (!limits || (limits.min === null && limits.max === null)) return '';
  const u = units ? ` ${units}` : '';
  if (limits.min !== null && limits.max !== null) return `${plain(limits.min)} … ${plain(limits.max)}${u}`;
  return limits.min !== null ? `≥ ${plain(limits.min)}${u}` : `≤ ${plain(limits.max!)}${u}`;
}

/** A value as a sentence shows it: numbers without float noise, with units; booleans as ON/OFF. */
export function valueText(value: TagScalar, units = ''): string {
  if (typeof value === 'boolean') return value ? 'ON' : 'OFF';
  if (typeof value === 'string') return JSON.stringify(value);
  return units ? `${plain(value)} ${units}` : plain(value);
}

/**
 * What happened, honestly: "device holds 75 °C", "requested 500 °C, device
 * holds 150 °C", "requested 42.26 %, sent 42.3 % (rounded to the tag's
 * step), device holds 42.3 %", "sent 75 °C; not read back: …".
 */
export function outcomeText(outcome: WriteOutcome, units = ''): string {
  const parts: string[] = [];
  const rounded = !sameScalar(outcome.sent, outcome.requested);
  const differs = outcomeDiffers(outcome);
  if (rounded || differs) parts.push(`requested ${valueText(outcome.requested, units)}`);
  if (rounded) parts.push(`sent ${valueText(outcome.sent, units)} (rounded to the tag's step)`);
  if (outcome.readBack === 'held' && outcome.held !== null) {
    parts.push(`device holds ${valueText(outcome.held, units)}`);
    return parts.join(', ');
  }
  if (!rounded) parts.push(`sent ${valueText(outcome.sent, units)}`);
  const why = outcome.readBackProblem ? `: ${outcome.readBackProblem}` : '';
  return `${parts.join(', ')}; not read back${why}`;
}

/** Whether the device's value (read back, or else what was sent) is not what was asked. */
export function outcomeDiffers(outcome: WriteOutcome): boolean {
  const got = outcome.readBack === 'held' && outcome.held !== null ? outcome.held : outcome.sent;
  return !sameScalar(got, outcome.requested);
}

function sameScalar(a: TagScalar, b: TagScalar): boolean {
  return a === b;
}

/** Up to 12 significant digits: 42.300000000000004 → "42.3". */
function plain(value: number): string {
  return String(Number(value.toPrecision(12)));
}
