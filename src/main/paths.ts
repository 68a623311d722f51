// Where things are, for both shells. The bundler may put this module in a
// chunk at any depth under out/, so paths start from the application's root:
// the nearest folder above with a package.json.
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const APP_FOLDER = 'scada-hmi-workstation';

let root: string | undefined;
export function appRoot(): string {
  if (root) return root;
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json')) && dirname(dir) !== dir) dir = dirname(dir);
  return (root = dir);
}

/** The demo plant's project file (resources/demo-plant.yaml). */
export function demoProjectFile(): string {
  return join(appRoot(), 'resources', 'demo-plant.yaml');
}

/** The built renderer (out/renderer). */
export function rendererDir(): string {
  return join(appRoot(), 'out', 'renderer');
}

/**
 * The platform's user-data folder, where the runtime keeps its historian,
 * journals, certificates and users: the folder Electron's
 * app.getPath('userData') names for this app.
 */
export function defaultDataDir(env: NodeJS.ProcessEnv = process.env, platform = process.platform): string {
  if (platform === 'win32') return join(env.APPDATA ?? join(homedir(), 'AppData', 'Roaming'), APP_FOLDER);
  if (platform === 'darwin') return join(homedir(), 'Library', 'Application Support', APP_FOLDER);
  return join(env.XDG_CONFIG_HOME ?? join(homedir(), '.config'), APP_FOLDER);
}
