// The project file's `security` section: the permission matrix and the
// session rules. Absent: the safe defaults of roles.ts.
//
//   security:
//     idleLogoutMinutes: 15
//     sessionHours: 12
//     roles:
//       operator: { permissions: [alarms.ack, alarms.shelve, tags.write], write: ["Plant/Tank/**"] }
import { z } from 'zod';
import { PERMISSIONS } from '../../../shared/security';

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
  roles: z
    .strictObject({ viewer: roleSchema.optional(), operator: roleSchema.optional(), engineer: roleSchema.optional(), administrator: roleSchema.optional() })
    .default({}),
});

export type SecurityConfig = z.output<typeof securitySchema>;
