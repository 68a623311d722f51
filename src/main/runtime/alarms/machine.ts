// One alarm's ISA-18.2 state machine. Pure: time comes in as an argument,
// events go out as return values, so every transition is tested without I/O.
//
//   state               process condition   acknowledged
//   normal              clear               yes
//   unacknowledged      active              no
//   acknowledged        active              yes
//   rtn_unacknowledged  clear               no
//   latched             clear               needs a reset (latching alarms)
//
// Beside it, the operator's and engineer's states: shelved (until a time),
// suppressed by design, out of service. They only keep the alarm off the
// operator's list; the condition is still evaluated and journalled.
//
// On-delay: the condition must hold this long before the alarm activates;
// off-delay: it must stay clear this long before the alarm returns to normal.
// Together with the deadband (in condition.ts) they stop chattering.
import type { AlarmState, JournalEvent } from '../../../shared/alarms';

export interface MachineTiming {
  readonly onDelayMs: number;
  readonly offDelayMs: number;
  readonly latch: boolean;
  readonly reAlarmMs: number | null;
}

/** What a restart brings back from the journal. */
export interface MachineSnapshot {
  readonly state: AlarmState;
  readonly activeAt: number | null;
  readonly ackedAt: number | null;
  readonly ackedBy: string | null;
  readonly shelvedUntil: number | null;
  readonly shelveReason: string | null;
  readonly outOfService: boolean;
  readonly outOfServiceReason: string | null;
}

export class AlarmMachine {
  state: AlarmState = 'normal';
  activeAt: number | null = null;
  ackedAt: number | null = null;
  ackedBy: string | null = null;
  shelvedUntil: number | null = null;
  shelveReason: string | null = null;
  suppressed = false;
  outOfService = false;
  outOfServiceReason: string | null = null;
  /** When the state last changed by the process (activation or return to normal). */
  changedAt = NaN;
  /** The process condition as last evaluated, before the delays. */
  condition = false;
  /** Since when the condition has differed from the state (an on- or off-delay running); NaN: it does not. */
  private pendingSince = NaN;
  /** When an acknowledged, still active alarm is annunciated again; NaN: never. */
  private reAlarmAt = NaN;

  constructor(private readonly timing: MachineTiming) {}

  get active(): boolean {
    return this.state === 'unacknowledged' || this.state === 'acknowledged';
  }

  /** On the operator's list: not normal, and not shelved, suppressed or out of service. */
  get listed(): boolean {
    return this.state !== 'normal' && !this.hidden;
  }

  get hidden(): boolean {
    return this.shelvedUntil !== null || this.suppressed || this.outOfService;
  }

  /** The process condition at `now`; returns what happened, if anything. */
  input(condition: boolean, now: number): 'activated' | 'cleared' | null {
    this.condition = condition;
    if (condition === this.active) {
      this.pendingSince = NaN;
      return null;
    }
    const delay = condition ? this.timing.onDelayMs : this.timing.offDelayMs;
    if (delay === 0) return this.transition(condition, now);
    if (Number.isNaN(this.pendingSince)) this.pendingSince = now;
    return now - this.pendingSince >= delay ? this.transition(condition, this.pendingSince + delay) : null;
  }

  /**
   * Lets time pass to `now`: delays that ran out, a shelve that expired, a
   * re-alarm that is due. Calls `emit` for each event, with the time it
   * happened (a delay's end, not the tick's time).
   */
  tick(now: number, emit: (event: JournalEvent, at: number) => void): void {
    if (!Number.isNaN(this.pendingSince)) {
      const delay = this.condition ? this.timing.onDelayMs : this.timing.offDelayMs;
      const due = this.pendingSince + delay;
      if (now >= due) {
        const event = this.transition(this.condition, due);
        if (event) emit(event, due);
      }
    }
    if (this.shelvedUntil !== null && now >= this.shelvedUntil) {
      const at = this.shelvedUntil;
      this.unshelve();
      emit('unshelved', at);
    }
    if (now >= this.reAlarmAt && this.state === 'acknowledged') {
      const at = this.reAlarmAt;
      this.state = 'unacknowledged';
      this.ackedAt = null;
      this.ackedBy = null;
      this.reAlarmAt = NaN;
      emit('reannunciated', at);
    }
  }

  /** The next time `tick` has something to do; NaN: nothing is due. */
  nextDeadline(): number {
    // Plain comparisons, no closure: this runs on every evaluation.
    let next = NaN;
    if (!Number.isNaN(this.pendingSince)) next = this.pendingSince + (this.condition ? this.timing.onDelayMs : this.timing.offDelayMs);
    if (this.shelvedUntil !== null && !(this.shelvedUntil >= next)) next = this.shelvedUntil;
    if (this.state === 'acknowledged' && !Number.isNaN(this.reAlarmAt) && !(this.reAlarmAt >= next)) next = this.reAlarmAt;
    return next;
  }

  /** Whether `tick` has anything to do at some time (cheaper than nextDeadline). */
  get waiting(): boolean {
    return !Number.isNaN(this.pendingSince) || this.shelvedUntil !== null || (this.state === 'acknowledged' && !Number.isNaN(this.reAlarmAt));
  }

  /** An operator's acknowledgement: of an active alarm, a returned one, or the reset of a latched one. */
  ack(now: number, user: string): 'acknowledged' | 'reset' | null {
    switch (this.state) {
      case 'unacknowledged':
        this.state = 'acknowledged';
        this.ackedAt = now;
        this.ackedBy = user;
        this.reAlarmAt = this.timing.reAlarmMs === null ? NaN : now + this.timing.reAlarmMs;
        return 'acknowledged';
      case 'rtn_unacknowledged':
        this.toNormal();
        return 'acknowledged';
      case 'latched':
        this.toNormal();
        return 'reset';
      default:
        return null;
    }
  }

  shelve(until: number, reason: string): void {
    this.shelvedUntil = until;
    this.shelveReason = reason;
  }

  unshelve(): void {
    this.shelvedUntil = null;
    this.shelveReason = null;
  }

  setOutOfService(outOfService: boolean, reason: string | null): void {
    this.outOfService = outOfService;
    this.outOfServiceReason = outOfService ? reason : null;
  }

  snapshot(): MachineSnapshot {
    return {
      state: this.state,
      activeAt: this.activeAt,
      ackedAt: this.ackedAt,
      ackedBy: this.ackedBy,
      shelvedUntil: this.shelvedUntil,
      shelveReason: this.shelveReason,
      outOfService: this.outOfService,
      outOfServiceReason: this.outOfServiceReason,
    };
  }

  /** Brings back what the journal kept; the condition itself comes with the next values. */
  restore(snapshot: MachineSnapshot, now: number): void {
    this.state = snapshot.state;
    this.activeAt = snapshot.activeAt;
    this.ackedAt = snapshot.ackedAt;
    this.ackedBy = snapshot.ackedBy;
    this.shelvedUntil = snapshot.shelvedUntil;
    this.shelveReason = snapshot.shelveReason;
    this.outOfService = snapshot.outOfService;
    this.outOfServiceReason = snapshot.outOfServiceReason;
    this.condition = this.active;
    if (this.state === 'acknowledged' && this.timing.reAlarmMs !== null && snapshot.ackedAt !== null) {
      this.reAlarmAt = Math.max(now, snapshot.ackedAt + this.timing.reAlarmMs);
    }
  }

  private transition(activate: boolean, at: number): 'activated' | 'cleared' | null {
    this.pendingSince = NaN;
    this.changedAt = at;
    if (activate) {
      if (this.active) return null;
      this.state = 'unacknowledged';
      this.activeAt = at;
      this.ackedAt = null;
      this.ackedBy = null;
      return 'activated';
    }
    if (this.state === 'unacknowledged') this.state = this.timing.latch ? 'latched' : 'rtn_unacknowledged';
    else if (this.state === 'acknowledged') {
      if (this.timing.latch) this.state = 'latched';
      else this.toNormal();
    } else return null;
    this.reAlarmAt = NaN;
    return 'cleared';
  }

  private toNormal(): void {
    this.state = 'normal';
    this.activeAt = null;
    this.ackedAt = null;
    this.ackedBy = null;
    this.reAlarmAt = NaN;
  }
}
