// The desktop shell's security settings, in one place and without Electron:
// the window's web preferences, what its web contents may do (navigate, open
// windows, attach <webview>s), what the session allows (permissions, the
// Content-Security-Policy header) and which URLs count as our own renderer.
//
// Everything here is typed structurally (the way transport/ipc.ts is), so the
// unit tests drive it with fakes: Electron cannot run on our build machines.
// src/main/index.ts passes in Electron's real objects.
//
// Two things are written the way they are for the static scanner
// (electronegativity, `npm run security:electron`), which reads literals only:
// the window is built with `new BrowserWindow({ ... webPreferences: { ... } })`
// here, through a constructor handed in under that name, and the CSP header is
// a string literal inside the onHeadersReceived callback.

/** The URLs of our own renderer: the built index.html, or the dev server in development. */
export interface RendererUrls {
  /** file:// URL of out/renderer/index.html. */
  readonly rendererUrl: string;
  /** ELECTRON_RENDERER_URL when electron-vite's dev server runs; undefined otherwise. */
  readonly devUrl?: string | undefined;
}

/**
 * True for our renderer only: the built index.html (with any #fragment, no
 * query), or any page of the dev server's exact origin. Used for navigation and
 * for the IPC sender-frame check (transport/ipc.ts).
 */
export function trustedUrlPredicate({ rendererUrl, devUrl }: RendererUrls): (url: string) => boolean {
  const devOrigin = devUrl === undefined || devUrl === '' ? null : originOf(devUrl);
  return (url) => {
    if (url === rendererUrl || url.startsWith(`${rendererUrl}#`)) return true;
    return devOrigin !== null && devOrigin !== 'null' && originOf(url) === devOrigin;
  };
}

function originOf(url: string): string | null {
  try {
    return new URL(url).origin;
  } catch {
    return null;
  }
}

// ---------------------------------------------------------------- the window

/** Everything but the web preferences, which are not the caller's to choose. */
export interface WindowAppearance {
  readonly width: number;
  readonly height: number;
  readonly title: string;
  readonly backgroundColor: string;
}

export interface HardenedWebPreferences {
  readonly preload: string;
  readonly contextIsolation: true;
  readonly sandbox: true;
  readonly nodeIntegration: false;
  readonly nodeIntegrationInWorker: false;
  readonly nodeIntegrationInSubFrames: false;
  readonly webSecurity: true;
  readonly allowRunningInsecureContent: false;
  readonly experimentalFeatures: false;
  readonly webviewTag: false;
  readonly navigateOnDragDrop: false;
  readonly safeDialogs: true;
  readonly spellcheck: false;
  readonly devTools: boolean;
}

export interface HardenedWindowOptions extends WindowAppearance {
  readonly show: false;
  readonly webPreferences: HardenedWebPreferences;
}

/** Electron's BrowserWindow class, or a fake with the same constructor. */
export type WindowConstructor<W> = new (options: HardenedWindowOptions) => W;

export interface HardenedWindowSettings {
  /** Absolute path of the built, sandboxed preload (out/preload/index.cjs). */
  readonly preload: string;
  /** Whether DevTools can be opened: during development only (not when packaged). */
  readonly devTools: boolean;
  readonly appearance: WindowAppearance;
}

/**
 * Creates the application window, hidden (show it on 'ready-to-show'), with the
 * hardened web preferences: isolated, sandboxed, no Node anywhere, web security
 * on, no <webview>, no insecure content, no experimental features.
 */
export function createHardenedWindow<W>(BrowserWindow: WindowConstructor<W>, settings: HardenedWindowSettings): W {
  return new BrowserWindow({
    ...settings.appearance,
    show: false,
    webPreferences: {
      preload: settings.preload,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      experimentalFeatures: false,
      webviewTag: false,
      navigateOnDragDrop: false,
      safeDialogs: true,
      spellcheck: false,
      devTools: settings.devTools,
    },
  });
}

// ------------------------------------------------------------- web contents

/** The details Electron gives 'will-navigate', 'will-frame-navigate' and 'will-redirect'. */
export interface NavigationEventLike {
  readonly url: string;
  preventDefault(): void;
}

export interface PreventableEventLike {
  preventDefault(): void;
}

/** The part of Electron's WebContents the hardening uses. */
export interface HardenableContents {
  setWindowOpenHandler(handler: (details: { readonly url: string }) => { action: 'deny' }): void;
  on(event: 'will-navigate' | 'will-frame-navigate' | 'will-redirect', listener: (event: NavigationEventLike) => void): unknown;
  on(event: 'will-attach-webview', listener: (event: PreventableEventLike) => void): unknown;
}

/**
 * No new windows (window.open, target=_blank, middle- or shift-click: all go
 * through the window-open handler), no navigation or redirect of any frame
 * away from our renderer, no <webview>. The renderer has no external links, so
 * nothing is handed to the system browser either.
 */
export function hardenWebContents(contents: HardenableContents, isTrustedUrl: (url: string) => boolean): void {
  contents.setWindowOpenHandler(() => ({ action: 'deny' }));
  const stayHome = (event: NavigationEventLike) => {
    if (!isTrustedUrl(event.url)) event.preventDefault();
  };
  contents.on('will-navigate', stayHome);
  contents.on('will-frame-navigate', stayHome);
  contents.on('will-redirect', stayHome);
  contents.on('will-attach-webview', (event) => event.preventDefault());
}

/** The part of Electron's app the hardening uses. */
export interface HardenableApp {
  on(event: 'web-contents-created', listener: (event: unknown, contents: HardenableContents) => void): unknown;
}

/** Hardens every web contents the app ever creates (the window's, and any other), as soon as it exists. */
export function hardenApp(app: HardenableApp, isTrustedUrl: (url: string) => boolean): void {
  app.on('web-contents-created', (_event, contents) => hardenWebContents(contents, isTrustedUrl));
}

// ------------------------------------------------------------------ session

export interface HeadersDetailsLike {
  readonly url: string;
  readonly resourceType?: string;
  readonly responseHeaders?: Record<string, string[]>;
}

export interface HeadersResponseLike {
  responseHeaders?: Record<string, string | string[]>;
}

/** The part of Electron's Session the hardening uses. */
export interface HardenableSession {
  setPermissionRequestHandler(handler: (contents: unknown, permission: string, callback: (granted: boolean) => void) => void): void;
  setPermissionCheckHandler(handler: (contents: unknown, permission: string) => boolean): void;
  setDevicePermissionHandler(handler: (details: unknown) => boolean): void;
  readonly webRequest: {
    onHeadersReceived(listener: (details: HeadersDetailsLike, callback: (response: HeadersResponseLike) => void) => void): void;
  };
}

/**
 * Denies every permission request and check (camera, notifications,
 * clipboard-read, HID, serial, USB, …): the HMI needs none, and field devices
 * are reached from the main process only. Adds a Content-Security-Policy header
 * to every document: the renderer talks to the runtime over IPC, so it needs no
 * network at all (connect-src 'none'). The renderer's own <meta> policy still
 * applies on top (serve mode needs connect-src for its HTTP + WebSocket); where
 * both apply, a resource must pass both. Whether webRequest sees file://
 * documents has differed between Electron versions (its docs once said it does
 * not, and Electron cannot run here to tell); where it does not, the <meta>
 * policy alone applies to the built renderer. Under electron-vite's dev server
 * the header also stops hot reload's WebSocket (the <meta> policy already
 * refuses its inline preamble): the shell is meant to run the built renderer.
 */
export function hardenSession(session: HardenableSession): void {
  session.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
  session.setPermissionCheckHandler(() => false);
  session.setDevicePermissionHandler(() => false);
  session.webRequest.onHeadersReceived((details, callback) => {
    const isDocument = details.resourceType === 'mainFrame' || details.resourceType === 'subFrame';
    // DevTools (development only, see devTools above) brings its own policy.
    if (!isDocument || details.url.startsWith('devtools:')) {
      callback({});
      return;
    }
    // A literal, so that the scanner can read and grade it.
    callback({
      responseHeaders: {
        ...details.responseHeaders,
        'Content-Security-Policy': [
          "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; connect-src 'none'; object-src 'none'; frame-src 'none'; worker-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
        ],
      },
    });
  });
}
