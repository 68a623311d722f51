// serve.first_value_ms: from starting `node out/main/serve.js` on the demo
// plant to the first Good value readable through the API. Needs `npm run
// build` first (npm run bench does it) and the demo's port 5020 free.
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { report } from './report';

const RUNS = 5;
const serve = join(process.cwd(), 'out', 'main', 'serve.js');

async function firstValueMs(): Promise<number> {
  const started = performance.now();
  const child = spawn(process.execPath, [serve, '--port', '0', '--data', mkdtempSync(join(tmpdir(), 'bench-serve-'))], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  try {
    let output = '';
    const url = await new Promise<string>((resolve, reject) => {
      child.stdout.on('data', (chunk: Buffer) => {
        output += chunk.toString();
        const match = /HMI ready at (\S+)/.exec(output);
        if (match) resolve(match[1]!);
      });
      child.on('exit', (code) => reject(new Error(`serve exited with ${code}`)));
    });
    for (;;) {
      const res = await fetch(`${url}api/tags.list`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{}' });
      const tags = (await res.json()) as Array<{ quality: { status: string } }>;
      if (tags.some((tag) => tag.quality.status === 'good')) return performance.now() - started;
      if (performance.now() - started > 20_000) throw new Error('no Good value within 20 s');
      await new Promise((r) => setTimeout(r, 5));
    }
  } finally {
    if (child.exitCode === null) {
      child.kill('SIGTERM');
      await new Promise((resolve) => child.once('exit', resolve));
    }
  }
}

const times: number[] = [];
for (let i = 0; i < RUNS; i++) times.push(await firstValueMs());
times.sort((a, b) => a - b);
report('serve.first_value_ms', Math.round(times[Math.floor(RUNS / 2)]!), 'ms');
report('serve.first_value_ms_worst', Math.round(times[RUNS - 1]!), 'ms');
