export type Severity = 'HIGH' | 'MEDIUM' | 'LOW' | 'INFORMATIONAL';

export interface Finding {
  readonly check: string;
  readonly severity: Severity;
  readonly confidence: string;
  /** Relative to the project root, with '/' ('N/A' for project-wide findings). */
  readonly file: string;
  readonly line: number;
  readonly column: number;
  readonly manualReview: boolean;
  readonly description: string;
  readonly sample: string;
  /** For CSP findings: what the CSP evaluator holds against the policy. */
  readonly notes?: string[];
}

export interface ScanError {
  readonly file: string;
  readonly message: string;
  /** True when the scanner could not read the file at all. */
  readonly fatal: boolean;
}

export interface ScanResult {
  readonly version: string;
  readonly checks: number;
  readonly findings: Finding[];
  readonly errors: ScanError[];
  readonly ms: number;
}

export interface AllowEntry {
  readonly check: string;
  readonly file: string;
  readonly reason: string;
}

export interface JudgedFinding extends Finding {
  readonly verdict: 'blocking' | 'allowed' | 'reported';
  readonly reason?: string;
}

export interface Verdict {
  readonly findings: JudgedFinding[];
  readonly stale: AllowEntry[];
  readonly fatalErrors: ScanError[];
  readonly passed: boolean;
}

export declare const ROOT: string;
export declare const ALLOW_LIST: string;
export declare const SEVERITIES: readonly Severity[];
export declare const EXCLUDED_CHECKS: Readonly<Record<string, string>>;
export declare function scan(options?: { root?: string; paths?: string[] }): Promise<ScanResult>;
export declare function parseAllowList(text: string, source?: string): AllowEntry[];
export declare function loadAllowList(file?: string): AllowEntry[];
export declare function judge(result: Pick<ScanResult, 'findings' | 'errors'>, allowList: readonly AllowEntry[]): Verdict;
export declare function format(result: ScanResult, verdict: Verdict): string;
