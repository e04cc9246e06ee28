#!/usr/bin/env node
// A drop-in "VS Code executable" for machines where VS Code cannot be downloaded:
// it takes VS Code's command-line arguments, starts VS Code's server (code-server's copy) and
// shows the workbench in headless Chromium, and exits with the code the extension tests report.
//
//   scripts/vscode/code --extensionDevelopmentPath=/repo --extensionTestsPath=/repo/out/test/x/index.js /ws
//
// @vscode/test-electron's runTests({ vscodeExecutablePath: 'scripts/vscode/code', ... }) uses it.
// Understood: --extensionDevelopmentPath (repeatable), --extensionTestsPath, --locale (the display
// language, e.g. ko), one folder.
// Ignored: every other flag (--no-sandbox, --disable-extensions, --user-data-dir=..., ...), since
// each run gets a fresh profile anyway.
// Environment: TRAINLENS_VSCODE_THEME (dark|light|hc, default dark), TRAINLENS_VSCODE_LOCALE (as --locale),
//   TRAINLENS_VSCODE_TIMEOUT_MS (default 600000: the whole run is killed after it),
//   TRAINLENS_VSCODE_VERBOSE=1 (server output and browser console too),
//   TRAINLENS_VSCODE_UNTRUSTED=1 (workspace trust on, so the folder opens in restricted mode: the
//   server enables trust, the fresh browser profile has trusted nothing, and no prompt is shown).
// Without --extensionTestsPath it serves the workbench until interrupted (Ctrl+C).

import fs from 'node:fs';
import path from 'node:path';
import { cleanupAll, launchBrowser, openWorkbench, startServer, workbenchUrl } from './server.mjs';

// Flags of VS Code's CLI that take a separate value ("--flag value"), which must not be taken
// for the folder.
const FLAGS_WITH_VALUE = new Set([
  'user-data-dir', 'extensions-dir', 'extensionDevelopmentPath', 'extensionTestsPath', 'locale',
  'log', 'profile', 'enable-proposed-api', 'install-extension', 'uninstall-extension', 'category',
  'inspect-extensions', 'inspect-brk-extensions', 'sync', 'crash-reporter-directory', 'goto',
  'folder-uri', 'file-uri', 'remote', 'add', 'diff', 'merge',
]);
const BOOLEAN_LOOKING = new Set([
  'goto', 'add', 'diff', 'merge', // these are switches in VS Code; never take a value for them
]);

export function parseCodeArgs(argv) {
  const out = { extensionDevelopmentPath: [], extensionTestsPath: undefined, folder: undefined, locale: undefined, ignored: [] };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg.startsWith('--')) {
      const eq = arg.indexOf('=');
      const name = eq >= 0 ? arg.slice(2, eq) : arg.slice(2);
      let value = eq >= 0 ? arg.slice(eq + 1) : undefined;
      if (value === undefined && FLAGS_WITH_VALUE.has(name) && !BOOLEAN_LOOKING.has(name) &&
          i + 1 < argv.length && !argv[i + 1].startsWith('--')) {
        value = argv[++i];
      }
      if (name === 'extensionDevelopmentPath') out.extensionDevelopmentPath.push(path.resolve(value));
      else if (name === 'extensionTestsPath') out.extensionTestsPath = path.resolve(value);
      else if (name === 'locale' && value) out.locale = value;
      else out.ignored.push(value === undefined ? arg : `--${name}=${value}`);
    } else if (arg.startsWith('-')) {
      out.ignored.push(arg);
    } else {
      if (out.folder) out.ignored.push(`(extra path) ${arg}`);
      else out.folder = path.resolve(arg);
    }
  }
  return out;
}

export async function runLauncher(argv) {
  const args = parseCodeArgs(argv);
  const theme = process.env.TRAINLENS_VSCODE_THEME || 'dark';
  const timeoutMs = Number(process.env.TRAINLENS_VSCODE_TIMEOUT_MS || 600_000);
  if (args.extensionDevelopmentPath.length > 1) {
    console.error('[code] only one --extensionDevelopmentPath is supported; using the first');
  }
  const devPath = args.extensionDevelopmentPath[0];
  for (const [what, p] of [['extension', devPath], ['tests module', args.extensionTestsPath], ['folder', args.folder]]) {
    if (p && !fs.existsSync(p)) {
      console.error(`[code] ${what} not found: ${p}`);
      return 1;
    }
  }
  if (args.folder && !fs.statSync(args.folder).isDirectory()) {
    console.error(`[code] only a folder can be opened, not ${args.folder}`);
    return 1;
  }
  if (args.ignored.length && process.env.TRAINLENS_VSCODE_VERBOSE) {
    console.log(`[code] ignoring: ${args.ignored.join(' ')}`);
  }

  const timer = setTimeout(() => {
    console.error(`[code] TIMEOUT: no result after ${Math.round(timeoutMs / 1000)} s; killing VS Code`);
    cleanupAll().finally(() => process.exit(124));
  }, timeoutMs);

  const started = Date.now();
  const untrusted = process.env.TRAINLENS_VSCODE_UNTRUSTED === '1';
  const server = await startServer({
    theme, locale: args.locale ?? process.env.TRAINLENS_VSCODE_LOCALE,
    settings: untrusted ? { 'security.workspace.trust.enabled': true, 'security.workspace.trust.startupPrompt': 'never' } : {},
  });
  const { page } = await launchBrowser();
  let resolveExit;
  const exited = new Promise((r) => (resolveExit = r));
  page.on('crash', () => {
    console.error('[code] the workbench page crashed');
    resolveExit(1);
  });
  const wb = { folder: args.folder, extensionDevelopmentPath: devPath, extensionTestsPath: args.extensionTestsPath };
  await openWorkbench(page, server, { ...wb, onExit: (code) => resolveExit(code) });

  if (!args.extensionTestsPath) {
    console.log(`[code] workbench at ${workbenchUrl(server, wb)}\n[code] press Ctrl+C to stop`);
    await new Promise(() => {}); // until a signal ends the process (cleanup runs then)
  }
  const code = await exited;
  clearTimeout(timer);
  console.log(`[code] extension tests finished with exit code ${code} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  if (code !== 0 && process.env.TRAINLENS_VSCODE_VERBOSE) console.log(server.logTail());
  await cleanupAll();
  return code;
}

if (process.argv[1] && path.resolve(process.argv[1]) === new URL(import.meta.url).pathname) {
  runLauncher(process.argv.slice(2)).then(
    (code) => process.exit(code),
    async (e) => {
      console.error(`[code] FAILED: ${e.stack || e}`);
      await cleanupAll();
      process.exit(1);
    },
  );
}
