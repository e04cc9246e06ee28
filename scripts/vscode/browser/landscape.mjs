// Scenario landscape: spiral.nn.yaml trained to the end with ▶ Train, then "TrainLens: Show Loss
// Landscape" from the Command Palette (Enter on its first plane, random 21 × 21). The panel's
// Landscape tab must show, once the worker is done: ink on the line chart and on the plane (its
// contours and the projected path), the path one point per weight snapshot, and the α = 0 and α = 1
// losses equal to `trainlens landscape FILE --json --weights trained`'s (same file: same seed, epochs,
// plane seed 1 and resolution 21), written as the tab writes them. Screenshot landscape-<theme>.png.
import path from 'node:path';
import { SHOTS, StepError, poll } from './common.mjs';
import { cli } from './gradcheck.mjs';
import { chartInk, describePanel, MIN_SERIES_INK, readPanel } from './panel.mjs';
import { tabScreenshot, tabState } from './tabs.mjs';
import { openModelFile, startTraining } from './workbench.mjs';

const FILE = 'spiral.nn.yaml';
const TITLE = 'TrainLens: Show Loss Landscape';
const CHARTS = ['landscape-line', 'landscape-plane'];

/** The panel's number format (webview/format.ts num): four significant digits, exponential when tiny or huge. */
function num(x) {
  if (!Number.isFinite(x)) return String(x);
  if (x === 0) return '0';
  const a = Math.abs(x);
  return a < 1e-3 || a >= 1e5 ? x.toExponential(2) : x.toPrecision(4);
}

const focusedItem = (page) => page.locator('.quick-input-widget .quick-input-list .monaco-list-row.focused .label-name').first();

/** Runs the command from the Command Palette; then `pickPlane`. */
async function showLandscape(page, plane) {
  await page.evaluate(() => (document.activeElement instanceof HTMLElement ? document.activeElement.blur() : undefined));
  await page.keyboard.press('F1');
  await page.locator('.quick-input-widget input').waitFor({ state: 'visible', timeout: 10_000 });
  await page.keyboard.type(TITLE);
  await poll(`the Command Palette to highlight "${TITLE}"`, 10_000, async () => (await focusedItem(page).textContent({ timeout: 1000 }).catch(() => null))?.trim() === TITLE);
  await page.keyboard.press('Enter');
  await pickPlane(page, plane);
}

/** In the command's QuickPick (the default, Random plane, first), moves down to the item named `plane` and takes it. */
async function pickPlane(page, plane) {
  const title = page.locator('.quick-input-widget .quick-input-title');
  await poll('the QuickPick of planes', 10_000, async () => /which plane\?/.test((await title.textContent({ timeout: 1000 }).catch(() => '')) ?? ''));
  const first = (await focusedItem(page).textContent({ timeout: 2000 }).catch(() => ''))?.trim();
  if (first !== 'Random plane') throw new StepError(`the QuickPick's first item is ${JSON.stringify(first)}, not "Random plane"`);
  // The QuickPick opened from a webview's button may take a moment to own the keyboard on a loaded
  // machine: focus its input first, and after each ArrowDown wait for the highlight to move.
  await page.locator('.quick-input-widget input').focus();
  const label = async () => (await focusedItem(page).textContent({ timeout: 2000 }).catch(() => ''))?.trim();
  for (let k = 0; k < 5; k++) {
    const before = await label();
    if (before === plane) break;
    await page.keyboard.press('ArrowDown');
    await poll('the QuickPick highlight to move down', 5_000, async () => (await label()) !== before).catch(() => undefined);
  }
  const at = (await focusedItem(page).textContent({ timeout: 2000 }).catch(() => ''))?.trim();
  if (at !== plane) throw new StepError(`no item "${plane}" in the QuickPick (at ${JSON.stringify(at)})`);
  await page.keyboard.press('Enter');
}

/** The Landscape tab as the panel shows it. */
async function readLandscape(frame) {
  return frame.evaluate(() => {
    const status = document.getElementById('landscape-status');
    if (!status) return null;
    const text = (id) => document.getElementById(id)?.textContent ?? null;
    const plane = document.getElementById('chart-landscape-plane');
    const line = document.getElementById('chart-landscape-line');
    return {
      state: status.dataset.state, status: status.textContent, initial: text('landscape-initial'), trained: text('landscape-trained'),
      planePoints: Number(plane?.dataset.points ?? 0), contours: Number(plane?.dataset.contours ?? 0), cells: Number(plane?.dataset.cells ?? 0),
      linePoints: Number(line?.dataset.points ?? 0), caption: text('landscape-caption'), axes: plane?.dataset.axes ?? '',
    };
  });
}

export async function landscapeScenario(page, ctx) {
  const file = path.join(ctx.workspace, FILE);
  const r = cli(ctx.extension, ['landscape', file, '--json', '--weights', 'trained']);
  const want = r.stdout.trim().split('\n').map((l) => JSON.parse(l)).find((l) => l.type === 'landscape');
  if (!want) throw new StepError(`trainlens landscape gave no landscape line (exit ${r.status}): ${r.stdout}${r.stderr}`);
  await openModelFile(page, ctx, FILE);
  await startTraining(page, ctx, FILE);
  let p = null;
  await poll('the run to finish', 90_000, async () => (p = await readPanel(page))?.loss.state === 'finished').catch((e) => {
    throw new StepError(`${e.message}: ${describePanel(p)}`);
  });
  const frame = p.frame;
  const t0 = Date.now();
  await showLandscape(page, 'Random plane');
  let v = await waitLandscape(frame, (x) => x.axes === 'd₁ | d₂');
  ctx.check(`Show Loss Landscape from the Command Palette: the Landscape tab shows it ${((Date.now() - t0) / 1000).toFixed(1)} s later`);
  let ink = null;
  await poll(`ink on the line and the plane (≥ ${MIN_SERIES_INK} px of series colour each)`, 10_000, async () => {
    ink = await chartInk(frame, CHARTS);
    return CHARTS.every((id) => ink[id] && ink[id].series >= MIN_SERIES_INK);
  }).catch((e) => {
    throw new StepError(`${e.message}; ${JSON.stringify(ink)}`);
  });
  const n = want.surface.resolution;
  if (v.cells !== n * n || v.linePoints !== want.line.alphas.length) throw new StepError(`the tab drew ${v.cells} cells and ${v.linePoints} line points; the CLI has ${n}² and ${want.line.alphas.length}`);
  if (v.planePoints !== want.surface.path.length) throw new StepError(`the path has ${v.planePoints} points; the CLI's has ${want.surface.path.length}`);
  if (!(v.contours > 0)) throw new StepError('the plane drew no contour line');
  const initial = `α = 0 (initial): loss ${num(want.initialLoss)}`;
  const trained = `α = 1 (trained): loss ${num(want.trainedLoss)}`;
  if (v.initial !== initial || v.trained !== trained) {
    throw new StepError(`the tab says ${JSON.stringify(v.initial)} and ${JSON.stringify(v.trained)}; the CLI's losses are ${want.initialLoss} and ${want.trainedLoss} (${initial}, ${trained})`);
  }
  ctx.check(`"${v.initial}" and "${v.trained}" as the CLI's; line ${ink['landscape-line'].series} px, plane ${ink['landscape-plane'].series} px of series colour; ${n}×${n} cells, ${v.contours} contour segments, a path of ${v.planePoints} points`);
  if (!/parameters/.test(v.caption ?? '') || !/cannot show/.test(v.caption ?? '')) throw new StepError(`the caption does not say what it shows and cannot: ${JSON.stringify(v.caption)}`);
  await tabScreenshot(page, ctx, frame, 'landscape', path.join(SHOTS, `landscape-${ctx.theme}.png`));

  // The tab's own button asks again: the principal plane, its axes named with the variance they hold.
  await frame.locator('#landscape-again').click();
  await pickPlane(page, 'Principal plane (PCA of the trajectory)');
  v = await waitLandscape(frame, (x) => x.axes.startsWith('PC1 ('));
  const pca = cli(ctx.extension, ['landscape', file, '--json', '--weights', 'trained', '--plane', 'pca']).stdout.trim().split('\n').map((l) => JSON.parse(l)).find((l) => l.type === 'landscape');
  // As the tab writes a share (webview/landscape/data.ts percent): one decimal, two near 100% and below 0.1%.
  const explained = pca?.surface.explained?.map((x) => `${(x * 100).toFixed(x >= 0.995 || x < 0.001 ? 2 : 1)}%`);
  if (!explained || !v.axes.includes(explained[0]) || !v.axes.includes(explained[1])) throw new StepError(`the PCA axes read ${JSON.stringify(v.axes)}; the CLI's variances are ${JSON.stringify(pca?.surface.explained)}`);
  ink = await chartInk(frame, CHARTS);
  if (!(ink['landscape-plane']?.series >= MIN_SERIES_INK)) throw new StepError(`the principal plane has ${JSON.stringify(ink['landscape-plane'])} of ink`);
  ctx.check(`"Compute again…" → Principal plane: axes "${v.axes}" as the CLI's explained variance; ${v.contours} contour segments`);
  await tabScreenshot(page, ctx, frame, 'landscape', path.join(SHOTS, `landscape-pca-${ctx.theme}.png`));

  // A new run of the file: the tab says its landscape is of the earlier one.
  await frame.locator('#btn-train').click();
  await poll('the Landscape tab to say it shows an earlier run', 30_000, async () => /earlier run/.test((v = await readLandscape(frame))?.status ?? '')).catch((e) => {
    throw new StepError(`${e.message}; it says ${JSON.stringify(v?.status)}`);
  });
  ctx.check(`after ▶ Train again: "${v.status}"`);
}

/** Waits for the Landscape tab on show with a computed landscape that satisfies `pred`. */
async function waitLandscape(frame, pred) {
  let v = null;
  await poll('the Landscape tab to show the computed landscape', 120_000, async () => {
    v = await readLandscape(frame);
    if (v?.state === 'failed') throw new StepError(`the landscape failed: ${v.status}`);
    return v?.state === 'done' && (await tabState(frame)).selected === 'landscape' && v.planePoints > 0 && pred(v);
  }).catch((e) => {
    throw e instanceof StepError && !e.message.startsWith('timed out') ? e : new StepError(`${e.message}; the tab shows ${JSON.stringify(v)}`);
  });
  return v;
}
