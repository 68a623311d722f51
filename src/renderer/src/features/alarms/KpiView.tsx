// Alarm system performance (EEMUA 191 / ISA-18.2) over the last day, week
// or month: activations and rates against the targets, floods and the time
// spent in them, standing and chattering alarms, the ten worst actors and
// the priority distribution against 80/15/5. Plain DOM bars; every verdict
// has a symbol and words, colour only where a target is missed.
import { useCallback, useEffect, useRef, useState } from 'react';
import type { AlarmKpis } from '../../../../shared/alarms';
import { toApiError, useClient } from '../../api';
import { formatCount, formatDuration } from '../../ui/format';
import { formatDateTime, formatRange } from '../trends/trendRange';
import {
  assessAverage,
  assessChattering,
  assessFloodTime,
  assessPeak,
  assessStanding,
  priorityBands,
  stripBars,
  type Assessment,
  type Verdict,
} from './kpiModel';

const RANGES = [
  { id: '24h', label: '24 h', ms: 86_400_000 },
  { id: '7d', label: '7 d', ms: 7 * 86_400_000 },
  { id: '30d', label: '30 d', ms: 30 * 86_400_000 },
] as const;

type RangeId = (typeof RANGES)[number]['id'];

const VERDICT_SYMBOL: Record<Verdict, string> = { good: '✓', fair: '●', poor: '▲', bad: '✕' };
const STRIP_BARS = 144;
const FLOOD_LIMIT = 10;

export function KpiView() {
  const client = useClient();
  const [rangeId, setRangeId] = useState<RangeId>('24h');
  const [kpis, setKpis] = useState<AlarmKpis | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const seq = useRef(0);

  const load = useCallback(async () => {
    const mine = ++seq.current;
    const span = RANGES.find((r) => r.id === rangeId)!.ms;
    const to = Date.now();
    setBusy(true);
    try {
      const result = await client['alarms.kpis']({ from: to - span, to });
      if (mine !== seq.current) return;
      setKpis(result);
      setError(null);
    } catch (e) {
      if (mine === seq.current) setError(`Cannot compute the KPIs: ${toApiError(e).describe()}`);
    } finally {
      if (mine === seq.current) setBusy(false);
    }
  }, [client, rangeId]);

  useEffect(() => {
    void load();
  }, [load]);

  return (
    <div className="kpi-view" data-testid="alarm-view-kpis">
      <div className="toolbar alarm-toolbar" role="toolbar" aria-label="KPI range">
        <div className="btn-group" role="group" aria-label="Range">
          {RANGES.map((r) => (
            <button
              key={r.id}
              type="button"
              className="btn btn-small seg"
              data-testid={`kpi-range-${r.id}`}
              aria-pressed={rangeId === r.id}
              onClick={() => setRangeId(r.id)}
            >
              {r.label}
            </button>
          ))}
        </div>
        {kpis && <span className="num muted">{formatRange({ mode: 'history', from: kpis.from, to: kpis.to })}</span>}
        <span className="toolbar-grow" />
        {busy && (
          <span className="trend-busy" role="status">
            <span aria-hidden="true">⧗</span> Computing…
          </span>
        )}
        <button type="button" className="btn btn-small" data-testid="kpi-refresh" onClick={() => void load()}>
          Refresh
        </button>
      </div>
      {error !== null && (
        <div className="alarm-error" role="alert" data-testid="kpi-error">
          <span className="alarm-error-symbol" aria-hidden="true">
            ✕
          </span>
          <span>{error}</span>
          <button type="button" className="btn btn-small" onClick={() => void load()}>
            Retry
          </button>
        </div>
      )}
      {kpis ? <KpiBody kpis={kpis} /> : !error && <p className="alarm-empty">Computing the KPIs…</p>}
    </div>
  );
}

function KpiBody({ kpis }: { kpis: AlarmKpis }) {
  const { bands, diagnostic } = priorityBands(kpis.priorityDistribution);
  const bars = stripBars(kpis.per10Min, STRIP_BARS);
  const top = Math.max(FLOOD_LIMIT * 1.5, ...bars.map((b) => b.count));
  return (
    <div className="kpi-body">
      <section className="kpi-figures" aria-label="Rates">
        <Figure label="Activations" value={formatCount(kpis.activations)} testId="kpi-activations" />
        <Figure
          label="Average per 10 min"
          value={kpis.averagePer10Min.toFixed(2)}
          assessment={assessAverage(kpis.averagePer10Min)}
          testId="kpi-average"
        />
        <Figure
          label="Peak per 10 min"
          value={formatCount(kpis.maxPer10Min)}
          assessment={assessPeak(kpis.maxPer10Min)}
          testId="kpi-peak"
        />
        <Figure
          label="Time in flood"
          value={`${kpis.timeInFloodPercent.toFixed(kpis.timeInFloodPercent < 10 ? 1 : 0)} %`}
          detail={formatDuration(kpis.timeInFloodMs)}
          assessment={assessFloodTime(kpis.timeInFloodPercent)}
          testId="kpi-flood-time"
        />
        <Figure
          label="Standing (> 24 h)"
          value={formatCount(kpis.standing.length)}
          assessment={assessStanding(kpis.standing.length)}
          testId="kpi-standing"
        />
        <Figure
          label="Chattering"
          value={formatCount(kpis.chattering.length)}
          assessment={assessChattering(kpis.chattering.length)}
          testId="kpi-chattering"
        />
      </section>

      <section className="kpi-panel kpi-strip-panel" aria-label="Activations per 10 minutes">
        <h3 className="pane-title">
          Activations per 10 min
          <span className="pane-title-aside">bar: the busiest 10 min it covers · line: flood ({FLOOD_LIMIT})</span>
        </h3>
        <div className="kpi-strip" data-testid="kpi-strip">
          <span className="kpi-strip-limit" style={{ bottom: `${(FLOOD_LIMIT / top) * 100}%` }} aria-hidden="true" />
          {bars.map((b) => (
            <span
              key={b.t}
              className="kpi-strip-bar"
              data-flood={b.count > FLOOD_LIMIT || undefined}
              style={{ height: `${(b.count / top) * 100}%` }}
              title={`${formatDateTime(b.t)}: ${b.count}`}
            />
          ))}
        </div>
      </section>

      <section className="kpi-panel" aria-label="Priority distribution" data-testid="kpi-priorities">
        <h3 className="pane-title">
          Priority distribution
          <span className="pane-title-aside">
            target ≈ 80 / 15 / 5 % (EEMUA 191)
            {diagnostic > 0 ? ` · ${formatCount(diagnostic)} diagnostic not counted` : ''}
          </span>
        </h3>
        <ul className="kpi-bars">
          {bands.map((b) => {
            const off = Math.abs(b.percent - b.target) > Math.max(5, b.target / 2);
            return (
              <li key={b.band} className="kpi-bar-row" data-band={b.band} data-off={off || undefined}>
                <span className="kpi-bar-label">{b.label}</span>
                <span className="kpi-bar-track">
                  <span className="kpi-bar-fill" style={{ width: `${Math.min(100, b.percent)}%` }} />
                  <span className="kpi-bar-target" style={{ left: `${b.target}%` }} title={`Target ${b.target} %`} />
                </span>
                <span className="kpi-bar-value num">
                  {b.percent.toFixed(0)} %{' '}
                  <span className="muted">
                    (target {b.target} %) · {formatCount(b.activations)}
                  </span>
                  {off && <span className="kpi-off"> ▲ off target</span>}
                </span>
              </li>
            );
          })}
        </ul>
      </section>

      <section className="kpi-panel" aria-label="Top ten bad actors" data-testid="kpi-bad-actors">
        <h3 className="pane-title">
          Top ten bad actors
          <span className="pane-title-aside">share of all activations</span>
        </h3>
        {kpis.badActors.length === 0 ? (
          <p className="pane-note">No activations in the range.</p>
        ) : (
          <ol className="kpi-bars">
            {kpis.badActors.map((a) => (
              <li key={a.alarmId} className="kpi-bar-row" title={a.alarmId}>
                <span className="kpi-bar-label mono">{a.path}</span>
                <span className="kpi-bar-track">
                  <span className="kpi-bar-fill" style={{ width: `${Math.min(100, a.percent)}%` }} />
                </span>
                <span className="kpi-bar-value num">
                  {a.percent.toFixed(1)} % <span className="muted">· {formatCount(a.activations)}</span>
                </span>
              </li>
            ))}
          </ol>
        )}
      </section>

      <section className="kpi-panel" aria-label="Floods" data-testid="kpi-floods">
        <h3 className="pane-title">
          Floods
          <span className="pane-title-aside">more than 10 activations in 10 min, until fewer than 5</span>
        </h3>
        {kpis.floods.length === 0 ? (
          <p className="pane-note">No flood in the range.</p>
        ) : (
          <table className="kpi-table">
            <thead>
              <tr>
                <th>Start</th>
                <th>End</th>
                <th>Duration</th>
                <th>Activations</th>
              </tr>
            </thead>
            <tbody>
              {kpis.floods.map((f) => (
                <tr key={f.start}>
                  <td className="num">{formatDateTime(f.start)}</td>
                  <td className="num">{formatDateTime(f.end)}</td>
                  <td className="num">{formatDuration(f.end - f.start)}</td>
                  <td className="num">{formatCount(f.activations)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>

      <section className="kpi-panel" aria-label="Standing alarms">
        <h3 className="pane-title">Standing alarms (active over 24 h)</h3>
        {kpis.standing.length === 0 ? (
          <p className="pane-note">None.</p>
        ) : (
          <table className="kpi-table">
            <thead>
              <tr>
                <th>Tag</th>
                <th>Active since</th>
                <th>For</th>
              </tr>
            </thead>
            <tbody>
              {kpis.standing.map((s) => (
                <tr key={s.alarmId} title={s.alarmId}>
                  <td className="mono">{s.path}</td>
                  <td className="num">{formatDateTime(s.activeAt)}</td>
                  <td className="num">{formatDuration(s.durationMs)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>

      <section className="kpi-panel" aria-label="Chattering alarms">
        <h3 className="pane-title">Chattering alarms (3 or more activations within a minute)</h3>
        {kpis.chattering.length === 0 ? (
          <p className="pane-note">None.</p>
        ) : (
          <table className="kpi-table">
            <thead>
              <tr>
                <th>Tag</th>
                <th>Activations</th>
                <th>Bursts</th>
              </tr>
            </thead>
            <tbody>
              {kpis.chattering.map((c) => (
                <tr key={c.alarmId} title={c.alarmId}>
                  <td className="mono">{c.path}</td>
                  <td className="num">{formatCount(c.activations)}</td>
                  <td className="num">{formatCount(c.bursts)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
    </div>
  );
}

function Figure({
  label,
  value,
  detail,
  assessment,
  testId,
}: {
  label: string;
  value: string;
  detail?: string;
  assessment?: Assessment;
  testId: string;
}) {
  return (
    <div className="kpi-figure" data-verdict={assessment?.verdict} data-testid={testId}>
      <div className="kpi-figure-label">{label}</div>
      <div className="kpi-figure-value num">
        {value}
        {detail && <span className="kpi-figure-detail muted"> {detail}</span>}
      </div>
      {assessment && (
        <div className="kpi-verdict">
          <span className="kpi-verdict-symbol" aria-hidden="true">
            {VERDICT_SYMBOL[assessment.verdict]}
          </span>
          {assessment.text}
        </div>
      )}
    </div>
  );
}
