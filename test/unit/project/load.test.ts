import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadProjectFile, parseProject, ProjectError } from '../../../src/main/runtime/project/load';

const GOOD = `
name: Test
devices:
  - name: plc1
    driver: modbus-tcp
    host: 127.0.0.1
    port: 5020
    unitId: 1
    pollMs: 500
tags:
  - path: Plant/Tank/Level
    device: plc1
    address: HR:100:float32
    units: m
    scale: { rawMin: 0, rawMax: 1000, euMin: 0, euMax: 10 }
    deadband: 0.01
    writable: true
  - path: Plant/Tank/Switch
    device: plc1
    address: DI:3
`;

function problems(text: string): string[] {
  try {
    parseProject(text, 'plant.yaml');
  } catch (error) {
    expect(error).toBeInstanceOf(ProjectError);
    return (error as ProjectError).message.split('\n');
  }
  throw new Error('the project was accepted');
}

describe('project file', () => {
  it('loads the shape of the issue with defaults filled in', () => {
    const project = parseProject(GOOD);
    expect(project.devices[0]).toMatchObject({ name: 'plc1', driver: 'modbus-tcp', maxGap: 16, singleWrites: true, enabled: true });
    expect(project.tags[0]).toMatchObject({ path: 'Plant/Tank/Level', dataType: 'float32', writable: true, deadband: 0.01 });
    expect(project.tags[1]).toMatchObject({ dataType: 'bool', writable: false, units: '', deadband: 0 });
  });

  it('names the file, the line and the path of a bad address', () => {
    const text = GOOD.replace('address: DI:3', 'address: HR:70000');
    expect(problems(text)).toEqual(['plant.yaml:20: tags[1].address: offset 70000 is past 65535']);
  });

  it('reports every problem at once, each on its line', () => {
    const text = `devices:
  - name: plc1
    driver: modbus-tcp
    host: 127.0.0.1
    pollMs: 5
tags:
  - path: A/B
    device: plc2
    address: HR:1
  - path: A/B
    device: plc1
    address: IR:1
    writable: true
    unitz: m
`;
    // Schema and cross-reference problems in one pass: plc1 failed its schema, so
    // tags[1]'s address on it waits for it; plc2 is unknown whatever plc1 says.
    expect(problems(text)).toEqual([
      'plant.yaml:5: devices[0].pollMs: Too small: expected number to be >=10',
      'plant.yaml:8: tags[0].device: no device "plc2" (devices: plc1)',
      'plant.yaml:10: tags[1]: Unrecognized key: "unitz"',
      'plant.yaml:10: tags[1].path: "A/B" is defined twice',
    ]);
    const cross = problems(text.replace('pollMs: 5', 'pollMs: 50').replace('    unitz: m\n', ''));
    expect(cross).toEqual([
      'plant.yaml:8: tags[0].device: no device "plc2" (devices: plc1)',
      'plant.yaml:10: tags[1].path: "A/B" is defined twice',
      'plant.yaml:13: tags[1].writable: IR:1 is in a read-only area',
    ]);
  });

  it('refuses an unknown driver by name', () => {
    const [line] = problems('devices:\n  - name: x\n    driver: profinet\n');
    expect(line).toMatch(/^plant\.yaml:3: devices\[0\]\.driver: /);
    expect(line).toContain('modbus-tcp');
  });

  it('points at the line of a YAML syntax error', () => {
    const [line] = problems('devices:\n  - name: plc1\n    driver: [modbus-tcp\n');
    expect(line).toMatch(/^plant\.yaml:\d+: /);
  });

  it('refuses duplicate keys, duplicate devices, bad paths, bool scaling and inverted limits', () => {
    expect(problems('name: a\nname: b\n')[0]).toMatch(/^plant\.yaml:2: .*unique/i);
    const text = `devices:
  - { name: d, driver: modbus-tcp, host: h }
  - { name: d, driver: modbus-tcp, host: h }
tags:
  - { path: /Top, device: d, address: "HR:1" }
  - { path: Sw, device: d, address: "CO:1", scale: { rawMin: 0, rawMax: 1, euMin: 0, euMax: 1 } }
  - { path: L, device: d, address: "HR:2", limits: { min: 5, max: 1 } }
`;
    expect(problems(text)).toEqual([
      'plant.yaml:3: devices[1].name: device "d" is defined twice',
      `plant.yaml:5: tags[0].path: path "/Top" starts or ends with '/'`,
      'plant.yaml:6: tags[1].scale: a bool cannot be scaled',
      'plant.yaml:7: tags[2].limits: min 5 is above max 1',
    ]);
  });

  it('reads a file from disk, and says so when it cannot', () => {
    const dir = mkdtempSync(join(tmpdir(), 'project-'));
    const file = join(dir, 'p.yaml');
    writeFileSync(file, GOOD);
    expect(loadProjectFile(file).tags).toHaveLength(2);
    expect(() => loadProjectFile(join(dir, 'missing.yaml'))).toThrow(/missing\.yaml: cannot read the file/);
  });

  it('accepts JSON as well', () => {
    const json = JSON.stringify({ devices: [{ name: 'p', driver: 'modbus-rtu', port: '/dev/ttyS0' }], tags: [] });
    expect(parseProject(json).devices[0]).toMatchObject({ baudRate: 9600, parity: 'none', dataBits: 8, stopBits: 1 });
  });
});

describe('project file: shared serial ports', () => {
  it('requires devices on one serial port to agree on its settings', () => {
    const text = `devices:
  - { name: a, driver: modbus-rtu, port: /dev/ttyUSB0, unitId: 1, baudRate: 19200 }
  - { name: b, driver: modbus-rtu, port: /dev/ttyUSB0, unitId: 2, baudRate: 9600 }
  - { name: c, driver: modbus-rtu, port: /dev/ttyUSB0, unitId: 3, baudRate: 19200 }
`;
    expect(() => parseProject(text, 'rtu.yaml')).toThrow(
      'rtu.yaml:3: devices[1].baudRate: /dev/ttyUSB0 is shared with a, which sets baudRate 19200, not 9600',
    );
  });
});

describe('project file: JSON', () => {
  it('names the line of a problem in a JSON file too', () => {
    const json = '{\n  "devices": [\n    { "name": "p", "driver": "modbus-tcp", "host": "h" }\n  ],\n  "tags": [\n    { "path": "A", "device": "p", "address": "HR:99999" }\n  ]\n}\n';
    expect(() => parseProject(json, 'p.json')).toThrow('p.json:6: tags[0].address: offset 99999 is past 65535');
  });
});
