// The desktop shell: one hardened window on the runtime, the contract bound
// over IPC. Kept thin on purpose: everything else is plain Node and is tested
// without Electron. The security settings themselves live in ./hardening
// (tested with fakes); this file only hands them Electron's objects.
//
//   electron out/main/index.js [--project FILE] [--data DIR]
import { app, BrowserWindow, dialog, ipcMain, Menu, safeStorage, session } from 'electron';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { startApp, startReview, type App } from './app';
import { createHardenedWindow, hardenApp, hardenSession, trustedUrlPredicate } from './hardening';
import { appRoot, demoProjectFile, rendererDir } from './paths';
import { bindIpc } from './transport/ipc';
import { dispatchFor, localCaller } from './transport/dispatch';
import { formatProgress } from './runtime/project/load';
import type { SecretCipher } from './runtime/security/secrets';

/** Secrets sealed by the OS keychain (safeStorage), as the desktop app keeps them. */
function safeStorageCipher(): SecretCipher {
  if (!safeStorage.isEncryptionAvailable()) throw new Error('the OS keychain is not available to seal secrets (safeStorage)');
  return {
    kind: 'electron-safe-storage',
    encrypt: (plain) => safeStorage.encryptString(plain),
    decrypt: (sealed) => safeStorage.decryptString(sealed),
  };
}

const rendererUrl = pathToFileURL(join(rendererDir(), 'index.html')).href;
const devUrl = process.env['ELECTRON_RENDERER_URL'];
const isTrustedUrl = trustedUrlPredicate({ rendererUrl, devUrl });

// Every web contents, from the first: no new windows, no navigation away from
// the renderer, no <webview>.
hardenApp(app, isTrustedUrl);

function createWindow(): BrowserWindow {
  const window = createHardenedWindow(BrowserWindow, {
    preload: join(appRoot(), 'out', 'preload', 'index.cjs'),
    devTools: !app.isPackaged,
    appearance: { width: 1600, height: 900, backgroundColor: '#d4d4d4', title: 'SCADA HMI Workstation' },
  });
  window.once('ready-to-show', () => window.show());
  if (devUrl) void window.loadURL(devUrl);
  else void window.loadFile(join(rendererDir(), 'index.html'));
  return window;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    args: process.argv.slice(app.isPackaged ? 1 : 2),
    options: { project: { type: 'string' }, data: { type: 'string' } },
    strict: false,
  });
  await app.whenReady();
  // No permissions, a CSP header on every document: before any window exists.
  hardenSession(session.defaultSession);

  let running: App;
  try {
    running = await startApp({
      projectFile: typeof values.project === 'string' ? values.project : demoProjectFile(),
      dataDir: typeof values.data === 'string' ? values.data : app.getPath('userData'),
      secretCipher: safeStorageCipher,
      // `npm start` from a terminal: a large project's loading progress, past its first second, as serve mode prints it.
      onLoadProgress: (progress) => console.error(formatProgress(progress)),
    });
  } catch (error) {
    dialog.showErrorBox('The project cannot be loaded', (error as Error).message);
    app.exit(1);
    return;
  }
  const bind = (target: App) =>
    bindIpc(ipcMain, {
      dispatch: dispatchFor(target.runtime),
      openEvents: (send, caller) => target.runtime.openEvents(send, caller),
      local: localCaller(),
      isTrustedUrl,
    });
  let unbind = bind(running);
  const window = createWindow();

  // File > Open historian…: review a historian file read-only, in place of the live runtime.
  const openHistorian = async () => {
    const choice = await dialog.showOpenDialog(window, {
      title: 'Open historian',
      properties: ['openFile'],
      filters: [{ name: 'Historian files', extensions: ['db'] }, { name: 'All files', extensions: ['*'] }],
    });
    const file = choice.filePaths[0];
    if (choice.canceled || !file) return;
    let review: App;
    try {
      review = await startReview(file);
    } catch (error) {
      dialog.showErrorBox('The historian file cannot be opened', (error as Error).message);
      return;
    }
    unbind();
    await running.stop();
    running = review;
    unbind = bind(running);
    window.webContents.reload();
  };
  Menu.setApplicationMenu(
    Menu.buildFromTemplate([
      {
        label: 'File',
        submenu: [
          { label: 'Open historian…', accelerator: 'CmdOrCtrl+O', click: () => void openHistorian() },
          { type: 'separator' },
          { role: 'quit' },
        ],
      },
      { role: 'editMenu' },
      { role: 'viewMenu' },
      { role: 'windowMenu' },
    ]),
  );

  app.on('window-all-closed', () => app.quit());
  let quitting = false;
  app.on('before-quit', (event) => {
    if (quitting) return;
    quitting = true;
    event.preventDefault();
    unbind();
    void running.stop().finally(() => app.exit(0));
  });
}

void main();
