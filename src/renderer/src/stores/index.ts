export { useHmi, type HmiState } from './store';
export { liveValues, LiveValueCache, type LiveValueListener } from './liveValues';
export type { CatalogStatus } from './catalogSlice';
