// Which of a tag's values the historian keeps: record on change with a
// deadband (absolute, or % of the tag's span), at least one sample per
// `maxIntervalMs` (heartbeat), and optionally swinging-door compression
// (lossy, off by default). A quality change is always recorded.
//
// Swinging door: the last archived point is the hinge; each new point narrows
// the door of slopes that keep every point since within ±deviation. When a
// point falls outside, the point before it is archived (moved onto the door
// by at most the deviation) and becomes the hinge: every measured point stays
// within the deviation of the stored line.

export interface RecordingPolicy {
  /** Changes smaller than this (engineering units) are not recorded; 0 records every change. */
  readonly deadband: number;
  /** A sample is recorded at least this often even when nothing changes. */
  readonly maxIntervalMs: number;
  /** Swinging-door deviation (engineering units); undefined: off. */
  readonly swingingDoor?: number;
}

type Record = (t: number, v: number, q: number) => void;

export class Recorder {
  // The last recorded sample, and (swinging door) the newest point seen but
  // not archived: plain fields, since this runs for every value of every tag.
  private hasLast = false;
  private lastT = -Infinity;
  private lastV = NaN;
  private lastQ = -1;
  private hasHeld = false;
  private heldT = 0;
  private heldV = 0;
  private heldQ = 0;
  private upper = Infinity;
  private lower = -Infinity;

  constructor(private readonly policy: RecordingPolicy) {}

  /** The time of the last recorded sample (for the heartbeat), or -Infinity. */
  get lastTime(): number {
    return this.lastT;
  }

  /**
   * Offers a value; calls `record` with each sample to keep (none, one, or
   * two when swinging door archives the held point before a quality change).
   */
  offer(t: number, v: number, q: number, record: Record): void {
    if (!this.hasLast || q !== this.lastQ || !Number.isFinite(v) || !Number.isFinite(this.lastV)) {
      this.archiveHeld(record);
      this.keep(t, v, q, record);
      return;
    }
    const deviation = this.policy.swingingDoor;
    if (deviation !== undefined) {
      this.swingingDoor(t, v, q, deviation, record);
      return;
    }
    const moved = this.policy.deadband > 0 ? Math.abs(v - this.lastV) >= this.policy.deadband : v !== this.lastV;
    if (moved || t - this.lastT >= this.policy.maxIntervalMs) this.keep(t, v, q, record);
  }

  /** The heartbeat: records the current value again if nothing was recorded for maxIntervalMs. */
  heartbeat(now: number, v: number, q: number, record: Record): void {
    if (this.hasLast && now - this.lastT >= this.policy.maxIntervalMs) {
      this.archiveHeld(record);
      this.keep(now, v, q, record);
    }
  }

  private swingingDoor(t: number, v: number, q: number, deviation: number, record: Record): void {
    const dt = t - this.lastT;
    if (dt <= 0) return;
    const upper = Math.min(this.upper, (v + deviation - this.lastV) / dt);
    const lower = Math.max(this.lower, (v - deviation - this.lastV) / dt);
    if (lower <= upper && dt < this.policy.maxIntervalMs) {
      this.upper = upper;
      this.lower = lower;
    } else if (this.hasHeld && this.heldT > this.lastT) {
      // The door closed: archive the point before this one, on a line from the
      // hinge that the door still allowed (within the deviation of every point
      // since, and of the held point itself), so the stored line never strays
      // further than the deviation from what was measured.
      const held = (this.heldV - this.lastV) / (this.heldT - this.lastT);
      const slope = Math.min(this.upper, Math.max(this.lower, held));
      this.keep(this.heldT, this.lastV + slope * (this.heldT - this.lastT), this.heldQ, record);
      const span = t - this.lastT;
      this.upper = (v + deviation - this.lastV) / span;
      this.lower = (v - deviation - this.lastV) / span;
    } else {
      this.keep(t, v, q, record);
      return;
    }
    this.hasHeld = true;
    this.heldT = t;
    this.heldV = v;
    this.heldQ = q;
  }

  private archiveHeld(record: Record): void {
    if (this.hasHeld && this.heldT > this.lastT) this.keep(this.heldT, this.heldV, this.heldQ, record);
    this.hasHeld = false;
  }

  private keep(t: number, v: number, q: number, record: Record): void {
    record(t, v, q);
    this.hasLast = true;
    this.lastT = t;
    this.lastV = v;
    this.lastQ = q;
    this.hasHeld = false;
    this.upper = Infinity;
    this.lower = -Infinity;
  }
}
