// The security file's kind and its migrations, in order.
import type { StoreKind } from '../../storage/openStore';
import { m001 } from './m001';
import { m002 } from './m002';

export const SECURITY_KIND: StoreKind = {
  label: 'security file',
  applicationId: 0x5343_5331,
  migrations: [m001, m002],
  legacyTables: ['users', 'audit'],
};
