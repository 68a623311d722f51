// The permission matrix: what each role may do, and which tag paths it may
// write. Safe defaults (a viewer only looks); the project file may narrow or
// widen any role but the administrator's user management.
import { matchesPattern } from '../../../shared/tagPath';
import { PERMISSIONS, ROLES, type Permission, type Role } from '../../../shared/security';

export interface RoleGrant {
  readonly permissions: ReadonlySet<Permission>;
  /** Tag path patterns the role may write (with tags.write). */
  readonly write: readonly string[];
}

export interface RoleConfig {
  readonly permissions?: readonly Permission[];
  readonly write?: readonly string[];
}

const OPERATOR: Permission[] = ['read', 'tags.write', 'alarms.ack', 'alarms.shelve'];
const ENGINEER: Permission[] = [...OPERATOR, 'alarms.outOfService', 'loops.stepTest', 'loops.tune', 'project.edit', 'simulator.control', 'audit.read'];

export const DEFAULT_ROLES: Readonly<Record<Role, RoleConfig>> = {
  viewer: { permissions: ['read'], write: [] },
  operator: { permissions: OPERATOR, write: ['**'] },
  engineer: { permissions: ENGINEER, write: ['**'] },
  administrator: { permissions: [...PERMISSIONS], write: ['**'] },
};

export class RoleMatrix {
  private readonly grants: ReadonlyMap<Role, RoleGrant>;

  constructor(overrides: Partial<Record<Role, RoleConfig>> = {}) {
    this.grants = new Map(
      ROLES.map((role) => {
        const config = { ...DEFAULT_ROLES[role], ...overrides[role] };
        const permissions = new Set<Permission>(['read', ...(config.permissions ?? [])]);
        // Somebody must always be able to manage users, or a project edit could lock everyone out.
        if (role === 'administrator') permissions.add('users.manage');
        return [role, { permissions, write: config.write ?? [] }];
      }),
    );
  }

  grant(role: Role): RoleGrant {
    return this.grants.get(role)!;
  }

  allows(role: Role, permission: Permission): boolean {
    return this.grant(role).permissions.has(permission);
  }

  mayWrite(role: Role, path: string): boolean {
    const grant = this.grant(role);
    return grant.permissions.has('tags.write') && grant.write.some((pattern) => matchesPattern(pattern, path));
  }
}
