// The pieces every credentials form is made of: a labelled field in the
// two-column grid of `.auth-fields`, the form's own problem (shown once the
// user tried to submit) and the runtime's refusal in its words.
import { useState, type FormEvent, type InputHTMLAttributes, type ReactNode, type Ref } from 'react';
import { toApiError } from '../../api';

type FieldProps = Omit<InputHTMLAttributes<HTMLInputElement>, 'id' | 'className' | 'onChange'> & {
  readonly id: string;
  readonly label: string;
  readonly testId: string;
  readonly value: string;
  readonly onValue: (value: string) => void;
  readonly autofocus?: boolean;
  readonly ref?: Ref<HTMLInputElement>;
};

/** A labelled input; `type="password"` fields are limited to 1024 characters, names to 64. */
export function AuthField({ id, label, testId, onValue, autofocus = false, ref, ...input }: FieldProps) {
  const secret = input.type === 'password';
  return (
    <>
      <label className="auth-label" htmlFor={id}>
        {label}
      </label>
      <input
        id={id}
        ref={ref}
        data-autofocus={autofocus || undefined}
        className="auth-input"
        data-testid={testId}
        maxLength={secret ? 1024 : 64}
        {...(secret ? {} : { autoCapitalize: 'none', spellCheck: false })}
        {...input}
        onChange={(e) => onValue(e.target.value)}
      />
    </>
  );
}

/** What is wrong with the form, once the user tried to submit it. */
export function FormProblem({ shown, problem, testId }: { shown: boolean; problem: string | null; testId?: string }) {
  if (!shown || problem === null) return null;
  return (
    <p className="field-problem auth-problem" role="alert" data-testid={testId}>
      {problem}
    </p>
  );
}

/** The runtime's refusal; `kind` marks it (a wait shows ⧗ rather than ✕). */
export function Refusal({ testId, kind, children }: { testId: string; kind?: string; children: ReactNode }) {
  return (
    <p className="auth-refusal" role="alert" data-testid={testId} data-kind={kind}>
      <span className="auth-refusal-symbol" data-kind={kind} aria-hidden="true">
        {kind === 'rate_limited' ? '⧗' : '✕'}
      </span>
      <span>{children}</span>
    </p>
  );
}

/**
 * A credentials form's submit: it marks the form touched, does nothing while
 * `problem` stands or a request runs, and keeps the runtime's refusal (then
 * calls `onRefused`, e.g. to empty the old password).
 */
export function useAuthSubmit(problem: string | null, run: () => Promise<void>, onRefused?: () => void) {
  const [touched, setTouched] = useState(false);
  const [busy, setBusy] = useState(false);
  const [refusal, setRefusal] = useState<string | null>(null);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setTouched(true);
    if (problem !== null || busy) return;
    setBusy(true);
    setRefusal(null);
    try {
      await run();
    } catch (error) {
      setRefusal(toApiError(error).describe());
      onRefused?.();
    } finally {
      setBusy(false);
    }
  };
  return { touched, setTouched, busy, refusal, submit };
}
