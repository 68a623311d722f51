// The stores a store worker can run, by the name their clients give. One
// worker entry (storeWorker.js) serves them all; each store gets its own
// thread. It lives beside storage/, not in it: it names the stores, and the
// stores import storage/.
import { journalService } from '../alarms/journalStore';
import { securityService } from '../security/securityService';
import type { ServiceFactory } from '../storage/protocol';
import { queueService } from '../uplink/queueStore';

export const SERVICES: Readonly<Record<string, ServiceFactory<never>>> = {
  alarmJournal: journalService,
  security: securityService,
  uplinkQueue: queueService,
};
