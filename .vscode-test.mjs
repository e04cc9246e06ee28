// @vscode/test-cli configuration (`npx vscode-test`) for desktops that can download VS Code.
// Offline machines (CI here) use `npm run test:vscode` instead, which runs the same test files in
// VS Code's server + headless Chromium: see scripts/vscode/run-tests.mjs.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig } from '@vscode/test-cli';

// The tests write files into their workspace: give them a fresh copy of examples/, as
// `npm run test:vscode` does, so the repository's examples stay untouched.
const root = path.dirname(fileURLToPath(import.meta.url));
const workspace = path.join(root, '.vscode-test', 'workspace', 'examples');
fs.rmSync(workspace, { recursive: true, force: true });
fs.cpSync(path.join(root, 'examples'), workspace, { recursive: true });

const common = {
  version: '1.100.3',
  workspaceFolder: workspace,
  mocha: {
    ui: 'bdd',
    timeout: 60000,
  },
};

export default defineConfig([
  { ...common, label: 'en', files: 'out/test/integration/*.test.js' },
  // The Korean suite (`npx vscode-test --label ko`): VS Code in Korean needs its language pack.
  {
    ...common,
    label: 'ko',
    files: 'out/test/integration/ko/*.test.js',
    launchArgs: ['--locale', 'ko'],
    installExtensions: ['ms-ceintl.vscode-language-pack-ko'],
  },
]);
