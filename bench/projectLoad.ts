// project.load_ms_50k and project.load_rss_mb_50k: a 50,000-tag YAML project,
// written the way engineers write them (block style, comments, units,
// descriptions, scaling on most analog tags, limits, a few alarms, history
// settings), loaded by the real loader (`loadProjectFile`).
//
// This process only writes the file; the load runs in a fresh child process
// (so the figures are not polluted by the generator's strings, and a cold
// start is what an operator waits for). The child is run RUNS times and the
// median is reported. Figures:
//   project.load_ms_50k          wall time of loadProjectFile (read, parse, validate)
//   project.load_rss_mb_50k      resident memory after the load, the project still held, after a GC
//   project.load_peak_rss_mb_50k the process's peak resident memory (what the load needed at its worst)
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { report } from './report';

const TAGS = 50_000;
const TAGS_PER_DEVICE = 1000;
const RUNS = 3;

interface ChildFigures {
  readonly ms: number;
  readonly cpuMs: number;
  readonly rssMb: number;
  readonly peakRssMb: number;
  readonly tags: number;
}

// `--write FILE` only writes the project (to profile the loader by hand: node --cpu-prof …).
if (process.argv[2] === '--child') await child(process.argv[3]!);
else if (process.argv[2] === '--write') writeFileSync(process.argv[3]!, generate());
else await parent();

async function child(file: string): Promise<void> {
  // Imported before the clock starts: module loading is not the loader's cost.
  const { loadProjectFile } = await import('../src/main/runtime/project/load');
  const started = performance.now();
  const cpuBefore = process.cpuUsage();
  const project = loadProjectFile(file);
  const ms = performance.now() - started;
  // CPU time beside wall time: on a shared machine the wall time also counts waiting for a core.
  const cpu = process.cpuUsage(cpuBefore);
  const gc = (globalThis as { gc?: () => void }).gc;
  gc?.();
  await new Promise((r) => setTimeout(r, 100));
  gc?.();
  const figures: ChildFigures = {
    ms,
    cpuMs: (cpu.user + cpu.system) / 1000,
    rssMb: process.memoryUsage().rss / 1024 / 1024,
    peakRssMb: process.resourceUsage().maxRSS / 1024,
    tags: project.tags.length, // keeps the project alive up to the measurement
  };
  console.log(JSON.stringify(figures));
}

async function parent(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'bench-project-'));
  try {
    const file = join(dir, 'plant-50k.yaml');
    writeFileSync(file, generate());
    const self = fileURLToPath(import.meta.url);
    const runs: ChildFigures[] = [];
    for (let i = 0; i < RUNS; i++) {
      const result = spawnSync(process.execPath, ['--import', 'tsx', '--expose-gc', self, '--child', file], { encoding: 'utf8' });
      if (result.status !== 0) throw new Error(`the load failed (exit ${result.status ?? result.signal}):\n${result.stderr.slice(0, 4000)}`);
      const figures = JSON.parse(result.stdout.trim().split('\n').pop()!) as ChildFigures;
      if (figures.tags !== TAGS) throw new Error(`loaded ${figures.tags} tags, not ${TAGS}`);
      runs.push(figures);
    }
    const median = (pick: (f: ChildFigures) => number) => runs.map(pick).sort((a, b) => a - b)[Math.floor(runs.length / 2)]!;
    console.error(`project.load: ${(statSync(file).size / 1024 / 1024).toFixed(1)} MB of YAML, load average ${loadavg()[0]!.toFixed(1)} on ${availableParallelism()} cores; runs: ${runs.map((r) => `${Math.round(r.ms)} ms (cpu ${Math.round(r.cpuMs)} ms)/${Math.round(r.rssMb)} MB`).join(', ')}`);
    report('project.load_ms_50k', Math.round(median((f) => f.ms)), 'ms');
    report('project.load_rss_mb_50k', Math.round(median((f) => f.rssMb)), 'MB');
    report('project.load_peak_rss_mb_50k', Math.round(median((f) => f.peakRssMb)), 'MB');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The project text: 50 Modbus devices (45 TCP, 5 RTU on two serial ports), 1,000 tags each. */
function generate(): string {
  const out: string[] = [];
  const devices = TAGS / TAGS_PER_DEVICE;
  out.push('# Site-wide project: 50 PLCs, 50,000 tags.', '# Generated for the load benchmark; the shape follows the README.', 'name: Benchmark site', '');
  out.push('historian:', '  chunkMinutes: 60', '  retention:', '    - { name: fast, tags: ["Site/**/Flow*"], maxAgeDays: 30 }', '');
  out.push('devices:');
  for (let d = 0; d < devices; d++) {
    out.push(`  # Line ${d} controller`);
    out.push(`  - name: plc${d}`);
    if (d % 10 === 9) {
      out.push('    driver: modbus-rtu', `    port: /dev/ttyUSB${d % 2}`, '    baudRate: 19200', '    parity: even', `    unitId: ${d + 1}`);
    } else {
      out.push('    driver: modbus-tcp', `    host: 10.0.${Math.floor(d / 250)}.${(d % 250) + 1}`, '    port: 502', '    unitId: 1');
    }
    out.push(`    description: Line ${d} PLC`, `    pollMs: ${d % 3 === 0 ? 500 : 1000}`, '    maxGap: 16');
  }
  out.push('', 'tags:');
  const kinds = [
    { name: 'Level', address: (o: number) => `HR:${o}:float32`, units: 'm', analog: true, len: 2 },
    { name: 'Temp', address: (o: number) => `IR:${o}:float32:CDAB`, units: '°C', analog: true, len: 2 },
    { name: 'Flow', address: (o: number) => `IR:${o}:int16`, units: 'm³/h', analog: true, len: 1 },
    { name: 'Pressure', address: (o: number) => `HR:${o}`, units: 'bar', analog: true, len: 1 },
    { name: 'Count', address: (o: number) => `HR:${o}:uint32`, units: 'pcs', analog: false, len: 2 },
    { name: 'Running', address: (o: number) => `DI:${o}`, units: '', analog: false, len: 1 },
    { name: 'Start', address: (o: number) => `CO:${o}`, units: '', analog: false, len: 1 },
    { name: 'Fault', address: (o: number) => `HR:${o}.3`, units: '', analog: false, len: 1 },
  ];
  for (let d = 0; d < devices; d++) {
    out.push(`  # ---- plc${d}: line ${d} ----`);
    const offsets = new Map<string, number>();
    for (let i = 0; i < TAGS_PER_DEVICE; i++) {
      const kind = kinds[i % kinds.length]!;
      const area = kind.address(0).slice(0, 2);
      const offset = offsets.get(area) ?? 0;
      offsets.set(area, offset + kind.len);
      const unit = Math.floor(i / 40);
      const path = `Site/Line${d}/Unit${unit}/${kind.name}${i}`;
      out.push(`  - path: ${path}`, `    device: plc${d}`, `    address: "${kind.address(offset)}"`);
      if (kind.units) out.push(`    units: ${kind.units}`);
      out.push(`    description: ${kind.name} ${i} of unit ${unit}, line ${d}`);
      if (kind.analog) {
        out.push('    scale: { rawMin: 0, rawMax: 27648, euMin: 0, euMax: 100 }', '    deadband: 0.05');
        if (i % 4 === 0) out.push('    limits: { min: -5, max: 105, maxRatePerSecond: 20 }');
        if (i % 16 === 0) {
          out.push('    history: { deadbandPercent: 0.5, maxIntervalMs: 600000 }');
        }
        if (i % 10 === 0) {
          // About one analog tag in ten carries alarms.
          out.push(
            '    alarms:',
            '      - kind: hi',
            '        limit: 85',
            '        priority: 2',
            '        deadband: 1',
            `        message: "${kind.name} high: {value} {units}"`,
            '      - { kind: hihi, limit: 95, priority: 1, onDelayMs: 2000 }',
          );
        }
      }
      if (kind.name === 'Start') out.push('    writable: true');
      if (kind.name === 'Running' && i % 24 === 5) {
        out.push('    alarms:', '      - { kind: digital, state: false, priority: 3, message: "Pump stopped" }');
      }
    }
  }
  out.push('');
  return out.join('\n');
}
