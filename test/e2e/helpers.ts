// What every end-to-end test sets up and tears down: temporary folders, a
// Chromium on a fresh profile, the page's errors, and the wait for the
// renderer's connection to serve mode.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { launchChromium } from '../../scripts/chromium.mjs';
import { SERVE } from '../../scripts/serveProcess.mjs';

/** Fails early, with the fix, when serve mode is not built. */
export function requireBuild(): void {
  if (!existsSync(SERVE)) throw new Error(`${SERVE} is missing: run \`npm run build\` first`);
}

/** Temporary folders made by `fresh`, all removed by `removeAll`. */
export function tempDirs(): { fresh: (prefix: string) => string; removeAll: () => void } {
  const dirs: string[] = [];
  return {
    fresh(prefix) {
      const dir = mkdtempSync(join(tmpdir(), prefix));
      dirs.push(dir);
      return dir;
    },
    removeAll() {
      for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Chromium on the profile folder, and its first page. */
export async function openBrowser(
  profile: string,
  viewport: { width: number; height: number } = { width: 1400, height: 900 },
): Promise<{ context: BrowserContext; page: Page }> {
  const context = await launchChromium(profile, viewport);
  const page = context.pages()[0] ?? (await context.newPage());
  return { context, page };
}

/** Page errors and console errors go to `errors`, but for the console messages `staged` accepts. */
export function collectErrors(page: Page, errors: string[], staged: (text: string) => boolean = () => false): void {
  page.on('pageerror', (error) => errors.push(`pageerror: ${error.message}`));
  page.on('console', (message) => {
    if (message.type() === 'error' && !staged(message.text())) errors.push(`console: ${message.text()}`);
  });
}

/** Until the renderer says it is connected. */
export async function waitConnected(page: Page, timeout = 15_000): Promise<void> {
  await page.locator('[data-testid="connection-state"][data-state="connected"]').waitFor({ timeout });
}
