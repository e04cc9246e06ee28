#!/usr/bin/env node
// `npm run test:browser`: uses the extension in a real VS Code the way a person would, and takes
// screenshots of the workbench.
//
// Per theme: a fresh VS Code server + headless Chromium, the extension loaded as a development
// extension, a fresh copy of examples/ as the workspace; then the scenarios, one after another in
// that workbench (a scenario that fails gets the next one a fresh workbench):
//
//   spiral  open spiral.nn.yaml, click "▶ Train", wait until the panel's canvas#loss-chart has
//           drawn loss points and data-state="finished", check that every chart of the panel drew:
//           read back with getImageData in the panel's frame, each canvas holds ≥ 400 pixels in a
//           series colour (the data's lines, bars, histograms, boundary; axes and grid are grey),
//           not only that Chart.js was handed points. The panel opens on its Overview tab and the
//           charts of the Gradients and Activations tabs do not exist yet (no Chart.js instance, no
//           sized canvas, data-points "0"); each tab is then clicked, shows alone, and its charts
//           draw the whole run. Screenshots: the workbench, and the panel per tab
//           (spiral-tab-<tab>-<theme>.png, the window grown to fit the tab). The korean scenario
//           checks the same ink, tab by tab.
//   swap    spiral-long.nn.yaml (the spiral, 400 units, full batches, 1,000,000 epochs): train, swap the optimizer from
//           the "optimizer: adam · Swap…" lens to sgd while it trains, wait for the swap marker on
//           the loss chart and "type: sgd" in the editor, stop from the "⏹ Stop" lens.
//   init    cs231n's weight-init experiment (init-experiment.nn.yaml, trained for longer): swap to
//           init "small" from the lens, train, screenshot the activation histograms collapsing
//           toward 0; swap back to xavier from the panel's toolbar while it trains, wait for the
//           restarted run's histograms, screenshot them (spread kept), stop.
//   regression  sine.nn.yaml (loss: mse): train to the end; the Fit card's curve and the R² card
//           drew (ink on their canvases), the Accuracy and Decision boundary cards hidden, the
//           header's val R² > 0.9; Compare on a copy with compare: optimizer: [sgd, momentum, adam]
//           (R² card with the overlays, each variant's val R² under the header); then ripple.nn.yaml
//           the same with the Fit heatmap; screenshots regression-<theme>.png (R² card),
//           regression-fit-<theme>.png, regression-compare-<theme>.png, ripple-<theme>.png.
//   gradcheck  kinks.nn.yaml (written into the workspace: a conv net on the MNIST sample with ReLU,
//           max pool, maxout, SVM loss and L1; `trainlens gradcheck --json` on it must report kinks
//           of two kinds or more): click "Gradient check", wait for the panel's gradient-check card,
//           and read each parameter's per-entry relative error, norm-wise figure, verdict,
//           checked/size and kinks (total and by kind), the footer's maxima and the per-kind line;
//           each must equal the CLI's JSON for the same file, formatted as the card formats it
//           (2-digit exponents, en-US integers), and the per-kind line must name all five kinds;
//           the notification's max relative error too; screenshot gradcheck-<theme>.png (the panel).
//   checks  a copy of spiral.nn.yaml: open the panel's Checks tab, click "Run sanity checks" and
//           "Find learning rate" there; every row of the sanity table (verdict, exact figures, the
//           cells' text, advice) must equal `trainlens sanity --json`, update-ratio show its layers,
//           no cell cut off; the finder's points and suggestion must equal `trainlens lr-find --json`
//           and its chart show series ink; CodeLens "Sanity: n/5 passed" and "Use lr …"; "Use this lr"
//           edits the optimizer line, Ctrl+Z restores it; screenshot checks-<theme>.png (the tab).
//   tune    tune-pick.nn.yaml (written, no tune: section): click "Tune…"; the QuickPick must tick lr
//           and l2 with their ranges; answer 4 trials, 2 epochs, 1 seed, write the section: the file
//           shows it, the search ends in the panel, one Ctrl+Z removes it. Then
//           tune-spiral.nn.yaml (written; a tune: section of 8 trials × 4 epochs): click "Tune…";
//           the panel must switch to its Tune tab and, once the search ends, show one table row per
//           trial whose lr, l2, val acc, val loss, epochs and status equal `trainlens tune --json`
//           exactly, the CLI's best marked, every trial on the scatter, ink on the scatter and the
//           best trial's curves; clicking a column sorts by it, again reverses; screenshot tune-<theme>.png;
//           "Apply best" writes the CLI's best lr and l2 (one Ctrl+Z restores them); "Narrow around the
//           best" adds 8 round-2 trials within half a decade of it; screenshot tune-round2-<theme>.png.
//           Last, sine-tune.nn.yaml (regression, 6 trials × 2 seeds): the column reads "val R²", each
//           figure equals the CLI's valR2, its cell "mean ± std" of valR2 and valR2Std; screenshot
//           tune-regression-<theme>.png.
//   findings  doctor-spiral.nn.yaml (written: the spiral at adam lr 1, 50 epochs): ▶ Train, wait for
//           the end, open the Findings tab: the same findings (code and layer; lr-too-high's step and
//           message exactly) as `trainlens train --json`, the badge their count, nothing cut off;
//           screenshot findings-<theme>.png; the lr-too-high row's button writes lr 0.1, Ctrl+Z restores 1.
//   circuit  circuit.nn.yaml: "TrainLens: Show Circuit" from the Command Palette opens the circuit panel
//           (+ and × gates, header f = −12); Step to the end of the forward pass (the output wire says
//           −12, no gradient), then of the backward pass (red labels −4, −4, 3 on x, y, z; values and
//           gradients in different colours); ← and → step when it has focus; screenshot
//           circuit-<theme>.png. Then type z: -5 over z: -4 in the editor: half typed, the panel shows
//           the file's error above the last circuit; then the same panel shows f = −15 at the same step
//           (circuit-edited-<theme>.png); a click on the + gate selects its text in the editor. Last,
//           circuit-staged.nn.yaml shown whole: no two labels overlap (circuit-staged-<theme>.png); after
//           "Developer: Reload Window" its panel comes back drawn.
//   inspect  spiral.nn.yaml: ▶ Train to the end; the pointer over a point of the decision boundary (misclassified
//           ones ringed) turns into a hand, a click opens the Inspect tab on that training sample: every
//           strip has ink, the scores table's label row and the loss equal `trainlens inspect --weights
//           trained --json`; the Mistakes tab's confusion matrix equals `trainlens train --json`'s last
//           epoch and sums to the held-out size; a click on a mistake opens Inspect on that validation
//           sample. Screenshots inspect-boundary-<theme>.png, inspect-<theme>.png, mistakes-<theme>.png.
//   surface  surface.nn.yaml (six rules racing on Himmelblau): ▶ Train to the end; the Overview tab alone,
//           the loss card reads f(x, y), no Accuracy card, no Swap init or Gradient check; the surface
//           card drew its contour lines and the path (≥ 150 px of the path's colour); ▶ Train again from the
//           panel: the path grows draw by draw as the steps arrive; Home and → on the
//           step slider move the drawn dot back to step 40, and hovering it names step 40, its position
//           and f exactly as `trainlens train --json`'s step line (formatted as the tip formats them);
//           End follows the end again. Compare over the six optimizers: six paths, the legend one entry
//           per rule, six different colours, each with ink. Screenshots surface-<theme>.png (the card),
//           surface-panel-<theme>.png, surface-workbench-<theme>.png, surface-compare-<theme>.png.
//   landscape  spiral.nn.yaml: ▶ Train to the end, then "TrainLens: Show Loss Landscape" from the Command
//           Palette (Enter on its QuickPick's first plane, random 21 × 21): the Landscape tab shows the
//           line chart and the plane with ink on both, the plane's 21² cells, its contours and the path
//           (one point per weight snapshot), the α = 0 and α = 1 losses equal to `trainlens landscape
//           FILE --json --weights trained`'s as the tab writes them, and a caption of what it cannot
//           show; screenshot landscape-<theme>.png. Then "Compute again…" in the tab, the principal
//           plane: its axes name the CLI's explained variance; landscape-pca-<theme>.png.
//   latency  with the panel closed, click "▶ Train" on spiral.nn.yaml and time, from the mousedown
//           to the loss chart's first drawn point (the panel's data-first-point-at; a panel
//           without it, by a MutationObserver on data-points ≥ 1), five times, with when the
//           panel's frame was created and its files arrived; prints the times and writes
//           test-results/latency.json. Reports, never asserts, a time.
//   korean  in a VS Code started with the Korean display language (--locale ko): spiral.nn.yaml's
//           CodeLens in Korean, Train run from the Command Palette by its Korean title
//           ("TrainLens: 모델 학습"), the panel's headings, badge, summary and toolbar in Korean once
//           the run finishes; screenshot of the workbench (korean-<theme>.png).
//
//   node scripts/vscode/browser-test.mjs                       # every scenario in dark; the colour ones in light too
//   node scripts/vscode/browser-test.mjs --all-themes          # every scenario in dark and light
//   node scripts/vscode/browser-test.mjs --theme hc --scenario spiral
//   node scripts/vscode/browser-test.mjs --theme dark --out docs/screenshot.png   # spiral only
//   node scripts/vscode/browser-test.mjs --theme dark --scenario korean --out docs/korean.png
//
// Options: --theme dark|light|hc (repeatable; default dark and light: every scenario in the first, the
//   colour-reading ones (EVERY_THEME) in the others, unless --all-themes), --scenario spiral|swap|init|compare|diverge|weights|regression|gradcheck|checks|korean|latency|seeds|tune|findings|inspect|circuit|surface|landscape
//   (repeatable; default all, korean in the first theme only, or spiral with --out), --out FILE (one
//   theme, one scenario: its main
//   screenshot), --extension DIR (TRAINLENS_EXTENSION_PATH, default repo root), --examples DIR
//   (TRAINLENS_EXAMPLES_DIR, default examples/), --file NAME (the spiral scenario's model file,
//   default spiral.nn.yaml), --timeout MS (per scenario, default 120000), --no-retry (a failed
//   scenario is not run a second time in a fresh workbench).
// Screenshots go to test-results/screenshots/: spiral-<theme>.png, spiral-panel-lower-<theme>.png,
// swap-<theme>.png, init-small-<theme>.png, init-xavier-<theme>.png, gradcheck-<theme>.png, korean-<theme>.png, and
// failure-<scenario>-<theme>.png when a step fails. TRAINLENS_VSCODE_VERBOSE=1 prints server
// output and the page console too.

// The helpers and scenarios live in scripts/vscode/browser/; this file holds the options and runs
// the sessions (one workbench per theme and display language) with browser/runner.mjs, which the web test shares.

import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { ensureCodeServer, repoRoot } from './ensure-code-server.mjs';
import { THEMES, cleanupAll, isNoise, launchBrowser, openWorkbench, startServer } from './server.mjs';
import { VIEWPORT, health, say } from './browser/common.mjs';
import { runThemes, summarize } from './browser/runner.mjs';
import { COMPARE_FILE, INIT_FILE, SINE_FILE, prepareWorkspace } from './browser/workspace.mjs';
import { initScenario, koreanScenario, spiralScenario, swapScenario } from './browser/scenarios-train.mjs';
import { compareScenario, divergeScenario, regressionScenario, weightsScenario } from './browser/scenarios-more.mjs';
import { gradcheckScenario } from './browser/gradcheck.mjs';
import { checksScenario } from './browser/checks.mjs';
import { seedsCase } from './browser/seeds.mjs';
import { latencyScenario } from './browser/latency.mjs';
import { tuneScenario } from './browser/tune.mjs';
import { findingsScenario } from './browser/findings.mjs';
import { inspectScenario } from './browser/inspect.mjs';
import { CIRCUIT_FILE, circuitScenario } from './browser/circuit.mjs';
import { SURFACE_FILE, surfaceScenario } from './browser/surface.mjs';
import { landscapeScenario } from './browser/landscape.mjs';

const { values: opt } = parseArgs({
  options: {
    theme: { type: 'string', multiple: true },
    scenario: { type: 'string', multiple: true },
    out: { type: 'string' },
    extension: { type: 'string', default: process.env.TRAINLENS_EXTENSION_PATH || repoRoot },
    examples: { type: 'string', default: process.env.TRAINLENS_EXAMPLES_DIR || path.join(repoRoot, 'examples') },
    file: { type: 'string', default: 'spiral.nn.yaml' },
    timeout: { type: 'string', default: '120000' },
    'all-themes': { type: 'boolean', default: false },
    'no-retry': { type: 'boolean', default: false },
  },
});

const SCENARIOS = { spiral: spiralScenario, swap: swapScenario, init: initScenario, compare: compareScenario, diverge: divergeScenario, weights: weightsScenario, regression: regressionScenario, gradcheck: gradcheckScenario, checks: checksScenario, korean: koreanScenario, latency: latencyScenario, tune: tuneScenario, findings: findingsScenario, inspect: inspectScenario, circuit: circuitScenario, surface: surfaceScenario, landscape: landscapeScenario,
  // The compare scenario's seeds case alone (the compare scenario runs it too).
  seeds: seedsCase };

/** Scenarios that run in a workbench with another display language. */
const SCENARIO_LOCALE = { korean: 'ko' };

/**
 * Unasked, every scenario runs in the first theme, and these in every theme: the ones whose checks
 * read colours off the canvases (series ink, boundary, fit, filters, value and gradient labels) or
 * whose screenshots show a view the others do not. The rest check behaviour that does not depend
 * on the theme (swaps, compare, tune, findings, checks, latency); `--all-themes` runs them in every
 * theme too. `seeds` (part of compare) and `latency` (a measurement: it reports times, asserts none) run only when asked for.
 */
const EVERY_THEME = new Set(['spiral', 'weights', 'regression', 'gradcheck', 'inspect', 'circuit', 'surface', 'landscape']);
const ONLY_WHEN_ASKED = new Set(['seeds', 'latency']);

// ---------------------------------------------------------------------------------------------
// Sessions: one workbench per theme, shared by its scenarios

async function openSession(theme, { extension, examples, locale }) {
  health.fatal = null;
  const errors = [];
  const workspace = prepareWorkspace(examples);
  const server = await startServer({ theme, locale });
  const { page } = await launchBrowser({ viewport: VIEWPORT });
  await openWorkbench(page, server, {
    folder: workspace,
    extensionDevelopmentPath: extension,
    onLog: (level, text) => {
      if (level === 'error' && !isNoise(text)) errors.push(text.split('\n')[0]);
      if (/Activating extension .* failed/.test(text)) health.fatal = text.split('\n')[0].replace(/^Error: /, '');
    },
    printLog: (level, text) => !isNoise(text) && level !== 'trace' && level !== 'debug',
  });
  await page.locator('.monaco-workbench').waitFor({ state: 'visible', timeout: 60_000 });
  await page.locator('.explorer-folders-view').waitFor({ state: 'visible', timeout: 60_000 })
    .catch(() => {}); // Quick Open works without it
  return { server, page, workspace, errors };
}

/** What the shared runner (browser/runner.mjs) needs of this test. */
const TEST = {
  say,
  scenarios: SCENARIOS,
  openSession,
  opening: { ms: 90_000, what: 'starting VS Code', loaded: (_session, secs) => `workbench loaded (${secs} s)` },
  ctx: ({ extension }) => ({ shots: { main: opt.out ? path.resolve(opt.out) : undefined }, file: opt.file, extension }),
  failurePrefix: 'failure-',
  serverLog: true,
  retry: !opt['no-retry'],
  themeLine: true,
};

async function main() {
  const themes = opt.theme?.length ? opt.theme : ['dark', 'light'];
  for (const t of themes) {
    if (!THEMES[t]) throw new Error(`unknown theme ${t}: use ${Object.keys(THEMES).join(', ')}`);
  }
  const asked = Boolean(opt.scenario?.length);
  const scenarios = asked ? opt.scenario : opt.out ? ['spiral'] : Object.keys(SCENARIOS).filter((s) => !ONLY_WHEN_ASKED.has(s));
  for (const s of scenarios) {
    if (!SCENARIOS[s]) throw new Error(`unknown scenario ${s}: use ${Object.keys(SCENARIOS).join(', ')}`);
  }
  if (opt.out && (themes.length !== 1 || scenarios.length !== 1)) throw new Error('--out needs exactly one --theme and one scenario');
  const extension = path.resolve(opt.extension);
  const examples = path.resolve(opt.examples);
  const pkgFile = path.join(extension, 'package.json');
  if (!fs.existsSync(pkgFile)) throw new Error(`no extension at ${extension}`);
  const main = JSON.parse(fs.readFileSync(pkgFile, 'utf8')).main;
  if (main) {
    const m = path.resolve(extension, main);
    if (!fs.existsSync(m) && !fs.existsSync(`${m}.js`)) throw new Error(`extension entry ${m} is missing: run \`npm run build\` first`);
  }
  const needed = [...new Set(scenarios.map((s) => ({ spiral: opt.file, swap: 'spiral.nn.yaml', init: INIT_FILE, compare: COMPARE_FILE, diverge: 'spiral.nn.yaml', weights: 'spiral.nn.yaml', regression: SINE_FILE, gradcheck: 'spiral.nn.yaml', checks: 'spiral.nn.yaml', korean: 'spiral.nn.yaml', latency: 'spiral.nn.yaml', seeds: 'spiral.nn.yaml', tune: 'spiral.nn.yaml', findings: 'spiral.nn.yaml', inspect: 'spiral.nn.yaml', circuit: CIRCUIT_FILE, surface: SURFACE_FILE, landscape: 'spiral.nn.yaml' })[s]))];
  for (const f of needed) {
    if (!fs.existsSync(path.join(examples, f))) throw new Error(`${path.join(examples, f)} is missing`);
  }

  await ensureCodeServer();
  const t0 = Date.now();
  // One workbench per theme and display language; unasked, the Korean one runs in the first theme only.
  const inTheme = (s, i) => asked || opt['all-themes'] || i === 0 || EVERY_THEME.has(s);
  const all = await runThemes(TEST, themes, scenarios, { asked, inTheme, locales: SCENARIO_LOCALE }, { extension, examples, timeoutMs: Number(opt.timeout) });
  summarize('browser', all, t0, { everyRow: false });
}

main().catch(async (e) => {
  console.error(`[test:browser] FAILED: ${e.message}`);
  await cleanupAll();
  process.exitCode = 1;
});
