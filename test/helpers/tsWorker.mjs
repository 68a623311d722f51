// Runs a TypeScript worker module (its path in workerData.entry) in a worker
// thread, through tsx's loader, so tests run the worker from source without a build.
import { workerData } from 'node:worker_threads';
import { register } from 'tsx/esm/api';

register();
await import(workerData.entry);
