import { fileURLToPath } from 'node:url'
import { defineConfig } from 'vite'
import vue from '@vitejs/plugin-vue'
import { quasar, transformAssetUrls } from '@quasar/vite-plugin'
import { VitePWA } from 'vite-plugin-pwa'
import { precompileMessages } from './scripts/precompileMessages'
import { routePreloads } from './scripts/routePreloads'

export default defineConfig({
  base: '/ops/',
  plugins: [
    vue({ template: { transformAssetUrls }, features: { optionsAPI: false } }),
    precompileMessages(),
    routePreloads(),
    quasar({ sassVariables: fileURLToPath(new URL('./src/css/quasar.variables.scss', import.meta.url)) }),
    // The app opens with no network once visited (technicians in basements). The service worker
    // precaches the shell (the zxing .wasm and fonts included) and caches no /ops/api answer but
    // /ops/api/me, so a signed-in technician still gets in offline. Updates wait for a prompt.
    VitePWA({
      registerType: 'prompt',
      injectRegister: false,
      scope: '/ops/',
      base: '/ops/',
      includeAssets: ['icons/icon.svg'],
      manifest: {
        name: 'Gigafibre Ops',
        short_name: 'Gigafibre Ops',
        description: 'La console des équipes Gigafibre : répartition, clients, interventions et scans d’équipement.',
        lang: 'fr-CA',
        start_url: '/ops/',
        scope: '/ops/',
        display: 'standalone',
        orientation: 'any',
        theme_color: '#0b5cad',
        background_color: '#ffffff',
        icons: [
          { src: 'icons/icon-192.png', sizes: '192x192', type: 'image/png' },
          { src: 'icons/icon-512.png', sizes: '512x512', type: 'image/png' },
          { src: 'icons/icon-maskable-512.png', sizes: '512x512', type: 'image/png', purpose: 'maskable' },
          { src: 'icons/icon.svg', sizes: 'any', type: 'image/svg+xml' },
        ],
      },
      workbox: {
        globPatterns: ['**/*.{js,css,html,svg,png,ico,woff,woff2,ttf,wasm}'],
        maximumFileSizeToCacheInBytes: 4 * 1024 * 1024,
        navigateFallback: '/ops/index.html',
        navigateFallbackDenylist: [/^\/ops\/api\//],
        cleanupOutdatedCaches: true,
        runtimeCaching: [
          {
            urlPattern: ({ url }) => url.pathname === '/ops/api/me',
            handler: 'NetworkFirst',
            options: { cacheName: 'ops-session', networkTimeoutSeconds: 4, cacheableResponse: { statuses: [200] } },
          },
        ],
      },
    }),
  ],
  resolve: { alias: { src: fileURLToPath(new URL('./src', import.meta.url)) } },
  build: { outDir: 'dist/spa', emptyOutDir: true, chunkSizeWarningLimit: 1500, manifest: true },
  server: {
    port: 5173,
    proxy: { '/ops/api': { target: process.env.BFF_URL ?? 'http://127.0.0.1:3000', changeOrigin: false } },
  },
})
