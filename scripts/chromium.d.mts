import type { BrowserContext, Page } from 'playwright-core';

export declare const CHROMIUM: string;
export declare function launchChromium(profileDir: string, viewport: { width: number; height: number }): Promise<BrowserContext>;
export declare function saveScreenshot(page: Page, file: string): Promise<void>;
