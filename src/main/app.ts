// Starts what a shell shows: the project's runtime and, when the project asks
// for it, the simulated demo plant beside it. Shared by the desktop shell and
// serve mode, so both run exactly the same thing.
import { mkdirSync } from 'node:fs';
import { loadProjectFile } from './runtime/project/load';
import { Runtime } from './runtime/runtime';
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
}

/** Throws a ProjectError (file, line, path) before anything starts if the project is wrong. */
export async function startApp({ projectFile, dataDir }: AppOptions): Promise<App> {
  const project = loadProjectFile(projectFile);
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
  const runtime = new Runtime(project, { simulator: plant ?? undefined });
  runtime.start();
  return {
    runtime,
    plant,
    projectFile,
    dataDir,
    async stop() {
      await runtime.stop();
      await plant?.stop();
    },
  };
}
