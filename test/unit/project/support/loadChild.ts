// Loads each project file named on the command line in this process (started
// by largeFiles.test.ts with a heap limit) and prints, as one JSON line, what
// each load said and how long it took, and the process's peak memory.
import { loadProjectFile, ProjectError } from '../../../../src/main/runtime/project/load';

const results = process.argv.slice(2).map((file) => {
  const started = performance.now();
  const cpu = process.cpuUsage();
  let lines: string[];
  let problems = 0;
  let more = 0;
  try {
    lines = [`loaded ${loadProjectFile(file).tags.length} tags`];
  } catch (error) {
    if (!(error instanceof ProjectError)) throw error;
    lines = error.message.split('\n');
    problems = error.problems.length;
    more = error.more;
  }
  const used = process.cpuUsage(cpu);
  return { file, ms: performance.now() - started, cpuMs: (used.user + used.system) / 1000, lines, problems, more };
});
console.log(JSON.stringify({ results, peakRssMb: process.resourceUsage().maxRSS / 1024 }));
