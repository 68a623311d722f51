// One entry for every transport: checks the method name, parses the request
// with its schema, calls the handler and returns the outcome as a value.
// Nothing a client sends can crash the runtime from here.
import { hostname, userInfo } from 'node:os';
import {
  ContractFailure,
  type Caller,
  describeSchemaError,
  isMethodName,
  quoteName,
  methods,
  type Handlers,
  type MethodName,
  type Result,
} from '../../shared/contract';

export type Dispatch = (method: unknown, body: unknown, caller?: Caller) => Promise<Result<unknown>>;

/** Whoever is logged in to this machine: the caller of the desktop app and of local scripts. */
export function localCaller(): Caller {
  let user = 'local';
  try {
    user = userInfo().username || user;
  } catch {
    // No passwd entry (a container): keep 'local'.
  }
  return { user, workstation: hostname(), role: null, token: null, local: true };
}

/** Throws a ContractFailure (401/403) unless the caller may call the method; runs before the request is even parsed. */
export type Authorize = (method: MethodName, caller: Caller) => void;

export function createDispatch(handlers: Handlers, authorize: Authorize = () => undefined, log: (message: string) => void = console.error): Dispatch {
  const local = localCaller();
  return async (method, body, caller = local) => {
    if (!isMethodName(method)) {
      return { ok: false, error: { kind: 'unknown_method', message: `no method ${quoteName(method)}` } };
    }
    // Who may ask comes first: a client that may not call a method learns nothing about its request either.
    try {
      authorize(method, caller);
    } catch (error) {
      if (error instanceof ContractFailure) return { ok: false, error: error.toError() };
      throw error;
    }
    const parsed = methods[method].request.safeParse(body ?? {});
    if (!parsed.success) {
      return { ok: false, error: { kind: 'invalid_request', message: `${method}: ${describeSchemaError(parsed.error)}` } };
    }
    try {
      const handler = handlers[method] as (request: unknown, caller: Caller) => unknown;
      return { ok: true, value: await handler(parsed.data, caller) };
    } catch (error) {
      if (error instanceof ContractFailure) return { ok: false, error: error.toError() };
      log(`${method} failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
      return { ok: false, error: { kind: 'internal', message: `${method} failed inside the runtime` } };
    }
  };
}

/** The dispatch of a runtime: its handlers, behind its own permission check. */
export function dispatchFor(runtime: { readonly handlers: Handlers; authorize: Authorize }): Dispatch {
  return createDispatch(runtime.handlers, (method, caller) => runtime.authorize(method, caller));
}
