// Renderer entry: one client (Electron IPC or serve mode's HTTP/WebSocket),
// its wiring to the stores (storeWiring.ts), one React root.
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { ClientProvider, createDefaultClient } from './api';
import { App } from './App';
import { wireStores } from './storeWiring';
import './ui/theme.css';
import './app.css';

const client = createDefaultClient();
const unwireStores = wireStores(client);

const container = document.getElementById('root');
if (!container) throw new Error('index.html has no #root');
const root = createRoot(container);
root.render(
  <StrictMode>
    <ClientProvider client={client}>
      <App />
    </ClientProvider>
  </StrictMode>,
);

window.addEventListener('pagehide', () => {
  root.unmount();
  unwireStores();
  client.dispose();
});
