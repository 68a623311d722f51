// The legend under the chart: one row per pen with its colour, path, value
// at the cursor (or the latest, with the cursor off the chart) with units and
// quality, its statistics over the range on screen (min, max, time-weighted
// average, time in Bad), its axis limits (auto or fixed) and a remove
// button. Values are painted from the readout channel straight into their
// cells: moving the cursor re-renders nothing. The statistics come from
// their own channel, a few times a minute at most.
import { memo, useLayoutEffect, useRef, useState, useSyncExternalStore, type KeyboardEvent } from 'react';
import { useShallow } from 'zustand/react/shallow';
import type { TagDataType } from '../../../../shared/types';
import { MAX_PENS, useHmi, type TrendPen } from '../../stores';
import { formatTime } from '../../ui/format';
import { penStatsView, penView } from './penView';
import { trendReadout, type Readout } from './readout';
import { formatDate } from './trendRange';
import { trendStats } from './trendStats';

const STAT_TITLES = {
  min: 'Minimum over the range on screen',
  max: 'Maximum over the range on screen',
  avg: 'Avg (time-wtd): the time-weighted average over the range on screen',
  bad: 'Time in Bad quality over the range on screen, and its share of the range (up to now)',
} as const;

export function PenLegend() {
  const { pens, byPath, unrecorded } = useHmi(
    useShallow((s) => ({ pens: s.pens, byPath: s.byPath, unrecorded: s.unrecorded })),
  );
  if (pens.length === 0) return null;
  return (
    <div className="trend-legend" role="table" aria-label="Pens">
      <div className="trend-legend-head" role="row">
        <span role="columnheader" className="lg-swatch">
          <span className="visually-hidden">Colour</span>
        </span>
        <span role="columnheader" className="lg-path">
          Pen <span className="muted">
            ({pens.length} of {MAX_PENS})
          </span>
        </span>
        <span role="columnheader" className="lg-value lg-time">
          <CursorTime />
        </span>
        <span role="columnheader" className="lg-quality">
          Quality
        </span>
        <span role="columnheader" className="lg-stat" title={STAT_TITLES.min}>
          Min
        </span>
        <span role="columnheader" className="lg-stat" title={STAT_TITLES.max}>
          Max
        </span>
        <span role="columnheader" className="lg-stat" title={STAT_TITLES.avg}>
          Avg
        </span>
        <span
          role="columnheader"
          className="lg-stat lg-bad"
          title={STAT_TITLES.bad}
        >
          Bad
        </span>
        <span role="columnheader" className="lg-limits">
          Axis min – max
        </span>
        <span role="columnheader" className="lg-remove">
          <span className="visually-hidden">Remove</span>
        </span>
      </div>
      {pens.map((pen) => {
        const tag = byPath.get(pen.path);
        return (
          <PenRow
            key={pen.path}
            pen={pen}
            units={tag?.units ?? ''}
            dataType={tag?.dataType}
            description={tag?.description ?? ''}
            unrecorded={unrecorded.get(pen.path) ?? null}
          />
        );
      })}
    </div>
  );
}

/** "Cursor 14:03:22.500" or "Latest 14:03:22.500", painted on every readout. */
function CursorTime() {
  const ref = useRef<HTMLSpanElement>(null);
  useLayoutEffect(() => {
    const el = ref.current;
    if (!el) return;
    const paint = (r: Readout) => {
      const text =
        r.timeMs === null
          ? 'Value'
          : `${r.atCursor ? 'At cursor' : 'Latest'}  ${formatDate(r.timeMs)} ${formatTime(r.timeMs)}`;
      if (el.textContent !== text) el.textContent = text;
      el.dataset.cursor = String(r.atCursor);
    };
    paint(trendReadout.current);
    return trendReadout.subscribe(paint);
  }, []);
  return <span ref={ref} className="num" data-testid="trend-cursor-time" />;
}

interface PenRowProps {
  readonly pen: TrendPen;
  readonly units: string;
  readonly dataType: TagDataType | undefined;
  readonly description: string;
  readonly unrecorded: string | null;
}

const PenRow = memo(function PenRow({ pen, units, dataType, description, unrecorded }: PenRowProps) {
  const valueRef = useRef<HTMLSpanElement>(null);
  const qualityRef = useRef<HTMLSpanElement>(null);
  const removePen = useHmi((s) => s.removePen);

  useLayoutEffect(() => {
    const valueEl = valueRef.current;
    const qualityEl = qualityRef.current;
    if (!valueEl || !qualityEl) return;
    const paint = (r: Readout) => {
      const view = penView(r.byPath.get(pen.path) ?? null, units, dataType);
      if (valueEl.textContent !== view.value) {
        valueEl.textContent = view.value;
        valueEl.title = view.value;
      }
      valueEl.dataset.quality = view.quality;
      if (qualityEl.dataset.status !== view.quality || qualityEl.title !== view.qualityText) {
        qualityEl.dataset.status = view.quality;
        // The whole text in the tooltip too: a long reason may be cut by the column.
        qualityEl.title = view.qualityText;
        const [symbol, text] = qualityEl.children;
        if (symbol) symbol.textContent = view.quality === 'bad' ? '✕' : view.quality === 'uncertain' ? '?' : '';
        if (text) text.textContent = view.qualityText;
      }
    };
    paint(trendReadout.current);
    return trendReadout.subscribe(paint);
  }, [pen.path, units, dataType]);

  return (
    <div className="trend-pen" role="row" data-testid="trend-pen" data-path={pen.path}>
      <span role="cell" className="lg-swatch">
        <span className="pen-swatch" style={{ background: pen.color }} aria-hidden="true" />
      </span>
      <span role="cell" className="lg-path" title={description ? `${pen.path}\n${description}` : pen.path}>
        <span className="mono">{pen.path}</span>
        {units && <span className="units"> · {units}</span>}
        {unrecorded !== null && (
          <span className="pen-note" title={unrecorded}>
            not recorded by the historian
          </span>
        )}
      </span>
      <span role="cell" className="lg-value">
        <span ref={valueRef} className="value num" data-testid="trend-pen-value" />
      </span>
      <span role="cell" className="lg-quality">
        <span ref={qualityRef} className="quality" data-testid="trend-pen-quality">
          <span className="quality-symbol" aria-hidden="true" />
          <span className="quality-text" />
        </span>
      </span>
      <StatsCells path={pen.path} units={units} dataType={dataType} />
      <span role="cell" className="lg-limits">
        <LimitInputs pen={pen} units={units} />
      </span>
      <span role="cell" className="lg-remove">
        <button
          type="button"
          className="btn btn-ghost btn-small"
          data-testid="trend-pen-remove"
          aria-label={`Remove ${pen.path} from the trend`}
          title="Remove from the trend"
          onClick={() => removePen(pen.path)}
        >
          ✕
        </button>
      </span>
    </div>
  );
});

/** Min, max, time-weighted average and time in Bad over the range on screen: "—" without figures. */
function StatsCells({ path, units, dataType }: { path: string; units: string; dataType: TagDataType | undefined }) {
  const stats = useSyncExternalStore(trendStats.subscribe, trendStats.current);
  const rangeMs = stats.window ? Math.max(0, Math.min(stats.window.to, stats.askedAt) - stats.window.from) : 0;
  const unrecorded = stats.unrecorded.get(path);
  const why = unrecorded !== undefined ? `Not recorded by the historian: ${unrecorded}` : stats.problem;
  const view = penStatsView(stats.byPath.get(path), units, dataType, rangeMs, why);
  const stale = stats.stale || undefined;
  const title = (what: keyof typeof STAT_TITLES) => view.note ?? STAT_TITLES[what];
  return (
    <>
      <span role="cell" className="lg-stat num" data-testid="trend-stats-min" data-stale={stale} title={title('min')}>
        {view.min}
      </span>
      <span role="cell" className="lg-stat num" data-testid="trend-stats-max" data-stale={stale} title={title('max')}>
        {view.max}
      </span>
      <span
        role="cell"
        className="lg-stat num"
        data-testid="trend-stats-avg"
        data-stale={stale}
        title={title('avg')}
      >
        {view.avg}
      </span>
      <span
        role="cell"
        className="lg-stat lg-bad num"
        data-testid="trend-stats-bad"
        data-stale={stale}
        title={title('bad')}
      >
        {view.bad}
        {view.badShare && <span className="muted"> · {view.badShare}</span>}
      </span>
    </>
  );
}

/** Axis min and max: empty is auto; applied on Enter or when leaving the field. */
function LimitInputs({ pen, units }: { pen: TrendPen; units: string }) {
  const setPenLimits = useHmi((s) => s.setPenLimits);
  const [min, setMin] = useState(pen.min === undefined ? '' : String(pen.min));
  const [max, setMax] = useState(pen.max === undefined ? '' : String(pen.max));
  const [seen, setSeen] = useState({ min: pen.min, max: pen.max });
  // A view opened from the list brings its own limits.
  if (seen.min !== pen.min || seen.max !== pen.max) {
    setSeen({ min: pen.min, max: pen.max });
    setMin(pen.min === undefined ? '' : String(pen.min));
    setMax(pen.max === undefined ? '' : String(pen.max));
  }

  const parse = (text: string): number | undefined | null => {
    const t = text.trim().replace(',', '.');
    if (t === '') return undefined;
    const n = Number(t);
    return Number.isFinite(n) ? n : null;
  };
  const minValue = parse(min);
  const maxValue = parse(max);
  const invalid =
    minValue === null || maxValue === null || (minValue !== undefined && maxValue !== undefined && maxValue <= minValue);

  const apply = () => {
    if (invalid) return;
    if (minValue === pen.min && maxValue === pen.max) return;
    setPenLimits(pen.path, minValue ?? undefined, maxValue ?? undefined);
  };
  const onKeyDown = (e: KeyboardEvent<HTMLInputElement>) => {
    if (e.key === 'Enter') apply();
    else if (e.key === 'Escape') {
      setMin(pen.min === undefined ? '' : String(pen.min));
      setMax(pen.max === undefined ? '' : String(pen.max));
    }
  };
  const unitsText = units ? ` (${units})` : '';
  return (
    <span className="limits" data-invalid={invalid}>
      <input
        className="limit-input num"
        inputMode="decimal"
        placeholder="auto"
        aria-label={`Axis minimum of ${pen.path}${unitsText}, empty for auto`}
        value={min}
        onChange={(e) => setMin(e.target.value)}
        onBlur={apply}
        onKeyDown={onKeyDown}
      />
      <span className="muted">–</span>
      <input
        className="limit-input num"
        inputMode="decimal"
        placeholder="auto"
        aria-label={`Axis maximum of ${pen.path}${unitsText}, empty for auto`}
        value={max}
        onChange={(e) => setMax(e.target.value)}
        onBlur={apply}
        onKeyDown={onKeyDown}
      />
    </span>
  );
}
