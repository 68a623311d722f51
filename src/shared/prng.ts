// A small seeded pseudo-random generator: repeatable noise for the simulator,
// repeatable data for tests and benchmarks.

/** Deterministic PRNG (mulberry32): same seed, same noise. */
export class Prng {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  /** Uniform in [0, 1). */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** Normal with mean 0 and standard deviation `sigma` (Box-Muller). */
  gaussian(sigma: number): number {
    const u = 1 - this.next(); // (0, 1]: log(0) would be -Infinity
    return sigma * Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * this.next());
  }
}
