import { resolve } from 'node:path';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'electron-vite';

// Three bundles: the main process (with a second entry for headless serve
// mode), the sandboxed preload (CommonJS, as sandboxed preloads must be) and
// the renderer (relative base, so it loads from file:// and from http://).
export default defineConfig({
  main: {
    build: {
      rollupOptions: {
        input: {
          index: resolve('src/main/index.ts'),
          serve: resolve('src/main/serve.ts'),
          users: resolve('src/main/cli/users.ts'),
          secrets: resolve('src/main/cli/secrets.ts'),
          historianWorker: resolve('src/main/runtime/historian/worker.ts'),
          storeWorker: resolve('src/main/runtime/storeWorker/worker.ts'),
        },
      },
    },
  },
  preload: {
    build: {
      externalizeDeps: false,
      isolatedEntries: true,
      rollupOptions: {
        input: { index: resolve('src/preload/index.ts') },
        output: { format: 'cjs', entryFileNames: '[name].cjs' },
      },
    },
  },
  renderer: {
    root: resolve('src/renderer'),
    base: './',
    plugins: [react()],
    build: {
      minify: true,
      rollupOptions: { input: resolve('src/renderer/index.html') },
    },
  },
});
