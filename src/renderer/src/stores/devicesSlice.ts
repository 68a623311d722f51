import type { StateCreator } from 'zustand';
import type { DeviceInfo } from '../../../shared/types';

export interface DevicesSlice {
  devices: readonly DeviceInfo[];
  devicesLoaded: boolean;
  devicesError: string | null;
  setDevices(devices: readonly DeviceInfo[]): void;
  setDevicesError(message: string): void;
}

export const createDevicesSlice: StateCreator<DevicesSlice, [], [], DevicesSlice> = (set) => ({
  devices: [],
  devicesLoaded: false,
  devicesError: null,
  setDevices: (devices) => set({ devices, devicesLoaded: true, devicesError: null }),
  setDevicesError: (devicesError) => set({ devicesError }),
});
