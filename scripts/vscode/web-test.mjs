#!/usr/bin/env node
// `npm run test:web`: the extension as vscode.dev and github.dev run it — in the browser's web
// worker extension host, training in a Web Worker — used in a real VS Code the way a person would.
//
// The test copies the built extension into a temp dir with a manifest that has no "main" (and no
// "bin"), and from dist/ only the web bundles (web/extension.js, web/worker.js, web/kernel-helper.js), the panels' scripts,
// the codicons and the bundled digits: VS Code then runs it in the web worker extension host (no
// process, no Buffer, no node: modules, no SharedArrayBuffer), and a stray require of a Node bundle
// fails loudly. Per theme: a fresh VS Code server + headless Chromium (scripts/vscode/server.mjs),
// the copy loaded as the development extension, a copy of examples/ (plus a CSV and a model reading
// it) as the workspace. Before any scenario the extension host must log the web entry's line
// "TrainLens: web extension host (crossOriginIsolated=…)" (a Node host never does) and no
// "Activating extension … failed". Then, one after another in that workbench (one that fails is run
// once more in a fresh workbench, and reported):
//
//   spiral   open spiral.nn.yaml, ▶ Train from the CodeLens, the run finishes with a finite loss;
//            every chart of the panel drew, by the ink on its canvas, tab by tab.
//   swap     spiral-long.nn.yaml: train, swap the optimizer to sgd from its lens while it trains:
//            the swap marker on the loss chart and "type: sgd" in the file; stop from the lens.
//   compare  optimizer-compare.nn.yaml: Compare… from the lens, its compare: section, one seed: six
//            runs overlaid and ended, six legend entries, loss and accuracy drawn.
//   csv      web-csv.nn.yaml reading data/web-points.csv (written into the workspace): trains to a
//            finite loss over all the file's rows; loss, accuracy and decision boundary drawn.
//   paths    web-csv-missing.nn.yaml (data/not-there.csv): an error squiggle on the path once the
//            web path check's workspace.fs stat answers, without typing; web-csv.nn.yaml: none;
//            data/not-there.csv written on disk: the squiggle goes (the cached stat is dropped).
//   stop     spiral-long.nn.yaml: train, ⏹ Stop from the lens: the panel says stopped and its points
//            stop growing; the lens is ▶ Train again.
//   digits   digits.nn.yaml (the bundled MNIST sample: read from the extension's URI, gunzipped with
//            DecompressionStream): trains to a finite loss; the first-layer weights draw as images.
//   korean   with the Korean display language (--locale ko): Korean lenses, Train by its Korean title,
//            the panel in Korean (the browser test's korean scenario), first theme only.
//   isolated in a cross-origin isolated workbench (the server behind web/coi-proxy.mjs, which adds
//            COOP/COEP as vscode.dev does with ?vscode-coi), first theme only: the activation line
//            says crossOriginIsolated=true; web-threads.nn.yaml (512-wide) trains on ≥ 2 threads (the
//            header), then with trainlens.threads: 1 on one, with the same loss, accuracies and
//            steps; then the stop scenario (Stop through the shared flag).
//   gradcheck, checks, tune  the browser test's scenarios of those names, run as they are here
//            (web/scenarios-checks.mjs): the gradient-check card, the sanity table and lr finder, and
//            Tune's table against the CLI on the same kernels, figures within a relative 1e-9 (Chromium's
//            Math.log/exp/pow round differently from Node's in the last place) and a gradient check's
//            errors, round-off themselves, within a factor of 10; counts, names, verdicts exactly.
//            Screenshots as the desktop's with the theme web-<theme> (gradcheck-web-dark.png, …).
//   inspect, circuit, surface, landscape, init  the browser test's scenarios, unchanged (their CLI
//            comparisons on the relaxed-SIMD kernels Chromium runs).
//   editor   web-editor.nn.yaml (a misspelt key): the hover over "dense: 100" gives its shapes,
//            parameters and FLOPs; Ctrl+. offers and applies "Change 'optimizr' to 'optimizer'";
//            completion after "optimizer: " offers the update rules and writes the one picked.
//   pause    spiral-long.nn.yaml: Pause from the lens (a message: no shared memory here), the step
//            stays put; three Steps, one step each; Resume trains on; Stop.
//   kept, export  (web/scenarios-store.mjs) a run kept through workspace.fs in the server's
//            user-data dir, listed in the Runs view, renamed, listed the same after a page reload and
//            drawn when clicked; Export as PyTorch… and Export Metrics as CSV… write into the
//            workspace: the script compiles, holds the run's weights bit for bit, its network
//            (NumPy) gives the run's final losses, and both match the CLI's exports.
//
//   node scripts/vscode/web-test.mjs                          # every scenario in dark; spiral in light too
//   node scripts/vscode/web-test.mjs --theme dark --scenario csv
//
// Options: --theme dark|light|hc (repeatable; default dark and light: every scenario in the first,
//   spiral and compare in the others), --scenario NAME (repeatable), --timeout MS (per scenario,
//   default 240000), --no-retry, --examples DIR. Screenshots: test-results/screenshots/web-*.png,
//   failure-web-<scenario>-<theme>.png when a step fails. TRAINLENS_VSCODE_VERBOSE=1 prints more.

import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { ensureCodeServer, repoRoot } from './ensure-code-server.mjs';
import { THEMES, cleanupAll, isNoise, launchBrowser, openWorkbench, startServer } from './server.mjs';
import { SHOTS, StepError, VIEWPORT, health, poll, secsSince } from './browser/common.mjs';
import { runThemes, summarize } from './browser/runner.mjs';
import { makeWebCopy, prepareWebWorkspace } from './web/copy.mjs';
import { startCoiProxy } from './web/coi-proxy.mjs';
import { ACTIVATION_LINE, activationLine } from './web/steps.mjs';
import { WEB_SCENARIOS } from './web/scenarios.mjs';

const { values: opt } = parseArgs({
  options: {
    theme: { type: 'string', multiple: true },
    scenario: { type: 'string', multiple: true },
    examples: { type: 'string', default: path.join(repoRoot, 'examples') },
    timeout: { type: 'string', default: '240000' },
    'no-retry': { type: 'boolean', default: false },
  },
});

const say = (msg) => console.log(`[test:web] ${msg}`);


/** Scenarios run in a workbench with another display language, and the ones run in every theme (their screenshots show colours). */
const SCENARIO_LOCALE = { korean: 'ko' };
/** Scenarios run in a cross-origin isolated workbench (the server behind web/coi-proxy.mjs), first theme only. */
const SCENARIO_VARIANTS = { isolated: { label: 'cross-origin isolated (COOP/COEP)', isolated: true } };
const EVERY_THEME = new Set(['spiral', 'compare']);

async function openSession(theme, { examples, locale, isolated: isolating }) {
  health.fatal = null;
  // A fresh copy per workbench: cleanupAll() (after a group or a failure) removes the temp dirs.
  const extension = makeWebCopy(repoRoot).dir;
  const errors = [];
  const activation = { line: null, failed: null };
  const workspace = prepareWebWorkspace(examples);
  const started = await startServer({ theme, locale });
  // As vscode.dev with ?vscode-coi: every answer with COOP/COEP, so the pages and workers share memory.
  const server = isolating ? await startCoiProxy(started) : started;
  const { page } = await launchBrowser({ viewport: VIEWPORT });
  const t0 = Date.now();
  await openWorkbench(page, server, {
    folder: workspace,
    extensionDevelopmentPath: extension,
    onLog: (level, text) => {
      activation.line = activationLine(text) ?? activation.line;
      if (level === 'error' && !isNoise(text)) errors.push(text.split('\n')[0]);
      if (/Activating extension .* failed/.test(text)) {
        activation.failed = text.split('\n')[0];
        health.fatal = activation.failed.replace(/^Error: /, '');
      }
    },
    printLog: (level, text) => !isNoise(text) && level !== 'trace' && level !== 'debug',
  });
  await page.locator('.monaco-workbench').waitFor({ state: 'visible', timeout: 60_000 });
  await page.locator('.explorer-folders-view').waitFor({ state: 'visible', timeout: 60_000 }).catch(() => {});
  // The extension must be running in the web worker extension host, and have activated there.
  await poll('the web entry\'s activation line "TrainLens: web extension host (crossOriginIsolated=…)"', 60_000,
    () => activation.line || activation.failed).catch(async (e) => {
    const file = path.join(SHOTS, `failure-web-activation-${theme}.png`);
    fs.mkdirSync(SHOTS, { recursive: true });
    await page.screenshot({ path: file }).catch(() => {});
    throw new StepError(`${e.message}: the extension did not activate in the web worker extension host (screenshot ${path.relative(process.cwd(), file)}; server log: ${server.logTail(5).replace(/\n/g, ' | ')})`);
  });
  if (activation.failed) throw new StepError(`the extension failed to activate: ${activation.failed}`);
  const isolated = ACTIVATION_LINE.exec(activation.line)[1];
  if (isolated !== String(Boolean(isolating))) throw new StepError(`the web extension host says crossOriginIsolated=${isolated} in a workbench ${isolating ? '' : 'not '}served with COOP/COEP`);
  // What the host has, as the line says: no process; Worker and WebAssembly; SharedArrayBuffer only when isolated.
  const want = { process: 'undefined', SharedArrayBuffer: isolating ? 'function' : 'undefined', Worker: 'function', WebAssembly: 'object' };
  for (const [name, type] of Object.entries(want)) {
    if (!activation.line.includes(`${name} ${type}`)) throw new StepError(`the web extension host should have ${name} ${type}: ${JSON.stringify(activation.line)}`);
  }
  say(`activated in the web worker extension host ${secsSince(t0)} s after opening the workbench: ${JSON.stringify(activation.line)}`);
  return { server, page, workspace, errors, activation, isolated };
}

/** What the shared runner (browser/runner.mjs) needs of this test. */
const TEST = {
  say,
  scenarios: WEB_SCENARIOS,
  openSession,
  opening: {
    ms: 120_000, what: 'starting VS Code and activating the web extension',
    loaded: (session, secs) => `workbench loaded, the extension activated in the web worker extension host (crossOriginIsolated=${session.isolated}) (${secs} s)`,
  },
  ctx: (options) => ({ isolated: Boolean(options.isolated) }),
  failurePrefix: 'failure-web-',
  serverLog: false,
  retry: !opt['no-retry'],
  themeLine: false,
};

async function main() {
  const themes = opt.theme?.length ? opt.theme : ['dark', 'light'];
  for (const t of themes) if (!THEMES[t]) throw new Error(`unknown theme ${t}: use ${Object.keys(THEMES).join(', ')}`);
  const asked = Boolean(opt.scenario?.length);
  const scenarios = asked ? opt.scenario : Object.keys(WEB_SCENARIOS);
  for (const s of scenarios) if (!WEB_SCENARIOS[s]) throw new Error(`unknown scenario ${s}: use ${Object.keys(WEB_SCENARIOS).join(', ')}`);
  const examples = path.resolve(opt.examples);
  await ensureCodeServer();
  const copy = makeWebCopy(repoRoot); // checks dist/web/ before any server starts; each workbench gets its own copy
  say(`the web copy of the extension: "browser": ${copy.browser}, no "main"`);
  const t0 = Date.now();
  const inTheme = (s, i) => asked || i === 0 || EVERY_THEME.has(s);
  const all = await runThemes(TEST, themes, scenarios, { asked, inTheme, locales: SCENARIO_LOCALE, variants: SCENARIO_VARIANTS }, { examples, timeoutMs: Number(opt.timeout) });
  summarize('web', all, t0, { everyRow: true });
}

main().catch(async (e) => {
  console.error(`[test:web] FAILED: ${e.message}`);
  await cleanupAll();
  process.exitCode = 1;
});
