#!/usr/bin/env node
// Installs a real VS Code (the server inside the `code-server` npm package) on demand into
// <repo>/.vscode-test/code-server-<version>/, outside the project's own dependencies.
//
//   node scripts/vscode/ensure-code-server.mjs            # install if missing, print the path
//   node scripts/vscode/ensure-code-server.mjs --force    # reinstall
//
// As a module: `const cs = await ensureCodeServer(); cs.serverMain` -> .../server-main.js
//
// Why each step exists (see shared notes "real-vscode-tests.md"):
//  - code-server 4.100.3 (VS Code 1.100.3) is the newest that runs on Node 20.
//  - its postinstall refuses root unless npm_config_unsafe_perm=true, and node-pty's postinstall
//    runs `npx node-gyp`, which an npmrc `yes=false` cancels: npm_config_yes=true.
//  - @vscode/ripgrep's postinstall downloads rg from GitHub (unreachable here); a tarball holding
//    Debian's /usr/bin/rg, placed where its download cache looks ($TMPDIR/vscode-ripgrep-cache-
//    <pkg version>/ripgrep-<rg version>-<target>.tar.gz, with `rg` at the tarball's root), is used
//    instead.
//  - kerberos builds against Debian's libkrb5-dev; node-gyp needs Node's headers, which Debian's
//    nodejs ships under /usr/include/node (nodedir=/usr) so nothing is downloaded.
// A marker file written last says the install is complete; anything else found there is wiped
// and installed again.

import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const CODE_SERVER_VERSION = '4.100.3';
// Pinned by code-server 4.100.3's lib/vscode/npm-shrinkwrap.json.
const RIPGREP_PKG_VERSION = '1.15.11';
const RIPGREP_VERSION = 'v13.0.0-10';
const MARKER_NAME = '.trainlens-install-complete';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

export function codeServerPaths(version = CODE_SERVER_VERSION) {
  const cacheRoot = process.env.TRAINLENS_VSCODE_TEST_DIR
    ? path.resolve(process.env.TRAINLENS_VSCODE_TEST_DIR)
    : path.join(repoRoot, '.vscode-test');
  const installDir = path.join(cacheRoot, `code-server-${version}`);
  const pkgDir = path.join(installDir, 'node_modules', 'code-server');
  const vscodeDir = path.join(pkgDir, 'lib', 'vscode');
  return {
    version,
    cacheRoot,
    installDir,
    pkgDir,
    vscodeDir,
    serverMain: path.join(vscodeDir, 'out', 'server-main.js'),
    marker: path.join(installDir, MARKER_NAME),
    logFile: path.join(cacheRoot, `code-server-${version}-install.log`),
    lockDir: path.join(cacheRoot, `code-server-${version}.lock`),
  };
}

const say = (msg) => console.log(`[code-server] ${msg}`);

/** Files whose presence proves that every part of the install finished. */
function requiredFiles(p) {
  return [
    p.serverMain,
    path.join(p.vscodeDir, 'node_modules', '@vscode', 'ripgrep', 'bin', 'rg'),
    path.join(p.vscodeDir, 'node_modules', 'node-pty', 'package.json'),
    path.join(p.vscodeDir, 'node_modules.asar'),
    path.join(p.vscodeDir, 'extensions', 'node_modules'),
  ];
}

export function isInstalled(p = codeServerPaths()) {
  let marker;
  try {
    marker = JSON.parse(fs.readFileSync(p.marker, 'utf8'));
  } catch {
    return false;
  }
  if (marker.version !== p.version || marker.node !== process.versions.modules) return false;
  return requiredFiles(p).every((f) => fs.existsSync(f));
}

function ripgrepTarget() {
  if (process.platform !== 'linux') throw new Error(`only Linux is supported here, not ${process.platform}`);
  switch (process.arch) {
    case 'x64': return 'x86_64-unknown-linux-musl';
    case 'arm64': return 'aarch64-unknown-linux-musl';
    default: throw new Error(`unsupported CPU architecture ${process.arch}`);
  }
}

function which(cmd) {
  const r = spawnSync('sh', ['-c', `command -v ${cmd}`], { encoding: 'utf8' });
  return r.status === 0 ? r.stdout.trim() : null;
}

function preflight() {
  const problems = [];
  const rg = process.env.TRAINLENS_RG_PATH || '/usr/bin/rg';
  if (!fs.existsSync(rg)) problems.push(`${rg} missing: apt-get install -y ripgrep`);
  const krbHeaders = ['/usr/include/gssapi/gssapi.h', '/usr/include/krb5.h'];
  if (!krbHeaders.some((f) => fs.existsSync(f)) && !which('krb5-config')) {
    problems.push('Kerberos headers missing: apt-get install -y libkrb5-dev');
  }
  for (const tool of ['make', 'g++', 'python3', 'tar']) {
    if (!which(tool)) problems.push(`${tool} missing (needed to build native modules)`);
  }
  if (problems.length) {
    throw new Error(`cannot install code-server:\n  - ${problems.join('\n  - ')}`);
  }
  return { rg };
}

/** Writes the tarball that @vscode/ripgrep's postinstall takes for its own download. */
function seedRipgrepCache(tmpDir, rgPath) {
  const cacheDir = path.join(tmpDir, `vscode-ripgrep-cache-${RIPGREP_PKG_VERSION}`);
  fs.mkdirSync(cacheDir, { recursive: true });
  const staging = fs.mkdtempSync(path.join(tmpDir, 'rg-'));
  fs.copyFileSync(rgPath, path.join(staging, 'rg'));
  fs.chmodSync(path.join(staging, 'rg'), 0o755);
  const tarball = path.join(cacheDir, `ripgrep-${RIPGREP_VERSION}-${ripgrepTarget()}.tar.gz`);
  const r = spawnSync('tar', ['czf', tarball, '-C', staging, 'rg'], { stdio: 'inherit' });
  if (r.status !== 0) throw new Error('could not build the ripgrep cache tarball');
  fs.rmSync(staging, { recursive: true, force: true });
  return tarball;
}

function nodeHeadersDir() {
  // Debian's nodejs puts the headers under /usr/include/node; node-gyp calls that nodedir=/usr.
  const prefix = path.resolve(path.dirname(process.execPath), '..');
  return fs.existsSync(path.join(prefix, 'include', 'node', 'node.h')) ? prefix : null;
}

function acquireLock(p) {
  fs.mkdirSync(p.cacheRoot, { recursive: true });
  const deadline = Date.now() + 15 * 60_000;
  for (;;) {
    try {
      fs.mkdirSync(p.lockDir);
      fs.writeFileSync(path.join(p.lockDir, 'pid'), String(process.pid));
      return () => fs.rmSync(p.lockDir, { recursive: true, force: true });
    } catch (e) {
      if (e.code !== 'EEXIST') throw e;
      let owner = NaN;
      try { owner = Number(fs.readFileSync(path.join(p.lockDir, 'pid'), 'utf8')); } catch {}
      let alive = false;
      if (owner > 0) { try { process.kill(owner, 0); alive = true; } catch {} }
      if (!alive) {
        fs.rmSync(p.lockDir, { recursive: true, force: true });
        continue;
      }
      if (Date.now() > deadline) throw new Error(`timed out waiting for install lock ${p.lockDir} (pid ${owner})`);
      spawnSync('sleep', ['2']);
    }
  }
}

function runLogged(cmd, args, opts, logFile) {
  return new Promise((resolve, reject) => {
    const log = fs.openSync(logFile, 'a');
    fs.writeSync(log, `\n$ ${cmd} ${args.join(' ')}\n`);
    const child = spawn(cmd, args, { ...opts, stdio: ['ignore', log, log] });
    const started = Date.now();
    const beat = setInterval(() => {
      say(`  ... still installing (${Math.round((Date.now() - started) / 1000)} s; log: ${logFile})`);
    }, 15_000);
    const finish = (err) => {
      clearInterval(beat);
      fs.closeSync(log);
      if (err) reject(err);
      else resolve();
    };
    child.on('error', finish);
    child.on('exit', (code, signal) => {
      if (code === 0) finish();
      else finish(new Error(`${cmd} ${args.join(' ')} failed (${signal ?? `exit ${code}`})`));
    });
  });
}

function tail(file, lines = 60) {
  try {
    return fs.readFileSync(file, 'utf8').split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}

/**
 * Makes sure code-server is installed; returns its paths (see codeServerPaths()).
 * @param {{force?: boolean, quiet?: boolean}} [opts]
 */
export async function ensureCodeServer({ force = false, quiet = false } = {}) {
  const p = codeServerPaths();
  if (!force && isInstalled(p)) {
    if (!quiet) say(`code-server ${p.version} ready at ${p.pkgDir}`);
    return p;
  }
  const release = acquireLock(p);
  try {
    // Another process may have finished the install while we waited for the lock.
    if (!force && isInstalled(p)) {
      if (!quiet) say(`code-server ${p.version} ready at ${p.pkgDir}`);
      return p;
    }
    const { rg } = preflight();
    const started = Date.now();
    if (fs.existsSync(p.installDir)) say(`removing incomplete install at ${p.installDir}`);
    fs.rmSync(p.installDir, { recursive: true, force: true });
    fs.mkdirSync(p.installDir, { recursive: true });
    fs.writeFileSync(
      path.join(p.installDir, 'package.json'),
      JSON.stringify({ name: 'trainlens-vscode-test-code-server', private: true }, null, 2) + '\n',
    );
    const tmpDir = path.join(p.cacheRoot, `tmp-install-${process.pid}`);
    fs.rmSync(tmpDir, { recursive: true, force: true });
    fs.mkdirSync(tmpDir, { recursive: true });
    fs.writeFileSync(p.logFile, `code-server ${p.version} install, ${new Date().toISOString()}\n`);
    try {
      const tarball = seedRipgrepCache(tmpDir, rg);
      say(`seeded ripgrep download cache with ${rg}: ${path.relative(p.cacheRoot, tarball)}`);

      const env = {
        ...process.env,
        TMPDIR: tmpDir,
        npm_config_unsafe_perm: 'true',
        npm_config_yes: 'true',
        npm_config_audit: 'false',
        npm_config_fund: 'false',
        npm_config_update_notifier: 'false',
        // Never let anything fetch a browser or Electron while we are at it.
        PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD: '1',
        ELECTRON_SKIP_BINARY_DOWNLOAD: '1',
      };
      // npm started from `npm run` exports its own project's settings; keep them out.
      for (const k of Object.keys(env)) {
        if (/^npm_(package|lifecycle)_/.test(k) || k === 'npm_config_prefix' || k === 'INIT_CWD') delete env[k];
      }
      const headers = nodeHeadersDir();
      if (!env.npm_config_nodedir && headers) env.npm_config_nodedir = headers;

      say(`installing code-server@${p.version} into ${p.installDir} (npm + native builds, ~1 min, ~300 MB)`);
      await runLogged(
        'npm',
        ['install', '--no-save', '--no-package-lock', '--omit=dev', '--prefix', p.installDir, `code-server@${p.version}`],
        { cwd: p.installDir, env },
        p.logFile,
      );
      const missing = requiredFiles(p).filter((f) => !fs.existsSync(f));
      if (missing.length) throw new Error(`install finished but files are missing:\n  ${missing.join('\n  ')}`);
    } catch (e) {
      console.error(`[code-server] install FAILED: ${e.message}\n--- last lines of ${p.logFile} ---\n${tail(p.logFile)}\n---`);
      throw e;
    } finally {
      fs.rmSync(tmpDir, { recursive: true, force: true });
    }
    fs.writeFileSync(
      p.marker,
      JSON.stringify({ version: p.version, node: process.versions.modules, installedAt: new Date().toISOString() }) + '\n',
    );
    say(`installed code-server ${p.version} in ${Math.round((Date.now() - started) / 1000)} s`);
    return p;
  } finally {
    release();
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  ensureCodeServer({ force: process.argv.includes('--force') }).then(
    (p) => console.log(p.serverMain),
    () => process.exit(1),
  );
}
