// Every problem of a file in one pass: schema problems do not hide
// cross-reference problems, and an entry that failed its schema does not
// cascade into problems of the entries that name it.
import { describe, expect, it } from 'vitest';
import { parseProject, ProjectError } from '../../../src/main/runtime/project/load';

function problems(text: string, file = 'plant.yaml'): string[] {
  try {
    parseProject(text, file);
  } catch (error) {
    expect(error).toBeInstanceOf(ProjectError);
    return (error as ProjectError).message.split('\n');
  }
  throw new Error('the project was accepted');
}

describe('project file: one pass', () => {
  it('reports a wrong priority, an unknown device and a missing setpoint tag together', () => {
    const text = `devices:
  - { name: plc1, driver: modbus-tcp, host: 127.0.0.1 }
tags:
  - path: Plant/Tank/Level
    device: plc1
    address: HR:100:float32
    alarms:
      - { kind: hi, limit: 8, priority: 7 }
      - { kind: deviation, limit: 1, sp: Plant/Tank/SP, priority: 2 }
  - path: Plant/Pump/Speed
    device: plc9
    address: HR:200
`;
    expect(problems(text)).toEqual([
      'plant.yaml:8: tags[0].alarms[0].priority: priority must be 1, 2, 3, 4 or diagnostic',
      'plant.yaml:9: tags[0].alarms[1].sp: no tag "Plant/Tank/SP"',
      'plant.yaml:11: tags[1].device: no device "plc9" (devices: plc1)',
    ]);
  });

  it('still checks the address, the device and the other alarms of a tag with a bad field', () => {
    const text = `devices:
  - { name: plc1, driver: modbus-tcp, host: 127.0.0.1 }
tags:
  - path: A/Level
    device: plc1
    address: HR:70000
    units: 5
    colour: red
    alarms:
      - { kind: hi, limit: 8, priority: 2, sp: 3 }
      - { kind: hihi, limit: 7, priority: 1 }
      - { kind: hi, limit: 9, priority: 1, name: trip }
`;
    expect(problems(text)).toEqual([
      'plant.yaml:4: tags[0]: Unrecognized key: "colour"',
      'plant.yaml:6: tags[0].address: offset 70000 is past 65535',
      'plant.yaml:7: tags[0].units: Invalid input: expected string, received number',
      'plant.yaml:10: tags[0].alarms[0].sp: Invalid input: expected string, received number',
    ]);
    // Once the address is right, the alarms kept after alarms[0] was left out keep their own indexes and lines.
    expect(problems(text.replace('HR:70000', 'HR:7:float32'))).toEqual([
      'plant.yaml:4: tags[0]: Unrecognized key: "colour"',
      'plant.yaml:7: tags[0].units: Invalid input: expected string, received number',
      'plant.yaml:10: tags[0].alarms[0].sp: Invalid input: expected string, received number',
      'plant.yaml:11: tags[0].alarms[1].limit: the hihi limit 7 is below the hi limit 9',
    ]);
  });

  it('says nothing more about entries that name an entry that failed its schema', () => {
    const text = `devices:
  - { name: plc1, driver: modbus-tcp, host: 127.0.0.1, pollMs: 1 }
  - { name: plc2, driver: modbus-tcp, host: 127.0.0.1 }
tags:
  - { path: A/OnBadDevice, device: plc1, address: "HR:70000" }
  - { path: A/SP, device: plc2, address: 5 }
  - path: A/Level
    device: plc2
    address: HR:10:float32
    alarms:
      - { kind: deviation, limit: 1, sp: A/SP, priority: 2 }
      - { kind: hi, limit: 1, priority: 2, suppressedBy: A/BadAddress }
  - { path: A/BadAddress, device: plc2, address: "XX:1" }
`;
    // No 'no device "plc1"', no address check on plc1, no 'no tag "A/SP"' or "A/BadAddress": each is said once, where it is.
    expect(problems(text)).toEqual([
      'plant.yaml:2: devices[0].pollMs: Too small: expected number to be >=10',
      'plant.yaml:6: tags[1].address: Invalid input: expected string, received number',
      expect.stringMatching(/^plant\.yaml:13: tags\[3\]\.address: /),
    ]);
  });

  it('reports a bad top-level section with the problems of the entries', () => {
    const text = `historian: { chunkMinutes: 0 }
devices:
  - { name: plc1, driver: modbus-tcp, host: 127.0.0.1 }
tags:
  - { path: A/B, device: nowhere, address: "HR:1" }
`;
    expect(problems(text)).toEqual([
      'plant.yaml:1: historian.chunkMinutes: Too small: expected number to be >=1',
      'plant.yaml:5: tags[0].device: no device "nowhere" (devices: plc1)',
    ]);
  });

  it('names ten devices at most in "no device"', () => {
    const devices = Array.from({ length: 25 }, (_, i) => `  - { name: plc${i}, driver: modbus-tcp, host: 127.0.0.1 }`).join('\n');
    const [line] = problems(`devices:\n${devices}\ntags:\n  - { path: A, device: plc99, address: "HR:1" }\n`);
    expect(line).toBe('plant.yaml:28: tags[0].device: no device "plc99" (devices: plc0, plc1, plc2, plc3, plc4, plc5, plc6, plc7, plc8, plc9 and 15 more)');
  });

  it('keeps every problem of a JSON file on its line too', () => {
    const json = `{
  "devices": [{ "name": "plc1", "driver": "modbus-tcp", "host": "h", "pollMs": 1 }, { "name": "plc2", "driver": "modbus-tcp", "host": "h" }],
  "tags": [
    { "path": "A", "device": "plc2", "address": "HR:1", "alarms": [{ "kind": "hi", "limit": 1, "priority": 9 }] },
    { "path": "B", "device": "plc3", "address": "HR:2" }
  ]
}`;
    expect(problems(json, 'p.json')).toEqual([
      'p.json:2: devices[0].pollMs: Too small: expected number to be >=10',
      'p.json:4: tags[0].alarms[0].priority: priority must be 1, 2, 3, 4 or diagnostic',
      'p.json:5: tags[1].device: no device "plc3" (devices: plc2, plc1)',
    ]);
  });
});
