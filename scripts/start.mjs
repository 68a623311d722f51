// `npm start`: opens the desktop window on the demo plant (or --project FILE).
// Where the Electron binary cannot be had (an air-gapped machine), it says so
// in one line and serves the same HMI in the browser instead.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const args = process.argv.slice(2);

const electronDir = join(root, 'node_modules', 'electron');

/** The Electron binary, when it is on disk (read the way the electron package itself does). */
function installedBinary() {
  const pathFile = join(electronDir, 'path.txt');
  if (!existsSync(pathFile)) return null;
  const binary = join(electronDir, 'dist', readFileSync(pathFile, 'utf8').trim());
  return existsSync(binary) ? binary : null;
}

/** Electron downloads its binary on first use; try that once, quietly, and report only the outcome. */
function electronBinary() {
  const found = installedBinary();
  if (found || !existsSync(join(electronDir, 'install.js'))) return found;
  spawnSync(process.execPath, [join(electronDir, 'install.js')], { stdio: 'ignore', timeout: 120_000 });
  return installedBinary();
}

function run(command, commandArgs) {
  const child = spawn(command, commandArgs, { cwd: root, stdio: 'inherit' });
  for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
  child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
}

const electron = electronBinary();
if (electron) {
  run(electron, ['.', ...args]);
} else {
  console.log('The Electron binary is not installed on this machine; serving the same HMI in the browser instead.');
  run(process.execPath, ['out/main/serve.js', ...args]);
}
