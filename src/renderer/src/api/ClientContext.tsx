// Hands the client to components; `main.tsx` provides the real one, a test
// may provide its own.
import { createContext, useContext, type ReactNode } from 'react';
import type { ScadaClient } from './client';

const ClientContext = createContext<ScadaClient | null>(null);

export function ClientProvider({ client, children }: { client: ScadaClient; children: ReactNode }) {
  return <ClientContext.Provider value={client}>{children}</ClientContext.Provider>;
}

export function useClient(): ScadaClient {
  const client = useContext(ClientContext);
  if (client === null) throw new Error('useClient: no <ClientProvider> above this component');
  return client;
}
