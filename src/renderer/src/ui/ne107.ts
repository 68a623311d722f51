// NAMUR NE107 as an operator reads it: a symbol, the letter and a word,
// never colour alone. The colours (red F, orange C, yellow S, blue M) are in
// theme.css; Good is quiet grey.
import type { Ne107Status } from '../../../shared/alarms';

export interface Ne107View {
  readonly status: Ne107Status;
  readonly symbol: string;
  /** The letter NE107 uses (F, C, S, M); "OK" for Good, which has none. */
  readonly letter: string;
  readonly word: string;
  /** Long text for the tooltip: "F — Failure: the output signal is invalid". */
  readonly title: string;
}

const VIEWS: Readonly<Record<Ne107Status, Ne107View>> = {
  good: { status: 'good', symbol: '✓', letter: 'OK', word: 'Good', title: 'NE107 Good: the output signal is valid' },
  F: {
    status: 'F',
    symbol: '✕',
    letter: 'F',
    word: 'Failure',
    title: 'NE107 F — Failure: the output signal is invalid',
  },
  C: {
    status: 'C',
    symbol: '▲',
    letter: 'C',
    word: 'Check function',
    title: 'NE107 C — Check function: the output signal is temporarily invalid (work on the instrument)',
  },
  S: {
    status: 'S',
    symbol: '◆',
    letter: 'S',
    word: 'Out of spec',
    title: 'NE107 S — Out of specification: the instrument runs outside its specified range',
  },
  M: {
    status: 'M',
    symbol: '■',
    letter: 'M',
    word: 'Maintenance',
    title: 'NE107 M — Maintenance required: the signal is still valid, the instrument needs service soon',
  },
};

export function ne107View(status: Ne107Status): Ne107View {
  return VIEWS[status] ?? VIEWS.good;
}
