import { fileURLToPath } from 'node:url'
import { defineConfig } from 'vite'
import vue from '@vitejs/plugin-vue'
import { quasar, transformAssetUrls } from '@quasar/vite-plugin'

export default defineConfig({
  base: '/ops/',
  plugins: [
    vue({ template: { transformAssetUrls } }),
    quasar({ sassVariables: fileURLToPath(new URL('./src/css/quasar.variables.scss', import.meta.url)) }),
  ],
  resolve: { alias: { src: fileURLToPath(new URL('./src', import.meta.url)) } },
  build: { outDir: 'dist/spa', emptyOutDir: true, chunkSizeWarningLimit: 1500 },
  server: {
    port: 5173,
    proxy: { '/ops/api': { target: process.env.BFF_URL ?? 'http://127.0.0.1:3000', changeOrigin: false } },
  },
})
