// Demo plant fault injection: shown only when the runtime runs a simulated
// plant (`simulator.status` answers; it fails as `unavailable` otherwise).
// Lists the active faults and starts or ends one: link down for the whole
// plant, sensor stuck and out of range for the chosen signal. Every action
// re-renders from the status the runtime returns; a refresh every few
// seconds picks up changes made elsewhere (another window, a test).
// Everyone sees the faults; changing them needs simulator.control: without
// it the controls are off and a line says who may.
import { useCallback, useEffect, useId, useRef, useState } from 'react';
import type { SimulatorFault, SimulatorFaultKind, SimulatorStatus } from '../../../../shared/types';
import { toApiError, useClient, type ApiError } from '../../api';
import { gate, useHmi } from '../../stores';
import './simulator.css';

/** Period of the background refresh; never below 2 s. */
const REFRESH_MS = 3_000;

const KIND_TEXT: Record<SimulatorFaultKind, string> = {
  link_down: 'link down',
  sensor_stuck: 'sensor stuck',
  out_of_range: 'out of range',
};

interface PanelError {
  /** A refresh error clears with the next good refresh; an action error with the next action. */
  readonly source: 'refresh' | 'action';
  readonly error: ApiError;
}

export function SimulatorPanel() {
  const client = useClient();
  const connection = useHmi((s) => s.connection);
  const denied = useHmi((s) => gate(s.session, 'simulator.control'));
  const [status, setStatus] = useState<SimulatorStatus | null>(null);
  const [chosen, setChosen] = useState('');
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<PanelError | null>(null);
  const selectId = useId();

  // Bumped before and after every action: a refresh that overlapped one may
  // carry the state from before it, and is dropped.
  const epoch = useRef(0);
  const inFlight = useRef(false);
  const mounted = useRef(true);
  useEffect(() => {
    mounted.current = true;
    return () => {
      mounted.current = false;
    };
  }, []);

  // Refresh while the runtime is reachable; probe again after every reconnect.
  // `unavailable` means no simulated plant (or no runtime): hide, stop asking.
  useEffect(() => {
    if (connection === 'reconnecting') return;
    let alive = true;
    let timer: ReturnType<typeof setTimeout> | null = null;
    const refresh = async (): Promise<void> => {
      const started = epoch.current;
      try {
        const next = await client['simulator.status']({});
        if (!alive) return;
        if (started === epoch.current) setStatus(next);
        setProblem((p) => (p?.source === 'refresh' ? null : p));
      } catch (error) {
        if (!alive) return;
        const apiError = toApiError(error);
        if (apiError.kind === 'unavailable') {
          setStatus(null);
          setProblem(null);
          return;
        }
        setProblem({ source: 'refresh', error: apiError });
      }
      timer = setTimeout(() => void refresh(), REFRESH_MS);
    };
    void refresh();
    return () => {
      alive = false;
      if (timer !== null) clearTimeout(timer);
    };
  }, [client, connection]);

  const setFault = useCallback(
    async (kind: SimulatorFaultKind, signal: string | undefined, active: boolean): Promise<void> => {
      if (inFlight.current || denied !== null) return;
      inFlight.current = true;
      epoch.current++;
      setBusy(true);
      setProblem(null);
      try {
        const next = await client['simulator.setFault'](
          signal === undefined ? { kind, active } : { kind, signal, active },
        );
        if (mounted.current) setStatus(next);
      } catch (error) {
        if (mounted.current) setProblem({ source: 'action', error: toApiError(error) });
      } finally {
        epoch.current++;
        inFlight.current = false;
        if (mounted.current) setBusy(false);
      }
    },
    [client, denied],
  );

  if (status === null) return null;

  const signal = status.signals.includes(chosen) ? chosen : (status.signals[0] ?? '');
  const has = (kind: SimulatorFaultKind, on?: string) =>
    status.faults.some((f) => f.kind === kind && (on === undefined || f.signal === on));
  const linkDown = has('link_down');
  const stuck = signal !== '' && has('sensor_stuck', signal);
  const outOfRange = signal !== '' && has('out_of_range', signal);
  const count = status.faults.length;

  return (
    <section className="sim-panel" data-testid="sim-panel" aria-label="Demo plant faults" aria-busy={busy}>
      <div className="pane-title">
        Demo plant
        <span className="pane-title-aside">
          {count === 0 ? 'no faults' : `${count} fault${count === 1 ? '' : 's'} active`}
        </span>
      </div>
      <div className="sim-body">
        <div className="sim-controls">
          <FaultToggle
            testId="sim-link"
            label="Link down"
            pressed={linkDown}
            busy={busy}
            denied={denied}
            title="Drop every Modbus connection to the simulated PLC"
            onToggle={() => void setFault('link_down', undefined, !linkDown)}
          />
        </div>
        <div className="sim-controls">
          <label className="sim-label" htmlFor={selectId}>
            Signal
          </label>
          <select
            id={selectId}
            className="sim-select"
            data-testid="sim-signal"
            value={signal}
            disabled={status.signals.length === 0 || denied !== null}
            title={denied ?? undefined}
            onChange={(e) => setChosen(e.target.value)}
          >
            {status.signals.map((s) => (
              <option key={s} value={s}>
                {s}
              </option>
            ))}
          </select>
        </div>
        <div className="sim-controls">
          <FaultToggle
            testId="sim-stuck"
            label="Sensor stuck"
            pressed={stuck}
            busy={busy}
            denied={denied}
            disabled={signal === ''}
            title={`Freeze ${signal || 'the signal'} at its current value`}
            onToggle={() => void setFault('sensor_stuck', signal, !stuck)}
          />
          <FaultToggle
            testId="sim-out-of-range"
            label="Out of range"
            pressed={outOfRange}
            busy={busy}
            denied={denied}
            disabled={signal === ''}
            title={`Report ${signal || 'the signal'} outside its span`}
            onToggle={() => void setFault('out_of_range', signal, !outOfRange)}
          />
        </div>
        {denied !== null && (
          <p className="sim-denied" data-testid="sim-denied">
            <span className="padlock" aria-hidden="true" /> {denied}
          </p>
        )}
        {problem && (
          <p className="sim-error" role="alert" data-testid="sim-error" title={problem.error.describe()}>
            <span className="sim-error-symbol" aria-hidden="true">
              ✕
            </span>
            {problem.source === 'refresh' ? 'Could not read the status: ' : 'Could not change the fault: '}
            {problem.error.message}
          </p>
        )}
        <ul className="sim-faults" data-testid="sim-faults" aria-label="Active faults">
          {status.faults.map((fault) => (
            <FaultRow
              key={`${fault.kind}:${fault.signal ?? ''}`}
              fault={fault}
              busy={busy}
              denied={denied}
              onClear={() => void setFault(fault.kind, fault.signal, false)}
            />
          ))}
        </ul>
        {count === 0 && <p className="sim-none">No faults active</p>}
      </div>
    </section>
  );
}

interface FaultToggleProps {
  readonly testId: string;
  readonly label: string;
  readonly pressed: boolean;
  readonly busy: boolean;
  /** Why this login may not change faults; null: it may. */
  readonly denied: string | null;
  readonly disabled?: boolean;
  readonly title: string;
  readonly onToggle: () => void;
}

/**
 * A toggle button. While a request is on its way it is aria-disabled rather
 * than disabled, so keyboard focus stays where it is.
 */
function FaultToggle({ testId, label, pressed, busy, denied, disabled = false, title, onToggle }: FaultToggleProps) {
  return (
    <button
      type="button"
      className="btn btn-small sim-toggle"
      data-testid={testId}
      aria-pressed={pressed}
      aria-disabled={busy || undefined}
      disabled={disabled || denied !== null}
      title={denied ?? title}
      onClick={() => {
        if (!busy) onToggle();
      }}
    >
      <span className="sim-toggle-symbol" aria-hidden="true">
        {pressed ? '⚠' : ''}
      </span>
      {label}
    </button>
  );
}

function FaultRow({ fault, busy, denied, onClear }: { fault: SimulatorFault; busy: boolean; denied: string | null; onClear: () => void }) {
  const text = fault.signal === undefined ? KIND_TEXT[fault.kind] : `${fault.signal} ${KIND_TEXT[fault.kind]}`;
  return (
    <li className="sim-fault" data-kind={fault.kind} data-signal={fault.signal}>
      <span className="sim-fault-symbol" aria-hidden="true">
        ⚠
      </span>
      <span className="sim-fault-text">{text}</span>
      <button
        type="button"
        className="btn btn-ghost btn-small sim-fault-clear"
        aria-label={`Clear ${text}`}
        aria-disabled={busy || undefined}
        disabled={denied !== null}
        title={denied ?? undefined}
        onClick={() => {
          if (!busy) onClear();
        }}
      >
        Clear
      </button>
    </li>
  );
}
