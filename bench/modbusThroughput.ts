// modbus.registers_per_s: reads of 125 holding registers, one after the
// other through the driver's line (its queue, timeouts and decoding by
// modbus-serial) from the simulator's Modbus TCP server on loopback, over one
// connection, for about three seconds.
import { ModbusLine } from '../src/main/runtime/drivers/modbus/line';
import { ModbusTcpServer } from '../src/main/simulator/modbusTcpServer';
import { RegisterBank } from '../src/main/simulator/registerBank';
import { report } from './report';

const bank = new RegisterBank().define('HR', 0, 10_000);
const server = new ModbusTcpServer(bank, { host: '127.0.0.1', port: 0 });
const port = await server.listen();
const line = new ModbusLine({ kind: 'tcp', host: '127.0.0.1', port });
line.open();
while (line.state !== 'connected') await new Promise((r) => setTimeout(r, 10));

const read = (start: number) => line.run(1, 1000, 'read', (client) => client.readHoldingRegisters(start, 125));
for (let i = 0; i < 500; i++) await read((i * 125) % 9875); // warm-up

let registers = 0;
let requests = 0;
const started = performance.now();
while (performance.now() - started < 3000) {
  const { data } = await read((requests * 125) % 9875);
  registers += data.length;
  requests++;
}
const seconds = (performance.now() - started) / 1000;
await line.close();
await server.close();

report('modbus.registers_per_s', Math.round(registers / seconds), 'reg/s');
report('modbus.requests_per_s', Math.round(requests / seconds), 'req/s');
