// historian.*: the historian with its worker, on a real file, over the
// benchmark dataset (bench/historianDataset.ts: 1,000 tags, 6 h at 1 Hz).
//   historian.ingest_samples_per_s  polled samples per second, from the first
//                                   reading offered to the last one committed
//                                   to the file (recording on change, batches
//                                   to the worker, encoding, SQLite)
//   historian.bytes_per_sample      file size / polled samples (lossless)
//   historian.query_ms_1y_m4        one tag, one year at 1 Hz, 2,000 px (M4)
//   historian.query_ms_1d_raw       one tag, one day at 1 Hz, raw
// Needs the built worker (npm run bench builds first).
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Historian, type HistorizedTag } from '../src/main/runtime/historian/historian';
import { DATASET, datasetTags, generatePolls } from './historianDataset';
import { report } from './report';

const WORKER = join(process.cwd(), 'out', 'main', 'historianWorker.js');
const dir = mkdtempSync(join(tmpdir(), 'bench-historian-'));

function historizedOf(): HistorizedTag[] {
  return datasetTags().map((tag) => ({
    path: tag.path,
    units: '',
    description: '',
    dataType: tag.kind === 'register' ? 'uint16' : tag.kind === 'digital' ? 'int16' : 'float32',
    group: '',
    step: tag.step,
    offset: tag.offset,
    policy: { deadband: 0, maxIntervalMs: 3_600_000 },
  }));
}

async function ingest(): Promise<void> {
  const polls = [...generatePolls()]; // untimed: the dataset is made before the clock starts
  const file = join(dir, 'ingest.db');
  const historian = new Historian(null, { file, workerUrl: WORKER, tags: historizedOf(), postMs: 1_000_000, maxPending: 50_000_000 });
  await historian.flush();
  const started = performance.now();
  for (let p = 0; p < polls.length; p++) {
    const { t, values, quality } = polls[p]!;
    for (let i = 0; i < values.length; i++) historian.record(i, t, values[i]!, quality[i]!);
    if (p % 60 === 59) historian.post();
  }
  await historian.flush();
  // Close the last hour's windows as the clock would.
  const seconds = (performance.now() - started) / 1000;
  await historian.stop();
  const samples = DATASET.tags * DATASET.polls;
  report('historian.ingest_samples_per_s', Math.round(samples / seconds), 'samples/s');
  report('historian.bytes_per_sample', statSync(file).size / samples, 'B');
}

/** One tag at 1 Hz for a year, written straight into a file (fast path), then queried. */
async function queries(): Promise<void> {
  const file = join(dir, 'year.db');
  const year = 365 * 86_400_000;
  const end = DATASET.start;
  const start = end - year;
  const tag: HistorizedTag = {
    path: 'Plant/Year/Level', units: 'm', description: '', dataType: 'uint16', group: '', step: 0.001, offset: 0,
    policy: { deadband: 0, maxIntervalMs: 3_600_000 },
  };
  const historian = new Historian(null, { file, workerUrl: WORKER, tags: [tag], postMs: 1_000_000, maxPending: 50_000_000 });
  let level = 5000;
  let seed = 12345;
  for (let t = start; t < end; t += 1000) {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    level = Math.min(10_000, Math.max(0, level + ((seed >> 8) % 7) - 3));
    historian.record(0, t, level / 1000, 0);
    if ((t - start) % 3_600_000 === 0) historian.post();
  }
  await historian.flush();
  const time = async (request: Parameters<Historian['query']>[1]) => {
    const runs: number[] = [];
    for (let i = 0; i < 7; i++) {
      const began = performance.now();
      const result = await historian.query([tag.path], request);
      runs.push(performance.now() - began);
      if (result.series[0]!.t.length === 0) throw new Error('the query returned nothing');
    }
    runs.sort((a, b) => a - b);
    return runs[3]!; // the median
  };
  report('historian.query_ms_1y_m4', await time({ from: start, to: end, maxPoints: 2000 * 4 }), 'ms');
  report('historian.query_ms_1d_raw', await time({ from: end - 86_400_000, to: end }), 'ms');
  await historian.stop();
}

try {
  await ingest();
  await queries();
} finally {
  rmSync(dir, { recursive: true, force: true });
}
