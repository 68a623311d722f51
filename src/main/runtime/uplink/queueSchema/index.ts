// The store-and-forward queue's kind and its migrations, in order.
import type { StoreKind } from '../../storage/openStore';
import { m001 } from './m001';
import { m002 } from './m002';

export const QUEUE_KIND: StoreKind = {
  label: "uplink store-and-forward queue",
  applicationId: 0x5343_5131,
  migrations: [m001, m002],
  legacyTables: ['messages', 'meta'],
};
