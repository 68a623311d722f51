// Starts what a shell shows: the project's runtime and, when the project asks
// for it, the simulated demo plant beside it. Shared by the desktop shell and
// serve mode, so both run exactly the same thing.
import { mkdirSync } from 'node:fs';
import { basename, isAbsolute, join, resolve } from 'node:path';
import { appRoot } from './paths';
import { readHistorianFile } from './runtime/historian/reviewFile';
import { loadProjectFile, type LoadProgress } from './runtime/project/load';
import type { Project } from './runtime/project/validate';
import { Runtime } from './runtime/runtime';
import { SecretStore, type SecretCipher } from './runtime/security/secrets';
import { qualityOf } from './runtime/tags/plausibility';
import { startDemoPlant, type DemoPlant } from './simulator/demoPlant';

export interface App {
  readonly runtime: Runtime;
  readonly plant: DemoPlant | null;
  readonly projectFile: string;
  readonly dataDir: string;
  stop(): Promise<void>;
}

export interface AppOptions {
  readonly projectFile: string;
  readonly dataDir: string;
  /** How secrets are sealed: the desktop app passes Electron's safeStorage; default: a key file in the data folder. */
  readonly secretCipher?: () => SecretCipher;
  /** Told how loading the project goes when it takes more than a second (the CLI prints it to stderr). */
  readonly onLoadProgress?: (progress: LoadProgress) => void;
}

/** Throws a ProjectError (file, line, path) before anything starts if the project is wrong. */
export async function startApp({ projectFile, dataDir, secretCipher, onLoadProgress }: AppOptions): Promise<App> {
  const project = loadProjectFile(projectFile, { onProgress: onLoadProgress });
  mkdirSync(dataDir, { recursive: true });
  const sim = project.simulator;
  let plant: DemoPlant | null = null;
  if (sim) {
    const { host, port, unitId } = sim.modbusTcp;
    try {
      plant = await startDemoPlant({ host, port, unitId, stepMs: sim.stepMs });
    } catch (error) {
      const inUse = (error as NodeJS.ErrnoException).code === 'EADDRINUSE';
      throw new Error(
        inUse
          ? `the demo plant cannot serve Modbus on ${host}:${port}: the port is in use (is another instance running?)`
          : `the demo plant cannot start: ${(error as Error).message}`,
        { cause: error },
      );
    }
  }
  // Opened only when the project names a secret, so a data folder without one never grows a key file.
  let secrets: SecretStore | undefined;
  const inData = (name: string) => (isAbsolute(name) ? name : join(dataDir, name));
  let runtime: Runtime | undefined;
  try {
    runtime = new Runtime(project, {
      simulator: plant ?? undefined,
      historian: { file: inData(project.historian.file), workerUrl: historianWorker() },
      storeWorker: { url: storeWorker() },
      alarmJournal: project.alarmJournal.enabled ? { file: inData(project.alarmJournal.file), maxAgeDays: project.alarmJournal.maxAgeDays } : undefined,
      securityFile: join(dataDir, 'security.db'),
      secrets: (name) => (secrets ??= secretCipher ? new SecretStore(join(dataDir, 'secrets.json'), secretCipher()) : SecretStore.inDataDir(dataDir)).get(name),
      uplinkQueueFile: project.uplink ? inData(project.uplink.storeAndForward.file) : undefined,
      projectFile,
    });
    await runtime.security.ready();
  } catch (error) {
    // A secret that cannot be opened, a security file of a newer version…: nothing may stay half started.
    await runtime?.stop().catch(() => undefined);
    await plant?.stop();
    throw error;
  }
  await runtime.start();
  const started = runtime;
  return {
    runtime: started,
    plant,
    projectFile,
    dataDir,
    async stop() {
      await started.stop();
      await plant?.stop();
    },
  };
}

/** The built store worker: alarm journal, uplink queue and security file (electron-vite puts it beside the main bundle). */
export function storeWorker(): string {
  return join(appRoot(), 'out', 'main', 'storeWorker.js');
}

/** The built historian worker (electron-vite puts it beside the main bundle). */
export function historianWorker(): string {
  return join(appRoot(), 'out', 'main', 'historianWorker.js');
}

/**
 * Opens a historian file for offline review: read-only, no drivers, its tags
 * from the file with their last recorded values. Throws a ReviewError that
 * says why the file cannot be read (missing, damaged, newer schema…).
 */
export async function startReview(historianFile: string): Promise<App> {
  const file = resolve(historianFile);
  const contents = readHistorianFile(file);
  const project: Project = {
    name: `Review of ${basename(file)}`,
    devices: [],
    tags: contents.tags.map((tag) => ({
      path: tag.path,
      device: '',
      address: '',
      dataType: tag.dataType,
      units: tag.units,
      description: tag.description,
      writable: false,
      deadband: 0,
    })),
    historian: { enabled: true, file, chunkMinutes: 60, retention: [] },
    trends: [],
    alarms: [],
    alarmJournal: { enabled: false, file: '', maxAgeDays: 1 },
  };
  const runtime = new Runtime(project, { historian: { file, workerUrl: historianWorker() }, review: true });
  contents.tags.forEach((tag, id) => {
    // The last recorded value, marked as such: nothing here is live.
    if (tag.last) runtime.engine.ingest(id, tag.last.v, qualityOf(tag.last.q === 2 ? 'bad' : 'uncertain', 'last_known_value'), tag.last.t);
  });
  await runtime.start();
  return {
    runtime,
    plant: null,
    projectFile: file,
    dataDir: '',
    stop: () => runtime.stop(),
  };
}
