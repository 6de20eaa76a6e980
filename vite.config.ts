import { defineConfig } from 'vite';
import solid from 'vite-plugin-solid';
import { VitePWA } from 'vite-plugin-pwa';

const themeColor = '#2563eb';

export default defineConfig({
  plugins: [
    solid(),
    VitePWA({
      // The user decides when a new version takes over: an open editor must never be reloaded under them.
      registerType: 'prompt',
      // The app registers through virtual:pwa-register/solid (UpdatePrompt.tsx).
      injectRegister: false,
      // public/ (icons) is precached through globPatterns below; listing it again would duplicate entries.
      includeManifestIcons: false,
      manifest: {
        name: 'Notes — local-first',
        short_name: 'Notes',
        description: 'Notes that live on your device, open instantly and work offline.',
        lang: 'en',
        start_url: '/',
        scope: '/',
        display: 'standalone',
        theme_color: themeColor,
        background_color: '#ffffff',
        icons: [
          { src: '/pwa-192x192.png', sizes: '192x192', type: 'image/png', purpose: 'any' },
          { src: '/pwa-512x512.png', sizes: '512x512', type: 'image/png', purpose: 'any' },
          { src: '/maskable-512x512.png', sizes: '512x512', type: 'image/png', purpose: 'maskable' },
        ],
      },
      workbox: {
        // The shell, the worker chunks and sqlite3.wasm: everything the app needs to start offline.
        globPatterns: ['**/*.{js,css,html,wasm,png,svg,ico}'],
        maximumFileSizeToCacheInBytes: 8 * 1024 * 1024,
        navigateFallback: 'index.html',
        // The sync API is network-only: never answered from a cache, never given the app shell.
        navigateFallbackDenylist: [/^\/api\//],
        runtimeCaching: [],
        // Take control on first install so the first visit already works offline. Updates still wait
        // for the user's "Reload" (no skipWaiting).
        clientsClaim: true,
        cleanupOutdatedCaches: true,
      },
      devOptions: { enabled: false },
    }),
  ],
  worker: { format: 'es' },
  // sqlite-wasm finds sqlite3.wasm next to itself via import.meta.url; pre-bundling would move it.
  optimizeDeps: { exclude: ['@sqlite.org/sqlite-wasm'] },
  build: { target: 'es2022' },
  preview: { port: 4321, strictPort: true },
  server: { port: 5173 },
});
