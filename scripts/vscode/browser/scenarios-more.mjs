// Scenarios: compare (six optimizers overlaid), diverge, weights (image data), regression.
import path from 'node:path';
import { sleep } from '../server.mjs';
import { SHOTS, StepError, num, poll, secsSince } from './common.mjs';
import { COMPARE_FILE, DIVERGE_FILE, RIPPLE_FILE, SINE_COMPARE_FILE, SINE_FILE, WEIGHTS_FILE } from './workspace.mjs';
import { expectNotCreated, inkByTab, showPanelTab, tabScreenshot, tabState } from './tabs.mjs';
import { describePanel, inkSummary, panelIframe, panelOverlays, readPanel, scrollPanelTo, waitInk, waitPanel } from './panel.mjs';
import {
  LENS, clickLens, closeAll, expectEditorLine, lensLocator, openModelFile, pickInQuickPick, screenshot, startTraining,
} from './workbench.mjs';
import { bandInk, seedsCase } from './seeds.mjs';

export async function compareScenario(page, ctx) {
  await openModelFile(page, ctx, COMPARE_FILE);
  const widget = page.locator('.quick-input-widget');
  await clickLens(page, ctx, LENS.compare, 'Compare…', () => widget.isVisible(), { effectMs: 4000 });
  const first = 'optimizer: sgd, momentum, nesterov, adagrad, rmsprop, adam';
  await pickInQuickPick(page, ctx, { title: /^Compare\b.*optimizer-compare\.nn\.yaml/, filter: 'optimizer: sgd', expect: first });
  await pickInQuickPick(page, ctx, { title: /seeds per variant/, filter: '1 seed', expect: '1 seed' });
  const pickedAt = Date.now();
  let seen = null;
  await poll('six overlaid runs, all ended (canvas#loss-chart data-overlays=6, data-overlays-done=6)', 120_000, async () => {
    seen = await panelOverlays(page);
    return seen && seen.n === 6 && seen.done === 6;
  }).catch((e) => {
    throw new StepError(`${e.message}; the panel shows ${JSON.stringify(seen && { n: seen.n, done: seen.done })}`);
  });
  ctx.check(`six optimizers trained and overlaid (${secsSince(pickedAt)} s after the pick)`);
  const items = await seen.frame.$$eval('#overlay-list li', (els) => els.map((e) => e.textContent.trim()));
  if (items.length !== 6) throw new StepError(`the overlay legend lists ${items.length} runs: ${JSON.stringify(items)}`);
  ctx.check(`overlay legend: ${items.join(' | ')}`);
  // The seeds case's band measure on lines alone (their anti-aliased edges): its baseline.
  ctx.check(`no bands with one seed: ${JSON.stringify(await bandInk(seen.frame, ['loss', 'accuracy']))} px at a fill's opacity`);
  await scrollPanelTo(seen.frame, 'accuracy');
  await screenshot(page, ctx, ctx.shots.main ?? path.join(SHOTS, `compare-${ctx.theme}.png`));
  const ink = await inkByTab({ frame: seen.frame }, ctx, ['loss', 'accuracy', 'grad-flow', 'updates', 'act-std']);
  ctx.check(`the overlaid runs drew in every tab: ${inkSummary(ink)}`);
  await showPanelTab(seen.frame, 'gradients');
  await scrollPanelTo(seen.frame, 'grad-flow');
  await screenshot(page, ctx, path.join(SHOTS, `compare-gradients-${ctx.theme}.png`));
  await showPanelTab(seen.frame, 'overview');
  await seedsCase(page, ctx);
}

/**
 * A learning rate that explodes: training stops at the first non-finite step; the panel says where
 * (step and layer) and marks it; a notification offers to train again at a tenth of the rate, and
 * that button edits the file (undoably) and trains again.
 */
export async function divergeScenario(page, ctx) {
  await openModelFile(page, ctx, DIVERGE_FILE);
  await clickLens(page, ctx, LENS.train, '▶ Train', async () => {
    const p = await readPanel(page);
    return p && ['running', 'failed'].includes(p.loss.state) ? p : null;
  }, { effectMs: 15_000, tries: 2 });
  let panel = null;
  await poll('the run to fail (canvas#loss-chart data-state="failed")', 60_000, async () => {
    panel = await readPanel(page);
    if (panel && ['finished', 'stopped'].includes(panel.loss.state)) throw new StepError(`the run ${panel.loss.state} instead of diverging`);
    return panel?.loss.state === 'failed';
  }).catch(async (e) => {
    throw new StepError(`${e.message}; ${describePanel(panel)}`);
  });
  const error = await panel.frame.$eval('#run-error', (e) => (e.hidden ? '' : e.textContent.trim()));
  if (!/^Training diverged at step \d+: the (output|gradient) of layers\[\d\].* became NaN or infinite.*The weights from before this step are kept\. Lower the learning rate \(now 100\) or change the init scheme\.$/.test(error)) {
    throw new StepError(`the panel's error reads ${JSON.stringify(error)}`);
  }
  ctx.check(`panel: ${JSON.stringify(error)}`);
  const markers = await poll('the divergence marker on the loss chart (data-markers=1)', 10_000, async () => {
    const p = await readPanel(page);
    return p?.loss.markers === '1' ? p : null;
  });
  ctx.check(`loss chart marks it: data-markers=${markers.loss.markers}`);
  const toast = page.locator('.notification-toast', { hasText: /diverged at step/ }).first();
  await poll('the error notification', 15_000, () => toast.isVisible());
  const toastText = (await toast.locator('.notification-list-item-message').first().textContent()).trim();
  const retry = toast.locator('a.monaco-button, .monaco-button', { hasText: 'Train Again with lr 10' }).first();
  if (!(await retry.isVisible())) throw new StepError(`the notification has no "Train Again with lr 10" button: ${JSON.stringify(toastText)}`);
  ctx.check(`notification: ${JSON.stringify(toastText)} with "Train Again with lr 10" and "Show Charts"`);
  await sleep(800); // the charts' last frame
  await screenshot(page, ctx, ctx.shots.main ?? path.join(SHOTS, `diverge-${ctx.theme}.png`));
  await retry.click();
  await expectEditorLine(page, ctx, /optimizer: \{ type: sgd, lr: 10 \}/, 10_000);
  await poll('a new run (the panel running or ended again with step > 0)', 30_000, async () => {
    const p = await readPanel(page);
    return p && p.loss.markers === '0' && num(p.loss.points) > 0;
  });
  ctx.check('trained again from the edited file');
  await page.locator('.editor-instance .monaco-editor .view-lines').first().click();
  await page.keyboard.press('Control+Z');
  await expectEditorLine(page, ctx, /optimizer: \{ type: sgd, lr: 100 \}/, 10_000);
  ctx.check('Undo brings lr 100 back');
}

/**
 * Image data: an MLP on MNIST trains, and the panel shows its first layer's 64 first units as
 * 28×28 images (stroke templates by the end), beside the usual charts.
 */
export async function weightsScenario(page, ctx) {
  await openModelFile(page, ctx, WEIGHTS_FILE);
  await startTraining(page, ctx, WEIGHTS_FILE);
  const panel = await waitPanel(page, 'the run to finish (data-state="finished")', 90_000, (p) => p.loss.state === 'finished');
  ctx.check(`trained: data-points=${panel.loss.points}`);
  const tabs = await poll('the "weights" tab header to show for image data', 10_000, async () => {
    const t = await tabState(panel.frame);
    return t.headers.includes('weights') ? t : null;
  });
  await expectNotCreated(panel.frame, ['weights'], 'before the weights tab was shown');
  ctx.check(`tabs ${tabs.headers.join(', ')}; #chart-weights not created before its tab shows`);
  await showPanelTab(panel.frame, 'weights');
  const weights = await poll('the first-layer weights drawn (#chart-weights data-points=64)', 15_000, async () => {
    const v = await panel.frame.$eval('#chart-weights', (e) => ({ points: e.getAttribute('data-points'), step: e.getAttribute('data-step'), hidden: e.closest('section').hidden }));
    return v.points === '64' && !v.hidden ? v : null;
  });
  const note = await panel.frame.$eval('#note-weights', (e) => e.textContent.trim());
  ctx.check(`#chart-weights drew ${weights.points} images of the final weights (data-step=${weights.step}, note ${JSON.stringify(note)})`);
  if (panel.charts.boundary !== null) {
    const hidden = await panel.frame.$eval('#chart-boundary', (e) => e.closest('section').hidden);
    if (!hidden) throw new StepError('the decision boundary card shows for image data');
  }
  await sleep(600);
  await screenshot(page, ctx, ctx.shots.main ?? path.join(SHOTS, `weights-${ctx.theme}.png`));
  await tabScreenshot(page, ctx, panel.frame, 'weights', path.join(SHOTS, `weights-tab-${ctx.theme}.png`));
}

/** Trains a regression model file to the end; checks the Fit card (#chart-<fitId>), the R² card and the header's val R². */
export async function trainRegression(page, ctx, file, fitId) {
  await openModelFile(page, ctx, file);
  await startTraining(page, ctx, file);
  const panel = await waitPanel(page, `${file} to finish (data-state="finished")`, 90_000, (p) => p.loss.state === 'finished');
  ctx.check(`${file} trained: data-points=${panel.loss.points}`);
  const shown = (id) => panel.frame.$eval(`#chart-${id}`, (c) => ({
    points: c.getAttribute('data-points'), step: c.getAttribute('data-step'), curve: c.getAttribute('data-curve'), shown: c.offsetParent !== null,
  }));
  // The 1-D curve is drawn in the theme's foreground (no series colour for the ink to count): its 200 points are counted instead.
  const fit = await poll(`#chart-${fitId} drawn with the final prediction`, 15_000, async () => {
    const v = await shown(fitId);
    return v.shown && Number(v.points) > 0 && v.step && (fitId !== 'fit' || v.curve === '200') ? v : null;
  });
  const r2 = await poll('#chart-r2 shown with points', 10_000, async () => {
    const v = await shown('r2');
    return v.shown && Number(v.points) > 0 ? v : null;
  });
  const ink = await waitInk(panel, [fitId, 'r2']);
  ctx.check(`#chart-${fitId}: ${fit.points} points, prediction at step ${fit.step}; #chart-r2: ${r2.points} points; ink: ${inkSummary(ink)}`);
  const hidden = await panel.frame.evaluate(() => ['card-accuracy', 'card-boundary'].filter((id) => !document.getElementById(id).hidden));
  if (hidden.length) throw new StepError(`shown for a regression run: ${hidden.map((id) => `#${id}`).join(', ')}`);
  const summary = await panel.frame.$eval('#run-summary', (e) => e.textContent.trim());
  const m = /val R² (-?[\d.]+) · val RMSE ([\d.e+-]+)/.exec(summary);
  if (!m) throw new StepError(`no "val R² … · val RMSE …" in the header: ${JSON.stringify(summary)}`);
  if (!(Number(m[1]) > 0.9)) throw new StepError(`val R² ${m[1]} ≤ 0.9 after training ${file}`);
  ctx.check(`header: val R² ${m[1]}, val RMSE ${m[2]}`);
  await poll('the CodeLens to return to "▶ Train" after training', 15_000, () => lensLocator(page, LENS.train).isVisible());
  return panel;
}

/** Compare on the sine model (its copy with a compare: section): the overlays' R² and RMSE, and each variant's val R² under the header. */
export async function regressionCompare(page, ctx) {
  await openModelFile(page, ctx, SINE_COMPARE_FILE);
  const widget = page.locator('.quick-input-widget');
  await clickLens(page, ctx, LENS.compare, 'Compare…', () => widget.isVisible(), { effectMs: 4000 });
  await pickInQuickPick(page, ctx, { title: /^Compare\b.*sine-compare\.nn\.yaml/, filter: 'optimizer: sgd', expect: 'optimizer: sgd, momentum, adam' });
  await pickInQuickPick(page, ctx, { title: /seeds per variant/, filter: '1 seed', expect: '1 seed' });
  let seen = null;
  await poll('three overlaid runs, all ended', 120_000, async () => {
    seen = await panelOverlays(page);
    return seen && seen.n === 3 && seen.done === 3;
  });
  const items = await seen.frame.$$eval('#overlay-list li', (els) => els.map((e) => e.textContent.trim()));
  if (items.length !== 3 || !items.every((t) => /val R² -?[\d.]+/.test(t))) throw new StepError(`the overlay legend: ${JSON.stringify(items)}`);
  const cards = await seen.frame.evaluate(() => ({ r2: !document.getElementById('card-r2').hidden, accuracy: !document.getElementById('card-accuracy').hidden }));
  if (!cards.r2 || cards.accuracy) throw new StepError(`overlaid regression runs: R² card shown ${cards.r2}, Accuracy card shown ${cards.accuracy}`);
  const ink = await waitInk({ frame: seen.frame }, ['r2']);
  ctx.check(`sgd, momentum and adam overlaid: ${items.join(' | ')}; R² card ink: ${inkSummary(ink)}`);
  await scrollPanelTo(seen.frame, 'r2');
  await screenshot(page, ctx, path.join(SHOTS, `regression-compare-${ctx.theme}.png`));
}

/** Regression: the sine fit as a curve, the ripple as a heatmap, R² and RMSE where accuracy would be. */
export async function regressionScenario(page, ctx) {
  const sine = await trainRegression(page, ctx, SINE_FILE, 'fit');
  await sleep(800);
  await screenshot(page, ctx, ctx.shots.main ?? path.join(SHOTS, `regression-${ctx.theme}.png`));
  await scrollPanelTo(sine.frame, 'fit');
  await screenshot(page, ctx, path.join(SHOTS, `regression-fit-${ctx.theme}.png`), await panelIframe(page, sine.frame));
  await closeAll(page);
  await regressionCompare(page, ctx);
  await closeAll(page);
  const ripple = await trainRegression(page, ctx, RIPPLE_FILE, 'fit-map');
  await scrollPanelTo(ripple.frame, 'fit-map');
  await screenshot(page, ctx, path.join(SHOTS, `ripple-${ctx.theme}.png`), await panelIframe(page, ripple.frame));
}
