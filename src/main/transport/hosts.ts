// Which `Host` (and `Origin`) a request to serve mode may carry: the defence
// against DNS rebinding.
//
// The attack: a page from evil.example, whose name the attacker then makes
// resolve to 127.0.0.1, is "same origin" with itself, so the browser lets it
// call http://evil.example:8700/api/... and read the answers, which land on
// this server. Nothing in the request betrays it but the `Host` header, which
// the browser fills in from the page's URL: `evil.example:8700`. So a request
// is served only when its Host names this server: the address it is bound to,
// `localhost`, or a name the operator allowed (`--allow-host`).
//
// Only the name is compared, not the port: the rebinding attack lives in the
// name (the attacker controls DNS, not which port the victim's browser
// reaches), and a tunnel or a port forward (`ssh -L 9000:127.0.0.1:8700`)
// legitimately presents another port.
import { isIP } from 'node:net';
import { networkInterfaces } from 'node:os';

/** The loopback names, allowed whenever the server is reachable on loopback. */
const LOOPBACK_NAMES = ['localhost', '127.0.0.1', '::1'];
const WILDCARDS = new Set(['0.0.0.0', '::', '']);
/** A DNS name: labels of letters, digits, hyphens (and underscores, which some site networks use), an optional final dot. */
const HOST_NAME = /^(?=.{1,253}\.?$)[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?(?:\.[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?)*\.?$/;

/** A host name or address as compared here: lower case, no brackets around IPv6, no final dot. */
export function normalizeHostName(name: string): string {
  let host = name.trim().toLowerCase();
  if (host.startsWith('[') && host.endsWith(']')) host = host.slice(1, -1);
  if (host.endsWith('.')) host = host.slice(0, -1);
  // An IPv4-mapped IPv6 address is the IPv4 address (what `server.address()` gives for a dual-stack socket).
  if (host.startsWith('::ffff:') && isIP(host.slice(7)) === 4) host = host.slice(7);
  return host;
}

/**
 * The name part of a `Host` header (`name`, `name:port`, `[v6]`, `[v6]:port`),
 * normalised; null when the header is not of that shape.
 */
export function hostNameOf(header: string): string | null {
  const text = header.trim();
  let name: string;
  let port: string | undefined;
  if (text.startsWith('[')) {
    const end = text.indexOf(']');
    if (end < 0) return null;
    name = text.slice(0, end + 1);
    const rest = text.slice(end + 1);
    if (rest !== '' && !rest.startsWith(':')) return null;
    port = rest === '' ? undefined : rest.slice(1);
  } else {
    const colon = text.indexOf(':');
    if (colon !== text.lastIndexOf(':')) return null; // a bare IPv6 address is not a valid Host
    name = colon < 0 ? text : text.slice(0, colon);
    port = colon < 0 ? undefined : text.slice(colon + 1);
  }
  if (port !== undefined && !/^\d{1,5}$/.test(port)) return null;
  const host = normalizeHostName(name);
  if (host === '' || (isIP(host) === 0 && !HOST_NAME.test(host))) return null;
  return host;
}

/**
 * Checks an `--allow-host` value; returns it normalised, or throws naming what
 * is wrong with it. A name, an IPv4 address or an IPv6 address (with or
 * without brackets); no port (any port is accepted) and no wildcard.
 */
export function parseAllowedHost(value: string): string {
  const host = normalizeHostName(value);
  if (isIP(host) !== 0) return host;
  if (host.includes('/')) throw new Error(`--allow-host "${value}" is not a host name or an IP address: give the name alone, not a URL`);
  if (host.includes(':')) throw new Error(`--allow-host "${value}": give the name alone, without a port (any port is accepted)`);
  if (host.includes('*')) throw new Error(`--allow-host "${value}": wildcards are not accepted; give each name`);
  if (!HOST_NAME.test(host)) throw new Error(`--allow-host "${value}" is not a host name or an IP address`);
  return host;
}

/**
 * Every name a request may give in its Host header for a server bound to
 * `boundAddress` (what `server.address()` says), plus the `extra` names
 * (`--host` as given, and `--allow-host`).
 *
 * A server bound to a wildcard (0.0.0.0, ::) is reachable on each address of
 * the machine: those are allowed too. An IP address is never a rebinding
 * risk (a page whose URL names an IP literal is served by that IP), it only
 * takes a name the attacker controls.
 */
export function allowedHostNames(boundAddress: string, extra: readonly string[] = []): Set<string> {
  const allowed = new Set<string>(['localhost']);
  const bound = normalizeHostName(boundAddress);
  allowed.add(bound);
  if (WILDCARDS.has(bound) || bound === '::1' || bound.startsWith('127.')) {
    for (const name of LOOPBACK_NAMES) allowed.add(name);
  }
  if (WILDCARDS.has(bound)) {
    for (const addresses of Object.values(networkInterfaces())) {
      for (const address of addresses ?? []) allowed.add(normalizeHostName(address.address.split('%')[0]!));
    }
  }
  for (const name of extra) allowed.add(normalizeHostName(name));
  allowed.delete('');
  return allowed;
}

/**
 * Whether an `Origin` header is this server's own origin, i.e. the page that
 * sent the request was served from the same scheme, host and port the request
 * went to (`host` is the request's own Host header). `null` (a sandboxed frame,
 * a file:// page) and anything unparsable are never the same origin.
 */
export function isSameOrigin(origin: string, host: string): boolean {
  try {
    const page = new URL(origin);
    if (page.protocol !== 'http:' && page.protocol !== 'https:') return false;
    // Parsed with the page's scheme, so `HOST:80` for http and `HOST` compare equal, as the browser would have them.
    return page.host === new URL(`${page.protocol}//${host}`).host;
  } catch {
    return false;
  }
}

/** A header value shown in an error message: quoted, bounded, printable. */
export function shown(value: string): string {
  const clipped = value.length > 100 ? `${value.slice(0, 100)}…` : value;
  return JSON.stringify(clipped);
}
