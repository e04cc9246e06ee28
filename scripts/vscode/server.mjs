// Runs a real VS Code offline: VS Code's own server entry from the code-server npm package, and
// Debian's Chromium driven by playwright-core showing its workbench.
//
//   const server = await startServer({ theme: 'dark' });
//   const { page } = await launchBrowser();
//   await openWorkbench(page, server, { folder, extensionDevelopmentPath, extensionTestsPath,
//                                       onExit: (code) => ... });
//   ...
//   await cleanupAll();
//
// Every server, browser and temp dir is registered for cleanup: cleanupAll() releases them, and a
// process exit, SIGINT, SIGTERM or SIGHUP releases them too (the server runs in its own process
// group, which is killed whole: the extension host and file watcher outlive a plain kill).

import { spawn } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import util from 'node:util';
import { ensureCodeServer } from './ensure-code-server.mjs';

export const HOST = '127.0.0.1';
export const CHROMIUM_PATH = process.env.TRAINLENS_CHROMIUM || '/usr/bin/chromium';
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-dev-shm-usage',
];
export const THEMES = {
  dark: 'Default Dark Modern',
  light: 'Default Light Modern',
  hc: 'Default High Contrast',
};

const verbose = !!process.env.TRAINLENS_VSCODE_VERBOSE;
const say = (msg) => console.log(`[harness] ${msg}`);

// ---------------------------------------------------------------------------------------------
// Cleanup registry

/** @type {{name: string, sync: () => void, async?: () => Promise<void>}[]} */
const resources = [];
let handlersInstalled = false;
let shuttingDown = false;

function killGroup(pgid, signal) {
  try {
    process.kill(-pgid, signal);
    return true;
  } catch {
    return false; // ESRCH: the group is gone
  }
}

function groupAlive(pgid) {
  return killGroup(pgid, 0);
}

export function register(resource) {
  installHandlers();
  resources.push(resource);
  return () => {
    const i = resources.indexOf(resource);
    if (i >= 0) resources.splice(i, 1);
  };
}

function installHandlers() {
  if (handlersInstalled) return;
  handlersInstalled = true;
  // Last resort: synchronous, so it also runs on process.exit() and uncaught exceptions.
  process.on('exit', () => {
    for (const r of resources.splice(0).reverse()) {
      try { r.sync(); } catch {}
    }
  });
  const onSignal = (signal, code) => {
    if (shuttingDown) {
      process.exit(code); // second signal: the exit handler still kills and removes
    }
    shuttingDown = true;
    console.error(`[harness] ${signal}: cleaning up`);
    cleanupAll().finally(() => process.exit(code));
  };
  process.on('SIGINT', () => onSignal('SIGINT', 130));
  process.on('SIGTERM', () => onSignal('SIGTERM', 143));
  process.on('SIGHUP', () => onSignal('SIGHUP', 129));
}

/** Releases every registered resource, newest first (browser before server before temp dirs). */
export async function cleanupAll() {
  // A resource leaves the list only once released, so that an exit in the middle of this
  // (second Ctrl+C, timeout) still kills what is left, synchronously, from the exit handler.
  for (const r of [...resources].reverse()) {
    try {
      if (r.async) await withTimeout(r.async(), 10_000, `closing ${r.name}`);
    } catch (e) {
      if (verbose) console.error(`[harness] ${r.name}: ${e.message}`);
    }
    try { r.sync(); } catch {}
    const i = resources.indexOf(r);
    if (i >= 0) resources.splice(i, 1);
  }
}

/** A temp dir removed at cleanup. */
export function makeTempDir(prefix) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  register({ name: `temp dir ${dir}`, sync: () => fs.rmSync(dir, { recursive: true, force: true }) });
  return dir;
}

export function withTimeout(promise, ms, what) {
  let timer;
  return Promise.race([
    promise,
    new Promise((_, reject) => {
      timer = setTimeout(() => reject(new Error(`timed out after ${Math.round(ms / 1000)} s ${what}`)), ms);
      timer.unref?.();
    }),
  ]).finally(() => clearTimeout(timer));
}

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// ---------------------------------------------------------------------------------------------
// Server

export function userSettings(theme = 'dark', extra = {}) {
  const colorTheme = THEMES[theme] ?? theme;
  return {
    'workbench.colorTheme': colorTheme,
    'workbench.startupEditor': 'none',
    'workbench.welcomePage.walkthroughs.openOnInstall': false,
    'workbench.tips.enabled': false,
    'workbench.enableExperiments': false,
    'workbench.secondarySideBar.defaultVisibility': 'hidden',
    'security.workspace.trust.enabled': false,
    'security.workspace.trust.startupPrompt': 'never',
    'telemetry.telemetryLevel': 'off',
    'extensions.autoUpdate': false,
    'extensions.autoCheckUpdates': false,
    'extensions.ignoreRecommendations': true,
    'update.mode': 'none',
    'update.showReleaseNotes': false,
    'chat.commandCenter.enabled': false,
    'chat.agent.enabled': false,
    'chat.disableAIFeatures': true,
    'github.copilot.enable': { '*': false },
    'git.enabled': false,
    'git.openRepositoryInParentFolders': 'never',
    'npm.autoDetect': 'off',
    'typescript.tsc.autoDetect': 'off',
    'window.restoreWindows': 'none',
    'files.hotExit': 'off',
    ...extra,
  };
}

async function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, HOST, () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

function httpGet(url, timeoutMs = 2000) {
  return new Promise((resolve, reject) => {
    const req = http.get(url, { timeout: timeoutMs }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode, body }));
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', reject);
  });
}

/**
 * A display language for the workbench (VS Code's `--locale`). VS Code switches language only when a
 * language pack for it is installed: without one it stays in English, and so do `vscode.env.language`
 * and the extensions' `package.nls.<lang>.json` and `l10n/bundle.l10n.<lang>.json`. The server
 * finds its language packs in `<user-data>/languagepacks.json`; an entry whose translation of VS
 * Code itself is empty is a language pack that leaves VS Code's own UI in English but makes the
 * workbench, the extension host and every extension run in that language.
 */
function writeLanguagePack(root, userData, locale) {
  const translations = path.join(root, 'language-pack', `${locale}.i18n.json`);
  fs.mkdirSync(path.dirname(translations), { recursive: true });
  fs.writeFileSync(translations, JSON.stringify({ contents: {} }));
  const packs = {
    [locale]: {
      hash: `trainlens-test-${locale}`,
      label: locale,
      extensions: [{ extensionIdentifier: { id: `trainlens-test.language-pack-${locale}` }, version: '0.0.0' }],
      translations: { vscode: translations },
    },
  };
  fs.writeFileSync(path.join(userData, 'languagepacks.json'), JSON.stringify(packs, null, 2) + '\n');
}

/**
 * Starts VS Code's server in a fresh profile.
 * @param {{theme?: string, settings?: object, startTimeoutMs?: number, locale?: string}} [opts]
 *   locale: the display language (e.g. 'ko'); English when not given.
 * @returns {Promise<{host: string, port: number, url: string, authority: string, root: string,
 *   dataDir: string, pgid: number, version: string, logFile: string, stop: () => Promise<void>,
 *   logTail: (n?: number) => string}>}
 */
export async function startServer({ theme = 'dark', settings = {}, startTimeoutMs = 60_000, locale } = {}) {
  const cs = await ensureCodeServer({ quiet: true });
  const root = makeTempDir('trainlens-vscode-');
  const tmp = path.join(root, 'tmp');
  const serverData = path.join(root, 'server-data');
  const userData = path.join(serverData, 'data');
  const extDir = path.join(serverData, 'ext');
  for (const d of [tmp, path.join(userData, 'User'), extDir]) fs.mkdirSync(d, { recursive: true });
  fs.writeFileSync(
    path.join(userData, 'User', 'settings.json'),
    JSON.stringify(userSettings(theme, settings), null, 2) + '\n',
  );
  const translated = locale && !/^en(-|$)/i.test(locale) ? locale.toLowerCase() : undefined;
  if (translated) writeLanguagePack(root, userData, translated);
  const logFile = path.join(root, 'server.log');
  // VS Code applies the themes of a development extension automatically, and counts as such every
  // extension lying under an --extensionDevelopmentPath. Installed inside the repository (itself the
  // development extension), VS Code's built-in theme extensions would all qualify and the chosen
  // theme would be ignored. So the server runs from a path outside: a symlink, kept unresolved.
  const appLink = path.join(root, 'code-server');
  fs.symlinkSync(cs.pkgDir, appLink, 'dir');
  const serverMain = path.join(appLink, path.relative(cs.pkgDir, cs.serverMain));

  let lastError;
  for (let attempt = 1; attempt <= 3; attempt++) {
    const port = await freePort();
    const args = [
      '--preserve-symlinks',
      '--preserve-symlinks-main',
      serverMain,
      '--host', HOST,
      '--port', String(port),
      '--without-connection-token',
      '--accept-server-license-terms',
      '--enable-smoke-test-driver',
      '--disable-telemetry',
      '--server-data-dir', serverData,
      '--user-data-dir', userData,
      '--extensions-dir', extDir,
      ...(translated ? ['--locale', translated] : []),
    ];
    const log = fs.openSync(logFile, 'a');
    // detached: the server calls setsid() and leads its own process group, killed whole at stop.
    const child = spawn(process.execPath, args, {
      cwd: root,
      detached: true,
      env: { ...process.env, TMPDIR: tmp, VSCODE_CLI: undefined, ELECTRON_RUN_AS_NODE: undefined },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const pgid = child.pid;
    for (const stream of [child.stdout, child.stderr]) {
      stream.on('data', (d) => {
        if (!stopped) { try { fs.writeSync(log, d); } catch {} }
        if (verbose) process.stdout.write(String(d).replace(/^(?=.)/gm, '[server] '));
      });
    }
    let exited = null;
    child.on('exit', (code, signal) => (exited = signal ?? code));
    child.on('error', (e) => (exited = e.message));

    let stopped = false;
    const stopSync = () => {
      if (stopped) return;
      stopped = true;
      killGroup(pgid, 'SIGKILL');
      try { fs.closeSync(log); } catch {}
    };
    const stop = async () => {
      if (stopped) return;
      killGroup(pgid, 'SIGTERM');
      const deadline = Date.now() + 3000;
      while (groupAlive(pgid) && Date.now() < deadline) await sleep(100);
      stopSync();
      unregister();
    };
    const unregister = register({ name: `VS Code server (pgid ${pgid})`, sync: stopSync, async: stop });
    const url = `http://${HOST}:${port}`;
    const deadline = Date.now() + startTimeoutMs;
    let version = null;
    while (Date.now() < deadline && exited === null) {
      try {
        const res = await httpGet(`${url}/version`);
        if (res.status === 200) {
          version = res.body.trim();
          break;
        }
      } catch {}
      await sleep(200);
    }
    if (version !== null) {
      const logTail = (n = 40) => {
        try { return fs.readFileSync(logFile, 'utf8').split('\n').slice(-n).join('\n'); } catch { return ''; }
      };
      if (process.env.TRAINLENS_RUN_DIR) {
        try { fs.appendFileSync(path.join(process.env.TRAINLENS_RUN_DIR, 'pgids'), `${pgid}\n`); } catch {}
      }
      say(`server ${cs.version} (commit ${version.slice(0, 10)}) on ${url}, theme ${theme}${translated ? `, locale ${translated}` : ''}, pgid ${pgid}`);
      return {
        host: HOST, port, url, authority: `${HOST}:${port}`, root, dataDir: serverData, userDataDir: userData, pgid, version,
        logFile, stop, logTail,
      };
    }
    await stop();
    const tailText = fs.existsSync(logFile) ? fs.readFileSync(logFile, 'utf8').split('\n').slice(-30).join('\n') : '';
    lastError = new Error(
      `VS Code server did not answer /version on port ${port} ` +
        `(${exited !== null ? `exited: ${exited}` : 'timed out'}).\n--- server log ---\n${tailText}`,
    );
    if (!/EADDRINUSE/.test(tailText)) break;
    say(`port ${port} was taken, retrying`);
  }
  throw lastError;
}

// ---------------------------------------------------------------------------------------------
// Browser

/**
 * Launches Debian's Chromium through playwright-core (never a downloaded browser).
 * @param {{viewport?: {width: number, height: number}}} [opts]
 */
export async function launchBrowser({ viewport = { width: 1600, height: 1000 } } = {}) {
  if (!fs.existsSync(CHROMIUM_PATH)) {
    throw new Error(`${CHROMIUM_PATH} not found: apt-get install -y chromium`);
  }
  const { chromium } = await import('playwright-core');
  const before = new Set(childPids());
  const browser = await chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: CHROMIUM_ARGS,
    handleSIGINT: false,
    handleSIGTERM: false,
    handleSIGHUP: false,
    timeout: 60_000,
  });
  // Playwright starts the browser as our direct child, detached into its own process group.
  const pid = childPids().find((p) => !before.has(p));
  if (pid && process.env.TRAINLENS_RUN_DIR) {
    try { fs.appendFileSync(path.join(process.env.TRAINLENS_RUN_DIR, 'pgids'), `${pid}\n`); } catch {}
  }
  let closed = false;
  const close = async () => {
    if (closed) return;
    closed = true;
    await browser.close().catch(() => {});
    unregister();
  };
  const unregister = register({
    name: `Chromium (pid ${pid})`,
    async: close,
    sync: () => {
      if (!pid) return;
      // Playwright starts the browser detached, as its own process group.
      if (!killGroup(pid, 'SIGKILL')) { try { process.kill(pid, 'SIGKILL'); } catch {} }
    },
  });
  const context = await browser.newContext({ viewport, deviceScaleFactor: 1 });
  const page = await context.newPage();
  return { browser, context, page, close };
}

/** Pids of this process's direct children (from /proc). */
function childPids() {
  const out = [];
  for (const name of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${name}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid === process.pid) out.push(Number(name));
    } catch {}
  }
  return out;
}

// Workbench log lines that are expected on an offline machine and say nothing about the extension.
const NOISE = [
  /Resolving connection token|Resolved connection token/,
  /Creating a socket \(|Updating additional builtin extensions cache/,
  /ChatSessionStore:/,
  /\[Service Worker\] registration/,
  /ENOTFOUND|EAI_AGAIN|open-vsx\.org|marketplace|gallery/i,
];
export const isNoise = (text) => NOISE.some((re) => re.test(text));

function formatLogArgs(args) {
  if (Array.isArray(args)) return util.format(...args);
  if (typeof args === 'string') return args;
  return util.format(args);
}

/**
 * Builds the workbench URL that loads a development extension (and optionally a test module).
 */
export function workbenchUrl(server, { folder, extensionDevelopmentPath, extensionTestsPath } = {}) {
  const remote = (p) => `vscode-remote://${server.authority}${path.resolve(p)}`;
  const payload = [];
  if (extensionDevelopmentPath) payload.push(['extensionDevelopmentPath', remote(extensionDevelopmentPath)]);
  if (extensionTestsPath) payload.push(['extensionTestsPath', remote(extensionTestsPath)]);
  payload.push(['skipWelcome', 'true']);
  const q = new URLSearchParams();
  if (folder) q.set('folder', path.resolve(folder));
  q.set('payload', JSON.stringify(payload));
  return `${server.url}/?${q.toString()}`;
}

/**
 * Hooks codeAutomationExit/codeAutomationLog, then opens the workbench.
 * @param {import('playwright-core').Page} page
 * @param {object} server  result of startServer()
 * @param {{folder?: string, extensionDevelopmentPath?: string, extensionTestsPath?: string,
 *   onExit?: (code: number) => void, onLog?: (level: string, text: string) => void,
 *   logPrefix?: string, printLog?: (level: string, text: string) => boolean}} opts
 *   printLog decides which log lines are printed (default: all but known offline noise).
 */
export async function openWorkbench(page, server, opts = {}) {
  const prefix = opts.logPrefix ?? '[vscode]';
  const printLog = opts.printLog ?? ((_level, text) => verbose || !isNoise(text));
  await page.exposeFunction('codeAutomationLog', (level, args) => {
    const text = formatLogArgs(args);
    opts.onLog?.(level, text);
    if (printLog(level, text)) {
      const tag = level && level !== 'info' ? `${prefix} ${level}:` : prefix;
      process.stdout.write(`${text.replace(/^/gm, `${tag} `)}\n`);
    }
  });
  await page.exposeFunction('codeAutomationExit', (code) => {
    opts.onExit?.(typeof code === 'number' ? code : Number(code ?? 1));
  });
  page.on('pageerror', (e) => {
    if (verbose) console.error(`[page] error: ${e.message}`);
  });
  // Without a test module, the extension host's console reaches only the page's console, as
  // "%c[Extension Host] %c<text>" with two CSS arguments: pass those lines on like the log above.
  const forwardExtHostConsole = !opts.extensionTestsPath;
  page.on('console', (m) => {
    const text = m.text();
    const ext = /^%c\[Extension Host\] %c/.exec(text);
    if (ext && forwardExtHostConsole) {
      const level = m.type() === 'warning' ? 'warn' : m.type() === 'log' ? 'info' : m.type();
      const body = text.slice(ext[0].length).replace(/ color: [^ ]+ color: $/, '');
      opts.onLog?.(level, body);
      if (printLog(level, body)) {
        const tag = level !== 'info' ? `${prefix} ${level}:` : prefix;
        process.stdout.write(`${body.replace(/^/gm, `${tag} `)}\n`);
      }
    } else if (m.type() === 'error' && /Activating extension .* failed/.test(text)) {
      // An extension that throws in activate(): the workbench says so only here and in a toast.
      opts.onLog?.('error', text);
      if (printLog('error', text)) process.stdout.write(`${prefix} error: ${text}\n`);
    } else if (verbose) {
      console.log(`[page] ${m.type()}: ${text}`);
    }
  });
  const url = workbenchUrl(server, opts);
  if (verbose) say(`opening ${url}`);
  await page.goto(url, { waitUntil: 'domcontentloaded', timeout: 60_000 });
  return url;
}

/** Copies a folder into a fresh temp dir (removed at cleanup) and returns the copy's path. */
export function copyToTempWorkspace(src, name = 'workspace') {
  const root = makeTempDir('trainlens-ws-');
  const dest = path.join(root, name);
  fs.cpSync(src, dest, { recursive: true });
  return dest;
}
