// The quality mark: symbol box + text. Rendered by React where a component
// re-renders anyway (dialogs), painted straight into the DOM by table cells.
import type { Ref } from 'react';
import type { Quality } from '../../../shared/types';
import { qualityView } from './quality';

interface QualityMarkProps {
  readonly quality: Quality;
  readonly testId?: string;
  readonly ref?: Ref<HTMLSpanElement>;
}

export function QualityMark({ quality, testId, ref }: QualityMarkProps) {
  const view = qualityView(quality);
  return (
    <span ref={ref} className="quality" data-status={view.status} data-testid={testId} title={view.title}>
      <span className="quality-symbol" aria-hidden="true">
        {view.symbol}
      </span>
      <span className="quality-text">{view.text}</span>
    </span>
  );
}

/** Repaints a mark rendered by <QualityMark> (transient update, no React). */
export function paintQuality(el: HTMLElement, quality: Quality): void {
  const view = qualityView(quality);
  if (el.dataset.status === view.status && el.title === view.title) return;
  el.dataset.status = view.status;
  el.title = view.title;
  const [symbol, text] = el.children;
  if (symbol) symbol.textContent = view.symbol;
  if (text) text.textContent = view.text;
}
