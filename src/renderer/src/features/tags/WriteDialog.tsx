// The write dialog: value → confirm → the device's answer. Two deliberate
// steps, so a stray Enter never writes to a plant. Esc closes at any step
// (a write already sent still completes; its answer is dropped). Only a
// login that may write the tag sees it; one that ends while it is open (idle
// logout, lock) closes it. A refusal from the runtime is shown in its words.
// The tag's write limits are shown, and a value outside them goes no
// further than the edit step. The answer says what the device holds after
// the write (read back), and both values when it is not what was asked (a
// controller that clamps); where there is no read-back, it says so.
import { useEffect, useRef, useState, type FormEvent } from 'react';
import type { TagInfo, TagScalar } from '../../../../shared/types';
import { MAX_TEXT_VALUE, type WriteResult } from '../../../../shared/contract';
import { limitsText } from '../../../../shared/write';
import { ApiError, useClient } from '../../api';
import { mayWriteTag, useHmi } from '../../stores';
import { formatTime, formatValue, formatWithUnits } from '../../ui/format';
import { QualityMark } from '../../ui/QualityMark';
import { useLiveValue } from './useLiveValue';
import { useTagStream } from './useTagStream';
import { initialDraft, parseDraft, type Draft } from './writeDraft';

type Step =
  | { readonly name: 'edit' }
  | { readonly name: 'confirm'; readonly value: TagScalar }
  | { readonly name: 'sending'; readonly value: TagScalar }
  | { readonly name: 'done'; readonly value: TagScalar; readonly result: WriteResult }
  | { readonly name: 'failed'; readonly value: TagScalar; readonly error: ApiError };

export function WriteDialog() {
  const writePath = useHmi((s) => s.writePath);
  const tag = useHmi((s) => (s.writePath === null ? undefined : s.byPath.get(s.writePath)));
  const allowed = useHmi((s) => s.writePath !== null && mayWriteTag(s.session, s.writePath));
  if (writePath === null || !tag?.writable || !allowed) return null;
  // Keyed by path: a new tag gets a fresh dialog.
  return <WriteDialogFor key={tag.path} tag={tag} />;
}

function WriteDialogFor({ tag }: { tag: TagInfo }) {
  const client = useClient();
  const closeWrite = useHmi((s) => s.closeWrite);
  const dialogRef = useRef<HTMLDialogElement>(null);
  const live = useLiveValue(tag.path) ?? tag;
  const [draft, setDraft] = useState<Draft>(() => initialDraft(tag.dataType, live.value));
  const [step, setStep] = useState<Step>({ name: 'edit' });
  const [touched, setTouched] = useState(false);
  const alive = useRef(true);

  // The dialog keeps its own subscription: the value shown is live even if
  // the row scrolls out of the table.
  useTagStream([tag.path], 0);

  useEffect(() => {
    const dialog = dialogRef.current;
    alive.current = true;
    if (dialog && !dialog.open) {
      dialog.showModal();
      // showModal focuses the first control (the close button); the operator wants the input.
      dialog.querySelector<HTMLInputElement>('#write-input')?.focus();
    }
    return () => {
      alive.current = false;
      if (dialog?.open) dialog.close();
    };
  }, []);

  const units = tag.units;
  const limits = tag.writeLimits ?? null;
  const parsed = parseDraft(draft, limits, units);
  const show = (v: TagScalar) => formatWithUnits(v, tag.dataType, units);

  const toConfirm = (e?: FormEvent) => {
    e?.preventDefault();
    setTouched(true);
    if (parsed.ok) setStep({ name: 'confirm', value: parsed.value });
  };

  const send = async (value: TagScalar) => {
    setStep({ name: 'sending', value });
    try {
      const result = await client['tags.write']({ path: tag.path, value });
      if (alive.current) setStep({ name: 'done', value, result });
    } catch (error) {
      const apiError = error instanceof ApiError ? error : new ApiError({ kind: 'internal', message: String(error) });
      if (alive.current) setStep({ name: 'failed', value, error: apiError });
    }
  };

  return (
    <dialog
      ref={dialogRef}
      className="dialog write-dialog"
      data-testid="write-dialog"
      data-step={step.name}
      aria-labelledby="write-dialog-title"
      onCancel={(e) => {
        e.preventDefault();
        closeWrite();
      }}
    >
      <header className="dialog-head">
        <h2 id="write-dialog-title">Write value</h2>
        <button type="button" className="btn btn-ghost" aria-label="Close" onClick={closeWrite}>
          ✕
        </button>
      </header>

      <dl className="facts">
        <dt>Tag</dt>
        <dd className="mono">{tag.path}</dd>
        {tag.description && (
          <>
            <dt>Description</dt>
            <dd>{tag.description}</dd>
          </>
        )}
        <dt>Current</dt>
        <dd className="facts-current">
          <span className="value-large" data-quality={live.quality.status}>
            {formatValue(live.value, tag.dataType)}
          </span>
          {units && typeof live.value !== 'boolean' && <span className="units">{units}</span>}
          <QualityMark quality={live.quality} />
          <span className="muted ts">{formatTime(live.ts)}</span>
        </dd>
        <dt>Device</dt>
        <dd className="mono">
          {tag.device} · {tag.address} · {tag.dataType}
        </dd>
        {limitsText(limits) !== '' && (
          <>
            <dt>Limits</dt>
            <dd data-testid="write-limits">{limitsText(limits, units)}</dd>
          </>
        )}
      </dl>

      {step.name === 'edit' && (
        <form className="write-form" onSubmit={toConfirm} noValidate>
          <label className="write-label" htmlFor="write-input">
            New value
          </label>
          {draft.kind === 'bool' ? (
            <label className="toggle">
              <input
                id="write-input"
                data-testid="write-input"
                type="checkbox"
                autoFocus
                checked={draft.value}
                onChange={(e) => setDraft({ kind: 'bool', value: e.target.checked })}
              />
              <span className="toggle-track" aria-hidden="true">
                <span className="toggle-knob" />
              </span>
              <span className="toggle-text">{draft.value ? 'ON' : 'OFF'}</span>
            </label>
          ) : (
            <span className="number-field">
              <input
                id="write-input"
                data-testid="write-input"
                type={draft.kind === 'text' ? 'text' : 'number'}
                step={draft.kind === 'text' ? undefined : 'any'}
                inputMode={draft.kind === 'text' ? 'text' : 'decimal'}
                maxLength={draft.kind === 'text' ? MAX_TEXT_VALUE : undefined}
                autoFocus
                autoComplete="off"
                aria-invalid={touched && !parsed.ok}
                value={draft.text}
                onChange={(e) => setDraft({ kind: draft.kind, text: e.target.value })}
                onFocus={(e) => e.currentTarget.select()}
              />
              {units && <span className="units">{units}</span>}
            </span>
          )}
          {touched && !parsed.ok && (
            <p className="field-problem" role="alert">
              {parsed.problem}
            </p>
          )}
          <footer className="dialog-actions">
            <button type="button" className="btn" onClick={closeWrite}>
              Cancel
            </button>
            <button type="submit" className="btn btn-primary" data-testid="write-next">
              Write…
            </button>
          </footer>
        </form>
      )}

      {(step.name === 'confirm' || step.name === 'sending') && (
        <div className="write-confirm-step">
          <p className="confirm-question">
            Write <strong>{show(step.value)}</strong> to <strong className="mono">{tag.path}</strong>?
          </p>
          <footer className="dialog-actions">
            <button type="button" className="btn" disabled={step.name === 'sending'} onClick={() => setStep({ name: 'edit' })}>
              Back
            </button>
            <button
              type="button"
              className="btn btn-primary"
              data-testid="write-confirm"
              autoFocus
              disabled={step.name === 'sending'}
              onClick={() => void send(step.value)}
            >
              {step.name === 'sending' ? 'Writing…' : 'Confirm write'}
            </button>
          </footer>
        </div>
      )}

      {(step.name === 'done' || step.name === 'failed') && (
        <div className="write-result-step">
          {step.name === 'done' ? (
            <WriteAnswer result={step.result} show={show} />
          ) : (
            <p className="write-result" data-testid="write-result" data-ok="false" role="alert">
              <span className="result-mark" aria-hidden="true">
                ✕
              </span>
              <span>
                Write of <strong>{show(step.value)}</strong> failed: {step.error.message}
                <span className="muted">
                  {' '}
                  ({step.error.kind}
                  {step.error.code !== undefined && `, code ${step.error.code}`})
                </span>
              </span>
            </p>
          )}
          <footer className="dialog-actions">
            <button type="button" className="btn" onClick={() => setStep({ name: 'edit' })}>
              Write again
            </button>
            <button type="button" className="btn btn-primary" autoFocus onClick={closeWrite}>
              Close
            </button>
          </footer>
        </div>
      )}
    </dialog>
  );
}

/**
 * The device's answer, honestly: what it holds after the write, or that it
 * was not read back. A value the device did not take is never "written".
 */
function WriteAnswer({ result, show }: { result: WriteResult; show: (v: TagScalar) => string }) {
  const held = result.readBack === 'held' && result.held !== null ? result.held : null;
  const answered = (
    <>
      {' '}
      Device answered in <strong>{formatMs(result.durationMs)}</strong>.
    </>
  );
  return (
    <p className="write-result" data-testid="write-result" data-ok="true" data-differs={String(result.differs)} data-read-back={result.readBack} role="status">
      <span className="result-mark" aria-hidden="true">
        {result.differs ? '!' : '✓'}
      </span>
      {held === null ? (
        <span>
          Sent <strong>{show(result.sent)}</strong> to <span className="mono">{result.path}</span>; not read back
          {result.readBackProblem ? `: ${result.readBackProblem}` : ''}.{answered}
        </span>
      ) : result.differs ? (
        <span>
          Device holds <strong data-testid="write-held">{show(held)}</strong>, not the <strong>{show(result.requested)}</strong> requested (
          <span className="mono">{result.path}</span>).
          {result.sent !== result.requested && <span className="muted"> Sent {show(result.sent)}: rounded to the tag&apos;s step.</span>}
          {answered}
        </span>
      ) : (
        <span>
          Written <strong data-testid="write-held">{show(held)}</strong> to <span className="mono">{result.path}</span>: the device holds it.
          {answered}
        </span>
      )}
    </p>
  );
}

function formatMs(ms: number): string {
  return `${ms < 10 ? ms.toFixed(1) : Math.round(ms)} ms`;
}
