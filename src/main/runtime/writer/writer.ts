// The one path of every write: the contract's tags.write, a Sparkplug DCMD,
// and (soon) control loops all come here, never through the handler table.
//
//   tag exists and is writable → the caller may write it (role and path
//   patterns) → the value fits (type, write limits, steps: plan.ts) → the
//   driver sends it → the device is read back → the audit entry → the answer.
//
// Nothing is sent for a refused write, and the refusal is on the audit trail.
// After the device confirms, the writer reads the tag back where the driver
// can, and answers with what the device now holds: a device that clamps 500
// to 150 is answered (and audited) as "requested 500, device holds 150",
// never as "written 500". Where the driver cannot read on demand (a
// Sparkplug command) the answer says so instead of claiming the value.
//
// The audit entry is awaited before the answer: an operator action is
// committed before it is answered, whether the store answers at once or
// (off the event loop) later. When the disk refuses the entry, it waits in
// the security store's queue and the write is still answered as done: it
// was (security.auditFailure: accept). With `refuse`, the write is refused
// before anything is sent while the trail cannot be written.
import { ContractFailure, type Caller, type WriteResult } from '../../../shared/contract';
import type { TagScalar } from '../../../shared/types';
import { outcomeDiffers, outcomeText, type ReadBackState } from '../../../shared/write';
import { DeviceError, type Driver } from '../drivers/driver';
import type { EngineTag } from '../tags/engine';
import { planWrite, tidy, WriteRefused, type WritePlan } from './plan';

/** Appends one entry to the audit trail; may answer at once or with a promise. */
export type AuditAppend = (
  caller: Caller,
  action: string,
  target: string,
  oldValue: string | null,
  newValue: string | null,
  comment: string | null,
) => unknown;

export interface WriterDeps {
  /** The tag engine (only its lookup by path). */
  readonly tags: { find(path: string): EngineTag | undefined };
  /** The driver of a device, by its name. */
  readonly driverOf: (device: string) => Driver | undefined;
  /** Throws a ContractFailure (401/403) unless the caller may write the path. */
  readonly authorizeWrite: (caller: Caller, path: string) => void;
  readonly audit: AuditAppend;
  /** Throws (a ContractFailure) when the write must not happen because it could not be audited (auditFailure: refuse). */
  readonly requireAuditable?: () => void;
  readonly now?: () => number;
}

interface ReadBackOutcome {
  readonly held: TagScalar | null;
  readonly readBack: ReadBackState;
  readonly readBackProblem: string | null;
}

export class Writer {
  private readonly now: () => number;

  constructor(private readonly deps: WriterDeps) {
    this.now = deps.now ?? Date.now;
  }

  /** Writes `value` (engineering units) to the tag at `path` for `caller`; throws a ContractFailure when refused or failed. */
  async write(caller: Caller, path: string, value: TagScalar): Promise<WriteResult> {
    const tag = this.deps.tags.find(path);
    if (!tag) throw new ContractFailure('not_found', `no tag "${path}"`);
    if (!tag.def.writable) throw new ContractFailure('not_writable', `${path} is read-only`);
    const before = tag.value;
    try {
      this.deps.authorizeWrite(caller, path);
    } catch (error) {
      await this.deps.audit(caller, 'denied', path, auditText(before), auditText(value), (error as Error).message);
      throw error;
    }

    let plan: WritePlan;
    try {
      plan = planWrite(tag.def, tag.scaler, value);
    } catch (error) {
      if (!(error instanceof WriteRefused)) throw error;
      await this.deps.audit(caller, 'tags.write_refused', path, auditText(before), auditText(value), error.message);
      throw new ContractFailure('invalid_request', error.message);
    }

    const driver = this.deps.driverOf(tag.def.device);
    if (!driver) throw new ContractFailure('internal', `${path} has no driver`);
    if (!driver.write) throw new ContractFailure('not_writable', `${path}: the ${driver.info().driver} driver cannot write`);
    // Before anything is sent: a site that refuses unaudited actions refuses this one now, not after.
    this.deps.requireAuditable?.();
    const started = this.now();
    try {
      await driver.write(tag.id, plan.raw);
    } catch (error) {
      await this.deps.audit(caller, 'tags.write_failed', path, auditText(before), auditText(value), (error as Error).message);
      if (error instanceof DeviceError) throw new ContractFailure('device_error', error.message, error.code);
      if (error instanceof RangeError) throw new ContractFailure('invalid_request', `${path}: ${error.message}`);
      throw error;
    }

    const back = await this.readBack(driver, tag, plan);
    const outcome = { requested: plan.requested, sent: plan.sent, ...back };
    const differs = outcomeDiffers(outcome);
    const result: WriteResult = { path, written: plan.raw, durationMs: this.now() - started, ...outcome, differs };
    // The new value is what the device holds where it was read back; the comment tells the rest.
    const plain = !differs && back.readBack === 'held';
    await this.deps.audit(caller, 'tags.write', path, auditText(before), auditText(back.held ?? plan.sent), plain ? null : outcomeText(outcome, tag.def.units));
    return result;
  }

  /** What the device holds now, in engineering units, where the driver can read on demand. */
  private async readBack(driver: Driver, tag: EngineTag, plan: WritePlan): Promise<ReadBackOutcome> {
    if (!driver.read) {
      return { held: null, readBack: 'unsupported', readBackProblem: `the ${driver.info().driver} driver cannot read on demand; the device's next report shows the value` };
    }
    try {
      const [reading] = await driver.read([tag.id]);
      if (!reading || reading.raw === null || reading.quality.status === 'bad') {
        return { held: null, readBack: 'failed', readBackProblem: reading?.problem ?? 'the device gave no value' };
      }
      return { held: heldValue(tag, plan, reading.raw), readBack: 'held', readBackProblem: null };
    } catch (error) {
      return { held: null, readBack: 'failed', readBackProblem: (error as Error).message };
    }
  }
}

/**
 * The value read back, in engineering units. When the device holds exactly
 * what was sent (in its own representation: 75.1 as a float32 reads back as
 * 75.0999984741211), it is the value sent, so an unchanged write is not
 * reported as a difference.
 */
function heldValue(tag: EngineTag, plan: WritePlan, raw: TagScalar): TagScalar {
  const { dataType } = tag.def;
  if (dataType === 'bool') return typeof raw === 'boolean' ? raw : raw !== 0;
  if (typeof raw !== 'number' || typeof plan.raw !== 'number') return raw;
  if (dataType === 'float32' ? Math.fround(raw) === Math.fround(plan.raw) : raw === plan.raw) return plan.sent;
  return tidy(tag.scaler.toEu(dataType === 'float32' ? shortestFloat32(raw) : raw));
}

/** The shortest decimal that is the same float32: 149.89999389648438 → 149.9. */
function shortestFloat32(value: number): number {
  for (let digits = 1; digits < 17; digits++) {
    const candidate = Number(value.toPrecision(digits));
    if (Math.fround(candidate) === Math.fround(value)) return candidate;
  }
  return value;
}

/** A scalar as the audit trail keeps it. */
function auditText(value: TagScalar | null): string | null {
  return value === null ? null : String(value);
}
