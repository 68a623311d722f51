import type { ChildProcess } from 'node:child_process';

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
export declare function callApi<T = unknown>(baseUrl: string, method: string, body: unknown): Promise<T>;
