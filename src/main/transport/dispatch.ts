// One entry for every transport: checks the method name, parses the request
// with its schema, calls the handler and returns the outcome as a value.
// Nothing a client sends can crash the runtime from here.
import {
  ContractFailure,
  describeSchemaError,
  isMethodName,
  methods,
  type Handlers,
  type Result,
} from '../../shared/contract';

export type Dispatch = (method: unknown, body: unknown) => Promise<Result<unknown>>;

export function createDispatch(handlers: Handlers, log: (message: string) => void = console.error): Dispatch {
  return async (method, body) => {
    if (!isMethodName(method)) {
      return { ok: false, error: { kind: 'unknown_method', message: `no method "${String(method).slice(0, 100)}"` } };
    }
    const parsed = methods[method].request.safeParse(body ?? {});
    if (!parsed.success) {
      return { ok: false, error: { kind: 'invalid_request', message: `${method}: ${describeSchemaError(parsed.error)}` } };
    }
    try {
      const handler = handlers[method] as (request: unknown) => unknown;
      return { ok: true, value: await handler(parsed.data) };
    } catch (error) {
      if (error instanceof ContractFailure) return { ok: false, error: error.toError() };
      log(`${method} failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
      return { ok: false, error: { kind: 'internal', message: `${method} failed inside the runtime` } };
    }
  };
}
