// The linter: JavaScript, TypeScript and Vue rules, formatting left to Prettier, and the
// boundaries that keep the codebase's shape — the BFF reaches into the SPA only for the shared
// contracts, and a feature reaches another only through what that feature exports (its index).
import js from '@eslint/js'
import prettier from 'eslint-config-prettier'
import vue from 'eslint-plugin-vue'
import globals from 'globals'
import tseslint from 'typescript-eslint'

const FEATURES = ['clients', 'diagnostics', 'dispatch', 'flows', 'flowsAdmin', 'scans', 'settings', 'tech']
/** A feature's deliberate exports: its index, and for the shell, its `shell` module. */
const ENTRY = '(index|shell)(\\.ts)?$'

/** server/ and the embedded stand-ins may import src/contracts, nothing else of the SPA. */
const serverBoundary = {
  regex: '(^|/)src/(?!contracts/)',
  message: 'The BFF imports only src/contracts from the SPA: move what both sides share there.',
}

/** A feature's files import another feature only through its index (what it chose to export). */
function featureBoundary(feature) {
  return {
    files: [`src/features/${feature}/**/*.{ts,vue}`],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: `^\\.\\./(?!${feature}/)[^./][^/]*/(?!${ENTRY}).+`,
              message: 'Import another feature through its index (e.g. ../scans), not its files.',
            },
            {
              regex: `^src/features/(?!${feature}/)[^/]+/(?!${ENTRY}).+`,
              message: 'Import another feature through its index (e.g. src/features/scans), not its files.',
            },
            { regex: '(^|/)server/', message: 'The SPA never imports the BFF: share through src/contracts.' },
          ],
        },
      ],
    },
  }
}

export default tseslint.config(
  {
    ignores: [
      'dist/**',
      'node_modules/**',
      '.tmp/**',
      'data/**',
      'test-results/**',
      'playwright-report/**',
      'public/**',
      'dev-dist/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  ...vue.configs['flat/recommended'],
  {
    files: ['**/*.vue'],
    languageOptions: { parserOptions: { parser: tseslint.parser, extraFileExtensions: ['.vue'] } },
  },
  {
    languageOptions: { globals: { ...globals.browser, ...globals.node }, ecmaVersion: 2023, sourceType: 'module' },
    rules: {
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' },
      ],
      '@typescript-eslint/no-explicit-any': 'error',
      'vue/multi-word-component-names': 'off',
      'no-empty': ['error', { allowEmptyCatch: true }],
    },
  },
  {
    files: ['server/**/*.ts', 'bench/**/*.ts', 'scripts/**/*.{ts,mjs}'],
    rules: { 'no-restricted-imports': ['error', { patterns: [serverBoundary] }] },
  },
  {
    files: ['src/**/*.{ts,vue}'],
    ignores: FEATURES.map((f) => `src/features/${f}/**`),
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: `(^|/)features/[^/]+/(?!${ENTRY}).+`,
              message: 'Import a feature through its index (e.g. src/features/scans), not its files.',
            },
            { regex: '(^|/)server/', message: 'The SPA never imports the BFF: share through src/contracts.' },
          ],
        },
      ],
    },
  },
  ...FEATURES.map(featureBoundary),
  prettier,
)
