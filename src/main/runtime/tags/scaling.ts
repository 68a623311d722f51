// Linear scaling between a device's raw counts and engineering units.
export interface LinearScale {
  readonly rawMin: number;
  readonly rawMax: number;
  readonly euMin: number;
  readonly euMax: number;
  /** Clamp engineering values to [euMin, euMax] (off by default: an overrange is information). */
  readonly clamp?: boolean;
}

export interface Scaler {
  toEu(raw: number): number;
  toRaw(eu: number): number;
}

export const IDENTITY: Scaler = { toEu: (raw) => raw, toRaw: (eu) => eu };

/** Why a scale cannot be used, or null. */
export function scaleProblem(scale: LinearScale): string | null {
  if (scale.rawMax === scale.rawMin) return `rawMin and rawMax are both ${scale.rawMin}`;
  if (scale.euMax === scale.euMin) return `euMin and euMax are both ${scale.euMin}`;
  return null;
}

export function linearScaler(scale: LinearScale | undefined): Scaler {
  if (!scale) return IDENTITY;
  const gain = (scale.euMax - scale.euMin) / (scale.rawMax - scale.rawMin);
  const { rawMin, euMin } = scale;
  const lo = Math.min(scale.euMin, scale.euMax);
  const hi = Math.max(scale.euMin, scale.euMax);
  const clamp = scale.clamp === true;
  return {
    toEu(raw) {
      const eu = euMin + (raw - rawMin) * gain;
      return clamp ? Math.min(hi, Math.max(lo, eu)) : eu;
    },
    toRaw(eu) {
      return rawMin + (eu - euMin) / gain;
    },
  };
}
