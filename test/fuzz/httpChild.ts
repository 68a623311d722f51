// Serve mode's HTTP transport in a process of its own (a runtime without
// devices behind it), for the fuzz test that expects a request to kill it.
// Prints "listening <port>" once it accepts connections.
import type { AddressInfo } from 'node:net';
import { parseProject } from '../../src/main/runtime/project/load';
import { Runtime } from '../../src/main/runtime/runtime';
import { dispatchFor } from '../../src/main/transport/dispatch';
import { createHttpTransport } from '../../src/main/transport/http';

const runtime = new Runtime(parseProject('name: HTTP child\n'));
runtime.start();
const server = createHttpTransport({ dispatch: dispatchFor(runtime), openEvents: (send, caller) => runtime.openEvents(send, caller) });
server.listen(0, '127.0.0.1', () => console.log(`listening ${(server.address() as AddressInfo).port}`));
