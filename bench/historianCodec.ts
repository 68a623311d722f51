// historian.codec_*: the chunk codec alone over the benchmark dataset
// (bench/historianDataset.ts: 1,000 tags, 6 h at 1 Hz). Each tag records on
// change (a sample is stored when its value or quality differs from the last
// stored one, and always the first), one chunk per tag per clock hour, as the
// historian does. Figures:
//   historian.codec_encode_samples_per_s   stored samples encoded per second
//   historian.codec_decode_samples_per_s   stored samples decoded per second
//   historian.codec_bytes_per_sample       encoded bytes / polled samples (21.6 M)
// Every chunk is checked to decode to exactly what was stored (untimed). The
// first hour's chunks are encoded and decoded a few times, untimed, before
// anything is timed: the figures are the steady state of a long-running
// historian, not V8's warm-up.
import { decodeChunk, encodeChunk } from '../src/main/runtime/historian/codec/chunk';
import { DATASET, datasetTags, generatePolls } from './historianDataset';
import { report } from './report';

const HOUR_MS = 3_600_000;
const tags = datasetTags();
const n = tags.length;
const capacity = HOUR_MS / DATASET.pollMs; // polls in one window at most

// Per tag: the samples stored in the current window, and the last stored value.
const times = tags.map(() => new Float64Array(capacity));
const values = tags.map(() => new Float64Array(capacity));
const qualities = tags.map(() => new Uint8Array(capacity));
const counts = new Int32Array(n);
const lastValue = new Float64Array(n);
const lastQuality = new Int16Array(n).fill(-1); // -1: nothing stored yet

let encodeSeconds = 0;
let decodeSeconds = 0;
let storedSamples = 0;
let totalBytes = 0;
let polledSamples = 0;
let chunks = 0;

function sameBits(a: number, b: number): boolean {
  return a === b ? a !== 0 || 1 / a === 1 / b : a !== a && b !== b;
}

const WARM_UP_ROUNDS = 3;
let warm = false;

/** Runs the codec over the current window, untimed, so that V8 has optimised it. */
function warmUp(): void {
  for (let round = 0; round < WARM_UP_ROUNDS; round++) {
    for (let i = 0; i < n; i++) {
      const count = counts[i]!;
      if (count > 0) decodeChunk(encodeChunk({ t: times[i]!, v: values[i]!, q: qualities[i]!, count }, tags[i]!.step, tags[i]!.offset));
    }
  }
  warm = true;
}

/** Encodes every tag's window, then decodes it: both timed, then checked untimed. */
function flushWindow(): void {
  if (!warm) warmUp();
  const blobs: Array<Uint8Array | undefined> = new Array(n);
  let started = process.hrtime.bigint();
  for (let i = 0; i < n; i++) {
    const count = counts[i]!;
    if (count === 0) continue;
    const tag = tags[i]!;
    blobs[i] = encodeChunk({ t: times[i]!, v: values[i]!, q: qualities[i]!, count }, tag.step, tag.offset);
  }
  encodeSeconds += Number(process.hrtime.bigint() - started) / 1e9;

  const decoded = new Array<ReturnType<typeof decodeChunk> | undefined>(n);
  started = process.hrtime.bigint();
  for (let i = 0; i < n; i++) {
    const blob = blobs[i];
    if (blob) decoded[i] = decodeChunk(blob);
  }
  decodeSeconds += Number(process.hrtime.bigint() - started) / 1e9;

  for (let i = 0; i < n; i++) {
    const count = counts[i]!;
    if (count === 0) continue;
    const blob = blobs[i]!;
    const back = decoded[i]!;
    if (back.t.length !== count) fail(`tag ${tags[i]!.path}: ${back.t.length} samples back, ${count} stored`);
    const t = times[i]!;
    const v = values[i]!;
    const q = qualities[i]!;
    for (let j = 0; j < count; j++) {
      if (back.t[j] !== t[j] || back.q[j] !== q[j] || !sameBits(back.v[j]!, v[j]!)) {
        fail(`tag ${tags[i]!.path} sample ${j}: got (${back.t[j]}, ${back.v[j]}, ${back.q[j]}), stored (${t[j]}, ${v[j]}, ${q[j]})`);
      }
    }
    storedSamples += count;
    totalBytes += blob.length;
    chunks++;
    counts[i] = 0;
  }
}

function fail(message: string): never {
  console.error(`bench: ${message}`);
  process.exit(1);
}

let window = -1;
for (const poll of generatePolls(tags)) {
  const w = Math.floor(poll.t / HOUR_MS);
  if (w !== window) {
    if (window >= 0) flushWindow();
    window = w;
  }
  for (let i = 0; i < n; i++) {
    const value = poll.values[i]!;
    const quality = poll.quality[i]!;
    if (quality === lastQuality[i] && sameBits(value, lastValue[i]!)) continue;
    const c = counts[i]!;
    times[i]![c] = poll.t;
    values[i]![c] = value;
    qualities[i]![c] = quality;
    counts[i] = c + 1;
    lastValue[i] = value;
    lastQuality[i] = quality;
  }
  polledSamples += n;
}
flushWindow();

if (polledSamples !== DATASET.tags * DATASET.polls) fail(`${polledSamples} samples polled, expected ${DATASET.tags * DATASET.polls}`);
console.error(`bench: ${storedSamples} samples stored in ${chunks} chunks, ${totalBytes} bytes`);
report('historian.codec_encode_samples_per_s', Math.round(storedSamples / encodeSeconds), 'samples/s');
report('historian.codec_decode_samples_per_s', Math.round(storedSamples / decodeSeconds), 'samples/s');
report('historian.codec_bytes_per_sample', totalBytes / polledSamples, 'B');
