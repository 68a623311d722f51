// The API's Content-Type: application/json, read as UTF-8. A charset
// parameter is accepted when it says UTF-8 (in any spelling the Encoding
// standard gives it: `utf-8`, `UTF-8`, `utf8`, quoted or not); any other
// charset is refused with 415 naming it: the body is always decoded as UTF-8,
// so a body declared (and sent) as Latin-1 used to be accepted and misread
// (`entrée` became `entr\uFFFDe`).
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseProject } from '../../../src/main/runtime/project/load';
import { Runtime } from '../../../src/main/runtime/runtime';
import { dispatchFor } from '../../../src/main/transport/dispatch';
import { contentTypeProblem, createHttpTransport } from '../../../src/main/transport/http';
import { RawModbusServer } from '../../helpers/rawModbusServer';

let device: RawModbusServer;
let runtime: Runtime;
let base: string;
let close: () => Promise<void>;

beforeAll(async () => {
  device = new RawModbusServer();
  const port = await device.listen();
  // Tag paths with non-ASCII text, to search for (tags.list searches paths).
  runtime = new Runtime(
    parseProject(`
devices: [{ name: plc, driver: modbus-tcp, host: 127.0.0.1, port: ${port}, pollMs: 200 }]
tags:
  - { path: Area/Wärmetauscher/T1, device: plc, address: "HR:0", units: °C }
  - { path: Area/Entrée/T2, device: plc, address: "HR:1", units: °C }
`),
  );
  await runtime.start();
  const server = createHttpTransport({ dispatch: dispatchFor(runtime), openEvents: (send, caller) => runtime.openEvents(send, caller) });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  close = () =>
    new Promise((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
});

afterAll(async () => {
  await close?.();
  await runtime?.stop();
  await device?.close();
});

async function search(contentType: string, text: string, encoding: BufferEncoding = 'utf8') {
  const res = await fetch(`${base}/api/tags.list`, {
    method: 'POST',
    headers: { 'Content-Type': contentType },
    body: Buffer.from(JSON.stringify({ search: text }), encoding),
  });
  return { status: res.status, body: (await res.json()) as Array<{ path: string }> & { error?: { kind: string; message: string } } };
}

describe('the charset of a JSON body', () => {
  it('reads UTF-8, declared in any spelling or not at all', async () => {
    for (const type of [
      'application/json',
      'application/json; charset=utf-8',
      'application/json; charset=UTF-8',
      'Application/JSON;charset=utf8',
      'application/json; charset="utf-8"',
      'application/json; foo=bar; charset=Utf-8',
    ]) {
      const answer = await search(type, 'Wärme');
      expect(answer.status, type).toBe(200);
      expect(answer.body.map((tag) => tag.path), type).toEqual(['Area/Wärmetauscher/T1']);
    }
  });

  it('refuses any other charset with 415, naming it', async () => {
    for (const [type, charset] of [
      ['application/json; charset=latin1', 'latin1'],
      ['application/json; charset=ISO-8859-1', 'ISO-8859-1'],
      ['application/json; charset="windows-1252"', 'windows-1252'],
      ['application/json; charset=utf-16', 'utf-16'],
      ['application/json; charset=', ''],
    ] as const) {
      // Sent in the charset it declares (as far as Node can): it is refused, not misread.
      const answer = await search(type, 'entrée', charset === 'latin1' ? 'latin1' : 'utf8');
      expect(answer.status, type).toBe(415);
      expect(answer.body.error!.kind).toBe('invalid_request');
      expect(answer.body.error!.message, type).toContain(`charset ${JSON.stringify(charset)}`);
      expect(answer.body.error!.message).toContain('UTF-8');
    }
  });

  it('still refuses other media types', () => {
    expect(contentTypeProblem('text/plain; charset=utf-8')).toBe('Content-Type must be application/json');
    expect(contentTypeProblem('application/jsonx')).toBe('Content-Type must be application/json');
    expect(contentTypeProblem(undefined)).toBe('Content-Type must be application/json');
    expect(contentTypeProblem('application/json; boundary=x')).toBeNull();
  });
});
