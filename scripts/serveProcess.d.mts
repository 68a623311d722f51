import type { ChildProcess } from 'node:child_process';
import type { Page } from 'playwright-core';

export declare const ROOT: string;
export declare const SERVE: string;
export declare const DEMO_PROJECT: string;
export declare function freePort(): Promise<number>;
export declare function demoProjectOnFreePort(dir: string): Promise<string>;
export interface ServeProcess {
  readonly child: ChildProcess;
  /** The base URL (no trailing slash), once the ready line is printed. */
  readonly url: Promise<string>;
  log(): string;
  stop(): Promise<void>;
}
export declare function startServe(args: string[]): ServeProcess;
export declare function callApi<T = unknown>(baseUrl: string, method: string, body: unknown, token?: string): Promise<T>;
export declare const TEST_ADMIN: { readonly user: string; readonly password: string };
export declare function adminToken(baseUrl: string): Promise<string>;
export type TestRole = 'viewer' | 'operator' | 'engineer' | 'administrator';
export interface TestUser {
  readonly user: string;
  readonly role: TestRole;
  /** Bearer token of the user's session, for callApi. */
  readonly token: string;
}
export declare function createUser(baseUrl: string, name: string, role: TestRole, password: string): Promise<TestUser>;
export declare function loginPage(
  page: Page,
  baseUrl: string,
  user: string,
  password: string,
): Promise<{ token: string; role: TestRole; expiresAt: number }>;
