// The HMI's one zustand store, combined from slices. It holds structure only
// (which tags and devices exist, what is selected, the connection state, the
// trend's pens and range, the alarms and what the alarm list shows, the
// historian's and the uplink's status, who is logged in); live values are in `liveValues` and
// never re-render anything but a cell, trend samples live in the chart.
// Usable outside React (`useHmi.getState()`): the event listeners in
// `storeWiring.ts` write into it directly.
import { create } from 'zustand';
import { createAlarmsSlice, type AlarmsSlice } from './alarmsSlice';
import { createAuthSlice, type AuthSlice } from './authSlice';
import { createBrowseSlice, type BrowseSlice } from './browseSlice';
import { createCatalogSlice, type CatalogSlice } from './catalogSlice';
import { createConnectionSlice, type ConnectionSlice } from './connectionSlice';
import { createDevicesSlice, type DevicesSlice } from './devicesSlice';
import { createHistorianSlice, type HistorianSlice } from './historianSlice';
import { createTrendSlice, type TrendSlice } from './trendSlice';
import { createUplinkSlice, type UplinkSlice } from './uplinkSlice';
import { createViewSlice, type ViewSlice } from './viewSlice';

export type HmiState = CatalogSlice &
  BrowseSlice &
  DevicesSlice &
  ConnectionSlice &
  ViewSlice &
  HistorianSlice &
  UplinkSlice &
  TrendSlice &
  AlarmsSlice &
  AuthSlice;

export const useHmi = create<HmiState>()((...a) => ({
  ...createCatalogSlice(...a),
  ...createBrowseSlice(...a),
  ...createDevicesSlice(...a),
  ...createConnectionSlice(...a),
  ...createViewSlice(...a),
  ...createHistorianSlice(...a),
  ...createUplinkSlice(...a),
  ...createTrendSlice(...a),
  ...createAlarmsSlice(...a),
  ...createAuthSlice(...a),
}));
