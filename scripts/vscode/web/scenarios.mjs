// The web test's scenarios: the extension in the browser's web worker extension host, driven as a
// person does, with the browser test's helpers (scripts/vscode/browser/). Screenshots are
// test-results/screenshots/web-<scenario>-<theme>.png.
import fs from 'node:fs';
import path from 'node:path';
import { sleep } from '../server.mjs';
import { CHART_IDS, SHOTS, StepError, num, poll, secsSince } from '../browser/common.mjs';
import { COMPARE_FILE, WEIGHTS_FILE } from '../browser/workspace.mjs';
import { describePanel, inkSummary, panelOverlays, readPanel, waitInk, waitPanel } from '../browser/panel.mjs';
import { inkByTab, showPanelTab, tabScreenshot } from '../browser/tabs.mjs';
import {
  LENS, clickLens, codeLensTexts, lensLocator, openModelFile, pickInQuickPick, screenshot, startTraining, stopTraining,
} from '../browser/workbench.mjs';
import { initScenario, koreanScenario, swapScenario } from '../browser/scenarios-train.mjs';
import { inspectScenario } from '../browser/inspect.mjs';
import { circuitScenario } from '../browser/circuit.mjs';
import { surfaceScenario } from '../browser/surface.mjs';
import { landscapeScenario } from '../browser/landscape.mjs';
import { CHECK_SCENARIOS } from './scenarios-checks.mjs';
import { STORE_SCENARIOS } from './scenarios-store.mjs';
import { asOnDesktop } from './as-desktop.mjs';
import { isolatedWeb } from './scenarios-isolated.mjs';
import { editorWeb, pauseWeb } from './scenarios-editor.mjs';
import { finalLoss, problems, trainToEnd } from './steps.mjs';
import { CSV_DATA, CSV_FILE, CSV_MISSING_FILE, CSV_ROWS, SPIRAL_LONG } from './copy.mjs';

const shot = (name, ctx) => path.join(SHOTS, `web-${name}-${ctx.theme}.png`);

/** Open the spiral, ▶ Train from the CodeLens, every chart of the panel draws (ink, tab by tab). */
export async function spiralWeb(page, ctx) {
  await openModelFile(page, ctx, 'spiral.nn.yaml');
  const panel = await trainToEnd(page, ctx, 'spiral.nn.yaml');
  const { loss, texts } = await finalLoss(panel);
  ctx.check(`the panel says ${JSON.stringify(texts.summary)} (loss ${loss})`);
  ctx.check(`run details: ${JSON.stringify(texts.details)}`);
  const ink = await inkByTab(panel, ctx, ['loss', ...CHART_IDS]);
  ctx.check(`every chart drew, by the ink on its canvas: ${inkSummary(ink)}`);
  await showPanelTab(panel.frame, 'overview');
  await poll('the CodeLens to return to "▶ Train"', 15_000, () => lensLocator(page, LENS.train).isVisible());
  await sleep(800);
  await screenshot(page, ctx, shot('spiral', ctx));
  await tabScreenshot(page, ctx, panel.frame, 'gradients', shot('spiral-gradients', ctx));
  await showPanelTab(panel.frame, 'overview');
}

/** The long spiral: swap the optimizer from its lens while it trains (marker, `type: sgd`), stop from the lens. */
export async function swapWeb(page, ctx) {
  await swapScenario(page, { ...ctx, shots: { main: shot('swap', ctx) } });
}

/** Compare… from the lens over the file's compare: section: six optimizers overlaid, each drawn. */
export async function compareWeb(page, ctx) {
  await openModelFile(page, ctx, COMPARE_FILE);
  const widget = page.locator('.quick-input-widget');
  await clickLens(page, ctx, LENS.compare, 'Compare…', () => widget.isVisible(), { effectMs: 4000 });
  await pickInQuickPick(page, ctx, { title: /^Compare\b.*optimizer-compare\.nn\.yaml/, filter: 'optimizer: sgd', expect: 'optimizer: sgd, momentum, nesterov, adagrad, rmsprop, adam' });
  await pickInQuickPick(page, ctx, { title: /seeds per variant/, filter: '1 seed', expect: '1 seed' });
  const pickedAt = Date.now();
  let seen = null;
  await poll('six overlaid runs, all ended (canvas#loss-chart data-overlays=6, data-overlays-done=6)', 240_000, async () => {
    seen = await panelOverlays(page);
    return seen && seen.n === 6 && seen.done === 6;
  }).catch((e) => {
    throw new StepError(`${e.message}; the panel shows ${JSON.stringify(seen && { n: seen.n, done: seen.done })}`);
  });
  ctx.check(`six optimizers trained and overlaid (${secsSince(pickedAt)} s after the pick)`);
  const items = await seen.frame.$$eval('#overlay-list li', (els) => els.map((e) => e.textContent.trim()));
  if (items.length !== 6) throw new StepError(`the overlay legend lists ${items.length} runs: ${JSON.stringify(items)}`);
  ctx.check(`overlay legend: ${items.join(' | ')}`);
  const ink = await inkByTab({ frame: seen.frame }, ctx, ['loss', 'accuracy']);
  ctx.check(`the overlaid runs drew: ${inkSummary(ink)}`);
  await sleep(500);
  await screenshot(page, ctx, shot('compare', ctx));
}

/**
 * Data-path diagnostics on the web (an async workspace.fs stat, then the diagnostics again): a
 * missing CSV's path is an error as soon as the file is open, an existing one is not.
 */
export async function pathsWeb(page, ctx) {
  await openModelFile(page, ctx, CSV_MISSING_FILE);
  let seen = null;
  await poll('an error squiggle under data/not-there.csv, without typing', 15_000, async () => {
    seen = await problems(page);
    return seen.squiggles > 0;
  }).catch((e) => {
    throw new StepError(`${e.message}; the editor shows ${JSON.stringify(seen)}`);
  });
  ctx.check(`${CSV_MISSING_FILE}: the missing CSV is an error (${seen.squiggles} squiggle(s), status bar ${JSON.stringify(seen.status)})`);
  await openModelFile(page, ctx, CSV_FILE);
  await sleep(1500); // the path's stat answers
  seen = await problems(page);
  if (seen.squiggles > 0) throw new StepError(`${CSV_FILE} shows an error squiggle though ${CSV_DATA} exists: ${JSON.stringify(seen)}`);
  ctx.check(`${CSV_FILE}: no error on ${CSV_DATA}`);
  // The missing file appears (written on the server's disk): the file watcher drops the cached stat and the error goes.
  await openModelFile(page, ctx, CSV_MISSING_FILE);
  const missing = path.join(ctx.workspace, path.dirname(CSV_DATA), 'not-there.csv');
  fs.copyFileSync(path.join(ctx.workspace, CSV_DATA), missing);
  try {
    await poll('the squiggle to go once data/not-there.csv exists', 20_000, async () => (seen = await problems(page)).squiggles === 0).catch((e) => {
      throw new StepError(`${e.message}; the editor shows ${JSON.stringify(seen)}`);
    });
  } finally {
    fs.rmSync(missing, { force: true });
  }
  ctx.check(`data/not-there.csv written: the error on ${CSV_MISSING_FILE} went (status bar ${JSON.stringify(seen.status)})`);
}

/** A model whose data is a CSV file in the workspace (read through workspace.fs): trains to a finite loss over all its rows. */
export async function csvWeb(page, ctx) {
  await openModelFile(page, ctx, CSV_FILE);
  const panel = await trainToEnd(page, ctx, CSV_FILE);
  const { loss, texts } = await finalLoss(panel);
  const sizes = /([\d,]+) training \/ ([\d,]+) held-out samples/.exec(texts.details);
  if (!sizes || num(sizes[1].replace(/,/g, '')) + num(sizes[2].replace(/,/g, '')) !== CSV_ROWS) {
    throw new StepError(`the run did not read the ${CSV_ROWS} rows of ${CSV_DATA}: ${JSON.stringify(texts.details)}`);
  }
  ctx.check(`trained from ${CSV_DATA}: ${JSON.stringify(texts.summary)} (loss ${loss}); ${JSON.stringify(texts.details)}`);
  const ink = await waitInk(panel, ['loss', 'accuracy', 'boundary']);
  ctx.check(`loss, accuracy and the decision boundary drew: ${inkSummary(ink)}`);
  await sleep(500);
  await screenshot(page, ctx, shot('csv', ctx));
}

/** A long run stopped from its "⏹ Stop" lens: the panel says stopped and its points stop growing. */
export async function stopWeb(page, ctx) {
  await openModelFile(page, ctx, SPIRAL_LONG);
  await startTraining(page, ctx, SPIRAL_LONG);
  const running = await waitPanel(page, 'loss points while the long spiral trains', 30_000,
    (p) => num(p.loss.points) > 0 && p.loss.state === 'running');
  ctx.check(`training: data-points=${running.loss.points}, data-state="running"`);
  await stopTraining(page, ctx);
  const stopped = await readPanel(page);
  await sleep(1500);
  const later = await readPanel(page);
  if (later?.loss.state !== 'stopped' || num(later.loss.points) !== num(stopped.loss.points)) {
    throw new StepError(`the run went on after Stop: ${describePanel(stopped)} then ${describePanel(later)}`);
  }
  ctx.check(`stopped: data-points stays ${later.loss.points} 1.5 s later; lenses ${JSON.stringify(await codeLensTexts(page))}`);
  await screenshot(page, ctx, shot('stop', ctx));
}

/** The bundled MNIST digits (read from the extension's URI, gunzipped by DecompressionStream) train; the weights draw as images. */
export async function digitsWeb(page, ctx) {
  await openModelFile(page, ctx, WEIGHTS_FILE);
  const panel = await trainToEnd(page, ctx, WEIGHTS_FILE, 240_000);
  const { loss, texts } = await finalLoss(panel);
  ctx.check(`the digits trained: ${JSON.stringify(texts.summary)} (loss ${loss}); ${JSON.stringify(texts.details)}`);
  const ink = await inkByTab(panel, ctx, ['loss', 'accuracy']);
  ctx.check(`the loss and accuracy drew: ${inkSummary(ink)}`);
  await showPanelTab(panel.frame, 'weights');
  // The weights are grey images (no series colour): count the grey levels they drew, not data-points.
  let drawn = null;
  await poll('the first-layer weights drawn as images (#chart-weights: 64 images, ≥ 32 grey levels over ≥ 10 % of the canvas)', 15_000, async () => {
    drawn = await panel.frame.$eval('#chart-weights', (c) => {
      const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
      const levels = new Set();
      let ink = 0;
      for (let i = 0; i < d.length; i += 4) {
        if (d[i + 3] === 0) continue;
        ink++;
        levels.add(d[i] >> 2);
      }
      return { points: c.getAttribute('data-points'), ink, of: c.width * c.height, levels: levels.size };
    });
    return drawn.points === '64' && drawn.levels >= 32 && drawn.ink >= 0.1 * drawn.of;
  }).catch((e) => {
    throw new StepError(`${e.message}; #chart-weights shows ${JSON.stringify(drawn)}`);
  });
  ctx.check(`#chart-weights drew ${drawn.points} images: ${drawn.ink} px of ink (${(100 * drawn.ink / drawn.of).toFixed(1)} %), ${drawn.levels} grey levels`);
  await sleep(500);
  await tabScreenshot(page, ctx, panel.frame, 'weights', shot('digits-weights', ctx));
  await showPanelTab(panel.frame, 'overview');
}

/** In Korean (--locale ko): the lenses, the command's Korean title, the panel. */
export async function koreanWeb(page, ctx) {
  await koreanScenario(page, { ...ctx, shots: { main: shot('korean', ctx) } });
}

export const WEB_SCENARIOS = {
  spiral: spiralWeb, swap: swapWeb, compare: compareWeb, csv: csvWeb, paths: pathsWeb, stop: stopWeb, digits: digitsWeb, korean: koreanWeb,
  // More of the features, by the desktop's scenarios: Inspect (and Mistakes), circuits,
  // optimizers on surfaces, the loss landscape; then (CHECK_SCENARIOS, web/scenarios-checks.mjs) the
  // gradient check, sanity checks and Tune. Those compare float64 results with the CLI's, and
  // Chromium's Math.log/exp/pow round differently from Node 20's in the last place (Math.log(3):
  // 1.0986122886681098 against …096), so here they compare figures within a relative 1e-9
  // (WEB_REL_TOL) and a gradient check's errors, round-off themselves, within a factor of 10
  // (browser/gradcheck.mjs GRADCHECK_FACTOR); counts, names, verdicts and statuses exactly.
  inspect: asOnDesktop(inspectScenario), circuit: asOnDesktop(circuitScenario), surface: asOnDesktop(surfaceScenario),
  landscape: asOnDesktop(landscapeScenario), init: asOnDesktop(initScenario),
  // In a cross-origin isolated workbench (web-test.mjs): kernel threads, Stop through shared memory.
  isolated: async (page, ctx) => {
    await isolatedWeb(page, ctx);
    await stopWeb(page, ctx);
  },
  editor: editorWeb, pause: pauseWeb,
  ...CHECK_SCENARIOS,
  ...STORE_SCENARIOS,
};
