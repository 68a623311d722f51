// The leak helper bites: a suite that leaves a timer, a server, a socket or a
// child process behind is told so, by type and count, and one that cleaned up
// is not.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createConnection, createServer, type Socket } from 'node:net';
import { describe, expect, it } from 'vitest';
import { activeResources, assertNoLeaks, grownResources, leftOver } from '../../helpers/leaks';

describe('leak helper', () => {
  it('counts only what grew, most first', () => {
    const before = new Map([
      ['Timeout', 2],
      ['PipeWrap', 1],
    ]);
    const after = new Map([
      ['Timeout', 3],
      ['PipeWrap', 1],
      ['TCPSocketWrap', 2],
    ]);
    expect(grownResources(before, after)).toEqual(['2 × TCPSocketWrap', '1 × Timeout']);
    expect(grownResources(after, before)).toEqual([]);
    expect(grownResources(before, after, ['TCPSocketWrap'])).toEqual(['1 × Timeout']);
  });

  it('names a timer, a listening server and both ends of a connection left open', async () => {
    const before = activeResources();
    const timer = setInterval(() => undefined, 60_000);
    // Vitest's own timers come and go (batched reports to the main process), so the timer is
    // counted at once; sockets and process listeners (which vitest leaves alone) after settling.
    expect(grownResources(before, activeResources())).toEqual(['1 × Timeout']);
    const server = createServer();
    const accepted: Socket[] = [];
    server.on('connection', (socket) => accepted.push(socket));
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const client = createConnection({ port: (server.address() as { port: number }).port, host: '127.0.0.1' });
    await once(client, 'connect');
    const exitListener = () => undefined;
    process.on('exit', exitListener);

    const leaked = await leftOver(before, { settleMs: 100 });
    expect(leaked).toEqual(expect.arrayContaining(['2 × TCPSocketWrap', '1 × TCPServerWrap', '1 × process.on(exit)']));
    await expect(assertNoLeaks(before, { settleMs: 100 })).rejects.toThrow(/left resources behind: .*2 × TCPSocketWrap.*open sockets: \d+ → 127\.0\.0\.1:\d+/);

    clearInterval(timer);
    process.off('exit', exitListener);
    client.destroy();
    for (const socket of accepted) socket.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    // Cleaned up: nothing left, and no error.
    expect(await leftOver(before, { settleMs: 1000 })).toEqual([]);
    await assertNoLeaks(before, { settleMs: 1000 });
  });

  it('names a child process that was killed but not waited for, and waits out one that is closing', async () => {
    const before = activeResources();
    const child = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)'], { stdio: 'ignore' });
    await once(child, 'spawn');
    expect(await leftOver(before, { settleMs: 50 })).toContain('1 × ProcessWrap');
    child.kill();
    // The handle goes once the child has exited: the settle time covers it.
    expect(await leftOver(before, { settleMs: 5000 })).toEqual([]);
  });
});
