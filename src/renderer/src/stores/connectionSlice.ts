import type { StateCreator } from 'zustand';
import type { ConnectionState } from '../api';
import type { HmiState } from './store';

export interface ConnectionSlice {
  connection: ConnectionState;
  /** When the connection last changed state (ms since epoch). */
  connectionSince: number;
  setConnection(state: ConnectionState): void;
}

export const createConnectionSlice: StateCreator<HmiState, [], [], ConnectionSlice> = (set, get) => ({
  connection: 'connecting',
  connectionSince: Date.now(),
  setConnection: (connection) => {
    if (get().connection !== connection) set({ connection, connectionSince: Date.now() });
  },
});
