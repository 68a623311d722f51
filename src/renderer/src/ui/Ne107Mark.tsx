// The NE107 mark: a symbol box, the letter, and (wide) the word. Status
// changes are rare (not 10-20 Hz like values), so table cells render it as
// a small component of their own that re-renders alone (see Ne107Cell).
import type { Ref } from 'react';
import type { Ne107Status } from '../../../shared/alarms';
import { ne107View } from './ne107';

interface Ne107MarkProps {
  readonly status: Ne107Status;
  /** Also the word ("F Failure"): for details and the device panel, not table cells. */
  readonly wide?: boolean;
  readonly testId?: string;
  readonly ref?: Ref<HTMLSpanElement>;
}

export function Ne107Mark({ status, wide = false, testId, ref }: Ne107MarkProps) {
  const view = ne107View(status);
  return (
    <span ref={ref} className="ne107" data-ne107={view.status} data-testid={testId} title={view.title}>
      <span className="ne107-symbol" aria-hidden="true">
        {view.symbol}
      </span>
      {/* Good has no letter: a quiet tick in a table, "OK" where there is room. */}
      {(wide || view.status !== 'good') && <span className="ne107-letter">{view.letter}</span>}
      {wide && view.status !== 'good' && <span className="ne107-word">{view.word}</span>}
    </span>
  );
}

