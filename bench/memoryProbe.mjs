// Loaded with `node --expose-gc --import bench/memoryProbe.mjs …` into a
// process a benchmark starts with an IPC channel: on the message "memory" it
// collects garbage (twice: weak references are cleared on the second) and
// answers with process.memoryUsage(), so the benchmark can tell memory the
// process still holds from memory the allocator has not given back yet.
process.on('message', (message) => {
  if (message !== 'memory') return;
  globalThis.gc?.();
  globalThis.gc?.();
  process.send?.({ memory: process.memoryUsage() });
});
// The channel must not keep the process alive: serve mode stops on its own signals.
process.channel?.unref();
