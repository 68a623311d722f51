// The contract's handlers. Requests arrive already parsed by their schemas
// (the transports do that); these functions check what only the runtime can:
// that a tag exists, is writable, and that the value fits it.
import { ContractFailure, type Caller, type Handlers } from '../../shared/contract';
import { browseChildren, isUnder } from '../../shared/tagPath';
import { DISABLED_UPLINK } from '../../shared/uplink';
import { isBudgetError } from './budget/limits';
import { AddressError, DeviceError } from './drivers/driver';
import type { RuntimeParts, SimulatorControl } from './parts';
import { writeLimitsOf } from './writer/plan';

/** How long a browse may wait for a device. */
const BROWSE_TIMEOUT_MS = 10_000;
import type { Historian } from './historian/historian';
import type { AlarmJournal } from './alarms/journal';
import { filterAlarms } from './alarms/alarmFilter';
import { guardHandlers } from './security/guard';
import { securityHandlers } from './security/handlers';
import { RUNTIME_CALLER } from './security/security';

/** The handlers, each behind the permission its method declares (see security/guard.ts). */
export function createHandlers(runtime: RuntimeParts, simulator: SimulatorControl | undefined): Handlers {
  return guardHandlers({ ...plantHandlers(runtime, simulator), ...securityHandlers(runtime.security) }, runtime.security);
}

/** The handlers of everything but logins, users and the audit trail; `caller` is already resolved and authorised. */
function plantHandlers(runtime: RuntimeParts, simulator: SimulatorControl | undefined): Omit<Handlers, keyof ReturnType<typeof securityHandlers>> {
  const { engine, security } = runtime;
  /** A change on the audit trail, by the caller the guard resolved. */
  const audit = (caller: Caller | undefined, action: string, target: string, oldValue: unknown, newValue: unknown, comment: string | null = null) =>
    security.audit(caller ?? RUNTIME_CALLER, action, target, stringOf(oldValue), stringOf(newValue), comment);

  const requireHistorian = (): Historian => {
    if (!runtime.historian) throw new ContractFailure('unavailable', 'history is off for this project');
    return runtime.historian;
  };

  const requireJournal = (): AlarmJournal => {
    if (!runtime.alarmJournal) throw new ContractFailure('unavailable', 'the alarm journal is off for this project');
    return runtime.alarmJournal;
  };

  /** Journal reads (in the journal's worker) fail as a whole when the file is away; the reason is the journal's own. */
  const fromJournal = async <T>(read: (journal: AlarmJournal) => Promise<T>): Promise<T> => {
    const journal = requireJournal();
    try {
      return await read(journal);
    } catch (error) {
      throw failureOf(error);
    }
  };

  const requireSimulator = (): SimulatorControl => {
    if (!simulator) throw new ContractFailure('unavailable', 'no simulated plant runs with this project');
    return simulator;
  };

  return {
    'tags.list': ({ folder, search }) => {
      const needle = search?.toLowerCase() ?? '';
      const out = [];
      for (const tag of engine.live()) {
        if (folder && !isUnder(tag.def.path, folder)) continue;
        if (needle && !tag.def.path.toLowerCase().includes(needle)) continue;
        out.push({ ...engine.info(tag), writeLimits: tag.def.writable ? writeLimitsOf(tag.def) : null, ne107: runtime.alarms.tagNe107(tag) });
      }
      return out;
    },

    'tags.browse': ({ folder }) => {
      const children = browseChildren(engine.paths(), folder);
      if (folder !== '' && children.length === 0) {
        throw new ContractFailure('not_found', `no folder "${folder}"`);
      }
      return children;
    },

    // The one way to write (writer/): permission, limits, EU → raw, the driver, read-back, the audit entry.
    'tags.write': ({ path, value }, caller) => runtime.writer.write(callerOf(caller), path, value),

    'devices.list': () => runtime.devices(),

    'devices.browse': async ({ device, node, continuation }) => {
      const driver = runtime.drivers.get(device);
      if (!driver) throw new ContractFailure('not_found', `no device "${device}"`);
      if (!driver.browse) throw new ContractFailure('invalid_request', `${device} cannot be browsed: its protocol has no address space to list (type its addresses in)`);
      // A device that does not answer must not hold the request for ever.
      const signal = AbortSignal.timeout(BROWSE_TIMEOUT_MS);
      try {
        return await driver.browse(node, { signal, continuation });
      } catch (error) {
        if (error instanceof AddressError) throw new ContractFailure('not_found', `${device}: ${error.message}`);
        if (error instanceof DeviceError) throw new ContractFailure('device_error', `${device}: ${error.message}`, error.code);
        if (signal.aborted) throw new ContractFailure('unavailable', `${device} did not answer the browse within ${BROWSE_TIMEOUT_MS / 1000} s`);
        throw error;
      }
    },

    'history.query': async ({ paths, ...request }) => {
      const historian = requireHistorian();
      for (const path of paths) {
        if (!historian.records(path)) throw new ContractFailure('not_found', `no history for "${path}"`);
      }
      try {
        return await historian.query(paths, request);
      } catch (error) {
        throw failureOf(error);
      }
    },

    'history.status': () => requireHistorian().status(),

    'history.stats': async ({ paths, from, to }) => {
      const historian = requireHistorian();
      for (const path of paths) {
        if (!historian.records(path)) throw new ContractFailure('not_found', `no history for "${path}"`);
      }
      try {
        return await historian.stats(paths, from, to);
      } catch (error) {
        throw failureOf(error);
      }
    },

    'trends.list': () => runtime.trendViews.list(),
    'trends.save': async ({ view }, caller) => {
      const views = runtime.trendViews.save(view);
      await audit(caller, 'project.trends.save', view.name, null, view);
      return views;
    },
    'trends.delete': async ({ name }, caller) => {
      const views = runtime.trendViews.delete(name);
      await audit(caller, 'project.trends.delete', name, null, null);
      return views;
    },

    'alarms.list': ({ filter }) => ({
      alarms: filterAlarms(runtime.alarms.list(), filter),
      counts: runtime.alarms.counts(),
      journal: runtime.alarms.journalStatus(),
    }),
    // Operator actions are answered once their journal entries and audit entries are committed.
    'alarms.ack': async ({ ids, comment }, caller) => {
      const acknowledged = runtime.alarms.ack(ids, callerOf(caller), comment ?? null);
      await runtime.alarms.committed();
      if (acknowledged.length > 0) await audit(caller, 'alarms.ack', listOf(acknowledged), null, null, comment ?? null);
      return { acknowledged };
    },
    'alarms.shelve': async ({ id, durationMs, reason }, caller) => {
      const alarm = runtime.alarms.shelve(id, durationMs, reason, callerOf(caller));
      await runtime.alarms.committed();
      await audit(caller, 'alarms.shelve', id, null, { until: alarm.shelvedUntil }, reason);
      return alarm;
    },
    'alarms.unshelve': async ({ id, comment }, caller) => {
      const alarm = runtime.alarms.unshelve(id, callerOf(caller), comment ?? null);
      await runtime.alarms.committed();
      await audit(caller, 'alarms.unshelve', id, null, null, comment ?? null);
      return alarm;
    },
    'alarms.setOutOfService': async ({ id, outOfService, reason }, caller) => {
      const before = runtime.alarms.find(id)?.outOfService;
      const alarm = runtime.alarms.setOutOfService(id, outOfService, reason, callerOf(caller));
      await runtime.alarms.committed();
      await audit(caller, 'alarms.setOutOfService', id, before, outOfService, reason);
      return alarm;
    },
    'alarms.journal': ({ from, to, filter, limit }) => fromJournal((journal) => journal.query({ from, to, limit, ...filter })),
    'alarms.kpis': ({ from, to }) => fromJournal((journal) => journal.kpis(from, to)),

    'uplink.status': () => runtime.uplink?.status() ?? DISABLED_UPLINK,

    'simulator.status': () => requireSimulator().status(),

    'simulator.setFault': async ({ kind, signal, active }, caller) => {
      const sim = requireSimulator();
      try {
        sim.setFault(kind, signal, active);
      } catch (error) {
        throw new ContractFailure('invalid_request', (error as Error).message);
      }
      await audit(caller, 'simulator.setFault', signal === undefined ? kind : `${kind} ${signal}`, null, active);
      return sim.status();
    },
  };
}

/** A read that failed in its worker: past its budget (400, the message names the limit), or the store is not available (503). */
function failureOf(error: unknown): ContractFailure {
  if (isBudgetError(error)) return new ContractFailure('invalid_request', error.message);
  return new ContractFailure('unavailable', (error as Error).message);
}

/** Calls from inside the process (tests, scripts) have no transport to name them. */
function callerOf(caller: Caller | undefined): Caller {
  return caller ?? RUNTIME_CALLER;
}

/** A value as the audit trail keeps it: JSON, bounded. */
function stringOf(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  return text.length > 2000 ? `${text.slice(0, 2000)}…` : text;
}

function listOf(ids: readonly string[]): string {
  return ids.length <= 5 ? ids.join(', ') : `${ids.slice(0, 5).join(', ')} and ${ids.length - 5} more`;
}
