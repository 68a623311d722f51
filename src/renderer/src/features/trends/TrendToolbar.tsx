// The trend's toolbar: range presets, Live / Now, pan and zoom buttons, the
// range on screen, the query's progress (with Cancel), exports and views.
import { useState, type RefObject } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { isReview, useHmi, type TrendRange } from '../../stores';
import { formatTime } from '../../ui/format';
import { penView } from './penView';
import { trendReadout } from './readout';
import type { TrendController } from './trendController';
import {
  applyPreset,
  endingAt,
  formatDate,
  formatRange,
  liveFrom,
  panBy,
  presetOf,
  RANGE_PRESETS,
  spanOf,
  windowOf,
  zoomAround,
} from './trendRange';
import { TrendViewsMenu } from './TrendViewsMenu';

export function TrendToolbar({ controllerRef }: { controllerRef: RefObject<TrendController | null> }) {
  const { range, review, newest, busy, penCount } = useHmi(
    useShallow((s) => ({
      range: s.range,
      review: isReview(s),
      newest: s.historian?.newest ?? null,
      busy: s.trendBusy,
      penCount: s.pens.length,
    })),
  );
  const setRange = useHmi((s) => s.setRange);
  const setTrendError = useHmi((s) => s.setTrendError);
  const setTrendNotice = useHmi((s) => s.setTrendNotice);
  const [exporting, setExporting] = useState<'csv' | 'png' | null>(null);

  /** The present: now, or in review the file's newest sample. */
  const present = () => (review ? (newest ?? Date.now()) : Date.now());
  const live = range.mode === 'live' && !review;
  const active = presetOf(range);
  const shown = () => controllerRef.current?.currentWindow() ?? windowOf(range, present());
  const go = (next: TrendRange) => setRange(next);

  const exportCsv = async () => {
    const controller = controllerRef.current;
    if (!controller) return;
    setExporting('csv');
    try {
      const { rows, decimated } = await controller.exportCsv();
      setTrendNotice(
        `CSV: ${rows.toLocaleString('en-US')} rows${decimated ? ' (more samples than an export takes — 1,000,000 over all pens: reduced to M4 points)' : ''}`,
      );
    } catch (error) {
      setTrendError(`CSV export failed: ${error instanceof Error ? error.message : String(error)}`);
    } finally {
      setExporting(null);
    }
  };

  const exportPng = async () => {
    const controller = controllerRef.current;
    if (!controller) return;
    setExporting('png');
    try {
      const { pens, byPath } = useHmi.getState();
      const readout = trendReadout.current;
      const lines = pens.map((pen) => {
        const tag = byPath.get(pen.path);
        const view = penView(readout.byPath.get(pen.path) ?? null, tag?.units ?? '', tag?.dataType);
        return {
          color: pen.color,
          path: pen.path,
          value: view.quality === 'good' || view.quality === 'none' ? view.value : `${view.value} · ${view.qualityText}`,
        };
      });
      const w = shown();
      const at = readout.timeMs === null ? '' : `${formatDate(readout.timeMs)} ${formatTime(readout.timeMs)}`;
      await controller.exportPng(
        formatRange({ mode: 'history', from: Math.round(w.from), to: Math.round(w.to) }),
        readout.atCursor ? `At cursor ${at}` : `Latest ${at}`,
        lines,
      );
    } catch (error) {
      setTrendError(`PNG export failed: ${error instanceof Error ? error.message : String(error)}`);
    } finally {
      setExporting(null);
    }
  };

  return (
    <div className="trend-toolbar" role="group" aria-label="Trend controls">
      <div className="btn-group" role="group" aria-label="Range">
        {RANGE_PRESETS.map((preset) => {
          const pressed = active?.id === preset.id && (range.mode === 'history' || preset.live);
          return (
            <button
              key={preset.id}
              type="button"
              className="btn btn-small seg"
              data-testid={`trend-range-${preset.id}`}
              aria-pressed={pressed}
              title={
                live && preset.live
                  ? `Live: the last ${preset.label}, scrolling`
                  : `History: the ${preset.label} up to ${review ? 'the newest sample in the file' : 'now'}`
              }
              onClick={() => go(applyPreset(range, preset, present(), !review))}
            >
              {preset.label}
            </button>
          );
        })}
      </div>

      <button
        type="button"
        className="btn btn-small trend-live"
        data-testid="trend-live"
        aria-pressed={live}
        data-live={live}
        title={
          review
            ? 'Reviewing a file: show the newest data in it'
            : live
              ? 'Live: scrolling with the present. Click to hold the current window'
              : 'Back to live'
        }
        onClick={() => {
          if (review) go(endingAt(present(), spanOf(range)));
          else if (live) {
            const w = shown();
            go({ mode: 'history', from: Math.round(w.from), to: Math.round(w.to) });
          } else go(liveFrom(range));
        }}
      >
        <span className="trend-live-mark" aria-hidden="true">
          {live ? '●' : '▸▸'}
        </span>{' '}
        {review ? 'Newest' : live ? 'Live' : 'Now'}
      </button>

      <div className="btn-group" role="group" aria-label="Pan and zoom">
        <button
          type="button"
          className="btn btn-small seg"
          data-testid="trend-pan-back"
          title="Earlier (half the range)   ←"
          aria-label="Pan back"
          onClick={() => go(panBy(shown(), -0.5))}
        >
          ◀
        </button>
        <button
          type="button"
          className="btn btn-small seg"
          data-testid="trend-pan-forward"
          title="Later (half the range)   →"
          aria-label="Pan forward"
          onClick={() => go(panBy(shown(), 0.5))}
        >
          ▶
        </button>
        <button
          type="button"
          className="btn btn-small seg"
          data-testid="trend-zoom-out"
          title="Zoom out   −"
          aria-label="Zoom out"
          onClick={() => {
            const w = shown();
            go(zoomAround(w, (w.from + w.to) / 2, 2));
          }}
        >
          −
        </button>
        <button
          type="button"
          className="btn btn-small seg"
          data-testid="trend-zoom-in"
          title="Zoom in   +"
          aria-label="Zoom in"
          onClick={() => {
            const w = shown();
            go(zoomAround(w, (w.from + w.to) / 2, 0.5));
          }}
        >
          +
        </button>
      </div>

      <span className="trend-range-label num" data-testid="trend-range-label" data-mode={live ? 'live' : 'history'}>
        {formatRange(live ? range : review && range.mode === 'live' ? endingAt(present(), range.spanMs) : range)}
      </span>

      {busy && (
        <span className="trend-busy" data-testid="trend-busy" role="status">
          <span className="trend-busy-mark" aria-hidden="true">
            ⧗
          </span>
          Querying…
          <button
            type="button"
            className="btn btn-ghost btn-small"
            data-testid="trend-cancel"
            onClick={() => controllerRef.current?.cancel()}
          >
            Cancel
          </button>
        </span>
      )}

      <span className="toolbar-grow" />

      <div className="btn-group" role="group" aria-label="Export">
        <button
          type="button"
          className="btn btn-small seg"
          data-testid="trend-export-csv"
          disabled={penCount === 0 || exporting !== null}
          title="Download the range on screen as CSV (raw samples)"
          onClick={() => void exportCsv()}
        >
          {exporting === 'csv' ? 'CSV…' : 'CSV'}
        </button>
        <button
          type="button"
          className="btn btn-small seg"
          data-testid="trend-export-png"
          disabled={penCount === 0 || exporting !== null}
          title="Download the chart as a PNG picture, with its legend"
          onClick={() => void exportPng()}
        >
          {exporting === 'png' ? 'PNG…' : 'PNG'}
        </button>
      </div>
      <TrendViewsMenu />
    </div>
  );
}
