// The store worker's entry (built as out/main/storeWorker.js): runs the one
// store its client named, with its options, on this thread.
import { parentPort, workerData } from 'node:worker_threads';
import { hostStore } from '../storage/host';
import type { StoreWorkerData } from '../storage/protocol';
import { SERVICES } from './services';

const data = workerData as StoreWorkerData;
const port = parentPort!;
const factory = SERVICES[data.service];
if (!factory) throw new Error(`no store "${data.service}"`);
hostStore(port, factory(data.options as never, (name, payload) => port.postMessage({ type: 'event', name, payload })));
