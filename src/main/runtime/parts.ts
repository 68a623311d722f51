// What the contract's handlers (api.ts) and event sources (eventSources.ts)
// need of the runtime: its parts. Declared here, below all three, so that
// neither of them imports runtime.ts, the composition root that imports them.
import type { DeviceInfo, SimulatorFaultKind, SimulatorStatus } from '../../shared/types';
import type { AlarmEngine } from './alarms/alarmEngine';
import type { AlarmJournal } from './alarms/journal';
import type { Driver } from './drivers/driver';
import type { Historian } from './historian/historian';
import type { TrendViews } from './project/trendViews';
import type { Security } from './security/security';
import type { TagEngine } from './tags/engine';
import type { Uplink } from './uplink/uplink';
import type { Writer } from './writer/writer';

export interface RuntimeParts {
  readonly engine: TagEngine;
  readonly drivers: ReadonlyMap<string, Driver>;
  readonly historian: Historian | null;
  readonly trendViews: TrendViews;
  readonly alarms: AlarmEngine;
  readonly alarmJournal: AlarmJournal | null;
  readonly uplink: Uplink | null;
  readonly security: Security;
  /** The one way to write (the contract's writes, the uplink's DCMD, loops). */
  readonly writer: Writer;
  /** Every device's status, with its NE107 status. */
  devices(): DeviceInfo[];
}

/** What the runtime may ask of a simulated plant, when one runs beside it. */
export interface SimulatorControl {
  setFault(kind: SimulatorFaultKind, signal: string | undefined, active: boolean): void;
  status(): SimulatorStatus;
}
