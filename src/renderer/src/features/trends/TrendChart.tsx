// The chart area: the element uPlot draws into, owned by a TrendController
// that lives as long as the component. React passes it the pens and range
// from the store and its size; everything per-sample happens in the
// controller. Tags dropped here become pens. With the chart focused, ← →
// pan, + − zoom, L (or End) goes live.
import { useEffect, useMemo, useRef, useState, type DragEvent, type KeyboardEvent, type RefObject } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { useClient } from '../../api';
import { isReview, useHmi } from '../../stores';
import { droppedTag, isTagDrag } from '../../ui/tagDrag';
import type { ChartPen } from './chartOptions';
import { addPenWithNotice } from './penActions';
import { TrendController } from './trendController';
import { endingAt, liveFrom, panBy, spanOf, zoomAround } from './trendRange';
import 'uplot/dist/uPlot.min.css';

export function TrendChart({ controllerRef }: { controllerRef: RefObject<TrendController | null> }) {
  const client = useClient();
  const rootRef = useRef<HTMLDivElement>(null);
  const { pens, byPath, range, review, newest } = useHmi(
    useShallow((s) => ({
      pens: s.pens,
      byPath: s.byPath,
      range: s.range,
      review: isReview(s),
      // Only a review needs the file's newest sample (it is the present there).
      newest: isReview(s) ? (s.historian?.newest ?? null) : null,
    })),
  );
  const [dropping, setDropping] = useState(false);

  const chartPens = useMemo(
    (): ChartPen[] =>
      pens.map((pen) => {
        const tag = byPath.get(pen.path);
        return {
          path: pen.path,
          color: pen.color,
          units: tag?.units ?? '',
          isBool: tag?.dataType === 'bool',
          ...(tag?.dataType === 'string' ? { isText: true } : {}),
          ...(pen.min === undefined ? {} : { min: pen.min }),
          ...(pen.max === undefined ? {} : { max: pen.max }),
        };
      }),
    [pens, byPath],
  );

  useEffect(() => {
    const root = rootRef.current;
    if (!root) return;
    const store = useHmi.getState;
    const controller = new TrendController(client, root, {
      onRange: (next) => store().setRange(next),
      onBusy: (busy) => store().setTrendBusy(busy),
      onError: (message) => store().setTrendError(message),
      onUnrecorded: (unrecorded) => store().setUnrecorded(unrecorded),
    });
    controllerRef.current = controller;
    const observer = new ResizeObserver(() => controller.resize(root.clientWidth, root.clientHeight));
    observer.observe(root);
    controller.resize(root.clientWidth, root.clientHeight);
    return () => {
      observer.disconnect();
      controller.destroy();
      if (controllerRef.current === controller) controllerRef.current = null;
      store().setTrendBusy(false);
    };
  }, [client, controllerRef]);

  useEffect(() => {
    controllerRef.current?.update({ pens: chartPens, range, review, newestMs: newest });
  }, [controllerRef, chartPens, range, review, newest]);

  const onDragOver = (e: DragEvent<HTMLDivElement>) => {
    if (!isTagDrag(e)) return;
    e.preventDefault();
    e.dataTransfer.dropEffect = 'copy';
    if (!dropping) setDropping(true);
  };
  const onDrop = (e: DragEvent<HTMLDivElement>) => {
    setDropping(false);
    const path = droppedTag(e);
    if (path === null) return;
    e.preventDefault();
    addPenWithNotice(path);
  };

  const onKeyDown = (e: KeyboardEvent<HTMLDivElement>) => {
    const controller = controllerRef.current;
    if (!controller || e.altKey || e.ctrlKey || e.metaKey) return;
    const store = useHmi.getState();
    const shown = controller.currentWindow();
    const mid = (shown.from + shown.to) / 2;
    let next = null;
    if (e.key === 'ArrowLeft') next = panBy(shown, e.shiftKey ? -1 : -0.25);
    else if (e.key === 'ArrowRight') next = panBy(shown, e.shiftKey ? 1 : 0.25);
    else if (e.key === '+' || e.key === '=') next = zoomAround(shown, mid, 0.5);
    else if (e.key === '-' || e.key === '_') next = zoomAround(shown, mid, 2);
    else if (e.key === 'l' || e.key === 'L' || e.key === 'End') {
      const historian = store.historian;
      next = isReview(store)
        ? endingAt(historian?.newest ?? Date.now(), spanOf(store.range))
        : liveFrom(store.range);
    }
    if (next === null) return;
    e.preventDefault();
    store.setRange(next);
  };

  return (
    <div
      className="trend-chart"
      data-dropping={dropping}
      onDragOver={onDragOver}
      onDragLeave={() => setDropping(false)}
      onDrop={onDrop}
    >
      <div
        ref={rootRef}
        className="trend-plot"
        data-testid="trend-chart"
        tabIndex={0}
        role="application"
        aria-roledescription="trend chart"
        aria-label="Trend chart. Arrow keys pan, + and − zoom, L goes live; drag across to zoom, shift-drag to pan, wheel to zoom."
        onKeyDown={onKeyDown}
      />
      {pens.length === 0 && (
        <div className="trend-empty">
          <strong>No pens yet.</strong>
          <span>Drag a tag onto the chart, pick one from the list on the left, or use “Add to trend” in the tag browser.</span>
        </div>
      )}
      {dropping && <div className="trend-drop-hint">Drop to add a pen</div>}
    </div>
  );
}
