// The dialogs of operator and engineering actions that need a reason:
// shelve (for a preset or custom time), take out of service, return to
// service. The reason is required (ISA-18.2 wants every hidden alarm
// explained); a refusal from the runtime is shown in the dialog, which stays
// open so the operator can correct and retry. Several alarms are handled one
// call each; the ones refused are listed with the runtime's words.
import { useEffect, useRef, useState, type FormEvent } from 'react';
import type { AlarmInfo } from '../../../../shared/alarms';
import { toApiError, useClient } from '../../api';
import { formatDuration } from '../../ui/format';
import { PriorityMark } from './PriorityMark';
import { parseShelveDuration, SHELVE_PRESETS, type ShelveChoice } from './shelveDuration';

export type AlarmAction = 'shelve' | 'out_of_service' | 'return_to_service';

const TITLE: Record<AlarmAction, string> = {
  shelve: 'Shelve alarm',
  out_of_service: 'Take alarm out of service',
  return_to_service: 'Return alarm to service',
};

const VERB: Record<AlarmAction, string> = {
  shelve: 'Shelve',
  out_of_service: 'Take out of service',
  return_to_service: 'Return to service',
};

const MAX_REASON = 1000;

interface AlarmActionDialogProps {
  readonly action: AlarmAction;
  readonly alarms: readonly AlarmInfo[];
  readonly onClose: () => void;
  /** After success: a line for the toolbar ("Shelved 2 alarms for 1 h"). */
  readonly onDone: (notice: string) => void;
}

export function AlarmActionDialog({ action, alarms, onClose, onDone }: AlarmActionDialogProps) {
  const client = useClient();
  const dialogRef = useRef<HTMLDialogElement>(null);
  const reasonRef = useRef<HTMLTextAreaElement>(null);
  const [choice, setChoice] = useState<ShelveChoice>({ kind: 'preset', ms: SHELVE_PRESETS[1]!.ms });
  const [custom, setCustom] = useState<{ text: string; unit: 'min' | 'h' }>({ text: '30', unit: 'min' });
  const [reason, setReason] = useState('');
  const [touched, setTouched] = useState(false);
  const [busy, setBusy] = useState(false);
  const [failures, setFailures] = useState<readonly { id: string; message: string }[]>([]);
  /** Those not yet done: a retry after a partial refusal sends only these. */
  const [pending, setPending] = useState<ReadonlySet<string>>(() => new Set(alarms.map((a) => a.id)));
  const doneBefore = useRef(0);
  const alive = useRef(true);

  useEffect(() => {
    const dialog = dialogRef.current;
    alive.current = true;
    if (dialog && !dialog.open) {
      dialog.showModal();
      if (action === 'shelve') dialog.querySelector<HTMLInputElement>('input[name="shelve-duration"]:checked')?.focus();
      else reasonRef.current?.focus();
    }
    return () => {
      alive.current = false;
      if (dialog?.open) dialog.close();
    };
  }, [action]);

  const duration = parseShelveDuration(choice.kind === 'custom' ? { kind: 'custom', ...custom } : choice);
  const reasonProblem = reason.trim() === '' ? 'Give a reason' : null;

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setTouched(true);
    if (reasonProblem !== null || (action === 'shelve' && !duration.ok) || busy) return;
    setBusy(true);
    setFailures([]);
    const failed: { id: string; message: string }[] = [];
    const text = reason.trim();
    // One at a time: the runtime answers each with the alarm's new state or why not.
    const todo = alarms.filter((a) => pending.has(a.id));
    for (const alarm of todo) {
      try {
        if (action === 'shelve') {
          await client['alarms.shelve']({ id: alarm.id, durationMs: duration.ok ? duration.ms : 0, reason: text });
        } else {
          await client['alarms.setOutOfService']({ id: alarm.id, outOfService: action === 'out_of_service', reason: text });
        }
      } catch (error) {
        failed.push({ id: alarm.id, message: toApiError(error).describe() });
      }
    }
    if (!alive.current) return;
    setBusy(false);
    doneBefore.current += todo.length - failed.length;
    const done = doneBefore.current;
    if (failed.length === 0) {
      const what = `${done} alarm${done === 1 ? '' : 's'}`;
      onDone(
        action === 'shelve'
          ? `Shelved ${what} for ${formatDuration(duration.ok ? duration.ms : 0)}`
          : action === 'out_of_service'
            ? `Took ${what} out of service`
            : `Returned ${what} to service`,
      );
      onClose();
    } else {
      setFailures(failed);
      setPending(new Set(failed.map((f) => f.id)));
    }
  };

  return (
    <dialog
      ref={dialogRef}
      className="dialog alarm-dialog"
      data-testid="alarm-action-dialog"
      data-action={action}
      aria-labelledby="alarm-dialog-title"
      onCancel={(e) => {
        e.preventDefault();
        if (!busy) onClose();
      }}
    >
      <header className="dialog-head">
        <h2 id="alarm-dialog-title">
          {TITLE[action]}
          {alarms.length > 1 ? ` (${alarms.length})` : ''}
        </h2>
        <button type="button" className="btn btn-ghost" aria-label="Close" disabled={busy} onClick={onClose}>
          ✕
        </button>
      </header>

      <ul className="alarm-dialog-list" aria-label="Alarms">
        {alarms.slice(0, 6).map((a) => (
          <li key={a.id}>
            <PriorityMark priority={a.priority} />
            <span className="mono">{a.path}</span>
            <span className="alarm-dialog-message">{a.message}</span>
          </li>
        ))}
        {alarms.length > 6 && <li className="muted">and {alarms.length - 6} more</li>}
      </ul>

      <form className="alarm-dialog-form" onSubmit={(e) => void submit(e)} noValidate>
        {action === 'shelve' && (
          <fieldset className="shelve-durations">
            <legend>Shelve for</legend>
            {SHELVE_PRESETS.map((p) => (
              <label key={p.id} className="shelve-option">
                <input
                  type="radio"
                  name="shelve-duration"
                  data-testid={`shelve-${p.id}`}
                  checked={choice.kind === 'preset' && choice.ms === p.ms}
                  onChange={() => setChoice({ kind: 'preset', ms: p.ms })}
                />
                {p.label}
              </label>
            ))}
            <label className="shelve-option">
              <input
                type="radio"
                name="shelve-duration"
                data-testid="shelve-custom"
                checked={choice.kind === 'custom'}
                onChange={() => setChoice({ kind: 'custom', ...custom })}
              />
              Custom
            </label>
            {choice.kind === 'custom' && (
              <span className="shelve-custom">
                <input
                  type="number"
                  min="1"
                  step="any"
                  inputMode="decimal"
                  aria-label="Custom duration"
                  data-testid="shelve-custom-value"
                  aria-invalid={touched && !duration.ok}
                  value={custom.text}
                  onChange={(e) => setCustom({ ...custom, text: e.target.value })}
                />
                <select
                  aria-label="Unit"
                  value={custom.unit}
                  onChange={(e) => setCustom({ ...custom, unit: e.target.value === 'h' ? 'h' : 'min' })}
                >
                  <option value="min">minutes</option>
                  <option value="h">hours</option>
                </select>
              </span>
            )}
            {touched && !duration.ok && (
              <p className="field-problem" role="alert">
                {duration.problem}
              </p>
            )}
          </fieldset>
        )}

        <label className="alarm-dialog-label" htmlFor="alarm-action-reason">
          Reason <span className="muted">(required, kept in the journal)</span>
        </label>
        <textarea
          id="alarm-action-reason"
          ref={reasonRef}
          data-testid="alarm-action-reason"
          rows={3}
          maxLength={MAX_REASON}
          aria-invalid={touched && reasonProblem !== null}
          value={reason}
          onChange={(e) => setReason(e.target.value)}
          onKeyDown={(e) => {
            // Ctrl+Enter sends from the text box; Enter alone is a new line.
            if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) void submit(e);
          }}
        />
        {touched && reasonProblem !== null && (
          <p className="field-problem" role="alert">
            {reasonProblem}
          </p>
        )}

        {failures.length > 0 && (
          <div className="alarm-error" role="alert" data-testid="alarm-action-error">
            <span className="alarm-error-symbol" aria-hidden="true">
              ✕
            </span>
            <div>
              {failures.length === alarms.length
                ? 'The runtime refused:'
                : `${failures.length} of ${alarms.length} refused:`}
              <ul>
                {failures.map((f) => (
                  <li key={f.id}>
                    {alarms.length > 1 && <span className="mono">{f.id}: </span>}
                    {f.message}
                  </li>
                ))}
              </ul>
            </div>
          </div>
        )}

        <footer className="dialog-actions">
          <button type="button" className="btn" disabled={busy} onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className="btn btn-primary" data-testid="alarm-action-confirm" disabled={busy}>
            {busy ? `${VERB[action]}…` : VERB[action]}
          </button>
        </footer>
      </form>
    </dialog>
  );
}
