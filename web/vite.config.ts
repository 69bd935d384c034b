import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('.', import.meta.url));
const api = process.env.WARROOM_URL ?? 'http://127.0.0.1:8080';

export default defineConfig({
  root,
  plugins: [react()],
  build: { outDir: 'dist', emptyOutDir: true, sourcemap: false, chunkSizeWarningLimit: 800 },
  // `npm run dev:web` serves the UI with hot reload against a running `warroom serve`.
  server: {
    proxy: {
      '/api': { target: api, ws: true, changeOrigin: false },
      '/docs': { target: api },
    },
  },
});
