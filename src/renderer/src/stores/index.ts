export { useHmi, type HmiState } from './store';
export { liveValues, LiveValueCache, type LiveValueListener } from './liveValues';
export type { CatalogStatus } from './catalogSlice';
export type { AdminTab, AppView } from './viewSlice';
export { isReview } from './historianSlice';
export { sameUplinkStatus } from './uplinkSlice';
export {
  DEFAULT_RANGE,
  MAX_PENS,
  nextPenColor,
  PEN_COLORS,
  sameRange,
  type AddPenResult,
  type TrendPen,
  type TrendRange,
} from './trendSlice';
export {
  ne107Of,
  NO_ALARM_FILTER,
  type AlarmFilter,
  type AlarmTab,
} from './alarmsSlice';
export { isHidden, mergeAlarms, mergeInstruments, newlyAnnunciated } from './alarmMerge';
export {
  mayAdminister,
  SESSION_ENDED_TEXT,
  type AuthDialog,
  type SessionNotice,
} from './authSlice';
export { can, deniedText, gate, mayWriteTag, ROLE_TEXT, writeGate, type SessionGrants } from './permissions';
