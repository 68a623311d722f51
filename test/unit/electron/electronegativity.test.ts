// The gate around Doyensec's electronegativity (scripts/electronegativity.mjs,
// `npm run security:electron`): that the scanner really flags an insecure shell
// here, offline, and that only a justified, current allow-list entry lets a
// HIGH or MEDIUM finding through.
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { format, judge, loadAllowList, parseAllowList, ROOT, scan, type Finding, type ScanResult } from '../../../scripts/electronegativity.mjs';

const fixtures = mkdtempSync(join(tmpdir(), 'electronegativity-fixture-'));
afterAll(() => rmSync(fixtures, { recursive: true, force: true }));

/** A project folder with package.json and the given files under src/. */
function project(name: string, files: Record<string, string>): string {
  const root = join(fixtures, name);
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(join(root, 'src', path, '..'), { recursive: true });
    writeFileSync(join(root, 'src', path), text);
  }
  writeFileSync(join(root, 'package.json'), JSON.stringify({ name, devDependencies: { electron: '45.4.1' } }));
  return root;
}

const finding = (check: string, severity: Finding['severity'], file: string): Finding => ({
  check,
  severity,
  confidence: 'FIRM',
  file,
  line: 1,
  column: 0,
  manualReview: false,
  description: '',
  sample: '',
});

const REASON = 'A reason long enough to say what the scanner cannot see and why.';

describe('the scanner, offline', () => {
  it('flags an insecure window, a missing CSP and missing handlers as HIGH and MEDIUM', async () => {
    const root = project('insecure', {
      'main/index.ts': [
        "import { BrowserWindow } from 'electron';",
        'export function open(): BrowserWindow {',
        "  const window = new BrowserWindow({ webPreferences: { nodeIntegration: true, contextIsolation: false, sandbox: false, webSecurity: false } });",
        "  void window.loadURL('https://example.com/');",
        '  return window;',
        '}',
        '',
      ].join('\n'),
      'renderer/index.html': '<!doctype html><html><head><title>x</title></head><body></body></html>\n',
    });
    const result = await scan({ root, paths: ['src'] });
    expect(result.errors).toEqual([]);
    const bySeverity = (severity: string) => new Set(result.findings.filter((f) => f.severity === severity).map((f) => f.check));
    // (1.10.3 does not flag nodeIntegration: true next to an explicit sandbox: false, a quirk of its
    // check; hardening.test.ts pins every preference exactly, so nothing rests on the scanner alone.)
    for (const check of ['CONTEXT_ISOLATION_JS_CHECK', 'LIMIT_NAVIGATION_GLOBAL_CHECK']) expect(bySeverity('HIGH'), check).toContain(check);
    for (const check of ['SANDBOX_JS_CHECK', 'WEB_SECURITY_JS_CHECK', 'CSP_GLOBAL_CHECK', 'PERMISSION_REQUEST_HANDLER_GLOBAL_CHECK']) {
      expect(bySeverity('MEDIUM'), check).toContain(check);
    }
    const verdict = judge(result, loadAllowList());
    expect(verdict.passed).toBe(false);
    expect(format(result, verdict).split('\n')[0]).toMatch(/^electronegativity \d+\.\d+\.\d+: HIGH [1-9]\d*, MEDIUM [1-9]\d*.*FAILED/);
  });

  it('reports a file it cannot parse, which fails the gate', async () => {
    const root = project('broken', { 'main/index.ts': 'export function broken( {\n' });
    const result = await scan({ root, paths: ['src'] });
    expect(result.errors).toEqual([expect.objectContaining({ file: 'src/main/index.ts', fatal: true })]);
    expect(judge(result, []).passed).toBe(false);
  });
});

describe('the allow-list', () => {
  it('is short, and each entry names a file that exists and says why', () => {
    const entries = loadAllowList();
    expect(entries.length).toBeLessThanOrEqual(5);
    for (const entry of entries) {
      expect(existsSync(join(ROOT, entry.file)), entry.file).toBe(true);
      expect(entry.reason.length).toBeGreaterThanOrEqual(40);
    }
  });

  it('refuses entries without a check, a file or a real reason, and unknown keys', () => {
    expect(parseAllowList(JSON.stringify([{ check: 'PRELOAD_JS_CHECK', file: 'src/main/hardening.ts', reason: REASON }]))).toHaveLength(1);
    for (const bad of [
      {},
      { check: 'PRELOAD_JS_CHECK', file: 'src/main/hardening.ts' },
      { check: 'PRELOAD_JS_CHECK', file: 'src/main/hardening.ts', reason: 'fine' },
      { check: 'preload', file: 'src/main/hardening.ts', reason: REASON },
      { check: 'PRELOAD_JS_CHECK', file: '', reason: REASON },
      { check: 'PRELOAD_JS_CHECK', file: 'src/main/hardening.ts', reason: REASON, line: 3 },
    ]) {
      expect(() => parseAllowList(JSON.stringify([bad])), JSON.stringify(bad)).toThrow();
    }
    expect(() => parseAllowList('{}')).toThrow(/array/);
  });

  it('lets through only the HIGH and MEDIUM findings it names, by check and file', () => {
    const allow = [{ check: 'PRELOAD_JS_CHECK', file: 'src/main/hardening.ts', reason: REASON }];
    const result: Pick<ScanResult, 'findings' | 'errors'> = {
      findings: [finding('PRELOAD_JS_CHECK', 'MEDIUM', 'src/main/hardening.ts'), finding('CSP_GLOBAL_CHECK', 'LOW', 'src/renderer/index.html')],
      errors: [],
    };
    const passing = judge(result, allow);
    expect(passing.passed).toBe(true);
    expect(passing.findings.map((f) => f.verdict)).toEqual(['allowed', 'reported']);

    const elsewhere = judge({ ...result, findings: [finding('PRELOAD_JS_CHECK', 'MEDIUM', 'src/main/other.ts')] }, allow);
    expect(elsewhere.passed).toBe(false);
    expect(elsewhere.findings[0]!.verdict).toBe('blocking');

    const high = judge({ ...result, findings: [...result.findings, finding('SANDBOX_JS_CHECK', 'HIGH', 'src/main/hardening.ts')] }, allow);
    expect(high.passed).toBe(false);
  });

  it('fails on an entry that no longer matches a finding, so the list only shrinks', () => {
    const verdict = judge({ findings: [], errors: [] }, [{ check: 'AUXCLICK_JS_CHECK', file: 'src/main/hardening.ts', reason: REASON }]);
    expect(verdict.passed).toBe(false);
    expect(verdict.stale).toHaveLength(1);
  });
});
