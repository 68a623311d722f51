// The Trends screen: the tag list to add pens from on the left; the toolbar,
// the chart and the pens' legend on the right.
import { useEffect, useRef } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { isReview, useHmi } from '../../stores';
import { PenLegend } from './PenLegend';
import { TagPicker } from './TagPicker';
import { TrendChart } from './TrendChart';
import type { TrendController } from './trendController';
import { endingAt } from './trendRange';
import { TrendToolbar } from './TrendToolbar';
import './trends.css';

export function TrendsView() {
  const controllerRef = useRef<TrendController | null>(null);
  const { error, review, newest, range } = useHmi(
    useShallow((s) => ({ error: s.trendError, review: isReview(s), newest: s.historian?.newest ?? null, range: s.range })),
  );

  // Reviewing a file: nothing is live. The range becomes the same span
  // ending at the file's newest sample.
  useEffect(() => {
    if (review && range.mode === 'live') {
      useHmi.getState().setRange(endingAt(newest ?? Date.now(), range.spanMs));
    }
  }, [review, newest, range]);

  return (
    <section className="trends" aria-label="Trends" data-testid="trends-view">
      <TagPicker />
      <div className="trend-main">
        <TrendToolbar controllerRef={controllerRef} />
        {error !== null && (
          <div className="trend-error" role="alert" data-testid="trend-error">
            <span className="trend-error-symbol" aria-hidden="true">
              !
            </span>
            <span>{error}</span>
            <button type="button" className="btn btn-small" onClick={() => controllerRef.current?.refresh()}>
              Retry
            </button>
          </div>
        )}
        <TrendChart controllerRef={controllerRef} />
        <PenLegend />
      </div>
    </section>
  );
}
