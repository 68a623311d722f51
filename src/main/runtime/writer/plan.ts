// What goes to the device for a value an operator (or a DCMD, or a loop)
// asked for: the checks that need only the tag, run before anything is sent.
//
// - A bool takes only true or false: 1/0 (or "1", "on") are refused, so a
//   number typed for the wrong tag, or a script that mixes up two tags,
//   never switches a coil. A number takes a finite number.
// - The write limits (engineering units): the tag's `writeLimits`, each side
//   left out defaulting to its scale's EU range. Outside them: refused, with
//   the limits named.
// - Engineering units → raw through the tag's scale.
// - An integer tag stores whole counts: a value between two of them is
//   refused (default) or rounded, as the tag's `writeRounding` declares;
//   never rounded silently. (A raw value a hair off a whole count is float
//   noise of the scaling, 42.3 → 422.99999999999994, and not a fraction.)
// - The raw value must fit the data type (70000 is no uint16).
import type { TagDataType, TagScalar, WriteLimits } from '../../../shared/types';
import { isIntegerDataType, limitsText, outsideLimits, valueText } from '../../../shared/write';
import type { TagDefinition } from '../tags/definition';
import type { Scaler } from '../tags/scaling';

/** A write refused before anything was sent; the message says why, in the operator's units. */
export class WriteRefused extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'WriteRefused';
  }
}

export interface WritePlan {
  /** As asked, engineering units. */
  readonly requested: TagScalar;
  /** What will be sent, engineering units: `requested`, or rounded to the tag's step. */
  readonly sent: TagScalar;
  /** What the driver gets. */
  readonly raw: TagScalar;
}

type WriteTag = Pick<TagDefinition, 'path' | 'dataType' | 'units' | 'scale' | 'writeLimits' | 'writeRounding'>;

const RAW_RANGE: Partial<Record<TagDataType, readonly [number, number]>> = {
  int16: [-32768, 32767],
  uint16: [0, 65535],
  int32: [-2147483648, 2147483647],
  uint32: [0, 4294967295],
  // 64-bit integers: only what a number holds exactly (beyond, a different integer would be written).
  int64: [-Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER],
  uint64: [0, Number.MAX_SAFE_INTEGER],
  float32: [-3.4028234663852886e38, 3.4028234663852886e38],
};

/** The limits a tag's writes must keep, engineering units; null for a bool or a tag with none. */
export function writeLimitsOf(def: Pick<TagDefinition, 'dataType' | 'scale' | 'writeLimits'>): WriteLimits | null {
  if (def.dataType === 'bool' || def.dataType === 'string') return null;
  const { scale } = def;
  const min = def.writeLimits?.min ?? (scale ? Math.min(scale.euMin, scale.euMax) : null);
  const max = def.writeLimits?.max ?? (scale ? Math.max(scale.euMin, scale.euMax) : null);
  return min === null && max === null ? null : { min, max };
}

/** The plan of a write, or a WriteRefused that says what is wrong with the value. */
export function planWrite(def: WriteTag, scaler: Scaler, value: TagScalar): WritePlan {
  const { path, dataType, units } = def;
  if (dataType === 'bool') {
    if (typeof value === 'boolean') return { requested: value, sent: value, raw: value };
    throw new WriteRefused(`${path} is a bool: write true or false, not ${JSON.stringify(value)}`);
  }
  if (dataType === 'string') {
    if (typeof value === 'string') return { requested: value, sent: value, raw: value };
    throw new WriteRefused(`${path} is text: the value must be a string, not ${String(value)}`);
  }
  if (typeof value !== 'number') throw new WriteRefused(`${path} is ${withArticle(dataType)}: the value must be a number, not ${JSON.stringify(value)}`);
  if (!Number.isFinite(value)) throw new WriteRefused(`${path}: ${value} is not a finite number`);

  const limits = writeLimitsOf(def);
  if (outsideLimits(limits, value)) {
    throw new WriteRefused(`${path} accepts ${limitsText(limits, units)}: ${valueText(value, units)} is outside its write limits, nothing was sent`);
  }

  let raw = scaler.toRaw(value);
  let sent = value;
  if (isIntegerDataType(dataType)) {
    const whole = Math.round(raw);
    if (!nearly(raw, whole)) {
      if (def.writeRounding !== 'round') throw new WriteRefused(betweenSteps(def, scaler, raw, value));
      sent = tidy(scaler.toEu(whole));
    }
    raw = whole;
  }

  const range = RAW_RANGE[dataType];
  if (range && (raw < range[0] || raw > range[1])) throw new WriteRefused(doesNotFit(def, scaler, range, value));
  return { requested: value, sent, raw };
}

/** "… moves in steps of 0.1 %: write 42.2 % or 42.3 %, not 42.26 %". */
function betweenSteps(def: WriteTag, scaler: Scaler, raw: number, value: number): string {
  const [a, b] = [tidy(scaler.toEu(Math.floor(raw))), tidy(scaler.toEu(Math.ceil(raw)))].sort((x, y) => x - y);
  const step = tidy(Math.abs(scaler.toEu(1) - scaler.toEu(0)));
  const what = def.scale ? `moves in steps of ${valueText(step, def.units)} (whole counts of ${withArticle(def.dataType)})` : `is ${withArticle(def.dataType)} and takes whole numbers`;
  return `${def.path} ${what}: write ${valueText(a!, def.units)} or ${valueText(b!, def.units)}, not ${valueText(value, def.units)}`;
}

/** "… holds 0 … 6553.5 % (a uint16): 7000 % does not fit". */
function doesNotFit(def: WriteTag, scaler: Scaler, range: readonly [number, number], value: number): string {
  const ends = [tidy(scaler.toEu(range[0])), tidy(scaler.toEu(range[1]))].sort((x, y) => x - y);
  return `${def.path} holds ${limitsText({ min: ends[0]!, max: ends[1]! }, def.units)} (${withArticle(def.dataType)}): ${valueText(value, def.units)} does not fit, nothing was sent`;
}

/** "an int16", "a uint16". */
function withArticle(dataType: TagDataType): string {
  return `${dataType.startsWith('int') ? 'an' : 'a'} ${dataType}`;
}

/** Equal but for the float noise of scaling. */
function nearly(a: number, b: number): boolean {
  return Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(a));
}

/** 12 significant digits: the float noise of scaling gone (42.300000000000004 → 42.3). */
export function tidy(value: number): number {
  return Number(value.toPrecision(12));
}
