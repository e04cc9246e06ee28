#!/usr/bin/env node
// `npm run test:vscode`: runs the integration tests inside a real VS Code extension host, offline.
//
// Expects `npm run build` and `npm run compile-tests` to have run. Installs code-server on demand
// (scripts/vscode/ensure-code-server.mjs), copies examples/ into a fresh temp workspace, and calls
// @vscode/test-electron's runTests with scripts/vscode/code (server + headless Chromium) as the
// VS Code executable. Fails when the tests fail, when the test module does not load, when it runs
// no test at all, and when the whole run takes longer than the timeout.
//
// Options (each also as an environment variable):
//   --extension DIR   extension under test            TRAINLENS_EXTENSION_PATH  (default: repo root)
//   --tests FILE      test module exporting run()     TRAINLENS_TESTS_PATH      (default: out/test/integration/index.js)
//   --examples DIR    folder copied as the workspace  TRAINLENS_EXAMPLES_DIR    (default: examples/)
//   --workspace DIR   open this folder as it is (no copy, kept afterwards): for suites that look at
//                     the folder across a window reload (scripts/vscode/reload-test.mjs)
//   --timeout MS      whole-run limit                 TRAINLENS_VSCODE_TIMEOUT_MS (default: 300000)
//   --theme NAME      dark | light | hc               TRAINLENS_VSCODE_THEME    (default: dark)
//   --locale LANG     display language, e.g. ko       TRAINLENS_VSCODE_LOCALE   (default: English; with ko and no
//                     --tests, the Korean suite out/test/integration/ko/index.js)
//   --untrusted       workspace trust on and the       TRAINLENS_VSCODE_UNTRUSTED=1 (default: trust off, as every
//                     workspace not trusted (restricted  other suite runs; with --untrusted and no --tests, the
//                     mode; a fresh profile trusts       suite out/test/integration/untrusted/index.js)
//                     nothing)
// TRAINLENS_VSCODE_VERBOSE=1 also prints the server's output and the page console.

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs, stripVTControlCharacters } from 'node:util';
import { createRequire } from 'node:module';
import { ensureCodeServer, repoRoot } from './ensure-code-server.mjs';

const require = createRequire(import.meta.url);
const here = path.dirname(new URL(import.meta.url).pathname);
const say = (msg) => console.log(`[test:vscode] ${msg}`);
const fail = (msg) => {
  console.error(`\n[test:vscode] FAILED: ${msg}\n`);
  process.exitCode = 1;
};

const { values: opt } = parseArgs({
  options: {
    extension: { type: 'string', default: process.env.TRAINLENS_EXTENSION_PATH || repoRoot },
    tests: { type: 'string', default: process.env.TRAINLENS_TESTS_PATH },
    examples: { type: 'string', default: process.env.TRAINLENS_EXAMPLES_DIR || path.join(repoRoot, 'examples') },
    timeout: { type: 'string', default: process.env.TRAINLENS_VSCODE_TIMEOUT_MS || '300000' },
    theme: { type: 'string', default: process.env.TRAINLENS_VSCODE_THEME || 'dark' },
    locale: { type: 'string', default: process.env.TRAINLENS_VSCODE_LOCALE || '' },
    workspace: { type: 'string', default: '' },
    untrusted: { type: 'boolean', default: process.env.TRAINLENS_VSCODE_UNTRUSTED === '1' },
  },
});
const korean = /^ko\b/i.test(opt.locale);
opt.tests ||= path.join(repoRoot, opt.untrusted ? 'out/test/integration/untrusted/index.js'
  : korean ? 'out/test/integration/ko/index.js' : 'out/test/integration/index.js');

/** Pids of processes whose parent is `ppid`. */
function childPids(ppid) {
  const out = [];
  for (const name of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${name}/stat`, 'utf8');
      if (Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]) === ppid) out.push(Number(name));
    } catch {}
  }
  return out;
}

function killEverything(runDir) {
  // The launcher's server and browser run in their own process groups, listed in runDir/pgids.
  try {
    for (const line of fs.readFileSync(path.join(runDir, 'pgids'), 'utf8').split('\n')) {
      const pgid = Number(line);
      if (pgid > 0) { try { process.kill(-pgid, 'SIGKILL'); } catch {} }
    }
  } catch {}
  const kill = (pid) => {
    for (const c of childPids(pid)) kill(c);
    try { process.kill(pid, 'SIGKILL'); } catch {}
  };
  for (const c of childPids(process.pid)) kill(c);
}

/** Watches our stdout for mocha's summary lines ("N passing", "N failing", "N pending"). */
function watchMochaSummary() {
  const counts = { passing: null, failing: 0, pending: 0 };
  let buf = '';
  const write = process.stdout.write.bind(process.stdout);
  process.stdout.write = (chunk, ...rest) => {
    buf += typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
    let nl;
    while ((nl = buf.indexOf('\n')) >= 0) {
      const line = stripVTControlCharacters(buf.slice(0, nl));
      buf = buf.slice(nl + 1);
      let m;
      if ((m = /^(?:\[[^\]]*\]\s*)?\s*(\d+) passing\b/.exec(line))) counts.passing = (counts.passing ?? 0) + Number(m[1]);
      else if ((m = /^(?:\[[^\]]*\]\s*)?\s*(\d+) failing\b/.exec(line))) counts.failing += Number(m[1]);
      else if ((m = /^(?:\[[^\]]*\]\s*)?\s*(\d+) pending\b/.exec(line))) counts.pending += Number(m[1]);
    }
    return write(chunk, ...rest);
  };
  return counts;
}

function extensionMain(extDir) {
  const pkg = JSON.parse(fs.readFileSync(path.join(extDir, 'package.json'), 'utf8'));
  if (!pkg.main) return null;
  const main = path.resolve(extDir, pkg.main);
  return [main, `${main}.js`].find((f) => fs.existsSync(f)) ?? main;
}

async function main() {
  const started = Date.now();
  const extension = path.resolve(opt.extension);
  const tests = path.resolve(opt.tests);
  const examples = path.resolve(opt.examples);
  const timeoutMs = Number(opt.timeout);

  if (!fs.existsSync(path.join(extension, 'package.json'))) return fail(`no extension at ${extension}`);
  const main = extensionMain(extension);
  if (main && !fs.existsSync(main)) return fail(`extension entry ${main} is missing: run \`npm run build\` first`);
  if (!fs.existsSync(tests)) return fail(`test module ${tests} is missing: run \`npm run compile-tests\` first`);
  if (!fs.existsSync(examples)) return fail(`examples folder ${examples} is missing`);

  await ensureCodeServer();

  const tmpRoot = fs.mkdtempSync(path.join(os.tmpdir(), 'trainlens-test-vscode-'));
  const workspace = opt.workspace ? path.resolve(opt.workspace) : path.join(tmpRoot, path.basename(examples));
  const runDir = path.join(tmpRoot, 'run');
  fs.mkdirSync(runDir);
  if (!opt.workspace) fs.cpSync(examples, workspace, { recursive: true });
  const cleanup = () => {
    // Should the launcher have died without cleaning up, its server and browser groups go here.
    try {
      for (const line of fs.readFileSync(path.join(runDir, 'pgids'), 'utf8').split('\n')) {
        if (Number(line) > 0) { try { process.kill(-Number(line), 'SIGKILL'); } catch {} }
      }
    } catch {}
    fs.rmSync(tmpRoot, { recursive: true, force: true });
  };
  process.on('exit', cleanup);

  // The launcher enforces the timeout itself (and cleans up); this one is the backstop.
  const watchdog = setTimeout(() => {
    console.error(`\n[test:vscode] FAILED: no result after ${Math.round(timeoutMs / 1000)} s; killing VS Code`);
    killEverything(runDir);
    process.exit(124);
  }, timeoutMs + 30_000);
  watchdog.unref();

  say(`extension: ${extension}`);
  say(`tests:     ${tests}`);
  say(`workspace: ${workspace} (copy of ${examples})`);
  if (opt.locale) say(`locale:    ${opt.locale}`);
  if (opt.untrusted) say('trust:     workspace trust on, the workspace not trusted (restricted mode)');
  const counts = watchMochaSummary();
  const { runTests } = require('@vscode/test-electron');
  let code;
  try {
    code = await runTests({
      vscodeExecutablePath: path.join(here, 'code'),
      extensionDevelopmentPath: extension,
      extensionTestsPath: tests,
      launchArgs: [workspace, ...(opt.locale ? [`--locale=${opt.locale}`] : [])],
      reuseMachineInstall: true, // the launcher makes a fresh profile for each run
      extensionTestsEnv: {
        TRAINLENS_VSCODE_TIMEOUT_MS: String(timeoutMs),
        TRAINLENS_VSCODE_THEME: opt.theme,
        TRAINLENS_RUN_DIR: runDir,
        TRAINLENS_VSCODE_UNTRUSTED: opt.untrusted ? '1' : '',
      },
    });
  } catch (e) {
    code = typeof e?.code === 'number' ? e.code : 1;
    if (typeof e?.code !== 'number') console.error(e);
  } finally {
    clearTimeout(watchdog);
  }

  const secs = ((Date.now() - started) / 1000).toFixed(1);
  const { passing, failing, pending } = counts;
  if (passing !== null) {
    console.log(`\nvscode: ${passing} passed, ${failing} failed${pending ? `, ${pending} skipped` : ''}`);
  }
  if (code === 130 || code === 143 || code === 129) return fail(`interrupted (exit code ${code})`);
  if (code === 124) return fail(`timed out after ${Math.round(timeoutMs / 1000)} s`);
  if (code !== 0) {
    return fail(
      passing === null
        ? `VS Code exited with code ${code} before mocha printed a summary: the test module probably ` +
            `failed to load or run() threw (see the errors above)`
        : `VS Code exited with code ${code} (${failing} failing)`,
    );
  }
  if (passing === null) {
    return fail('the tests "passed" but mocha printed no "N passing" summary: did run() add any test files? ' +
      '(use mocha\'s default spec reporter so the run can be counted)');
  }
  if (passing === 0) return fail('ran zero tests: the test module found no test files');
  if (failing > 0) return fail(`${failing} failing`);
  say(`OK: ${passing} passing in ${secs} s`);
}

main().catch((e) => {
  console.error(e);
  process.exitCode = 1;
});
