// Where things are, for both shells. Bundled files sit in out/main/, so the
// demo project and the renderer are found relative to this module.
import { homedir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const APP_FOLDER = 'scada-hmi-workstation';

/** The demo plant's project file (resources/demo-plant.yaml). */
export function demoProjectFile(): string {
  return fileURLToPath(new URL('../../resources/demo-plant.yaml', import.meta.url));
}

/** The built renderer (out/renderer). */
export function rendererDir(): string {
  return fileURLToPath(new URL('../renderer/', import.meta.url));
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
