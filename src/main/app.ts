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
  const plant = sim
    ? await startDemoPlant({
        host: sim.modbusTcp.host,
        port: sim.modbusTcp.port,
        unitId: sim.modbusTcp.unitId,
        stepMs: sim.stepMs,
      })
    : null;
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
