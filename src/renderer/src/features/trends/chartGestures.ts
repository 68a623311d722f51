// Mouse gestures on the plot that change the range: the wheel zooms around
// the time under the cursor, shift-drag pans. (Drag-select is uPlot's own,
// handled by the controller's setSelect hook.) The gestures only ask for a
// range; whoever owns the range decides.
import type uPlot from 'uplot';
import type { TrendRange } from '../../stores';
import { panBy, zoomAround, type TimeWindow } from './trendRange';

export interface GestureTarget {
  /** The window on screen now. */
  window(): TimeWindow;
  request(range: TrendRange): void;
}

/** Attaches the gestures to a chart inside `root`; returns the function that detaches them. */
export function attachGestures(u: uPlot, root: HTMLElement, target: GestureTarget): () => void {
  const over = u.over;

  const onWheel = (e: WheelEvent) => {
    e.preventDefault();
    const rect = over.getBoundingClientRect();
    const atMs = u.posToVal(e.clientX - rect.left, 'x') * 1000;
    // One notch (100 px, or 3 lines) zooms by about a fifth.
    const perUnit = e.deltaMode === 1 ? 0.067 : e.deltaMode === 2 ? 1 : 0.002;
    const factor = Math.min(2, Math.max(0.5, Math.exp(e.deltaY * perUnit)));
    if (factor !== 1) target.request(zoomAround(target.window(), atMs, factor));
  };

  // Caught in the capture phase, before uPlot's own mousedown on the plot
  // would start a selection.
  const onDown = (e: MouseEvent) => {
    if (!e.shiftKey || e.button !== 0 || !over.contains(e.target as Node)) return;
    e.stopPropagation();
    e.preventDefault();
    const startX = e.clientX;
    const start = target.window();
    const width = Math.max(1, over.clientWidth);
    const move = (ev: MouseEvent) => target.request(panBy(start, -(ev.clientX - startX) / width));
    const up = () => {
      window.removeEventListener('mousemove', move);
      window.removeEventListener('mouseup', up);
    };
    window.addEventListener('mousemove', move);
    window.addEventListener('mouseup', up);
  };

  over.addEventListener('wheel', onWheel, { passive: false });
  root.addEventListener('mousedown', onDown, true);
  return () => {
    over.removeEventListener('wheel', onWheel);
    root.removeEventListener('mousedown', onDown, true);
  };
}
