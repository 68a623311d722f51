// An alarm as the project file declares it, under its tag:
//
//   alarms:
//     - kind: hi            # hihi, hi, lo, lolo, deviation, roc, digital, quality, ne107
//       limit: 8.5          # deviation: max |PV - SP| with sp: <tag path>; roc: per second
//       priority: 2         # 1 (highest) .. 4, or diagnostic
//       deadband: 0.1
//       onDelayMs: 2000
//       offDelayMs: 1000
//       latch: false
//       message: "Tank level high: {value} {units}"
//       ne107: S            # the NE107 category this alarm reports while active
//
// What needs the whole project (that `sp` names a numeric tag, that a
// digital alarm sits on a bool) is checked in project/validate.ts.
import { z } from 'zod';
import { ALARM_PRIORITIES, TAG_ALARM_KINDS, type AlarmKind } from '../../../shared/alarms';

const finite = z.number().refine(Number.isFinite, 'must be a finite number');
const delayMs = z.number().int('delays are whole milliseconds').min(0).max(86_400_000, 'at most a day');
const category = z.enum(['F', 'C', 'S', 'M']);
const tagPath = z.string().min(1).max(1024);

/** Kinds compared against a limit; deviation and roc limits are magnitudes. */
export const LIMIT_KINDS: ReadonlySet<AlarmKind> = new Set(['hihi', 'hi', 'lo', 'lolo', 'deviation', 'roc']);

export const alarmSchema = z
  .strictObject({
    // System alarms (system, communication) are the runtime's own: a project cannot declare them.
    kind: z.enum(TAG_ALARM_KINDS, { error: `kind must be one of ${TAG_ALARM_KINDS.join(', ')}` }),
    /** Tells two alarms of one kind on a tag apart; the alarm's id is `<path>#<name or kind>`. */
    name: z
      .string()
      .regex(/^[A-Za-z0-9_.-]{1,64}$/, 'a name is 1..64 letters, digits, _ . or -')
      .optional(),
    limit: finite.optional(),
    /** deviation: the setpoint tag. */
    sp: tagPath.optional(),
    /** digital: the value that is the alarm. */
    state: z.boolean().optional(),
    /** ne107: fires while the tag's NE107 status is this category or worse. */
    category: category.optional(),
    priority: z.literal(ALARM_PRIORITIES, { error: 'priority must be 1, 2, 3, 4 or diagnostic' }),
    /** Hysteresis in engineering units (per second for roc): the alarm clears only this far inside its limit. */
    deadband: z.number().min(0).default(0),
    onDelayMs: delayMs.default(0),
    offDelayMs: delayMs.default(0),
    /** Stays latched after it returns to normal until an operator resets it. */
    latch: z.boolean().default(false),
    /** An acknowledged alarm that is still active after this long is annunciated again. */
    reAlarmMs: z.number().int().min(1000).max(86_400_000).optional(),
    /** With {value} {units} {limit} {path}; absent: made from the tag's description. */
    message: z.string().min(1).max(500).optional(),
    ne107: category.optional(),
    /** Suppressed by design while this tag is true (or has `state`), e.g. while the unit is stopped. */
    suppressedBy: z.union([tagPath, z.strictObject({ tag: tagPath, state: z.boolean() })]).optional(),
  })
  .superRefine((alarm, ctx) => {
    const problem = (path: string, message: string) => ctx.addIssue({ code: 'custom', path: [path], message });
    const needsLimit = LIMIT_KINDS.has(alarm.kind);
    if (needsLimit && alarm.limit === undefined) problem('limit', `a ${alarm.kind} alarm needs a limit`);
    if (!needsLimit && alarm.limit !== undefined) problem('limit', `a ${alarm.kind} alarm has no limit`);
    if ((alarm.kind === 'deviation' || alarm.kind === 'roc') && alarm.limit !== undefined && alarm.limit <= 0) {
      problem('limit', `a ${alarm.kind} limit is a magnitude and must be above 0`);
    }
    if (alarm.kind === 'deviation' && alarm.sp === undefined) problem('sp', 'a deviation alarm needs sp: the setpoint tag');
    if (alarm.kind !== 'deviation' && alarm.sp !== undefined) problem('sp', 'only a deviation alarm has sp');
    if (alarm.kind === 'digital' && alarm.state === undefined) problem('state', 'a digital alarm needs state: true or false');
    if (alarm.kind !== 'digital' && alarm.state !== undefined) problem('state', 'only a digital alarm has state');
    if (alarm.kind !== 'ne107' && alarm.category !== undefined) problem('category', 'only an ne107 alarm has category');
    // An ne107 alarm watches the status the other alarms make; reporting into it would feed back.
    if (alarm.kind === 'ne107' && alarm.ne107 !== undefined) problem('ne107', 'an ne107 alarm cannot report an NE107 category itself');
  });

export type AlarmConfig = z.output<typeof alarmSchema>;
