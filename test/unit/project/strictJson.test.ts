// A `.json` project file is strict JSON: what YAML would forgive (a trailing
// comma, a comment, single quotes) is an error with its line. YAML files keep
// YAML, JSON-looking ones included.
import { describe, expect, it } from 'vitest';
import { parseProject, ProjectError } from '../../../src/main/runtime/project/load';

function refusal(text: string, file: string): string[] {
  try {
    parseProject(text, file);
  } catch (error) {
    expect(error).toBeInstanceOf(ProjectError);
    return (error as ProjectError).message.split('\n');
  }
  throw new Error(`${file} was accepted`);
}

const TRAILING_COMMA = `{
  "name": "Trailing",
  "devices": [{ "name": "plc", "driver": "modbus-tcp", "host": "127.0.0.1" }],
  "tags": [
    { "path": "A/B", "device": "plc", "address": "HR:1" },
  ]
}
`;

describe('project file: strict JSON', () => {
  it('refuses a trailing comma in a .json file, naming its line', () => {
    expect(refusal(TRAILING_COMMA, 'plant.json')).toEqual(['plant.json:5: a trailing comma before "]" (JSON allows none; a .json project is strict JSON)']);
    expect(refusal('{ "name": "x", }', 'plant.JSON')).toEqual(['plant.JSON:1: a trailing comma before "}" (JSON allows none; a .json project is strict JSON)']);
  });

  it('refuses comments in a .json file', () => {
    const slashes = '{\n  "name": "x",\n  // the devices\n  "devices": []\n}\n';
    expect(refusal(slashes, 'p.json')).toEqual(['p.json:3: a comment: JSON has no comments (a .json project is strict JSON; YAML files take comments)']);
    const hash = '{\n  "name": "x", # a YAML comment\n  "devices": []\n}\n';
    expect(refusal(hash, 'p.json')).toEqual(['p.json:2: a comment: JSON has no comments (a .json project is strict JSON; YAML files take comments)']);
  });

  it('refuses what only YAML reads, with the line', () => {
    expect(refusal("{\n  'name': 'x'\n}\n", 'p.json')[0]).toMatch(/^p\.json:2: /);
    expect(refusal('{\n  "name": x\n}\n', 'p.json')[0]).toMatch(/^p\.json:2: /);
  });

  it('names the second of two equal keys', () => {
    expect(refusal('{\n  "name": "a",\n  "name": "b"\n}\n', 'p.json')).toEqual(['p.json:3: the key "name" is given twice in one object: map keys must be unique']);
  });

  it('keeps YAML for a YAML file, JSON-looking or not', () => {
    expect(parseProject(TRAILING_COMMA, 'plant.yaml').tags).toHaveLength(1);
    expect(parseProject(TRAILING_COMMA.replace('"tags"', '# the tags\n  "tags"'), 'plant.yml').tags).toHaveLength(1);
  });

  it('still loads strict JSON', () => {
    expect(parseProject(TRAILING_COMMA.replace('},\n  ]', '}\n  ]'), 'plant.json').tags[0]).toMatchObject({ path: 'A/B', dataType: 'uint16' });
  });
});
