// Which of a text tag's values the historian keeps: every change of the text
// or of its quality code, and the current one again after `maxIntervalMs`
// without a change (the same heartbeat as numeric tags, so a review can tell
// "unchanged" from "not recorded"). No deadband: texts have no distance.

type Record = (t: number, value: string | null, q: number) => void;

export class TextRecorder {
  private hasLast = false;
  private lastT = -Infinity;
  private lastValue: string | null = null;
  private lastQ = -1;

  constructor(private readonly policy: { readonly maxIntervalMs: number }) {}

  get lastTime(): number {
    return this.lastT;
  }

  offer(t: number, value: string | null, q: number, record: Record): void {
    if (!this.hasLast || value !== this.lastValue || q !== this.lastQ || t - this.lastT >= this.policy.maxIntervalMs) {
      this.keep(t, value, q, record);
    }
  }

  heartbeat(now: number, value: string | null, q: number, record: Record): void {
    if (this.hasLast && now - this.lastT >= this.policy.maxIntervalMs) this.keep(now, value, q, record);
  }

  private keep(t: number, value: string | null, q: number, record: Record): void {
    record(t, value, q);
    this.hasLast = true;
    this.lastT = t;
    this.lastValue = value;
    this.lastQ = q;
  }
}
