import type { StateCreator } from 'zustand';
// From the transport's types, not the api's index: the store stays free of
// React and the DOM, so Node tests can load it.
import type { ConnectionState } from '../api/transport';

export interface ConnectionSlice {
  connection: ConnectionState;
  /** When the connection last changed state (ms since epoch). */
  connectionSince: number;
  setConnection(state: ConnectionState): void;
}

export const createConnectionSlice: StateCreator<ConnectionSlice, [], [], ConnectionSlice> = (set, get) => ({
  connection: 'connecting',
  connectionSince: Date.now(),
  setConnection: (connection) => {
    if (get().connection !== connection) set({ connection, connectionSince: Date.now() });
  },
});
