import { fileURLToPath } from 'node:url'
import { defineConfig } from 'vitest/config'
import vue from '@vitejs/plugin-vue'
import { quasar, transformAssetUrls } from '@quasar/vite-plugin'

// Unit tests (pure logic, BFF, embedded upstreams) run in Node; component tests opt into
// happy-dom with a `// @vitest-environment happy-dom` line at the top of the file.
export default defineConfig({
  plugins: [vue({ template: { transformAssetUrls } }), quasar({})],
  resolve: { alias: { src: fileURLToPath(new URL('./src', import.meta.url)) } },
  test: {
    include: ['server/**/*.test.ts', 'src/**/*.test.ts', 'scripts/**/*.test.ts'],
    environment: 'node',
    testTimeout: 20_000,
    hookTimeout: 30_000,
    pool: 'forks',
    server: { deps: { inline: ['quasar'] } },
  },
})
