// Queue schema 2: the file is stamped as the uplink's queue (openStore sets
// its application_id with every migration); the tables are unchanged.
import type { Migration } from '../../storage/openStore';

export const m002: Migration = {
  version: 2,
  up: () => {},
};
