import { fileURLToPath } from 'node:url'
import { defineConfig } from 'vite'
import vue from '@vitejs/plugin-vue'
import { quasar, transformAssetUrls } from '@quasar/vite-plugin'
import { VitePWA } from 'vite-plugin-pwa'
import { precompileMessages } from './scripts/precompileMessages'
import { routePreloads } from './scripts/routePreloads'
import { compileHints } from './scripts/compileHints'
import { layoutGroup } from './scripts/shellChunk'

export default defineConfig({
  base: '/ops/',
  plugins: [
    vue({ template: { transformAssetUrls }, features: { optionsAPI: false } }),
    precompileMessages(),
    routePreloads(),
    compileHints(),
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
  build: {
    outDir: 'dist/spa',
    emptyOutDir: true,
    chunkSizeWarningLimit: 1500,
    manifest: true,
    rolldownOptions: {
      output: {
        // Fewer files before the first screen, the same bytes. Left to itself the bundler splits
        // the libraries by every distinct set of screens that shares them: the entry needed 9
        // files and a screen 32–48, many under 2 KB, each one more request queued on the six
        // connections HTTP/1.1 allows. What the entry needs statically is one file; the
        // libraries' pieces shared by the same screens are grouped, and a group under ~5 KB of
        // source joins its nearest neighbour (a screen may load a few KB it does not use: none of
        // the screens one opens the app on grew by it).
        codeSplitting: {
          groups: [
            { name: 'entry', tags: ['$initial'], priority: 2 },
            // The layout every screen opens in, with all it imports statically: one file.
            {
              name: layoutGroup(fileURLToPath(new URL('./src/layouts/MainLayout.vue', import.meta.url)), 'MainLayout'),
              debugName: 'MainLayout',
              priority: 1.5,
            },
            {
              name: 'lib',
              test: /node_modules[\\/]/,
              minShareCount: 2,
              entriesAware: true,
              entriesAwareMergeThreshold: 5000,
              priority: 1,
            },
          ],
        },
      },
    },
  },
  server: {
    port: 5173,
    proxy: { '/ops/api': { target: process.env.BFF_URL ?? 'http://127.0.0.1:3000', changeOrigin: false } },
  },
})
