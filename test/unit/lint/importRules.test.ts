// The import directions of DESIGN.md are lint rules: check that each one
// really fails the lint when broken, and passes when kept.
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

const eslint = new ESLint({ cwd: process.cwd() });

async function restricted(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath });
  return result!.messages.filter((m) => m.ruleId?.startsWith('no-restricted')).map((m) => m.message);
}

describe('import directions', () => {
  it('lets only the shell import electron', async () => {
    const code = "import { app } from 'electron';\nexport const x = app;\n";
    expect(await restricted('src/main/runtime/runtime.ts', code)).toHaveLength(1);
    expect(await restricted('src/renderer/src/App.tsx', code)).toHaveLength(1);
    expect(await restricted('src/main/transport/ipc.ts', code)).toEqual([]);
    expect(await restricted('src/preload/index.ts', code)).toEqual([]);
    expect(await restricted('src/main/index.ts', code)).toEqual([]);
  });

  it('keeps Node and the DOM out of src/shared', async () => {
    expect(await restricted('src/shared/x.ts', "import { readFileSync } from 'node:fs';\nexport const r = readFileSync;\n")).toHaveLength(1);
    expect(await restricted('src/shared/x.ts', "import { join } from 'path';\nexport const j = join;\n")).toHaveLength(1);
    expect(await restricted('src/shared/x.ts', 'export const w = window.location;\n')).toHaveLength(1);
    expect(await restricted('src/shared/x.ts', "import { Runtime } from '../main/runtime/runtime';\nexport type R = Runtime;\n")).toHaveLength(1);
    expect(await restricted('src/shared/x.ts', "import { z } from 'zod';\nexport const s = z.string();\n")).toEqual([]);
  });

  it('keeps drivers away from the historian, alarms, uplink, transports and the runtime root', async () => {
    for (const target of ['../../historian/store', '../../alarms/engine', '../../uplink/edgeNode', '../../../transport/http', '../../runtime']) {
      const code = `import { x } from '${target}';\nexport const y = x;\n`;
      expect(await restricted('src/main/runtime/drivers/modbus/modbusDriver.ts', code), target).toHaveLength(1);
    }
    expect(await restricted('src/main/runtime/drivers/modbus/modbusDriver.ts', "import { qualityOf } from '../../tags/plausibility';\nexport const q = qualityOf;\n")).toEqual([]);
  });

  it('keeps Node and the main process out of the renderer', async () => {
    expect(await restricted('src/renderer/src/x.ts', "import { readFile } from 'node:fs/promises';\nexport const r = readFile;\n")).toHaveLength(1);
    expect(await restricted('src/renderer/src/x.ts', "import { Runtime } from '../../main/runtime/runtime';\nexport type R = Runtime;\n")).toHaveLength(1);
  });
});

async function cycles(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath });
  return result!.messages.filter((m) => m.ruleId?.startsWith('layering/')).map((m) => m.message);
}

describe('import cycles (scripts/lint/noImportCycles.mjs)', () => {
  it('fails an import that closes a cycle of modules, a type-only one too', async () => {
    // runtime.ts imports api.ts: api.ts may not import runtime.ts back, not even a type.
    for (const code of [
      "import type { Runtime } from './runtime';\nexport type R = Runtime;\n",
      "import { type Runtime } from './runtime';\nexport type R = Runtime;\n",
      "export type { Runtime } from './runtime';\n",
      "export type R = import('./runtime').Runtime;\n",
    ]) {
      const found = await cycles('src/main/runtime/api.ts', code);
      expect(found, code).toHaveLength(1);
      expect(found[0]).toContain('src/main/runtime/api.ts → src/main/runtime/runtime.ts → src/main/runtime/api.ts');
    }
    expect(await cycles('src/shared/types.ts', "import type { AlarmInfo } from './alarms';\nexport type A = AlarmInfo;\n")).toHaveLength(1);
    expect(await cycles('src/main/runtime/api.ts', "import type { RuntimeParts } from './parts';\nexport type R = RuntimeParts;\n")).toEqual([]);
  });

  it('fails a cycle between two of the runtime’s folders, even through different files', async () => {
    // project/schema.ts builds on drivers/*/config.ts: no file of drivers/ may import project/.
    const found = await cycles('src/main/runtime/drivers/index.ts', "import type { DeviceConfig } from '../project/schema';\nexport type D = DeviceConfig;\n");
    expect(found).toHaveLength(1);
    expect(found[0]).toContain('folder cycle: src/main/runtime/drivers → src/main/runtime/project → src/main/runtime/drivers');
    expect(await cycles('src/main/runtime/drivers/index.ts', "import type { Backoff } from '../net/backoff';\nexport type B = Backoff;\n")).toEqual([]);
  });
});
