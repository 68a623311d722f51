// Large project files: refused at once over the size limit, a 50 MB file with
// errors fails fast with every error and bounded memory, and a long load
// reports its progress. The thresholds are generous on purpose (the machines
// are shared): this is not a benchmark, it catches minutes and gigabytes.
import { spawnSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { formatProgress, loadProjectFile, MAX_PROJECT_BYTES, parseProject, ProjectError, type LoadProgress } from '../../../src/main/runtime/project/load';

const tmp = mkdtempSync(join(tmpdir(), 'large-projects-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const DEVICES = 200;

interface Generated {
  readonly text: string;
  /** The line of each tag entry, by index. */
  readonly lineOf: (tag: number) => number;
}

/** A site project of `tags` tags in the README's block style; `tweak` may change a tag's lines. */
function generate(tags: number, tweak: (i: number, lines: string[]) => void = () => undefined): Generated {
  const out = ['# A generated site project', 'name: Large site', 'devices:'];
  for (let d = 0; d < DEVICES; d++) out.push(`  - { name: plc${d}, driver: modbus-tcp, host: 10.0.${d >> 8}.${d & 255}, port: 502 }`);
  out.push('tags:');
  const lines: number[] = [];
  for (let i = 0; i < tags; i++) {
    const d = i % DEVICES;
    const entry = [
      `  - path: Site/Line${d}/Unit${i % 40}/Level${i}`,
      `    device: plc${d}`,
      `    address: "HR:${(Math.floor(i / DEVICES) * 2) % 60000}:float32"`,
      '    units: m',
      `    description: Level ${i} of unit ${i % 40} on line ${d}, as a commissioning engineer would write it`,
      '    scale: { rawMin: 0, rawMax: 27648, euMin: 0, euMax: 100 }',
      '    deadband: 0.05',
    ];
    tweak(i, entry);
    lines.push(out.length + 1);
    out.push(...entry);
  }
  out.push('');
  return { text: out.join('\n'), lineOf: (i) => lines[i]! };
}

function tagsFor(bytes: number): number {
  const perTag = (generate(1100).text.length - generate(100).text.length) / 1000;
  return Math.ceil((bytes - generate(0).text.length) / perTag) + 1;
}

describe('large project files', () => {
  it('refuses a file over the limit at once, naming its size and the limit', () => {
    const file = join(tmp, 'huge.yaml');
    // A sparse file: as large as it says, without writing its bytes.
    closeSync(openSync(file, 'w'));
    truncateSync(file, MAX_PROJECT_BYTES + 1024 * 1024);
    const started = performance.now();
    expect(() => loadProjectFile(file)).toThrow(
      `huge.yaml: the file is 65.0 MB (68,157,440 bytes), over the limit of 64.0 MB for a project file; nothing was read`,
    );
    expect(performance.now() - started).toBeLessThan(2000);
  });

  it('refuses what is not a regular file instead of reading it forever', () => {
    expect(() => loadProjectFile('/dev/zero')).toThrow('zero: cannot read the file: it is not a regular file');
  });

  it('fails a 50 MB file with errors fast, in bounded memory, with every error on its line', () => {
    const count = tagsFor(50 * 1024 * 1024);
    const wrongPriority = 1_000;
    const unknownDevice = Math.floor(count / 3);
    const badAddress = Math.floor((count * 2) / 3);
    const missingSp = count - 10;
    const scattered = generate(count, (i, lines) => {
      if (i === wrongPriority) lines.push('    alarms:', '      - { kind: hi, limit: 90, priority: 7 }');
      if (i === unknownDevice) lines[1] = '    device: plc999';
      if (i === badAddress) lines[2] = '    address: "HR:70000"';
      if (i === missingSp) lines.push('    alarms:', '      - { kind: deviation, limit: 5, sp: Site/Missing/SP, priority: 2 }');
    });
    expect(scattered.text.length).toBeGreaterThan(50 * 1024 * 1024);
    writeFileSync(join(tmp, 'scattered.yaml'), scattered.text);
    // Outside what the fast reader takes (a tab), near the end: the `yaml` library would need a minute and gigabytes.
    const tab = scattered.text.slice(0, -200) + '\n\tunits: m\n' + scattered.text.slice(-200);
    writeFileSync(join(tmp, 'tab.yaml'), tab);
    const tabLine = scattered.text.slice(0, -200).split('\n').length + 1;
    // Every tag wrong: the problems are counted, not all kept.
    writeFileSync(join(tmp, 'allWrong.yaml'), scattered.text.replace(/address: "HR:/g, 'address: "XX:'));

    const child = spawnSync(
      process.execPath,
      ['--max-old-space-size=1024', '--import', 'tsx', join(import.meta.dirname, 'support/loadChild.ts'), ...['scattered.yaml', 'tab.yaml', 'allWrong.yaml'].map((f) => join(tmp, f))],
      { encoding: 'utf8', timeout: 180_000 },
    );
    expect(child.status, child.stderr.slice(-2000)).toBe(0);
    const { results, peakRssMb } = JSON.parse(child.stdout.trim().split('\n').pop()!) as {
      results: { file: string; ms: number; cpuMs: number; lines: string[]; problems: number; more: number }[];
      peakRssMb: number;
    };
    console.log(
      `50 MB (${count.toLocaleString('en-US')} tags): ${results.map((r) => `${r.file.split('/').pop()} ${Math.round(r.ms)} ms (cpu ${Math.round(r.cpuMs)} ms)`).join(', ')}; peak RSS ${Math.round(peakRssMb)} MB`,
    );
    const [s, t, all] = results as [(typeof results)[0], (typeof results)[0], (typeof results)[0]];

    expect(s.lines).toEqual([
      `scattered.yaml:${scattered.lineOf(wrongPriority) + 8}: tags[${wrongPriority}].alarms[0].priority: priority must be 1, 2, 3, 4 or diagnostic`,
      `scattered.yaml:${scattered.lineOf(unknownDevice) + 1}: tags[${unknownDevice}].device: no device "plc999" (devices: plc0, plc1, plc2, plc3, plc4, plc5, plc6, plc7, plc8, plc9 and 190 more)`,
      `scattered.yaml:${scattered.lineOf(badAddress) + 2}: tags[${badAddress}].address: offset 70000 is past 65535`,
      `scattered.yaml:${scattered.lineOf(missingSp) + 8}: tags[${missingSp}].alarms[0].sp: no tag "Site/Missing/SP"`,
    ]);
    expect(t.lines, JSON.stringify(t.lines)).toEqual([`tab.yaml:${tabLine}: a tab (YAML indents with spaces only)`]);
    expect(all.problems).toBe(1000);
    // One per tag (an address, or the unknown device), and the wrong priority.
    expect(all.problems + all.more).toBe(count + 1);
    expect(all.lines).toHaveLength(101);
    expect(all.lines[100]).toBe(`allWrong.yaml: … and ${count + 1 - 100} more problems`);

    // CPU time, which a loaded machine does not inflate as it does wall time (a minute, for the `yaml` library, before).
    for (const r of results) expect(r.cpuMs, r.file).toBeLessThan(30_000);
    expect(t.cpuMs).toBeLessThan(10_000);
    expect(peakRssMb).toBeLessThan(1500);
  }, 240_000);
});

describe('loading progress', () => {
  it('reports each phase, in order, once the load has taken progressAfterMs', () => {
    const { text } = generate(5000);
    const seen: LoadProgress[] = [];
    const project = parseProject(text, 'plant.yaml', { onProgress: (p) => seen.push(p), progressAfterMs: 0, progressEveryMs: 0 });
    expect(project.tags).toHaveLength(5000);
    const phases = [...new Set(seen.map((p) => p.phase))];
    expect(phases).toEqual(['validated', 'checked', 'loaded']);
    const checked = seen.filter((p) => p.phase === 'checked');
    expect(checked.map((p) => p.done)).toEqual([0, 1024, 2048, 3072, 4096, 5000]);
    expect(checked.every((p) => p.total === 5000)).toBe(true);
    expect(formatProgress(checked[3]!)).toBe('loading plant.yaml: 3,072 of 5,000 tags checked…');
    expect(formatProgress(seen.at(-1)!)).toMatch(/^loaded plant\.yaml: 5,000 tags in \d+\.\d s$/);
  });

  it('reads and parses a large file with progress too', () => {
    const file = join(tmp, 'progress.yaml');
    writeFileSync(file, generate(tagsFor(12 * 1024 * 1024)).text);
    const seen: LoadProgress[] = [];
    loadProjectFile(file, { onProgress: (p) => seen.push(p), progressAfterMs: 0, progressEveryMs: 0 });
    expect(seen.find((p) => p.phase === 'read')).toBeDefined();
    expect(formatProgress(seen.find((p) => p.phase === 'parsed')!)).toMatch(/^loading progress\.yaml: \d+\.\d of \d+\.\d MB parsed…$/);
  });

  it('says nothing when the load is quick', () => {
    const seen: LoadProgress[] = [];
    parseProject(generate(10).text, 'plant.yaml', { onProgress: (p) => seen.push(p) });
    expect(seen).toEqual([]);
  });

  it('says nothing more once it refuses a file', () => {
    const seen: LoadProgress[] = [];
    expect(() => parseProject('tags: 5\n', 'plant.yaml', { onProgress: (p) => seen.push(p), progressAfterMs: 0 })).toThrow(ProjectError);
    expect(seen.some((p) => p.phase === 'loaded')).toBe(false);
  });
});
