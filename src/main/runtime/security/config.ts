// The project file's `security` section: the permission matrix and the
// session rules. Absent: the safe defaults of roles.ts.
//
//   security:
//     idleLogoutMinutes: 15
//     sessionHours: 12
//     auditFailure: accept    # or refuse: an action that cannot be audited is refused
//     roles:
//       operator: { permissions: [alarms.ack, alarms.shelve, tags.write], write: ["Plant/Tank/**"] }
import { z } from 'zod';
import { AUDIT_FAILURE_MODES, PERMISSIONS } from '../../../shared/security';

const roleSchema = z.strictObject({
  permissions: z.array(z.enum(PERMISSIONS)).optional(),
  /** Tag path patterns the role may write (with tags.write). */
  write: z.array(z.string().min(1)).optional(),
});

export const securitySchema = z.strictObject({
  idleLogoutMinutes: z.number().min(1).max(24 * 60).default(15),
  sessionHours: z.number().min(0.1).max(24 * 30).default(12),
  /** Failed logins per client and per user name within a minute before further attempts wait. */
  maxLoginFailures: z.number().int().min(1).max(100).default(5),
  /**
   * While the audit trail cannot be written (a full disk): `accept` (the
   * default) carries actions out and queues their entries; `refuse` refuses
   * them before they happen. Optional in the output: absent means accept.
   */
  auditFailure: z.enum(AUDIT_FAILURE_MODES, { error: 'auditFailure must be accept or refuse' }).optional(),
  roles: z
    .strictObject({ viewer: roleSchema.optional(), operator: roleSchema.optional(), engineer: roleSchema.optional(), administrator: roleSchema.optional() })
    .default({}),
});

export type SecurityConfig = z.output<typeof securitySchema>;
