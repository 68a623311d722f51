// The alarm journal's kind and its migrations, in order.
import type { StoreKind } from '../../storage/openStore';
import { m001 } from './m001';
import { m002 } from './m002';

export const JOURNAL_KIND: StoreKind = {
  label: 'alarm journal',
  applicationId: 0x5343_4a31,
  migrations: [m001, m002],
  legacyTables: ['journal', 'alarm_state'],
};
