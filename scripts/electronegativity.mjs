// `npm run security:electron`: Doyensec's electronegativity over the source
// (src/ and package.json), then a verdict. Prints one summary line with the
// counts by severity and one line per finding; exits non-zero on any HIGH or
// MEDIUM finding that scripts/electronegativity.allow.json does not justify, on
// an allow-list entry that no longer matches a finding (so the list only
// shrinks), and on a file the scanner could not parse (a file it did not check).
//
//   node scripts/electronegativity.mjs [--json FILE]
//
// Why the source and not out/: the scanner reads .js/.ts/.html only, so it
// would miss the built preload (out/preload/index.cjs), and the bundle repeats
// what the source says with worse locations. src/ holds every file that ends up
// in the app, including the renderer's index.html and its <meta> CSP.
//
// The scanner runs in this process, from its pinned files (dist/runner.js),
// offline: it would fetch translations (and, in one check, Electron's release
// list) from the internet, and CI has none, so its HTTP client is replaced by
// one that answers "unavailable" before the scanner loads it.
import { copyFileSync, cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import Module, { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('..', import.meta.url));
export const ALLOW_LIST = join(ROOT, 'scripts', 'electronegativity.allow.json');
export const SEVERITIES = ['HIGH', 'MEDIUM', 'LOW', 'INFORMATIONAL'];
const BLOCKING = new Set(['HIGH', 'MEDIUM']);

/** Checks left out, each with the reason. */
export const EXCLUDED_CHECKS = {
  AvailableSecurityFixesGlobalCheck:
    "downloads Electron's release list from the internet on every run; our machines reach the npm registry only. Electron's version is pinned in package.json and raised deliberately.",
};

const require = createRequire(import.meta.url);

/** The scanner's version and its runner, loaded once, offline. */
function loadScanner() {
  const packageFile = require.resolve('@doyensec/electronegativity/package.json');
  const version = JSON.parse(readFileSync(packageFile, 'utf8')).version;
  const runnerFile = join(packageFile, '..', 'dist', 'runner.js');
  const scannerRequire = createRequire(runnerFile);
  const gotFile = scannerRequire.resolve('got');
  if (!(gotFile in scannerRequire.cache)) {
    const unavailable = () => Promise.resolve({ statusCode: 503, body: '' });
    unavailable.head = () => Promise.reject(new Error('offline: no network access for the scanner'));
    unavailable.get = unavailable;
    const stub = new Module(gotFile);
    stub.filename = gotFile;
    stub.loaded = true;
    stub.exports = unavailable;
    scannerRequire.cache[gotFile] = stub;
  }
  return { version, run: scannerRequire(runnerFile), csp: scannerRequire('@doyensec/csp-evaluator') };
}

/** What the scanner's CSP evaluator holds against a policy (it reports only "weak"). */
function cspNotes(csp, policy) {
  try {
    const findings = new csp.CspEvaluator(new csp.CspParser(policy).csp, csp.Version.CSP3).evaluate();
    const name = (severity) => Object.keys(csp.severities).find((key) => csp.severities[key] === severity) ?? String(severity);
    return findings
      .filter((f) => f.severity <= csp.severities.MEDIUM_MAYBE)
      .map((f) => `${name(f.severity)}: ${f.directive}${f.value ? ` ${f.value}` : ''}: ${f.description}`);
  } catch (error) {
    return [`cannot evaluate: ${error instanceof Error ? error.message : String(error)}`];
  }
}

function electronVersionOf(root) {
  const file = join(root, 'package.json');
  if (!existsSync(file)) return undefined;
  const pkg = JSON.parse(readFileSync(file, 'utf8'));
  const range = pkg.devDependencies?.electron ?? pkg.dependencies?.electron;
  return typeof range === 'string' && /^\d+\.\d+\.\d+$/.test(range) ? range : undefined;
}

const posix = (path) => path.split(sep).join('/');

/**
 * Scans `paths` (folders or files under `root`) together with root/package.json.
 * They are copied to a temporary folder first, since the scanner takes one
 * folder and would otherwise walk node_modules, out/ and the tests.
 */
export async function scan({ root = ROOT, paths = ['src'] } = {}) {
  const { version, run, csp } = loadScanner();
  const stage = mkdtempSync(join(tmpdir(), 'electronegativity-'));
  const lang = process.env.LANG;
  const started = Date.now();
  try {
    for (const path of paths) cpSync(join(root, path), join(stage, path), { recursive: true });
    if (existsSync(join(root, 'package.json'))) copyFileSync(join(root, 'package.json'), join(stage, 'package.json'));
    process.env.LANG = 'en-US'; // the scanner's messages, in a locale it ships
    const result = await run(
      {
        input: stage,
        isRelative: true,
        excludeFromScan: Object.keys(EXCLUDED_CHECKS),
        electronVersionOverride: electronVersionOf(root),
        parserPlugins: [],
      },
      false,
    );
    const findings = result.issues.map((issue) => ({
      check: issue.id,
      severity: issue.severity.name,
      confidence: issue.confidence.name,
      file: issue.file === 'N/A' ? 'N/A' : posix(issue.file),
      line: issue.location.line,
      column: issue.location.column,
      manualReview: issue.manualReview === true,
      description: String(issue.description ?? ''),
      sample: issue.sample === undefined ? '' : String(issue.sample),
      notes: issue.id === 'CSP_GLOBAL_CHECK' && typeof issue.sample === 'string' ? cspNotes(csp, issue.sample) : [],
    }));
    findings.sort((a, b) => SEVERITIES.indexOf(a.severity) - SEVERITIES.indexOf(b.severity) || a.file.localeCompare(b.file) || a.line - b.line);
    const errors = result.errors.map((error) => ({ file: posix(relative(stage, resolve(stage, error.file))), message: error.message, fatal: !error.tolerable }));
    return { version, checks: result.globalChecks + result.atomicChecks, findings, errors, ms: Date.now() - started };
  } finally {
    if (lang === undefined) delete process.env.LANG;
    else process.env.LANG = lang;
    rmSync(stage, { recursive: true, force: true });
  }
}

/** Reads and checks the allow-list: each entry names a check and a file and says why, in a sentence. */
export function parseAllowList(text, source = 'allow-list') {
  const entries = JSON.parse(text);
  if (!Array.isArray(entries)) throw new Error(`${source}: expected an array of { check, file, reason }`);
  return entries.map((entry, i) => {
    const where = `${source}[${i}]`;
    if (typeof entry !== 'object' || entry === null) throw new Error(`${where}: expected { check, file, reason }`);
    for (const key of Object.keys(entry)) {
      if (!['check', 'file', 'reason'].includes(key)) throw new Error(`${where}: unknown key "${key}"`);
    }
    if (typeof entry.check !== 'string' || !/^[A-Z0-9_]+$/.test(entry.check)) throw new Error(`${where}.check: a check id such as PRELOAD_JS_CHECK`);
    if (typeof entry.file !== 'string' || entry.file === '') throw new Error(`${where}.file: the file the finding is in, relative to the project root`);
    if (typeof entry.reason !== 'string' || entry.reason.trim().length < 40) throw new Error(`${where}.reason: say why this finding is acceptable (40 characters at least)`);
    return { check: entry.check, file: entry.file, reason: entry.reason.trim() };
  });
}

export function loadAllowList(file = ALLOW_LIST) {
  return existsSync(file) ? parseAllowList(readFileSync(file, 'utf8'), relative(ROOT, file)) : [];
}

/** Sorts the findings into blocking, allowed and the rest; lists allow-list entries that match nothing. */
export function judge(result, allowList) {
  const used = new Set();
  const findings = result.findings.map((finding) => {
    if (!BLOCKING.has(finding.severity)) return { ...finding, verdict: 'reported' };
    const index = allowList.findIndex((entry) => entry.check === finding.check && entry.file === finding.file);
    if (index < 0) return { ...finding, verdict: 'blocking' };
    used.add(index);
    return { ...finding, verdict: 'allowed', reason: allowList[index].reason };
  });
  const stale = allowList.filter((_, index) => !used.has(index));
  const fatalErrors = result.errors.filter((error) => error.fatal);
  const blocking = findings.filter((finding) => finding.verdict === 'blocking');
  return { findings, stale, fatalErrors, passed: blocking.length === 0 && stale.length === 0 && fatalErrors.length === 0 };
}

/** The report: one summary line, then one line per finding, stale entry and parse error. */
export function format(result, verdict) {
  const count = (severity) => verdict.findings.filter((f) => f.severity === severity).length;
  const allowed = (severity) => verdict.findings.filter((f) => f.severity === severity && f.verdict === 'allowed').length;
  const counts = SEVERITIES.map((severity) => {
    const n = count(severity);
    return BLOCKING.has(severity) && allowed(severity) > 0 ? `${severity} ${n} (${allowed(severity)} allowed)` : `${severity} ${n}`;
  }).join(', ');
  const problems = [];
  const blocking = verdict.findings.filter((f) => f.verdict === 'blocking').length;
  if (blocking > 0) problems.push(`${blocking} not allowed`);
  if (verdict.stale.length > 0) problems.push(`${verdict.stale.length} stale allow-list entr${verdict.stale.length === 1 ? 'y' : 'ies'}`);
  if (verdict.fatalErrors.length > 0) problems.push(`${verdict.fatalErrors.length} unparsed file${verdict.fatalErrors.length === 1 ? '' : 's'}`);
  const lines = [
    `electronegativity ${result.version}: ${counts}; ${result.checks} checks in ${(result.ms / 1000).toFixed(1)} s: ${verdict.passed ? 'passed' : `FAILED (${problems.join(', ')})`}`,
  ];
  for (const f of verdict.findings) {
    const mark = f.verdict === 'blocking' ? 'FAIL ' : f.verdict === 'allowed' ? 'allow' : '     ';
    const at = f.file === 'N/A' ? '(project)' : `${f.file}:${f.line}:${f.column}`;
    const review = f.manualReview ? ' [manual review]' : '';
    lines.push(`  ${mark} ${f.severity.padEnd(13)} ${f.confidence.padEnd(9)} ${f.check} ${at}${review}`);
    if (f.description) lines.push(`          ${f.description}`);
    for (const note of f.notes ?? []) lines.push(`          - ${note}`);
    if (f.verdict === 'allowed') lines.push(`          allowed: ${f.reason}`);
  }
  for (const entry of verdict.stale) lines.push(`  FAIL  stale allow-list entry: ${entry.check} in ${entry.file} matches no HIGH or MEDIUM finding; remove it`);
  for (const error of result.errors) lines.push(`  ${error.fatal ? 'FAIL ' : '     '} cannot parse ${error.file}: ${error.message}`);
  for (const [check, why] of Object.entries(EXCLUDED_CHECKS)) lines.push(`  (not run: ${check}: ${why})`);
  return lines.join('\n');
}

async function main(argv) {
  const jsonAt = argv.indexOf('--json');
  const result = await scan();
  const verdict = judge(result, loadAllowList());
  console.log(format(result, verdict));
  if (jsonAt >= 0 && argv[jsonAt + 1]) writeFileSync(argv[jsonAt + 1], `${JSON.stringify({ ...result, ...verdict }, null, 2)}\n`);
  return verdict.passed ? 0 : 1;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (error) => {
      console.error(`electronegativity: ${error instanceof Error ? error.stack : String(error)}`);
      process.exit(2);
    },
  );
}
