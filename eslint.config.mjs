// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';
import { builtinModules } from 'node:module';

// The platform boundary (docs/web-plan.md §3): Node's modules reach the extension only through
// src/node/ (and the CLI); the web build (src/web/) and the platform-free code under it never
// import them. esbuild fails the web bundles on a node: import too; this shows it in the editor.
const srcNode = { regex: '(^|/)node/', message: 'src/node/ is Node-only: only src/node, src/cli and the Node entries import it (others take the platform\'s services).' };
const nodeBuiltins = {
  group: ['node:*', ...builtinModules, ...builtinModules.map((m) => `${m}/*`)],
  message: 'No Node modules here: this code also runs in the browser (the web extension and its Web Worker).',
};
/** The Node entries and Node-side wrappers that may import src/node/. */
const NODE_ENTRIES = ['src/extension.ts', 'src/training/worker.ts', 'src/data/load.ts'];

export default tseslint.config(
  { ignores: ['dist/', 'out/', 'node_modules/', '.vscode-test/', 'test-results/', 'assembly/', 'src/engine/wasm/binary.generated.ts'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', ignoreRestSiblings: true }],
      'no-empty': ['error', { allowEmptyCatch: true }],
      eqeqeq: ['error', 'always'],
    },
  },
  {
    files: ['src/**/*.ts'],
    ignores: ['src/node/**', 'src/cli/**', ...NODE_ENTRIES],
    rules: { 'no-restricted-imports': ['error', { patterns: [srcNode] }] },
  },
  {
    files: ['src/web/**/*.ts', 'src/activate.ts', 'src/platform/**/*.ts', 'src/engine/**/*.ts', 'src/model/**/*.ts', 'src/data/**/*.ts', 'webview/**/*.ts'],
    ignores: NODE_ENTRIES,
    rules: { 'no-restricted-imports': ['error', { patterns: [srcNode, nodeBuiltins] }] },
  },
  {
    files: ['scripts/**', 'bench/**', '.vscode-test.mjs', 'eslint.config.mjs'],
    languageOptions: { globals: { ...globals.node, ...globals.browser } },
  },
);
