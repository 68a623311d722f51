// Serve mode: the runtime headless, with the renderer and the contract over
// HTTP + WebSocket on 127.0.0.1. How an edge box or a thin client uses the
// product, and how the end-to-end tests drive the real UI.
//
//   node out/main/serve.js [--project FILE] [--port N] [--host ADDR] [--allow-host NAME]… [--data DIR]
//   node out/main/serve.js --review HISTORIAN.db [--port N]
import { readFileSync } from 'node:fs';
import type { Server } from 'node:http';
import { parseArgs } from 'node:util';
import { startApp, startReview, type App } from './app';
import { ReviewError } from './runtime/historian/reviewFile';
import { defaultDataDir, demoProjectFile, rendererDir } from './paths';
import { formatProgress, ProjectError } from './runtime/project/load';
import { dispatchFor } from './transport/dispatch';
import { parseAllowedHost } from './transport/hosts';
import { createHttpTransport } from './transport/http';

export const DEFAULT_PORT = 8700;

const USAGE = `usage: npm run serve -- [--project FILE] [--port N] [--host ADDR] [--allow-host NAME]... [--data DIR]
       npm run serve -- --review HISTORIAN.db [--port N] [--host ADDR] [--allow-host NAME]...
  --project FILE  project file (YAML or JSON); default: the demo plant
  --review FILE   open a historian file read-only, with no drivers (offline review)
  --port N        HTTP port; default ${DEFAULT_PORT}
  --host ADDR     address to bind; default 127.0.0.1
  --allow-host NAME
                  another name requests may give in their Host header (a DNS name or
                  address of this machine, without a port; repeat it or separate names
                  with commas); the bound address and localhost are always allowed,
                  anything else is refused (403), against DNS rebinding
  --data DIR      where the runtime keeps its files; default ${defaultDataDir()}
  --tls-cert FILE, --tls-key FILE
                  serve HTTPS with this certificate and key (PEM); required to bind
                  anything but 127.0.0.1, where every request needs a login`;

interface ServeOptions {
  readonly projectFile: string;
  readonly review?: string;
  readonly port: number;
  readonly host: string;
  /** The names a request's Host may give besides the bound address and localhost: --host as given, and --allow-host. */
  readonly allowHosts: readonly string[];
  readonly dataDir: string;
  readonly tls?: { readonly cert: Buffer; readonly key: Buffer };
}

const LOOPBACK_HOSTS = ['127.0.0.1', '::1', 'localhost'];

function parseOptions(argv: string[]): ServeOptions {
  const { values } = parseArgs({
    args: argv,
    options: {
      project: { type: 'string' },
      review: { type: 'string' },
      port: { type: 'string' },
      host: { type: 'string' },
      'allow-host': { type: 'string', multiple: true },
      data: { type: 'string' },
      'tls-cert': { type: 'string' },
      'tls-key': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
  });
  if (values.help) {
    console.log(USAGE);
    process.exit(0);
  }
  const port = values.port === undefined ? DEFAULT_PORT : Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new Error(`--port "${values.port}" is not a port number (0..65535)`);
  }
  if (values.review !== undefined && values.project !== undefined) {
    throw new Error('--review opens a historian file on its own: give --project or --review, not both');
  }
  const certFile = values['tls-cert'];
  const keyFile = values['tls-key'];
  if ((certFile === undefined) !== (keyFile === undefined)) throw new Error('--tls-cert and --tls-key go together');
  const host = values.host ?? '127.0.0.1';
  if (!LOOPBACK_HOSTS.includes(host) && certFile === undefined) {
    throw new Error(`--host ${host} is reachable from other machines: give --tls-cert and --tls-key (logins and session cookies must not travel in clear text)`);
  }
  // --host as given may be a name (hmi.plant.example), where the server knows only the address it resolved to.
  const allowHosts = [host, ...(values['allow-host'] ?? []).flatMap((value) => value.split(',')).filter((name) => name.trim() !== '').map(parseAllowedHost)];
  const read = (flag: string, file: string) => {
    try {
      return readFileSync(file);
    } catch (error) {
      throw new Error(`${flag} ${file}: ${(error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (error as Error).message}`, { cause: error });
    }
  };
  return {
    tls: certFile && keyFile ? { cert: read('--tls-cert', certFile), key: read('--tls-key', keyFile) } : undefined,
    review: values.review,
    projectFile: values.project ?? demoProjectFile(),
    port,
    host,
    allowHosts,
    dataDir: values.data ?? defaultDataDir(),
  };
}

function listen(server: Server, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      const address = server.address();
      resolve(typeof address === 'object' && address ? address.port : port);
    });
  });
}

async function main(): Promise<void> {
  let options: ServeOptions;
  try {
    options = parseOptions(process.argv.slice(2));
  } catch (error) {
    console.error(`serve: ${(error as Error).message}\n${USAGE}`);
    process.exit(2);
  }

  let app: App;
  try {
    app = options.review
      ? await startReview(options.review)
      : await startApp({
          projectFile: options.projectFile,
          dataDir: options.dataDir,
          // A large project takes seconds: past the first, say how far it is (stderr, so stdout keeps its one ready line).
          onLoadProgress: (progress) => console.error(formatProgress(progress)),
        });
  } catch (error) {
    if (error instanceof ProjectError) console.error(`serve: the project cannot be loaded:\n${error.message}`);
    else if (error instanceof ReviewError) console.error(`serve: the historian file cannot be reviewed: ${error.message}`);
    else console.error(`serve: cannot start: ${(error as Error).message}`);
    process.exit(1);
  }

  const { runtime } = app;
  const server = createHttpTransport({
    dispatch: dispatchFor(runtime),
    openEvents: (send, caller) => runtime.openEvents(send, caller),
    staticDir: rendererDir(),
    tls: options.tls,
    allowHosts: options.allowHosts,
  });
  let port: number;
  try {
    port = await listen(server, options.port, options.host);
  } catch (error) {
    console.error(`serve: cannot listen on ${options.host}:${options.port}: ${(error as Error).message}`);
    await app.stop();
    process.exit(1);
  }

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`serve: ${signal}, stopping`);
    server.close();
    server.closeAllConnections();
    app.stop().then(
      () => process.exit(0),
      (error: unknown) => {
        console.error(`serve: error while stopping: ${String(error)}`);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));

  const host = options.host.includes(':') ? `[${options.host}]` : options.host;
  const what = options.review ? `review of ${options.review}, read-only` : `project: ${runtime.project.name}, data: ${options.dataDir}`;
  if (!options.review && (await runtime.security.store.userCount()) === 0) {
    console.log('serve: no users yet: create the administrator in the HMI on this machine, or with `npm run users -- add NAME --role administrator`');
  }
  console.log(`HMI ready at ${options.tls ? 'https' : 'http'}://${host}:${port}/ (${what})`);
}

void main();
