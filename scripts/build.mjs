// One esbuild script for every bundle: node (extension, worker, CLI), browser (webview) and the web
// extension (dist/web/: the extension for VS Code's web worker extension host and its Web Worker).
import fs from 'node:fs';
import * as esbuild from 'esbuild';

const watch = process.argv.includes('--watch');
const production = process.argv.includes('--production');

const common = {
  bundle: true,
  sourcemap: !production,
  minify: production,
  logLevel: 'info',
  target: 'es2022',
};

const builds = [
  {
    ...common,
    entryPoints: { extension: 'src/extension.ts', worker: 'src/training/worker.ts', 'kernel-helper': 'src/training/kernel-helper.ts', cli: 'src/cli/main.ts' },
    outdir: 'dist',
    platform: 'node',
    format: 'cjs',
    external: ['vscode'],
    target: 'node20',
  },
  {
    ...common,
    entryPoints: { webview: 'webview/main.ts', circuit: 'webview/circuit-main.ts' },
    outdir: 'dist',
    platform: 'browser',
    format: 'iife',
  },
  // The web extension (package.json "browser"): VS Code's web worker extension host loads it with
  // its CommonJS loader. platform 'browser' resolves package.json "browser" fields (@vscode/l10n's
  // browser build) and fails on any node: import: the guard that keeps Node out of the web bundles.
  {
    ...common,
    entryPoints: { 'web/extension': 'src/web/extension.ts' },
    outdir: 'dist',
    platform: 'browser',
    format: 'cjs',
    external: ['vscode'],
  },
  // The engine's Web Worker and the kernel helpers' (cross-origin isolated pages only), started from
  // blob URLs of these files' text: VS Code's worker wrapper loads them with importScripts, so they
  // are classic scripts.
  {
    ...common,
    entryPoints: { 'web/worker': 'src/web/worker.ts', 'web/kernel-helper': 'src/web/kernel-helper.ts' },
    outdir: 'dist',
    platform: 'browser',
    format: 'iife',
  },
];

// The WebAssembly kernels, compiled from assembly/kernels.ts and inlined into the engine (skipped when up to date).
await (await import('./build-wasm.mjs')).buildWasm();

// The bundled MNIST digits, converted once from the mnist package (skipped when up to date).
(await import('./build-mnist.mjs')).buildMnist();

// The codicon font and its style sheet, for the panel's toolbar and tabs (the .vsix ships dist/codicons/).
fs.mkdirSync('dist/codicons', { recursive: true });
for (const f of ['codicon.css', 'codicon.ttf']) fs.copyFileSync(`node_modules/@vscode/codicons/dist/${f}`, `dist/codicons/${f}`);

if (watch) {
  const contexts = await Promise.all(builds.map((b) => esbuild.context(b)));
  await Promise.all(contexts.map((c) => c.watch()));
  console.log('watching for changes…');
} else {
  await Promise.all(builds.map((b) => esbuild.build(b)));
}
