// The contract between the runtime and every client: each method the UI may
// call and each event stream it may subscribe to, declared once.
//
// Both transports (Electron IPC and HTTP/WebSocket) derive their bindings
// from `methods` and `events`, and the client is derived from the same
// tables by a mapped type, so a method cannot exist on one side only.
// Every request is parsed by its schema before the runtime sees it.
import { z } from 'zod';
import {
  ALARM_PRIORITIES,
  ALARM_STATES,
  JOURNAL_EVENTS,
  MAX_SHELVE_MS,
  type AlarmInfo,
  type AlarmKpis,
  type AlarmsChanged,
  type JournalEntry,
  type JournalStatus,
} from './alarms';
import { queryPointsProblem } from './budget';
import type { EventName, MethodName } from './names';
import { ROLES, type AuditEntry, type Role, type AuditVerification, type MethodPermission, type SessionInfo, type UserInfo } from './security';
import type {
  BrowseNode,
  DeviceBrowsePage,
  DeviceInfo,
  HistorianStatus,
  HistoryResult,
  HistoryStats,
  SimulatorStatus,
  TagChange,
  TagInfo,
  TagScalar,
} from './types';
import type { UplinkStatus } from './uplink';
import type { ReadBackState, WriteOutcome } from './write';

const MAX_PATH = 1024;

export const tagPathSchema = z
  .string()
  .min(1, 'a tag path is empty')
  .max(MAX_PATH, `a tag path is longer than ${MAX_PATH} characters`);

/** A folder prefix; '' is the root. */
const folderSchema = z.string().max(MAX_PATH);

/** Text values (S7 and ADS strings, OPC UA strings) are bounded: no PLC string is longer. */
export const MAX_TEXT_VALUE = 4096;

const tagScalarSchema = z.union([
  z.number().refine(Number.isFinite, 'value must be a finite number'),
  z.boolean(),
  z.string().max(MAX_TEXT_VALUE, `a text value is at most ${MAX_TEXT_VALUE} characters`),
]);

/**
 * One declared method: the permission it needs (checked by the runtime on
 * every transport), its request schema and (for the type system only) its
 * response.
 */
interface MethodSpec<Req extends z.ZodType, Res> {
  readonly permission: MethodPermission;
  readonly request: Req;
  readonly response?: Res;
}

function method<Res>(permission: MethodPermission) {
  return <Req extends z.ZodType>(request: Req): MethodSpec<Req, Res> => ({ permission, request });
}

/**
 * One declared event stream, like a method: the permission a subscriber
 * needs (checked by the runtime at every subscription, on every transport),
 * its params schema and (for the type system only) its payload.
 */
interface EventSpec<Params extends z.ZodType, Payload> {
  readonly permission: MethodPermission;
  readonly params: Params;
  readonly payload?: Payload;
}

function event<Payload>(permission: MethodPermission) {
  return <Params extends z.ZodType>(params: Params): EventSpec<Params, Payload> => ({ permission, params });
}

/** The answer to a write the device confirmed (see src/shared/write.ts for its wording). */
export interface WriteResult extends WriteOutcome {
  readonly path: string;
  /** The raw value sent to the device (counts, register value), for the operator's confirmation. */
  readonly written: TagScalar;
  /** Round trip to the device, ms (the write and its read-back). */
  readonly durationMs: number;
  /** What was asked, in engineering units. */
  readonly requested: TagScalar;
  /** What was sent, in engineering units: the request, or the request rounded to the tag's step (`writeRounding: round`). */
  readonly sent: TagScalar;
  /** What the device holds after the write, read back, in engineering units; null when it was not read back (see `readBack`). */
  readonly held: TagScalar | null;
  readonly readBack: ReadBackState;
  /** Why there is no read-back (`unsupported`, `failed`); null when there is one. */
  readonly readBackProblem: string | null;
  /** The device's value (read back, or else what was sent) is not what was asked: a clamping device, or a rounded value. */
  readonly differs: boolean;
}

export const AGGREGATES = ['avg', 'min', 'max', 'twa', 'count', 'first', 'last'] as const;
export type Aggregate = (typeof AGGREGATES)[number];

/** Times are ms since the epoch; a year and a bit either side of now is the sane range. */
const timeSchema = z.number().int('times are whole milliseconds').min(0).max(8.64e15);

export const historyQuerySchema = z
  .strictObject({
    paths: z.array(tagPathSchema).min(1, 'name at least one tag').max(32, 'at most 32 tags per query'),
    from: timeSchema,
    to: timeSchema,
    /** Raw samples up to this many per tag, otherwise M4 over maxPoints/4 columns. */
    maxPoints: z.number().int().min(4).max(1_000_000).optional(),
    aggregate: z.enum(AGGREGATES).optional(),
    /** With `aggregate`: the interval of each value. */
    intervalMs: z.number().int().min(1).optional(),
  })
  .refine((q) => q.to > q.from, { message: 'to must be after from', path: ['to'] })
  .refine((q) => q.aggregate === undefined || q.intervalMs !== undefined, {
    message: 'an aggregate needs intervalMs',
    path: ['intervalMs'],
  })
  // The budget of the whole request (budget.ts), before any work: paths × points.
  .superRefine((q, context) => {
    const problem = queryPointsProblem(q);
    if (problem !== null) context.addIssue({ code: 'custom', message: problem, path: [q.aggregate !== undefined ? 'intervalMs' : 'maxPoints'] });
  });

const penSchema = z.strictObject({
  path: tagPathSchema,
  color: z.string().regex(/^#[0-9a-fA-F]{6}$/, 'a colour is #rrggbb').optional(),
  /** Fixed axis limits; absent: the axis follows the data. */
  min: z.number().refine(Number.isFinite).optional(),
  max: z.number().refine(Number.isFinite).optional(),
});

export const trendViewSchema = z.strictObject({
  name: z.string().min(1).max(100),
  pens: z.array(penSchema).min(1).max(16),
  /** Live: the last spanMs, scrolling; history: a fixed range. */
  range: z.discriminatedUnion('mode', [
    z.strictObject({ mode: z.literal('live'), spanMs: z.number().int().min(1000).max(400 * 86_400_000) }),
    z.strictObject({ mode: z.literal('history'), from: timeSchema, to: timeSchema }),
  ]),
});

export type TrendView = z.output<typeof trendViewSchema>;

const alarmIdSchema = z.string().min(1, 'an alarm id is empty').max(MAX_PATH + 64, 'an alarm id is too long');
const commentSchema = z.string().max(1000, 'a comment is longer than 1000 characters');
const reasonSchema = z.string().trim().min(1, 'give a reason').max(1000, 'a reason is longer than 1000 characters');

export const alarmFilterSchema = z.strictObject({
  /** Only alarms of tags under this folder. */
  area: folderSchema.optional(),
  priorities: z.array(z.literal(ALARM_PRIORITIES)).max(ALARM_PRIORITIES.length).optional(),
  states: z.array(z.enum(ALARM_STATES)).max(ALARM_STATES.length).optional(),
  /** Case-insensitive substring of the path or message. */
  search: z.string().max(MAX_PATH).optional(),
  /**
   * active: the operator's list (not normal, not shelved, suppressed or out
   * of service); hidden: shelved, suppressed or out of service; all: every
   * configured alarm.
   */
  show: z.enum(['active', 'hidden', 'all']).default('active'),
});

export const journalFilterSchema = z.strictObject({
  /** Case-insensitive substring of the path, message, user or comment. */
  search: z.string().max(MAX_PATH).optional(),
  alarmId: alarmIdSchema.optional(),
  area: folderSchema.optional(),
  events: z.array(z.enum(JOURNAL_EVENTS)).max(JOURNAL_EVENTS.length).optional(),
});

const userNameSchema = z.string().regex(/^[A-Za-z0-9_.@-]{1,64}$/, 'a user name is 1..64 letters, digits, _ . @ or -');
const passwordSchema = z.string().min(1, 'the password is empty').max(1024, 'a password is at most 1024 characters');
const newPasswordSchema = passwordSchema.min(8, 'a password has at least 8 characters');

/** KPIs count 10-minute buckets: a bit over a year is 55,000 of them. */
const MAX_KPI_RANGE_MS = 400 * 86_400_000;

const timeRangeSchema = z
  .strictObject({ from: timeSchema, to: timeSchema })
  .refine((q) => q.to > q.from, { message: 'to must be after from', path: ['to'] });

export const methods = {
  'tags.list': method<TagInfo[]>('read')(
    z.strictObject({
      /** Only tags under this folder ('' or absent: all). */
      folder: folderSchema.optional(),
      /** Case-insensitive substring of the path. */
      search: z.string().max(MAX_PATH).optional(),
    }),
  ),
  'tags.browse': method<BrowseNode[]>('read')(z.strictObject({ folder: folderSchema })),
  'tags.write': method<WriteResult>('tags.write')(
    z.strictObject({ path: tagPathSchema, value: tagScalarSchema }),
  ),
  'devices.list': method<DeviceInfo[]>('read')(z.strictObject({})),
  /** One page of a device's own address space (OPC UA nodes, Sparkplug births …); `node` is a child's address, absent for the root. */
  'devices.browse': method<DeviceBrowsePage>('read')(
    z.strictObject({
      device: z.string().min(1).max(256),
      node: z.string().min(1).max(MAX_PATH * 4).optional(),
      continuation: z.string().min(1).max(4096).optional(),
    }),
  ),
  'history.query': method<HistoryResult>('read')(historyQuerySchema),
  'history.status': method<HistorianStatus>('read')(z.strictObject({})),
  /** Statistics of each tag over a range: min, max, averages, time in Bad quality. */
  'history.stats': method<{ stats: HistoryStats[] }>('read')(
    z
      .strictObject({ paths: historyQuerySchema.shape.paths, from: timeSchema, to: timeSchema })
      .refine((q) => q.to > q.from, { message: 'to must be after from', path: ['to'] }),
  ),
  'trends.list': method<TrendView[]>('read')(z.strictObject({})),
  'trends.save': method<TrendView[]>('project.edit')(z.strictObject({ view: trendViewSchema })),
  'trends.delete': method<TrendView[]>('project.edit')(z.strictObject({ name: z.string().min(1).max(100) })),
  /** Alarms sorted by priority, then newest first. */
  'alarms.list': method<{ alarms: AlarmInfo[]; counts: AlarmsChanged['counts']; journal: JournalStatus }>('read')(
    z.strictObject({ filter: alarmFilterSchema.default({ show: 'active' }) }),
  ),
  /** Acknowledges each alarm that waits for it; returns the ids whose state changed. */
  'alarms.ack': method<{ acknowledged: string[] }>('alarms.ack')(
    z.strictObject({
      ids: z.array(alarmIdSchema).min(1, 'name at least one alarm').max(100_000, 'at most 100,000 alarms at once'),
      comment: commentSchema.optional(),
    }),
  ),
  'alarms.shelve': method<AlarmInfo>('alarms.shelve')(
    z.strictObject({
      id: alarmIdSchema,
      durationMs: z
        .number()
        .int('durationMs is whole milliseconds')
        .positive('durationMs must be positive')
        .max(MAX_SHELVE_MS, `an alarm is shelved for at most ${MAX_SHELVE_MS / 86_400_000} days`),
      reason: reasonSchema,
    }),
  ),
  'alarms.unshelve': method<AlarmInfo>('alarms.shelve')(z.strictObject({ id: alarmIdSchema, comment: commentSchema.optional() })),
  'alarms.setOutOfService': method<AlarmInfo>('alarms.outOfService')(
    z.strictObject({ id: alarmIdSchema, outOfService: z.boolean(), reason: reasonSchema }),
  ),
  /** Journal entries in the range, newest first, at most `limit`. */
  'alarms.journal': method<{ entries: JournalEntry[]; truncated: boolean }>('read')(
    z
      .strictObject({
        from: timeSchema,
        to: timeSchema,
        filter: journalFilterSchema.default({}),
        limit: z.number().int().min(1).max(100_000).default(10_000),
      })
      .refine((q) => q.to > q.from, { message: 'to must be after from', path: ['to'] }),
  ),
  'alarms.kpis': method<AlarmKpis>('read')(
    timeRangeSchema.refine((q) => q.to - q.from <= MAX_KPI_RANGE_MS, { message: `the KPIs cover at most ${MAX_KPI_RANGE_MS / 86_400_000} days`, path: ['to'] }),
  ),
  /** The MQTT uplink: session, counters, store-and-forward queue. */
  'uplink.status': method<UplinkStatus>('read')(z.strictObject({})),
  /** Logs in; serve mode also sets an HTTP-only session cookie. Rate-limited per client and per user. */
  'auth.login': method<{ token: string; role: Role; expiresAt: number }>('public')(
    z.strictObject({ user: userNameSchema, password: passwordSchema }),
  ),
  'auth.logout': method<{ loggedOut: boolean }>('public')(z.strictObject({})),
  /** Who is asking, and what they may do. */
  'auth.session': method<SessionInfo>('public')(z.strictObject({})),
  /** The first start: creates the administrator, only while no user exists. */
  'auth.setup': method<{ token: string; role: Role; expiresAt: number }>('public')(
    z.strictObject({ user: userNameSchema, password: newPasswordSchema }),
  ),
  'users.list': method<UserInfo[]>('users.manage')(z.strictObject({})),
  'users.add': method<UserInfo>('users.manage')(z.strictObject({ user: userNameSchema, role: z.enum(ROLES), password: newPasswordSchema })),
  'users.remove': method<{ removed: string }>('users.manage')(z.strictObject({ user: userNameSchema })),
  'users.setRole': method<UserInfo>('users.manage')(z.strictObject({ user: userNameSchema, role: z.enum(ROLES) })),
  /** An administrator sets anyone's password; anyone logged in changes their own with the old one. */
  'users.passwd': method<{ changed: string }>('public')(
    z.strictObject({ user: userNameSchema, password: newPasswordSchema, oldPassword: passwordSchema.optional() }),
  ),
  /** The audit trail, newest first. */
  'audit.list': method<{ entries: AuditEntry[]; truncated: boolean }>('audit.read')(
    z
      .strictObject({
        from: timeSchema,
        to: timeSchema,
        filter: z
          .strictObject({ user: z.string().max(64).optional(), action: z.string().max(64).optional(), search: z.string().max(MAX_PATH).optional() })
          .default({}),
        limit: z.number().int().min(1).max(100_000).default(10_000),
      })
      .refine((q) => q.to > q.from, { message: 'to must be after from', path: ['to'] }),
  ),
  /** Recomputes the hash chain: where it breaks, if it does. */
  'audit.verify': method<AuditVerification>('audit.read')(z.strictObject({})),
  'simulator.status': method<SimulatorStatus>('read')(z.strictObject({})),
  'simulator.setFault': method<SimulatorStatus>('simulator.control')(
    z.strictObject({
      kind: z.enum(['sensor_stuck', 'out_of_range', 'link_down']),
      signal: z.string().max(128).optional(),
      active: z.boolean(),
    }),
  ),
} as const;

export const events = {
  /** Batched value changes, at most ~20 batches/s, only of the subscribed paths. */
  'tags.changed': event<TagChange[]>('read')(
    z.strictObject({ paths: z.array(tagPathSchema).max(200_000) }),
  ),
  /** Every device's status, whenever one of them changes (at most a few per second). */
  'devices.status': event<DeviceInfo[]>('read')(z.strictObject({})),
  /** Alarms whose state or flags changed, the counts, and changed NE107 statuses; the first batch has every alarm. */
  'alarms.changed': event<AlarmsChanged>('read')(z.strictObject({})),
  /** What `history.status` answers: now, then whenever it changes. Refused (unavailable) when history is off. */
  'history.status': event<HistorianStatus>('read')(z.strictObject({})),
  /** What `uplink.status` answers: now, then on every change of the link and at most once a second for its counters. */
  'uplink.status': event<UplinkStatus>('read')(z.strictObject({})),
  /** What `auth.session` answers for this subscriber: now, then on each login, logout, expiry or role change. */
  'auth.session': event<SessionInfo>('public')(z.strictObject({})),
} as const;

export type Methods = typeof methods;
export type { EventName, MethodName } from './names';
export { EVENT_NAMES, isEventName, isMethodName, METHOD_NAMES, quoteName } from './names';

// The name lists of names.ts and the tables above must agree, both ways.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const methodNamesAgree: Same<keyof typeof methods, MethodName> = true;
const eventNamesAgree: Same<keyof typeof events, EventName> = true;
void methodNamesAgree;
void eventNamesAgree;

export type RequestOf<M extends MethodName> = z.input<Methods[M]['request']>;
export type ParsedRequestOf<M extends MethodName> = z.output<Methods[M]['request']>;
export type ResponseOf<M extends MethodName> = NonNullable<Methods[M]['response']>;
export type ParamsOf<E extends EventName> = z.input<(typeof events)[E]['params']>;
export type ParsedParamsOf<E extends EventName> = z.output<(typeof events)[E]['params']>;
export type PayloadOf<E extends EventName> = NonNullable<(typeof events)[E]['payload']>;

// ---- errors cross the boundary as values ----

export type ErrorKind =
  | 'invalid_request'
  | 'unknown_method'
  | 'not_found'
  | 'not_writable'
  | 'device_error'
  | 'unavailable'
  | 'unauthenticated'
  | 'forbidden'
  | 'rate_limited'
  | 'internal';

export interface ContractError {
  readonly kind: ErrorKind;
  readonly message: string;
  /** The protocol's own code where there is one (a Modbus exception code, …). */
  readonly code?: number;
}

export type Result<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: ContractError };

/** Thrown by handlers; the transports turn it into `{ ok: false, error }`. */
export class ContractFailure extends Error {
  constructor(
    readonly kind: ErrorKind,
    message: string,
    readonly code?: number,
  ) {
    super(message);
    this.name = 'ContractFailure';
  }

  toError(): ContractError {
    return this.code === undefined
      ? { kind: this.kind, message: this.message }
      : { kind: this.kind, message: this.message, code: this.code };
  }
}

/** HTTP status for each error kind, used by serve mode. */
export const httpStatusOf: Record<ErrorKind, number> = {
  invalid_request: 400,
  unknown_method: 404,
  not_found: 404,
  not_writable: 403,
  device_error: 502,
  unavailable: 503,
  unauthenticated: 401,
  forbidden: 403,
  rate_limited: 429,
  internal: 500,
};

/** Turns a zod error into one line that names each offending field. */
export function describeSchemaError(error: z.ZodError): string {
  // Each part is bounded: a hostile request (a megabyte-long key, a path of a thousand levels) must not come back as a megabyte of error.
  return error.issues
    .slice(0, 5)
    .map((issue) => {
      const where = issue.path.length > 0 ? clip(formatPath(issue.path), 200) : 'request';
      return `${where}: ${clip(issue.message, 300)}`;
    })
    .join('; ');
}

function clip(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max)}…` : text;
}

export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`;
    else out += out === '' ? String(part) : `.${String(part)}`;
  }
  return out;
}

/** Who sent a request, as the transport knows it; recorded with every operator action. */
export interface Caller {
  /** The logged-in user; for a caller who has not logged in, a name for the record (`anonymous`). */
  readonly user: string;
  /** The workstation: this machine's name over IPC, the client's address in serve mode. */
  readonly workstation: string;
  /** The role of the session; null: not logged in. */
  readonly role: Role | null;
  /** The session's token (so logout can end it); null: none. */
  readonly token: string | null;
  /** A client on this machine (IPC, or 127.0.0.1): without a login it may look. */
  readonly local: boolean;
}

/** The handler table a runtime implements: one function per method. */
export type Handlers = {
  [M in MethodName]: (request: ParsedRequestOf<M>, caller?: Caller) => Promise<ResponseOf<M>> | ResponseOf<M>;
};

/** The client every UI uses, derived from the same table. */
export type Client = {
  [M in MethodName]: (request: RequestOf<M>) => Promise<ResponseOf<M>>;
};
