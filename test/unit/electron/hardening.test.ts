// The shell's security settings (src/main/hardening.ts), driven with fakes of
// Electron's window, web contents, app and session: Electron cannot run on our
// build machines, so this is where its hardening is held to account.
import { describe, expect, it } from 'vitest';
import {
  createHardenedWindow,
  hardenApp,
  hardenSession,
  hardenWebContents,
  type HardenableApp,
  type HardenableContents,
  type HardenableSession,
  type HardenedWindowOptions,
  type HeadersDetailsLike,
  type HeadersResponseLike,
  type NavigationEventLike,
  type PreventableEventLike,
  trustedUrlPredicate,
  type WindowAppearance,
} from '../../../src/main/hardening';

const RENDERER = 'file:///opt/scada/out/renderer/index.html';
const appearance: WindowAppearance = { width: 1600, height: 900, title: 'HMI', backgroundColor: '#d4d4d4' };

class FakeWindow {
  static created: HardenedWindowOptions[] = [];
  constructor(readonly options: HardenedWindowOptions) {
    FakeWindow.created.push(options);
  }
}

type Listener = (event: never) => void;

class FakeContents implements HardenableContents {
  openHandler: ((details: { readonly url: string }) => { action: 'deny' }) | null = null;
  readonly listeners = new Map<string, Listener[]>();
  setWindowOpenHandler(handler: (details: { readonly url: string }) => { action: 'deny' }): void {
    this.openHandler = handler;
  }
  on(event: string, listener: Listener): this {
    this.listeners.set(event, [...(this.listeners.get(event) ?? []), listener]);
    return this;
  }
  /** Emits a navigation-like event; true when some listener prevented it. */
  emit(event: string, url = ''): boolean {
    let prevented = false;
    const details: NavigationEventLike & PreventableEventLike = { url, preventDefault: () => (prevented = true) };
    for (const listener of this.listeners.get(event) ?? []) (listener as (e: typeof details) => void)(details);
    return prevented;
  }
}

describe('trusted URLs', () => {
  it('trusts the built renderer, with a fragment, and nothing beside it', () => {
    const trusted = trustedUrlPredicate({ rendererUrl: RENDERER });
    expect(trusted(RENDERER)).toBe(true);
    expect(trusted(`${RENDERER}#/alarms`)).toBe(true);
    for (const url of [
      `${RENDERER}?x=1`,
      `${RENDERER}.evil.html`,
      'file:///opt/scada/out/renderer/other.html',
      'file:///etc/passwd',
      'https://example.com/',
      'http://127.0.0.1:8080/',
      'about:blank',
      'javascript:alert(1)',
      '',
      'not a url',
    ]) {
      expect(trusted(url), url).toBe(false);
    }
  });

  it("trusts the dev server's exact origin only, and only when there is one", () => {
    const trusted = trustedUrlPredicate({ rendererUrl: RENDERER, devUrl: 'http://localhost:5173' });
    expect(trusted('http://localhost:5173/')).toBe(true);
    expect(trusted('http://localhost:5173/src/main.tsx?t=1')).toBe(true);
    for (const url of ['http://localhost:5173.evil.example/', 'http://localhost:51730/', 'https://localhost:5173/', 'http://127.0.0.1:5173/', 'http://evil.example/?http://localhost:5173']) {
      expect(trusted(url), url).toBe(false);
    }
    expect(trustedUrlPredicate({ rendererUrl: RENDERER, devUrl: '' })('http://localhost:5173/')).toBe(false);
    expect(trustedUrlPredicate({ rendererUrl: RENDERER, devUrl: undefined })('http://localhost:5173/')).toBe(false);
  });
});

describe('the window', () => {
  it('is created hidden, isolated, sandboxed, without Node, with web security, and nothing else allowed', () => {
    FakeWindow.created = [];
    const window = createHardenedWindow(FakeWindow, { preload: '/opt/scada/out/preload/index.cjs', devTools: false, appearance });
    expect(window).toBeInstanceOf(FakeWindow);
    expect(FakeWindow.created).toHaveLength(1);
    const options = window.options;
    expect(options).toMatchObject({ ...appearance, show: false });
    expect(options.webPreferences).toEqual({
      preload: '/opt/scada/out/preload/index.cjs',
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
      devTools: false,
    });
  });

  it('does not let the appearance carry web preferences or show the window early', () => {
    const sneaky = { ...appearance, show: true, webPreferences: { sandbox: false, nodeIntegration: true, contextIsolation: false } } as unknown as WindowAppearance;
    const window = createHardenedWindow(FakeWindow, { preload: '/p.cjs', devTools: true, appearance: sneaky });
    expect(window.options.show).toBe(false);
    expect(window.options.webPreferences).toMatchObject({ sandbox: true, nodeIntegration: false, contextIsolation: true, devTools: true });
  });
});

describe('web contents', () => {
  const trusted = trustedUrlPredicate({ rendererUrl: RENDERER });

  it('denies every new window, whatever the URL', () => {
    const contents = new FakeContents();
    hardenWebContents(contents, trusted);
    expect(contents.openHandler).not.toBeNull();
    for (const url of ['https://example.com/', RENDERER, 'file:///etc/passwd', 'javascript:alert(1)', 'about:blank']) {
      expect(contents.openHandler!({ url }), url).toEqual({ action: 'deny' });
    }
  });

  it('stops every navigation and redirect away from the renderer, of any frame', () => {
    const contents = new FakeContents();
    hardenWebContents(contents, trusted);
    for (const event of ['will-navigate', 'will-frame-navigate', 'will-redirect']) {
      expect(contents.listeners.get(event), event).toHaveLength(1);
      for (const url of ['https://example.com/', 'file:///etc/passwd', 'http://127.0.0.1:1/', 'data:text/html,<script>1</script>']) {
        expect(contents.emit(event, url), `${event} ${url}`).toBe(true);
      }
      expect(contents.emit(event, RENDERER), `${event} to the renderer`).toBe(false);
      expect(contents.emit(event, `${RENDERER}#/trends`), `${event} within the renderer`).toBe(false);
    }
  });

  it('refuses to attach any <webview>', () => {
    const contents = new FakeContents();
    hardenWebContents(contents, trusted);
    expect(contents.emit('will-attach-webview')).toBe(true);
  });

  it('hardens every web contents the app creates', () => {
    let created: ((event: unknown, contents: HardenableContents) => void) | null = null;
    const app: HardenableApp = {
      on: (event, listener) => {
        expect(event).toBe('web-contents-created');
        created = listener;
      },
    };
    hardenApp(app, trusted);
    const contents = new FakeContents();
    created!({}, contents);
    expect(contents.openHandler!({ url: 'https://example.com/' })).toEqual({ action: 'deny' });
    expect(contents.emit('will-navigate', 'https://example.com/')).toBe(true);
    expect(contents.emit('will-attach-webview')).toBe(true);
  });
});

describe('the session', () => {
  function fakeSession() {
    const fake = {
      request: null as null | ((contents: unknown, permission: string, callback: (granted: boolean) => void) => void),
      check: null as null | ((contents: unknown, permission: string) => boolean),
      device: null as null | ((details: unknown) => boolean),
      headers: null as null | ((details: HeadersDetailsLike, callback: (response: HeadersResponseLike) => void) => void),
    };
    const session: HardenableSession = {
      setPermissionRequestHandler: (handler) => (fake.request = handler),
      setPermissionCheckHandler: (handler) => (fake.check = handler),
      setDevicePermissionHandler: (handler) => (fake.device = handler),
      webRequest: { onHeadersReceived: (listener) => (fake.headers = listener) },
    };
    hardenSession(session);
    return fake;
  }

  const PERMISSIONS = ['media', 'geolocation', 'notifications', 'clipboard-read', 'clipboard-sanitized-write', 'display-capture', 'fullscreen', 'hid', 'serial', 'usb', 'openExternal', 'fileSystem', 'unknown'];

  it('denies every permission request, check and device', () => {
    const fake = fakeSession();
    for (const permission of PERMISSIONS) {
      const answers: boolean[] = [];
      fake.request!({}, permission, (granted) => answers.push(granted));
      expect(answers, permission).toEqual([false]);
      expect(fake.check!({}, permission), permission).toBe(false);
    }
    expect(fake.device!({ deviceType: 'serial', origin: 'file://' })).toBe(false);
  });

  function headersFor(details: HeadersDetailsLike): HeadersResponseLike {
    const fake = fakeSession();
    const responses: HeadersResponseLike[] = [];
    fake.headers!(details, (response) => responses.push(response));
    expect(responses).toHaveLength(1);
    return responses[0]!;
  }

  it('puts a strict Content-Security-Policy on every document and keeps its other headers', () => {
    for (const resourceType of ['mainFrame', 'subFrame']) {
      const response = headersFor({ url: RENDERER, resourceType, responseHeaders: { 'Content-Type': ['text/html'] } });
      expect(response.responseHeaders?.['Content-Type']).toEqual(['text/html']);
      const header = response.responseHeaders?.['Content-Security-Policy'];
      expect(Array.isArray(header) && header.length === 1).toBe(true);
      const policy = parsePolicy((header as string[])[0]!);
      expect(policy.get('default-src')).toEqual(["'none'"]);
      expect(policy.get('script-src')).toEqual(["'self'"]);
      expect(policy.get('style-src')).toEqual(["'self'"]);
      expect(policy.get('connect-src')).toEqual(["'none'"]);
      for (const directive of ['object-src', 'frame-src', 'worker-src', 'base-uri', 'form-action', 'frame-ancestors']) {
        expect(policy.get(directive), directive).toEqual(["'none'"]);
      }
      const sources = [...policy.values()].flat();
      for (const loose of ["'unsafe-inline'", "'unsafe-eval'", "'unsafe-hashes'", "'wasm-unsafe-eval'", '*', 'http:', 'https:', 'ws:', 'wss:', 'blob:', 'file:']) {
        expect(sources, loose).not.toContain(loose);
      }
    }
  });

  it('puts it on any other document too, should one ever load', () => {
    const response = headersFor({ url: 'https://example.com/', resourceType: 'mainFrame', responseHeaders: {} });
    expect(response.responseHeaders?.['Content-Security-Policy']).toHaveLength(1);
  });

  it("leaves the headers of subresources, and DevTools' own pages, alone", () => {
    for (const resourceType of ['script', 'stylesheet', 'image', 'xhr', undefined]) {
      expect(headersFor({ url: 'file:///opt/scada/out/renderer/assets/index.js', resourceType, responseHeaders: { 'Content-Type': ['text/javascript'] } }), String(resourceType)).toEqual({});
    }
    expect(headersFor({ url: 'devtools://devtools/bundled/devtools_app.html', resourceType: 'mainFrame', responseHeaders: {} })).toEqual({});
  });
});

function parsePolicy(policy: string): Map<string, string[]> {
  const directives = new Map<string, string[]>();
  for (const part of policy.split(';')) {
    const [name, ...sources] = part.trim().split(/\s+/);
    if (!name) continue;
    expect(directives.has(name), `${name} given twice`).toBe(false);
    directives.set(name.toLowerCase(), sources);
  }
  return directives;
}
