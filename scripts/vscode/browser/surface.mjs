// Scenario surface: the optimizer lesson's race on a 2-D surface. Open surface.nn.yaml (Himmelblau,
// start (0, 0)), ▶ Train to the end: the Overview tab shows the surface card (contour lines, the
// path in the loss chart's colour), the network's tabs and cards are gone, the loss card reads
// f(x, y). The slider, moved with the keyboard, moves the drawn dot; hovering the dot names the same
// step, position and f as `trainlens train --json`'s step line. Then Compare over the six optimizers:
// one legend entry per rule, each in its overlay colour, six paths drawn.
import path from 'node:path';
import { sleep } from '../server.mjs';
import { SHOTS, StepError, poll } from './common.mjs';
import { cli } from './gradcheck.mjs';
import { describePanel, panelIframe, panelOverlays, readPanel } from './panel.mjs';
import { showPanelTab, tabState } from './tabs.mjs';
import { LENS, clickLens, openModelFile, pickInQuickPick, screenshot, startTraining } from './workbench.mjs';

export const SURFACE_FILE = 'surface.nn.yaml';
/** The step the slider is moved to and hovered (early: the points are still apart). */
const STEP = 40;

/** The panel's number format (webview/format.ts num): four significant digits, exponential when tiny or huge. */
const num = (x) => {
  if (!Number.isFinite(x)) return String(x);
  if (x === 0) return '0';
  const a = Math.abs(x);
  return a < 1e-3 || a >= 1e5 ? x.toExponential(2) : x.toPrecision(4);
};

/** The surface card as drawn: its canvas's hooks, the slider, the legend, the tip, the panel around it. */
async function readSurface(frame) {
  return frame.evaluate(() => {
    const c = document.getElementById('chart-surface');
    const card = document.getElementById('card-surface');
    if (!c || !card) return null;
    const slider = document.getElementById('surface-slider');
    const tip = document.getElementById('surface-tip');
    return {
      shown: !card.hidden && card.getClientRects().length > 0, ...c.dataset,
      slider: slider ? { value: slider.value, max: slider.max, text: document.getElementById('surface-step')?.textContent ?? '' } : null,
      legend: [...document.querySelectorAll('#surface-legend li.surface-run')].map((li) => ({ label: li.dataset.label, color: li.dataset.color, text: li.textContent })),
      marks: [...document.querySelectorAll('#surface-legend li.surface-mark')].map((li) => li.textContent),
      tip: tip && !tip.hidden ? tip.textContent : null,
      lossTitle: document.getElementById('title-loss')?.textContent ?? '',
      accuracy: !document.getElementById('card-accuracy')?.hidden,
      buttons: [...document.querySelectorAll('.toolbar vscode-button')].filter((b) => !b.hidden).map((b) => b.id),
      details: document.getElementById('run-details')?.textContent ?? '',
      summary: document.getElementById('run-summary')?.textContent ?? '',
      overlayColors: [...document.querySelectorAll('#overlay-list .swatch')].map((s) => s.style.background),
    };
  });
}

/** Pixels of the surface canvas within a small distance of each colour (the paths' ink). */
async function colorInk(frame, colors) {
  return frame.evaluate((list) => {
    const probe = document.createElement('canvas').getContext('2d');
    const rgb = (c) => {
      probe.fillStyle = '#000';
      probe.fillStyle = c;
      probe.fillRect(0, 0, 1, 1);
      return [...probe.getImageData(0, 0, 1, 1).data.slice(0, 3)];
    };
    const canvas = document.getElementById('chart-surface');
    const d = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
    return list.map((color) => {
      const [r, g, b] = rgb(color);
      let n = 0;
      for (let i = 0; i < d.length; i += 4) if (Math.abs(d[i] - r) + Math.abs(d[i + 1] - g) + Math.abs(d[i + 2] - b) < 24) n++;
      return n;
    });
  }, colors);
}

/** Trains the file to the end and checks what the panel shows of a surface run. */
async function trainSurface(page, ctx) {
  await openModelFile(page, ctx, SURFACE_FILE);
  await startTraining(page, ctx, SURFACE_FILE);
  let p = null;
  await poll('the surface run to finish', 60_000, async () => (p = await readPanel(page))?.loss.state === 'finished').catch((e) => {
    throw new StepError(`${e.message}: ${describePanel(p)}`);
  });
  const frame = p.frame;
  await showPanelTab(frame, 'overview');
  const tabs = await tabState(frame);
  if (tabs.headers.join() !== 'overview') throw new StepError(`a surface run shows the tabs ${JSON.stringify(tabs.headers)}, not Overview alone`);
  let s = null;
  await poll('the surface card drawn with the whole path', 10_000, async () => {
    s = await readSurface(frame);
    return s?.shown && Number(s.points) > 0 && s.slider && s.slider.value === s.slider.max && Number(s.slider.max) > 0 ? s : null;
  }).catch((e) => { throw new StepError(`${e.message}; the card: ${JSON.stringify(s)}`); });
  if (s.lossTitle !== 'f(x, y)' || s.accuracy) throw new StepError(`the loss card reads ${JSON.stringify(s.lossTitle)}, the accuracy card shown: ${s.accuracy}`);
  if (s.buttons.includes('btn-gradcheck') || s.buttons.includes('btn-swapInit')) throw new StepError(`the toolbar shows ${s.buttons.join(', ')}`);
  if (!(Number(s.contours) > 100)) throw new StepError(`${s.contours} contour segments drawn`);
  if (s.legend.length !== 1 || !/final f = /.test(s.legend[0].text)) throw new StepError(`the legend lists ${JSON.stringify(s.legend)}`);
  const [pathInk] = await colorInk(frame, [s.legend[0].color]);
  if (!(pathInk >= 150)) throw new StepError(`the path's colour ${s.legend[0].color} covers ${pathInk} px of the surface canvas`);
  ctx.check(`surface run: tabs ${tabs.headers.join()}, loss card "${s.lossTitle}", ${s.contours} contour segments, path ${s.legend[0].color} ${pathInk} px, ${s.points} points; legend "${s.legend[0].text}", ${s.marks.join(' | ')}`);
  ctx.check(`header: "${s.summary}" / "${s.details}"`);
  return { frame, s };
}

/**
 * ▶ Train again from the panel's toolbar, every write of the card's drawn-points count recorded in
 * the panel: the path grows step by step as the run goes (animated), and ends whole.
 */
async function animates(page, ctx, frame, end) {
  await frame.evaluate(() => {
    const log = (window.__surfacePoints = []);
    const c = document.getElementById('chart-surface');
    new MutationObserver(() => log.push(Number(c.dataset.points))).observe(c, { attributes: true, attributeFilter: ['data-points'] });
  });
  await frame.locator('#btn-train').click();
  let p = null;
  await poll('the second run to start and finish', 60_000, async () => {
    p = await readPanel(page);
    const n = await frame.evaluate(() => window.__surfacePoints.length);
    return n > 0 && p?.loss.state === 'finished' && (await readSurface(frame)).points === end.points;
  }).catch((e) => { throw new StepError(`${e.message}: ${describePanel(p)}`); });
  const seen = [...new Set(await frame.evaluate(() => window.__surfacePoints))];
  const growing = seen.filter((n) => n > 0 && n < Number(end.points));
  if (growing.length < 3) throw new StepError(`while the run trained, the card drew ${JSON.stringify(seen)} points: the path did not grow as the steps arrived`);
  ctx.check(`▶ Train from the panel: the path grew as the steps arrived, ${seen.length} draws (${seen.slice(0, 6).join(', ')}, … ${seen.at(-1)} points)`);
}

/** Home, then → to STEP on the slider: the dot moves, the slider says so; the dot hovered names step STEP as the CLI. */
async function sliderAndHover(page, ctx, frame, end, steps) {
  await frame.locator('#surface-slider').focus();
  await page.keyboard.press('Home');
  await poll('Home to take the slider to step 0', 5000, async () => (await readSurface(frame)).step === '0');
  for (let i = 0; i < STEP; i++) await page.keyboard.press('ArrowRight');
  let s = null;
  await poll(`→ × ${STEP} to take the slider to step ${STEP}`, 5000, async () => (s = await readSurface(frame)).step === String(STEP));
  if (s.dot === end.dot || !s.dot) throw new StepError(`the dot stayed at ${s.dot} (at the end: ${end.dot})`);
  ctx.check(`keyboard: Home then → × ${STEP}: "${s.slider.text}", the dot moved from ${end.dot} to ${s.dot}`);
  const [x, y] = s.dot.split(',').map(Number);
  await frame.locator('#chart-surface').hover({ position: { x, y } });
  await poll('the hover tip', 5000, async () => (s = await readSurface(frame)).tip !== null);
  const line = steps.find((l) => l.step === STEP);
  const want = [`step ${STEP}`, `(x, y) = (${num(line.position[0])}, ${num(line.position[1])})`, `f = ${num(line.value)}`];
  const parts = s.tip.split(' · ');
  if (want.some((w, i) => parts[i] !== w) || !/^‖∇f‖ = /.test(parts[3] ?? '')) throw new StepError(`the tip says ${JSON.stringify(s.tip)}; the CLI's step ${STEP}: ${want.join(' · ')}`);
  ctx.check(`hover on the dot: "${s.tip}" — step, position and f as trainlens train --json`);
  await page.mouse.move(0, 0);
  await frame.locator('#surface-slider').focus();
  await page.keyboard.press('End');
  await poll('End to follow the end again', 5000, async () => (await readSurface(frame)).step === end.step);
}

/** Compare over the six optimizers: six paths, one legend entry per rule in its overlay (loss chart) colour. */
async function compareCase(page, ctx) {
  const widget = page.locator('.quick-input-widget');
  await page.locator('.editor-instance .monaco-editor .view-line').first().click();
  await clickLens(page, ctx, LENS.compare, 'Compare…', () => widget.isVisible(), { effectMs: 4000 });
  await pickInQuickPick(page, ctx, { title: /^Compare\b.*surface\.nn\.yaml/, filter: 'optimizer: sgd', expect: 'optimizer: sgd, momentum, nesterov, adagrad, rmsprop, adam' });
  await sleep(500);
  const title = (await page.locator('.quick-input-widget .quick-input-title').textContent().catch(() => '')).trim();
  if ((await widget.isVisible()) && /seeds per variant/.test(title)) await pickInQuickPick(page, ctx, { title: /seeds per variant/, filter: '1 seed', expect: '1 seed' });
  let seen = null;
  await poll('six overlaid surface runs, all ended', 120_000, async () => {
    seen = await panelOverlays(page);
    return seen && seen.n === 6 && seen.done === 6;
  }).catch((e) => { throw new StepError(`${e.message}; the panel shows ${JSON.stringify(seen && { n: seen.n, done: seen.done })}`); });
  let s = null;
  await poll('six paths on the surface card', 10_000, async () => (s = await readSurface(seen.frame)).paths === '6' && s.legend.length === 6).catch((e) => {
    throw new StepError(`${e.message}; the card: ${JSON.stringify(s)}`);
  });
  const labels = s.legend.map((l) => l.label);
  const rules = ['sgd', 'momentum', 'nesterov', 'adagrad', 'rmsprop', 'adam'];
  if (!rules.every((r) => labels.some((l) => l.includes(r)))) throw new StepError(`the legend's rules are ${JSON.stringify(labels)}`);
  if (new Set(s.legend.map((l) => l.color)).size !== 6) throw new StepError(`the legend's colours repeat: ${JSON.stringify(s.legend.map((l) => l.color))}`);
  const ink = await colorInk(seen.frame, s.legend.map((l) => l.color));
  if (ink.some((n) => n < 20)) throw new StepError(`a path's colour barely shows: ${JSON.stringify(s.legend.map((l, i) => `${l.label} ${ink[i]} px`))}`);
  ctx.check(`compare: ${s.legend.map((l, i) => `${l.text} (${l.color}, ${ink[i]} px)`).join(' | ')}; overlay swatches ${s.overlayColors.join(', ')}`);
  await seen.frame.locator('#card-surface').scrollIntoViewIfNeeded();
  await sleep(300);
  await seen.frame.locator('#card-surface').screenshot({ path: path.join(SHOTS, `surface-compare-${ctx.theme}.png`) });
  ctx.check(`screenshot test-results/screenshots/surface-compare-${ctx.theme}.png`);
}

export async function surfaceScenario(page, ctx) {
  const file = path.join(ctx.workspace, SURFACE_FILE);
  const steps = cli(ctx.extension, ['train', file, '--json']).stdout.trim().split('\n').map((l) => JSON.parse(l)).filter((l) => l.type === 'step');
  if (!steps.some((l) => l.step === STEP)) throw new StepError(`trainlens train --json gave no step ${STEP}`);
  const { frame, s } = await trainSurface(page, ctx);
  await frame.locator('#card-surface').scrollIntoViewIfNeeded();
  await sleep(300);
  await frame.locator('#card-surface').screenshot({ path: path.join(SHOTS, `surface-${ctx.theme}.png`) });
  ctx.check(`screenshot test-results/screenshots/surface-${ctx.theme}.png`);
  // The panel from its top: header, toolbar, the f(x, y) chart.
  await frame.evaluate(() => window.scrollTo(0, 0));
  await sleep(300);
  await screenshot(page, ctx, path.join(SHOTS, `surface-panel-${ctx.theme}.png`), await panelIframe(page, frame));
  await animates(page, ctx, frame, s);
  await sliderAndHover(page, ctx, frame, s, steps);
  await screenshot(page, ctx, path.join(SHOTS, `surface-workbench-${ctx.theme}.png`));
  await compareCase(page, ctx);
}
