// A growable column store of samples (time, value, quality code), so a tag's
// unflushed samples cost 17 bytes each and no object per sample.
export class SampleBuffer {
  t = new Float64Array(16);
  v = new Float64Array(16);
  q = new Uint8Array(16);
  count = 0;

  push(t: number, v: number, q: number): void {
    if (this.count === this.t.length) this.grow();
    this.t[this.count] = t;
    this.v[this.count] = v;
    this.q[this.count] = q;
    this.count++;
  }

  clear(): void {
    this.count = 0;
    if (this.t.length > 4096) {
      // Give back what a burst (an outage's backlog) made us hold.
      this.t = new Float64Array(16);
      this.v = new Float64Array(16);
      this.q = new Uint8Array(16);
    }
  }

  private grow(): void {
    const size = this.t.length * 2;
    const t = new Float64Array(size);
    const v = new Float64Array(size);
    const q = new Uint8Array(size);
    t.set(this.t);
    v.set(this.v);
    q.set(this.q);
    this.t = t;
    this.v = v;
    this.q = q;
  }
}
