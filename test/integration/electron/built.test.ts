// What `npm run build` produced for the Electron shell (needs out/, as `npm test`
// builds before vitest runs): the sandboxed preload runs with the little that a
// sandboxed preload has (require('electron') and nothing else it uses) and
// exposes one object; the bundled main process still builds its window with the
// hardened preferences and hardens the app and the session.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { runInNewContext } from 'node:vm';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { BRIDGE_KEY, IPC, type ScadaBridge } from '../../../src/shared/bridge';

const OUT = join(import.meta.dirname, '..', '..', '..', 'out');

function built(path: string): string {
  const file = join(OUT, path);
  if (!existsSync(file)) throw new Error(`${file} is missing: run \`npm run build\` first`);
  return readFileSync(file, 'utf8');
}

describe('the built preload (out/preload/index.cjs)', () => {
  it('needs only electron, and exposes window.scada with call and subscribe', async () => {
    const required: string[] = [];
    const exposed: [string, unknown][] = [];
    const invoked: unknown[][] = [];
    const electron = {
      contextBridge: { exposeInMainWorld: (key: string, api: unknown) => exposed.push([key, api]) },
      ipcRenderer: {
        invoke: (...args: unknown[]) => (invoked.push(args), Promise.resolve({ ok: true, value: null })),
        on: () => undefined,
      },
    };
    const module = { exports: {} };
    runInNewContext(built('preload/index.cjs'), {
      module,
      exports: module.exports,
      console,
      Promise,
      require: (name: string) => {
        required.push(name);
        if (name !== 'electron') throw new Error(`a sandboxed preload cannot require "${name}"`);
        return electron;
      },
    });
    expect(required).toEqual(['electron']);
    expect(exposed.map(([key]) => key)).toEqual([BRIDGE_KEY]);
    const bridge = exposed[0]![1] as ScadaBridge;
    expect(Object.keys(bridge).sort()).toEqual(['call', 'subscribe']);
    await bridge.call('tags.list', {});
    expect(invoked).toEqual([[IPC.call, 'tags.list', {}]]);
    expect(await bridge.call('shell.exec' as 'tags.list', {})).toMatchObject({ ok: false, error: { kind: 'unknown_method' } });
    expect(invoked).toHaveLength(1);
  });
});

describe('the built main process (out/main/index.js)', () => {
  const text = built('main/index.js');
  const source = ts.createSourceFile('index.js', text, ts.ScriptTarget.Latest, true, ts.ScriptKind.JS);
  const nodes: ts.Node[] = [];
  const walk = (node: ts.Node) => {
    nodes.push(node);
    node.forEachChild(walk);
  };
  walk(source);

  it('builds its one window with the hardened web preferences', () => {
    const windows = nodes.filter((n): n is ts.NewExpression => ts.isNewExpression(n) && n.expression.getText(source) === 'BrowserWindow');
    expect(windows).toHaveLength(1);
    const options = windows[0]!.arguments?.[0];
    expect(options && ts.isObjectLiteralExpression(options)).toBe(true);
    const property = (object: ts.ObjectLiteralExpression, name: string) =>
      object.properties.find((p): p is ts.PropertyAssignment => ts.isPropertyAssignment(p) && p.name.getText(source) === name)?.initializer;
    const prefs = property(options as ts.ObjectLiteralExpression, 'webPreferences');
    expect(prefs && ts.isObjectLiteralExpression(prefs)).toBe(true);
    const value = (name: string) => property(prefs as ts.ObjectLiteralExpression, name)?.getText(source);
    expect(property(options as ts.ObjectLiteralExpression, 'show')?.getText(source)).toBe('false');
    expect({
      contextIsolation: value('contextIsolation'),
      sandbox: value('sandbox'),
      nodeIntegration: value('nodeIntegration'),
      nodeIntegrationInWorker: value('nodeIntegrationInWorker'),
      nodeIntegrationInSubFrames: value('nodeIntegrationInSubFrames'),
      webSecurity: value('webSecurity'),
      allowRunningInsecureContent: value('allowRunningInsecureContent'),
      webviewTag: value('webviewTag'),
    }).toEqual({
      contextIsolation: 'true',
      sandbox: 'true',
      nodeIntegration: 'false',
      nodeIntegrationInWorker: 'false',
      nodeIntegrationInSubFrames: 'false',
      webSecurity: 'true',
      allowRunningInsecureContent: 'false',
      webviewTag: 'false',
    });
  });

  it('hardens the app and the default session', () => {
    const calls = nodes.filter(ts.isCallExpression).map((c) => `${c.expression.getText(source)}(${c.arguments.map((a) => a.getText(source)).join(', ')})`);
    expect(calls.filter((call) => /^hardenApp\(\w+, \w+\)$/.test(call))).toHaveLength(1);
    expect(calls.filter((call) => /^hardenSession\([\w$]+\.defaultSession\)$/.test(call))).toHaveLength(1);
    expect(text).toContain("connect-src 'none'");
  });
});
