// Mosquitto from Debian, started by a test on a free loopback port with a
// config that keeps queued QoS 1 messages (the default drops bursts), and
// optionally a TLS listener. It can be stopped and started again on the same
// port (a broker outage), and dies with the test process.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createConnection } from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../../scripts/serveProcess.mjs';
import type { TlsFiles } from './tls';

export { makeTlsFiles, type TlsFiles } from './tls';


export interface BrokerOptions {
  /** Add a TLS listener with these files; `requireClientCert` makes it mutual TLS. */
  readonly tls?: { readonly files: TlsFiles; readonly requireClientCert: boolean };
}

export class Mosquitto {
  private child: ChildProcess | null = null;
  private constructor(
    readonly dir: string,
    readonly port: number,
    readonly tlsPort: number | null,
    private readonly configFile: string,
  ) {}

  static async start(options: BrokerOptions = {}): Promise<Mosquitto> {
    const dir = mkdtempSync(join(tmpdir(), 'mosquitto-'));
    const port = await freePort();
    const tlsPort = options.tls ? await freePort() : null;
    const lines = [
      // Started as root, mosquitto would switch to the user "mosquitto", who cannot read our temporary (0700) folders.
      `user ${userInfo().username}`,
      'persistence false',
      'allow_anonymous true',
      'max_queued_messages 1000000',
      'max_inflight_messages 0',
      'log_dest stderr',
      'log_type error',
      `listener ${port} 127.0.0.1`,
    ];
    if (options.tls) {
      const { files, requireClientCert } = options.tls;
      lines.push(
        `listener ${tlsPort} 127.0.0.1`,
        `cafile ${files.ca}`,
        `certfile ${files.serverCert}`,
        `keyfile ${files.serverKey}`,
        `require_certificate ${requireClientCert}`,
      );
    }
    const configFile = join(dir, 'mosquitto.conf');
    writeFileSync(configFile, `${lines.join('\n')}\n`);
    const broker = new Mosquitto(dir, port, tlsPort, configFile);
    await broker.resume();
    return broker;
  }

  get url(): string {
    return `mqtt://127.0.0.1:${this.port}`;
  }

  get tlsUrl(): string {
    return `mqtts://127.0.0.1:${this.tlsPort}`;
  }

  /** Starts (again) on the same ports; resolves once it accepts connections. */
  async resume(): Promise<void> {
    if (this.child) return;
    const child = spawn('mosquitto', ['-c', this.configFile], { stdio: ['ignore', 'ignore', 'pipe'] });
    this.child = child;
    let log = '';
    child.stderr?.on('data', (chunk: Buffer) => (log += chunk.toString()));
    const deadline = Date.now() + 10_000;
    while (!(await accepts(this.port))) {
      if (child.exitCode !== null || Date.now() > deadline) throw new Error(`mosquitto did not start: ${log}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  /** Stops the broker (an outage); the port stays ours to resume on. */
  async pause(): Promise<void> {
    const child = this.child;
    this.child = null;
    if (!child || child.exitCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGKILL');
    await exited;
  }

  async stop(): Promise<void> {
    await this.pause();
    rmSync(this.dir, { recursive: true, force: true });
  }
}

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ port, host: '127.0.0.1' });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}
