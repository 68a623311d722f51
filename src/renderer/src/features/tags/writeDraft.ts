// What the operator typed in the write dialog, and whether it can be sent.
import type { TagDataType, TagScalar, WriteLimits } from '../../../../shared/types';
import { limitsText, outsideLimits } from '../../../../shared/write';
import { isIntegerType } from '../../ui/format';

export type Draft = { readonly kind: 'bool'; readonly value: boolean } | { readonly kind: 'number' | 'text'; readonly text: string };

export type ParsedDraft = { readonly ok: true; readonly value: TagScalar } | { readonly ok: false; readonly problem: string };

export function initialDraft(dataType: TagDataType, current: TagScalar | null | undefined): Draft {
  if (dataType === 'bool') return { kind: 'bool', value: current === true };
  if (dataType === 'string') return { kind: 'text', text: typeof current === 'string' ? current : '' };
  return { kind: 'number', text: typeof current === 'number' ? String(roundForInput(current, dataType)) : '' };
}

/** The value typed, or why it cannot be sent; the write limits are checked here too (the runtime checks again). */
export function parseDraft(draft: Draft, limits?: WriteLimits | null, units = ''): ParsedDraft {
  if (draft.kind === 'bool') return { ok: true, value: draft.value };
  // Text goes as typed: spaces may matter to the PLC.
  if (draft.kind === 'text') return { ok: true, value: draft.text };
  const text = draft.text.trim();
  if (text === '') return { ok: false, problem: 'Enter a value' };
  const value = Number(text);
  if (!Number.isFinite(value)) return { ok: false, problem: `"${text}" is not a number` };
  if (outsideLimits(limits, value)) return { ok: false, problem: `Outside the write limits (${limitsText(limits, units)})` };
  return { ok: true, value };
}

/** A float read back from a device (42.29999923706) offered as 42.3. */
function roundForInput(value: number, dataType: TagDataType): number {
  if (isIntegerType(dataType) && Number.isInteger(value)) return value;
  return Number(value.toPrecision(6));
}
