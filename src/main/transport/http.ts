// The contract over HTTP + WebSocket (serve mode), and the built renderer.
//
//   POST /api/<method>   JSON body → 200 with the JSON result, or an error
//                        status (httpStatusOf) with { error: { kind, message, code? } }
//   GET  /api/events     WebSocket: {op:'subscribe', id, event, params} /
//                        {op:'unsubscribe', id} in; {id, event, payload} and
//                        {id, error} out
//   GET  /*              the renderer's static files
//
// Every request and WebSocket upgrade must name this server in its Host
// header (hosts.ts: the defence against DNS rebinding), before anything else
// is looked at. POST requires Content-Type: application/json (UTF-8), and
// neither a POST nor the WebSocket may come from a page of another origin, so
// a web page elsewhere cannot drive the runtime through the user's browser.
import { createReadStream, statSync } from 'node:fs';
import { createServer, STATUS_CODES, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createTlsServer } from 'node:https';
import type { Duplex } from 'node:stream';
import { extname, join, normalize, sep } from 'node:path';
import { WebSocketServer, type WebSocket } from 'ws';
import { httpStatusOf, type Caller, type EventName, type Result } from '../../shared/contract';
import { ContractFailure } from '../../shared/contract';
import type { EventChannel, EventSend } from '../runtime/eventChannel';
import { count, MAX_ANSWER_BYTES } from '../../shared/budget';
import type { Dispatch } from './dispatch';
import { encodeAnswer } from './jsonAnswer';
import { allowedHostNames, hostNameOf, isSameOrigin, shown } from './hosts';

const MAX_BODY = 1024 * 1024;
/** A WebSocket client this far behind is dropped rather than buffered without end. */
const MAX_BUFFERED = 64 * 1024 * 1024;

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json',
  '.woff2': 'font/woff2',
};

const SECURITY_HEADERS = {
  'X-Content-Type-Options': 'nosniff',
  'X-Frame-Options': 'DENY',
  'Referrer-Policy': 'no-referrer',
  'Content-Security-Policy':
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self' ws: wss:; frame-ancestors 'none'",
};

export interface HttpTransportOptions {
  readonly dispatch: Dispatch;
  /** Opens a WebSocket's event channel, for the caller (and login) it was opened with. */
  readonly openEvents: (send: EventSend, caller: Caller) => EventChannel;
  /** The built renderer (out/renderer); omitted: API only. */
  readonly staticDir?: string;
  /** Serve HTTPS with this certificate and key (PEM); the session cookie is then Secure. */
  readonly tls?: { readonly cert: Buffer; readonly key: Buffer };
  /**
   * Names a request's Host header may give besides the address the server is
   * bound to and `localhost`: serve mode's `--host` as given (a name, where
   * the bound address is what it resolved to) and its `--allow-host` names.
   */
  readonly allowHosts?: readonly string[];
}

/** Why a request is refused before it is looked at further. */
interface Refusal {
  readonly status: number;
  readonly kind: 'invalid_request' | 'forbidden';
  readonly message: string;
}

/** The session cookie: HTTP-only (scripts never see it), same-site only. */
const SESSION_COOKIE = 'scada_session';
const LOOPBACK = new Set(['127.0.0.1', '::1', '::ffff:127.0.0.1']);

/** Who sent a request: its session token (bearer header or cookie), its address, whether it is on this machine. */
export function callerOf(req: IncomingMessage): Caller {
  const address = req.socket.remoteAddress ?? 'unknown';
  const bearer = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '')?.[1];
  const cookie = (req.headers.cookie ?? '')
    .split(';')
    .map((part) => part.trim().split('='))
    .find(([name]) => name === SESSION_COOKIE)?.[1];
  return { user: 'anonymous', workstation: address, role: null, token: bearer ?? cookie ?? null, local: LOOPBACK.has(address) };
}

export function createHttpTransport(options: HttpTransportOptions): Server {
  const hostRefusal = hostGuard(() => server, options.allowHosts ?? []);
  const listener = (req: IncomingMessage, res: ServerResponse) => {
    const refused = hostRefusal(req);
    if (refused) {
      sendJson(res, refused.status, { error: { kind: refused.kind, message: refused.message } });
      return;
    }
    handleRequest(options, req, res).catch((error: unknown) => {
      if (!res.headersSent) sendJson(res, 500, { error: { kind: 'internal', message: String(error) } });
      else res.destroy();
    });
  };
  const server: Server = options.tls ? createTlsServer({ cert: options.tls.cert, key: options.tls.key }, listener) : createServer(listener);
  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_BODY });
  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const refused = hostRefusal(req);
    if (refused) return refuseUpgrade(socket, refused);
    const url = parseTarget(req.url);
    if (url === null) return refuseUpgrade(socket, { status: 400, kind: 'invalid_request', message: 'the request target is not a valid URL path' });
    if (url.pathname !== '/api/events') return refuseUpgrade(socket, { status: 403, kind: 'forbidden', message: 'the only WebSocket is /api/events' });
    const crossOrigin = originRefusal(req);
    if (crossOrigin) return refuseUpgrade(socket, crossOrigin);
    const caller = callerOf(req);
    wss.handleUpgrade(req, socket, head, (ws) => serveEvents(ws, (send) => options.openEvents(send, caller)));
  });
  // A WebSocket is a connection of the server's until it ends, so `close()`
  // would wait for every client that is still watching (and 'close', where
  // they used to be ended, would never come): closing the server ends them
  // first, and so does closeAllConnections(), which knows only HTTP requests.
  const endClients = () => {
    for (const client of wss.clients) client.terminate();
  };
  const closeServer = server.close.bind(server);
  server.close = (callback?: (error?: Error) => void) => {
    endClients();
    wss.close();
    return closeServer(callback);
  };
  const closeAllConnections = server.closeAllConnections.bind(server);
  server.closeAllConnections = () => {
    endClients();
    closeAllConnections();
  };
  return server;
}

/**
 * The Host check (hosts.ts): a function that returns why a request must be
 * refused, or null. The allowed names follow the address the server is bound
 * to, read when a request comes (tests and serve mode bind after creating).
 */
function hostGuard(server: () => Server, extra: readonly string[]): (req: IncomingMessage) => Refusal | null {
  let cache: { bound: string; names: Set<string> } | null = null;
  const allowed = (name: string, fresh: boolean): boolean => {
    const address = server().address();
    const bound = typeof address === 'object' && address !== null ? address.address : '';
    if (fresh || cache?.bound !== bound) cache = { bound, names: allowedHostNames(bound, extra) };
    return cache.names.has(name);
  };
  return (req) => {
    const header = req.headers.host;
    // Browsers always send Host; only an HTTP/1.0 client can leave it out (Node refuses HTTP/1.1 without it).
    if (header === undefined || header === '') return { status: 400, kind: 'invalid_request', message: 'the request has no Host header' };
    const name = hostNameOf(header);
    if (name === null) return { status: 400, kind: 'invalid_request', message: `the Host header ${shown(header)} is not a host name` };
    // A miss is asked once more with the list built afresh: a server bound to every interface gains addresses (DHCP).
    if (allowed(name, false) || allowed(name, true)) return null;
    return {
      status: 403,
      kind: 'forbidden',
      message:
        `this server does not answer to the name ${shown(name)} (Host ${shown(header)}): it answers to the address it is bound to and localhost; ` +
        'to reach it by another name, start serve mode with --allow-host NAME',
    };
  };
}

/** A refused WebSocket upgrade: an HTTP answer with the same JSON error as the API's, then the connection closes. */
function refuseUpgrade(socket: Duplex, refusal: Refusal): void {
  const body = JSON.stringify({ error: { kind: refusal.kind, message: refusal.message } });
  // The client may already be gone; an error on this socket has no one else to go to.
  socket.on('error', () => undefined);
  socket.end(
    `HTTP/1.1 ${refusal.status} ${STATUS_CODES[refusal.status] ?? ''}\r\n` +
      `Content-Type: application/json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
  );
}

/**
 * A request a browser sent from a page of another origin: its Origin names
 * another scheme, host or port (or `null`: a sandboxed frame, a file). Where
 * an old browser sends no Origin, `Sec-Fetch-Site` still tells a cross-site
 * request. Scripts and tests send neither, and the HMI's own pages are of
 * this origin.
 */
function originRefusal(req: IncomingMessage): Refusal | null {
  const origin = req.headers.origin;
  if (origin !== undefined) {
    if (isSameOrigin(origin, req.headers.host ?? '')) return null;
    return { status: 403, kind: 'forbidden', message: `a page of another origin (Origin ${shown(origin)}) may not use this server's API` };
  }
  const site = req.headers['sec-fetch-site'];
  if (site === 'cross-site' || site === 'same-site') {
    return { status: 403, kind: 'forbidden', message: `a page of another origin (Sec-Fetch-Site: ${site}) may not use this server's API` };
  }
  return null;
}

/** The request target as a URL; null for one Node accepts but the URL parser does not (`//[`). */
function parseTarget(target: string | undefined): URL | null {
  try {
    return new URL(target ?? '/', 'http://localhost');
  } catch {
    return null;
  }
}

async function handleRequest(options: HttpTransportOptions, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = parseTarget(req.url);
  if (url === null) {
    sendJson(res, 400, { error: { kind: 'invalid_request', message: 'the request target is not a valid URL path' } });
    return;
  }
  if (url.pathname.startsWith('/api/')) {
    if (req.method !== 'POST') {
      res.setHeader('Allow', 'POST');
      sendJson(res, 405, { error: { kind: 'invalid_request', message: 'the API takes POST with a JSON body' } });
      return;
    }
    const crossOrigin = originRefusal(req);
    if (crossOrigin) {
      sendJson(res, crossOrigin.status, { error: { kind: crossOrigin.kind, message: crossOrigin.message } });
      return;
    }
    const unsupported = contentTypeProblem(req.headers['content-type']);
    if (unsupported !== null) {
      sendJson(res, 415, { error: { kind: 'invalid_request', message: unsupported } });
      return;
    }
    let body: unknown;
    try {
      body = await readJson(req);
    } catch (error) {
      const failure = error as ContractFailure;
      sendJson(res, failure.code ?? 400, { error: { kind: 'invalid_request', message: failure.message } });
      return;
    }
    let method: string;
    try {
      method = decodeURIComponent(url.pathname.slice('/api/'.length));
    } catch {
      sendJson(res, 400, { error: { kind: 'invalid_request', message: 'the method name is not valid URL encoding' } });
      return;
    }
    const result = await options.dispatch(method, body, callerOf(req));
    if (result.ok) setSessionCookie(res, method, result.value, options.tls !== undefined);
    await sendResult(res, method, result);
    return;
  }
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.writeHead(405, { Allow: 'GET, HEAD' }).end();
    return;
  }
  serveStatic(options.staticDir, url.pathname, res);
}

/**
 * What is wrong with a request's Content-Type, or null. The media type is
 * application/json whatever its case (`Application/JSON`), and nothing longer
 * (`application/jsonx`); a charset, if given, is UTF-8 (`utf-8`, `UTF8`,
 * quoted or not), since the body is read as UTF-8 and JSON is UTF-8
 * (RFC 8259): a body declared as Latin-1 would be read wrong, so it is
 * refused rather than guessed at. Other parameters are ignored.
 */
export function contentTypeProblem(header: string | undefined): string | null {
  const [type, ...parameters] = (header ?? '').split(';');
  if (type!.trim().toLowerCase() !== 'application/json') return 'Content-Type must be application/json';
  for (const parameter of parameters) {
    const equals = parameter.indexOf('=');
    if (equals < 0 || parameter.slice(0, equals).trim().toLowerCase() !== 'charset') continue;
    const charset = parameter.slice(equals + 1).trim().replace(/^"(.*)"$/, '$1');
    if (!['utf-8', 'utf8'].includes(charset.toLowerCase())) {
      return `Content-Type charset ${shown(charset)} is not supported: the API takes JSON in UTF-8 (charset=utf-8, or no charset)`;
    }
  }
  return null;
}

/** A login (or the first administrator) sets the session cookie; a logout clears it. */
function setSessionCookie(res: ServerResponse, method: string, value: unknown, secure: boolean): void {
  const flags = `Path=/; HttpOnly; SameSite=Strict${secure ? '; Secure' : ''}`;
  if (method === 'auth.login' || method === 'auth.setup') {
    const { token, expiresAt } = value as { token: string; expiresAt: number };
    const maxAge = Math.max(0, Math.floor((expiresAt - Date.now()) / 1000));
    res.setHeader('Set-Cookie', `${SESSION_COOKIE}=${token}; Max-Age=${maxAge}; ${flags}`);
  } else if (method === 'auth.logout') {
    res.setHeader('Set-Cookie', `${SESSION_COOKIE}=; Max-Age=0; ${flags}`);
  }
}

/**
 * A result: an error as it is (small); a value as JSON built in slices
 * (jsonAnswer.ts), so a large answer never holds the event loop in one
 * piece, and refused with a 400 that names the limit when it would pass
 * MAX_ANSWER_BYTES (shared/budget.ts).
 */
async function sendResult(res: ServerResponse, method: string, result: Result<unknown>): Promise<void> {
  if (!result.ok) {
    sendJson(res, httpStatusOf[result.error.kind], { error: result.error });
    return;
  }
  const encoded = await encodeAnswer(result.value ?? null, MAX_ANSWER_BYTES, jsonValue);
  if (!encoded.ok) {
    const mb = (n: number) => count(n / 1048576);
    const message = `${method}: the answer is larger than ${mb(MAX_ANSWER_BYTES)} MB, the most one answer may take (${mb(encoded.bytes)} MB and more): ask for fewer points, fewer tags, a shorter range or a smaller limit`;
    sendJson(res, 400, { error: { kind: 'invalid_request', message } });
    return;
  }
  if (res.destroyed) return; // the client left while the answer was built
  res.writeHead(200, {
    ...SECURITY_HEADERS,
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': encoded.bytes,
    'Cache-Control': 'no-store',
  });
  for (const part of encoded.parts) res.write(part);
  res.end();
}

/** Columns (history series) travel as typed arrays inside the runtime and as plain arrays in JSON; NaN becomes null. */
function jsonValue(_key: string, value: unknown): unknown {
  return ArrayBuffer.isView(value) && !(value instanceof DataView) ? Array.from(value as unknown as ArrayLike<number>) : value;
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body, jsonValue);
  res.writeHead(status, {
    ...SECURITY_HEADERS,
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': Buffer.byteLength(text),
    'Cache-Control': 'no-store',
  });
  res.end(text);
}

function readJson(req: IncomingMessage): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      // Past the limit the rest is drained unread (so the client gets the 413), or cut off when absurd.
      if (size > MAX_BODY * 16) req.destroy();
      else if (size <= MAX_BODY) chunks.push(chunk);
    });
    req.on('error', reject);
    req.on('end', () => {
      if (size > MAX_BODY) {
        reject(new ContractFailure('invalid_request', `the body is larger than ${MAX_BODY} bytes`, 413));
        return;
      }
      const text = Buffer.concat(chunks).toString('utf8').trim();
      if (text === '') return resolve({});
      try {
        resolve(JSON.parse(text));
      } catch (error) {
        reject(new ContractFailure('invalid_request', `the body is not JSON: ${(error as Error).message}`));
      }
    });
  });
}

function serveStatic(root: string | undefined, pathname: string, res: ServerResponse): void {
  if (!root) {
    res.writeHead(404).end();
    return;
  }
  let relative: string;
  try {
    relative = decodeURIComponent(pathname === '/' ? '/index.html' : pathname);
  } catch {
    res.writeHead(400).end();
    return;
  }
  const file = normalize(join(root, relative));
  if (!file.startsWith(normalize(root + sep)) || relative.includes('\0')) {
    res.writeHead(403).end();
    return;
  }
  let size: number;
  try {
    const stat = statSync(file);
    if (!stat.isFile()) throw new Error('not a file');
    size = stat.size;
  } catch {
    res.writeHead(404, { 'Content-Type': 'text/plain' }).end('not found');
    return;
  }
  res.writeHead(200, {
    ...SECURITY_HEADERS,
    'Content-Type': CONTENT_TYPES[extname(file)] ?? 'application/octet-stream',
    'Content-Length': size,
    'Cache-Control': relative.startsWith('/assets/') ? 'public, max-age=31536000, immutable' : 'no-cache',
  });
  createReadStream(file).pipe(res);
}

function serveEvents(ws: WebSocket, openEvents: (send: EventSend) => EventChannel): void {
  const send = (message: unknown) => {
    if (ws.readyState !== ws.OPEN) return;
    if (ws.bufferedAmount > MAX_BUFFERED) {
      ws.close(1013, 'client too slow');
      return;
    }
    ws.send(JSON.stringify(message, jsonValue));
  };
  const channel = openEvents((id: string, event: EventName, payload: unknown) => send({ id, event, payload }));
  ws.on('message', (data, isBinary) => {
    let message: { op?: unknown; id?: unknown; event?: unknown; params?: unknown };
    try {
      if (isBinary) throw new Error('binary frames are not part of the protocol');
      const parsed: unknown = JSON.parse(data.toString());
      if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new Error('a message is a JSON object');
      message = parsed;
    } catch (error) {
      send({ id: null, error: { kind: 'invalid_request', message: `bad message: ${(error as Error).message}` } });
      return;
    }
    try {
      if (message.op === 'subscribe') channel.subscribe(message.id, message.event, message.params);
      else if (message.op === 'unsubscribe') channel.unsubscribe(message.id);
      else throw new ContractFailure('invalid_request', 'op must be "subscribe" or "unsubscribe"');
    } catch (error) {
      const failure =
        error instanceof ContractFailure ? error.toError() : { kind: 'internal', message: String(error) };
      send({ id: typeof message.id === 'string' ? message.id : null, error: failure });
    }
  });
  ws.on('close', () => channel.close());
  ws.on('error', () => channel.close());
}
