// Alarm definitions in the project file: what loads, and how each kind of
// mistake is named with its file, line and path.
import { describe, expect, it } from 'vitest';
import { parseProject, ProjectError } from '../../../src/main/runtime/project/load';

const HEAD = `
devices:
  - { name: plc1, driver: modbus-tcp, host: 127.0.0.1, port: 5020 }
tags:
  - path: Plant/Tank/SP
    device: plc1
    address: HR:10:float32
  - path: Plant/Tank/Running
    device: plc1
    address: DI:0
  - path: Plant/Tank/Level
    device: plc1
    address: HR:0:float32
    units: m
    description: Tank level LT-101
    alarms:
`;

function problems(alarms: string): string[] {
  try {
    parseProject(HEAD + alarms, 'plant.yaml');
  } catch (error) {
    expect(error).toBeInstanceOf(ProjectError);
    return (error as ProjectError).message.split('\n');
  }
  throw new Error('the project was accepted');
}

describe('alarms in the project file', () => {
  it('resolves ids, areas, defaults and the default message', () => {
    const project = parseProject(
      HEAD +
        `      - { kind: hi, limit: 8.5, priority: 2, onDelayMs: 2000, ne107: S }
      - { kind: deviation, sp: Plant/Tank/SP, limit: 1, priority: 3, suppressedBy: Plant/Tank/Running }
      - { kind: hi, name: trip, limit: 9.5, priority: 1, latch: true }
      - { kind: ne107, priority: diagnostic }
`,
    );
    expect(project.alarms.map((a) => a.id)).toEqual(['Plant/Tank/Level#hi', 'Plant/Tank/Level#deviation', 'Plant/Tank/Level#trip', 'Plant/Tank/Level#ne107']);
    expect(project.alarms[0]).toMatchObject({
      area: 'Plant/Tank',
      priority: 2,
      limit: 8.5,
      deadband: 0,
      onDelayMs: 2000,
      offDelayMs: 0,
      latch: false,
      ne107: 'S',
      units: 'm',
      message: 'Tank level LT-101 high: {value} {units} (limit {limit})',
    });
    expect(project.alarms[1]).toMatchObject({ sp: 'Plant/Tank/SP', suppressedBy: { path: 'Plant/Tank/Running', state: true } });
    expect(project.alarms[3]).toMatchObject({ category: 'F', priority: 'diagnostic' });
  });

  it.each([
    ['      - { kind: high, limit: 1, priority: 1 }', 'plant.yaml:17: tags[2].alarms[0].kind: kind must be one of hihi, hi, lo, lolo, deviation, roc, digital, quality, ne107'],
    ['      - { kind: hi, priority: 1 }', 'plant.yaml:17: tags[2].alarms[0].limit: a hi alarm needs a limit'],
    ['      - { kind: hi, limit: 1, priority: 5 }', 'plant.yaml:17: tags[2].alarms[0].priority: priority must be 1, 2, 3, 4 or diagnostic'],
    ['      - { kind: hi, limit: 1, priority: 1, onDelayMs: -1 }', 'plant.yaml:17: tags[2].alarms[0].onDelayMs: Too small: expected number to be >=0'],
    ['      - { kind: deviation, limit: 1, priority: 1 }', 'plant.yaml:17: tags[2].alarms[0].sp: a deviation alarm needs sp: the setpoint tag'],
    ['      - { kind: deviation, sp: Plant/Nope, limit: 1, priority: 1 }', 'plant.yaml:17: tags[2].alarms[0].sp: no tag "Plant/Nope"'],
    ['      - { kind: deviation, sp: Plant/Tank/Running, limit: 1, priority: 1 }', 'plant.yaml:17: tags[2].alarms[0].sp: Plant/Tank/Running is a bool; a setpoint must be numeric'],
    ['      - { kind: roc, limit: -2, priority: 1 }', 'plant.yaml:17: tags[2].alarms[0].limit: a roc limit is a magnitude and must be above 0'],
    ['      - { kind: digital, state: true, priority: 1 }', 'plant.yaml:17: tags[2].alarms[0].kind: a digital alarm needs a bool tag; Plant/Tank/Level is float32'],
    ['      - { kind: quality, limit: 3, priority: 1 }', 'plant.yaml:17: tags[2].alarms[0].limit: a quality alarm has no limit'],
    ['      - { kind: ne107, ne107: F, priority: 1 }', 'plant.yaml:17: tags[2].alarms[0].ne107: an ne107 alarm cannot report an NE107 category itself'],
    ['      - { kind: hi, limit: 1, priority: 1, suppressedBy: { tag: Plant/Gone, state: true } }', 'plant.yaml:17: tags[2].alarms[0].suppressedBy: no tag "Plant/Gone"'],
    ['      - { kind: hi, limit: 1, priority: 1, colour: red }', 'plant.yaml:17: tags[2].alarms[0]: Unrecognized key: "colour"'],
  ])('%s', (alarm, expected) => {
    expect(problems(`${alarm}\n`)).toEqual([expected]);
  });

  it('refuses two alarms with one id, and limits that cross', () => {
    expect(
      problems(`      - { kind: hi, limit: 9, priority: 2 }
      - { kind: hi, limit: 9.5, priority: 1 }
      - { kind: hihi, limit: 8, priority: 1 }
`),
    ).toEqual([
      'plant.yaml:18: tags[2].alarms[1].kind: a second hi alarm on Plant/Tank/Level: give each a different name',
      'plant.yaml:19: tags[2].alarms[2].limit: the hihi limit 8 is below the hi limit 9.5',
    ]);
  });
});
