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
