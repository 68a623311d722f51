// The Electron entry (src/main/index.ts) cannot run here, so its wiring is read
// instead: with TypeScript's parser, so formatting does not matter. It must
// hand every window, web contents and the session to src/main/hardening.ts
// (tested in hardening.test.ts), and create no window of its own.
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '..', '..', '..');
const SHELL = join(ROOT, 'src', 'main', 'index.ts');

function parse(file: string): ts.SourceFile {
  return ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
}

function walk(node: ts.Node, visit: (node: ts.Node) => void): void {
  visit(node);
  node.forEachChild((child) => walk(child, visit));
}

interface Call {
  readonly callee: string;
  readonly args: string[];
  readonly pos: number;
  /** Name of the function the call is in; null at the module's top level. */
  readonly inFunction: string | null;
}

function enclosingFunction(node: ts.Node): string | null {
  for (let up = node.parent; up; up = up.parent) {
    if (ts.isFunctionDeclaration(up)) return up.name?.text ?? '(anonymous)';
    if (ts.isArrowFunction(up) || ts.isFunctionExpression(up) || ts.isMethodDeclaration(up)) return '(function)';
  }
  return null;
}

function callsIn(source: ts.SourceFile): Call[] {
  const calls: Call[] = [];
  walk(source, (node) => {
    if (ts.isCallExpression(node)) {
      calls.push({
        callee: node.expression.getText(source),
        args: node.arguments.map((arg) => arg.getText(source)),
        pos: node.getStart(source),
        inFunction: enclosingFunction(node),
      });
    }
  });
  return calls;
}

function only(calls: Call[], callee: string): Call {
  const found = calls.filter((call) => call.callee === callee);
  expect(found, `${callee}(…) calls`).toHaveLength(1);
  return found[0]!;
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile() && /\.(ts|tsx|mts|cts)$/.test(entry.name))
    .map((entry) => join(entry.parentPath, entry.name));
}

describe('the Electron shell (src/main/index.ts)', () => {
  const source = parse(SHELL);
  const calls = callsIn(source);

  it('hardens every web contents from the start, at module load', () => {
    const call = only(calls, 'hardenApp');
    expect(call.inFunction).toBeNull();
    expect(call.args[0]).toBe('app');
  });

  it('hardens the default session once the app is ready and before the window exists', () => {
    const harden = only(calls, 'hardenSession');
    expect(harden.args).toEqual(['session.defaultSession']);
    expect(harden.inFunction).toBe('main');
    const ready = only(calls, 'app.whenReady');
    const window = only(calls, 'createWindow');
    expect(ready.pos).toBeLessThan(harden.pos);
    expect(harden.pos).toBeLessThan(window.pos);
  });

  it("creates its window through createHardenedWindow with Electron's BrowserWindow", () => {
    const create = only(calls, 'createHardenedWindow');
    expect(create.args[0]).toBe('BrowserWindow');
    expect(create.inFunction).toBe('createWindow');
    // The trust predicate used for navigation is the one IPC checks sender frames with.
    expect(only(calls, 'trustedUrlPredicate').inFunction).toBeNull();
    expect(only(calls, 'hardenApp').args[1]).toBe('isTrustedUrl');
  });

  it('sets no web preferences, handlers or permissions of its own, and opens nothing outside', () => {
    const names = new Set<string>();
    walk(source, (node) => {
      if (ts.isIdentifier(node) || ts.isPrivateIdentifier(node)) names.add(node.text);
      if (ts.isStringLiteral(node)) names.add(node.text);
    });
    for (const name of ['webPreferences', 'setWindowOpenHandler', 'setPermissionRequestHandler', 'setPermissionCheckHandler', 'openExternal', 'shell', 'will-navigate', 'onHeadersReceived']) {
      expect(names.has(name), name).toBe(false);
    }
  });
});

describe('windows anywhere in the shell', () => {
  it('are created in src/main/hardening.ts only', () => {
    const creators: string[] = [];
    for (const file of [...sourceFiles(join(ROOT, 'src', 'main')), ...sourceFiles(join(ROOT, 'src', 'preload'))]) {
      const source = parse(file);
      walk(source, (node) => {
        if (ts.isNewExpression(node) && /^(BrowserWindow|BrowserView|WebContentsView)$/.test(node.expression.getText(source))) {
          creators.push(relative(ROOT, file).split('\\').join('/'));
        }
      });
    }
    expect(creators).toEqual(['src/main/hardening.ts']);
  });
});
