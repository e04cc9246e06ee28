// Scenario inspect: the Inspect and Mistakes tabs after training spiral.nn.yaml. A click on a point of
// the decision boundary opens Inspect on that training sample (ink in its strips, the scores table
// naming its label, all as `trainlens inspect --weights trained --json` says); the Mistakes tab's
// confusion matrix equals `trainlens train --json`'s last epoch and sums to the held-out size; a click
// on a mistake opens Inspect on that validation sample.
import fs from 'node:fs';
import path from 'node:path';
import { SHOTS, StepError, poll } from './common.mjs';
import { cli } from './gradcheck.mjs';
import { describePanel, readPanel, scrollPanelTo, waitPanel } from './panel.mjs';
import { showPanelTab, tabScreenshot, tabState } from './tabs.mjs';
import { closeAll, openModelFile, runCommand, startTraining, stopTraining } from './workbench.mjs';
import { SPIRAL_LONG } from './workspace.mjs';

const FILE = 'spiral.nn.yaml';

/** Image data: a small conv net on 600 MNIST digits (its held-out images are the gallery; conv outputs are feature maps). */
const DIGITS_FILE = 'inspect-digits.nn.yaml';
const DIGITS_TEXT = [
  '# A small conv net on 600 MNIST digits, trained briefly: some held-out digits are still wrong',
  'data: { dataset: mnist, samples: 600, validation: 0.2 }',
  'layers:', '  - conv: { filters: 8, size: 3, pad: 1 }', '    activation: relu', '  - pool: 2', '  - dense: 10',
  'loss: softmax', 'optimizer: { type: adam, lr: 0.01 }', 'train: { epochs: 2, batch: 32, seed: 1 }', '',
].join('\n');

/** Moves a (synthetic) pointer over the boundary's square until the canvas says a training sample is under it: where, and which. */
async function findPoint(frame) {
  return frame.evaluate(() => {
    const c = document.getElementById('chart-boundary');
    const r = c.getBoundingClientRect();
    // Prefer a ringed (misclassified) point's neighbourhood last: any point will do; scan row by row.
    for (let y = 4; y < r.height - 40; y += 2) {
      for (let x = 40; x < r.width - 4; x += 2) {
        c.dispatchEvent(new MouseEvent('mousemove', { clientX: r.left + x, clientY: r.top + y, bubbles: true }));
        if (c.dataset.hover) return { x, y, sample: Number(c.dataset.hover), cursor: c.style.cursor, wrong: Number(c.dataset.wrong ?? 0) };
      }
    }
    return null;
  });
}

/** What the Inspect tab shows: its state, the header, the scores table's label row, and the ink of every strip or map. */
async function readInspect(frame) {
  return frame.evaluate(() => {
    const slot = document.getElementById('slot-inspect');
    if (!slot) return null;
    const bg = getComputedStyle(document.body).backgroundColor.match(/\d+/g).map(Number);
    const figures = [...slot.querySelectorAll('canvas.insp-fig')].map((c) => {
      const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
      let ink = 0;
      for (let i = 0; i < d.length; i += 4) {
        if (d[i + 3] > 0 && Math.abs(d[i] - bg[0]) + Math.abs(d[i + 1] - bg[1]) + Math.abs(d[i + 2] - bg[2]) > 60) ink++;
      }
      return { row: c.closest('.insp-row')?.querySelector('.insp-row-name')?.textContent ?? '', cells: Number(c.dataset.cells), ink };
    });
    const facts = document.querySelector('.insp-facts');
    const labelRow = slot.querySelector('.insp-scores tr.insp-label');
    return {
      ...slot.dataset, title: slot.querySelector('.insp-title')?.textContent ?? '', facts: facts?.textContent ?? '',
      label: facts?.dataset.label ?? null, predicted: facts?.dataset.predicted ?? null,
      labelRow: labelRow ? { class: labelRow.dataset.class, text: labelRow.textContent } : null,
      lossLine: document.getElementById('insp-loss-line')?.textContent ?? '', figures,
    };
  });
}

/** Waits for Inspect to show a done result for split/sample (and the tab on show). */
async function waitInspect(frame, split, sample) {
  let v = null;
  await poll(`the Inspect tab on ${split} sample ${sample}`, 20_000, async () => {
    v = await readInspect(frame);
    const tabs = await tabState(frame);
    return v && tabs.selected === 'inspect' && v.state === 'done' && v.split === split && v.sample === String(sample) && v.figures.length > 0;
  }).catch((e) => {
    throw new StepError(`${e.message}; it shows ${JSON.stringify({ ...v, figures: v?.figures.length })}`);
  });
  return v;
}

/** The strips have ink, the label row names the label; the CLI's label, prediction and loss for the same weights. */
function checkInspect(ctx, v, want, what) {
  const blank = v.figures.filter((f) => !(f.ink > 0)).map((f) => f.row);
  if (blank.length) throw new StepError(`${what}: rows without ink: ${blank.join(', ')}`);
  if (!v.labelRow || v.labelRow.class !== String(want.label) || !v.labelRow.text.includes(`class ${want.label}`) || !v.labelRow.text.includes('label')) {
    throw new StepError(`${what}: the scores table's label row is ${JSON.stringify(v.labelRow)}, the label is class ${want.label}`);
  }
  if (v.label !== String(want.label) || v.predicted !== String(want.predicted)) throw new StepError(`${what}: label ${v.label} predicted ${v.predicted}; the CLI says ${want.label} and ${want.predicted}`);
  const loss = Number(want.loss.toPrecision(4));
  if (!v.lossLine.endsWith(`= ${want.loss.toPrecision(4)}`) && !v.lossLine.endsWith(`= ${want.loss.toExponential(2)}`)) {
    throw new StepError(`${what}: the loss line reads ${JSON.stringify(v.lossLine)}; the CLI's loss is ${want.loss} (${loss})`);
  }
  ctx.check(`${what}: ${v.title} — ${v.facts}; ${v.figures.length} strips/maps all with ink (${v.figures.map((f) => f.ink).join(', ')} px); "${v.lossLine}" as the CLI`);
}

function inspectCli(ctx, file, split, sample) {
  const r = cli(ctx.extension, ['inspect', file, '--sample', String(sample), '--split', split, '--weights', 'trained', '--json']);
  const line = r.stdout.trim().split('\n').map((l) => JSON.parse(l)).find((l) => l.type === 'inspect');
  if (!line) throw new StepError(`trainlens inspect gave no inspect line: ${r.stdout}${r.stderr}`);
  return line;
}

/** The Mistakes tab: the matrix's cells, their sum, coloured cells, the held-out size the header and the summary say, the mistakes listed. */
async function readMistakes(frame) {
  return frame.evaluate(() => {
    const table = document.getElementById('mist-matrix');
    if (!table) return null;
    const bg = getComputedStyle(document.body).backgroundColor;
    const cells = [...table.querySelectorAll('td.mist-cell')];
    const n = Math.round(Math.sqrt(cells.length));
    const matrix = Array.from({ length: n }, (_, i) => cells.slice(i * n, (i + 1) * n).map((c) => Number(c.dataset.count)));
    const summary = document.getElementById('mist-summary');
    const held = /(\d[\d,]*) held-out/.exec(document.getElementById('run-details')?.textContent ?? '');
    return {
      matrix, sum: cells.reduce((a, c) => a + Number(c.dataset.count), 0), coloured: cells.filter((c) => getComputedStyle(c).backgroundColor !== bg).length,
      heldOut: held ? Number(held[1].replace(/,/g, '')) : null, summary: summary?.textContent ?? '', validationSize: summary?.dataset.validationSize ?? null,
      items: [...document.querySelectorAll('#mist-gallery [data-sample]')].map((e) => Number(e.dataset.sample)),
    };
  });
}

export async function inspectScenario(page, ctx) {
  const file = path.join(ctx.workspace, FILE);
  const epochs = cli(ctx.extension, ['train', file, '--json']).stdout.trim().split('\n').map((l) => JSON.parse(l)).filter((l) => l.type === 'epoch');
  const confusion = epochs.at(-1)?.confusion;
  if (!confusion) throw new StepError('trainlens train --json gave no confusion matrix on its last epoch');
  await openModelFile(page, ctx, FILE);
  await startTraining(page, ctx, FILE);
  let p = null;
  await poll('the run to finish', 60_000, async () => (p = await readPanel(page))?.loss.state === 'finished').catch((e) => {
    throw new StepError(`${e.message}: ${describePanel(p)}`);
  });
  const frame = p.frame;
  await showPanelTab(frame, 'overview');
  await scrollPanelTo(frame, 'boundary');
  const point = await findPoint(frame);
  if (!point || point.cursor !== 'pointer') throw new StepError(`no point of the decision boundary takes the pointer: ${JSON.stringify(point)}`);
  ctx.check(`decision boundary: ${point.wrong} points ringed; the pointer over training sample ${point.sample} at (${point.x}, ${point.y}) shows the pointer cursor`);
  await frame.locator('#card-boundary').screenshot({ path: path.join(SHOTS, `inspect-boundary-${ctx.theme}.png`) });
  await frame.locator('#chart-boundary').click({ position: { x: point.x, y: point.y } });
  const v = await waitInspect(frame, 'train', point.sample);
  checkInspect(ctx, v, inspectCli(ctx, file, 'train', point.sample), `Inspect after the click on the boundary`);
  await runCommand(page, 'Notifications: Clear All Notifications');
  await tabScreenshot(page, ctx, frame, 'inspect', path.join(SHOTS, `inspect-${ctx.theme}.png`));
  await mistakesCase(page, ctx, frame, file, confusion);
  // Following a training run live checks behaviour, not colours: once per run of the suite (dark).
  if (ctx.theme !== 'light') await liveCase(page, ctx);
  await digitsCase(page, ctx);
}

/** The header's step ("live run at step N"), and whether the first strip's canvas is the one marked earlier. */
const liveView = (frame) => frame.evaluate(() => ({
  facts: document.querySelector('.insp-facts')?.textContent ?? '',
  live: document.getElementById('slot-inspect')?.dataset.live ?? null,
  badge: Boolean(document.querySelector('.insp-live') && !document.querySelector('.insp-live').hidden),
  same: document.querySelector('#insp-forward canvas')?.marked === true,
}));

/**
 * While a run trains: a click on a point follows that sample live (the badge on, the step in the
 * header moving) and each new result repaints the same canvases; after Stop, the run's last weights.
 */
async function liveCase(page, ctx) {
  await closeAll(page);
  await openModelFile(page, ctx, SPIRAL_LONG);
  await startTraining(page, ctx, SPIRAL_LONG);
  const { frame } = await waitPanel(page, 'the running spiral\'s panel', 60_000, (x) => x.loss.state === 'running');
  await showPanelTab(frame, 'overview');
  await poll('the boundary of the running spiral', 20_000, async () => Number(await frame.locator('#chart-boundary').getAttribute('data-points')) > 0);
  await scrollPanelTo(frame, 'boundary');
  const point = await findPoint(frame);
  if (!point) throw new StepError('no point of the running spiral\'s boundary takes the pointer');
  await frame.locator('#chart-boundary').click({ position: { x: point.x, y: point.y } });
  const first = await waitInspect(frame, 'train', point.sample);
  await frame.evaluate(() => { document.querySelector('#insp-forward canvas').marked = true; });
  let v = null;
  await poll('a newer live result of the followed sample', 20_000, async () => {
    v = await liveView(frame);
    return v.live === 'true' && v.badge && v.facts !== first.facts && /live run at step \d+/.test(v.facts);
  }).catch((e) => { throw new StepError(`${e.message}; first ${JSON.stringify(first.facts)}, now ${JSON.stringify(v)}`); });
  if (!v.same) throw new StepError('a live result rebuilt the strips instead of repainting them in place');
  ctx.check(`live: training sample ${point.sample} followed while the run trains ("${first.facts}" → "${v.facts}"), the strips repainted in place`);
  await stopTraining(page, ctx);
  await poll('Inspect on the stopped run\'s last weights', 20_000, async () => {
    v = await liveView(frame);
    return v.live === 'false' && !v.badge && !/live run/.test(v.facts);
  }).catch((e) => { throw new StepError(`${e.message}; it shows ${JSON.stringify(v)}`); });
  ctx.check(`after Stop: "${v.facts}", no live badge`);
}

/**
 * Image data: the Inspect tab's gallery of held-out digits; a click on one inspects it (the input
 * image, conv feature maps, the saliency map, all with ink; label and loss as the CLI's); the
 * mistakes are drawn as images.
 */
async function digitsCase(page, ctx) {
  const file = path.join(ctx.workspace, DIGITS_FILE);
  fs.writeFileSync(file, DIGITS_TEXT);
  // The spiral's panel closed first: the panel read below is the digits' own.
  await closeAll(page);
  await openModelFile(page, ctx, DIGITS_FILE);
  await startTraining(page, ctx, DIGITS_FILE);
  let p = null;
  await poll('the digits run to finish', 90_000, async () => (p = await readPanel(page))?.loss.state === 'finished').catch((e) => {
    throw new StepError(`${e.message}: ${describePanel(p)}`);
  });
  const frame = p.frame;
  await showPanelTab(frame, 'inspect');
  const tiles = frame.locator('.insp-gallery .mist-tile');
  await poll('the gallery of held-out digits', 10_000, async () => (await tiles.count()) > 0);
  const count = await tiles.count();
  const sample = Number(await tiles.nth(Math.min(3, count - 1)).getAttribute('data-sample'));
  await tiles.nth(Math.min(3, count - 1)).click();
  const v = await waitInspect(frame, 'val', sample);
  checkInspect(ctx, v, inspectCli(ctx, file, 'val', sample), `Inspect after a click on held-out digit #${sample} of the gallery (${count} images)`);
  const rows = v.figures.map((f) => f.row);
  for (const want of ['input x', 'layers[0] conv', '∂L/∂x as a saliency map']) {
    if (!rows.some((r) => r.startsWith(want))) throw new StepError(`no row "${want}…" in Inspect: ${rows.join(', ')}`);
  }
  const current = await frame.locator('.insp-gallery .mist-tile.insp-current').getAttribute('data-sample');
  if (current !== String(sample)) throw new StepError(`the gallery frames #${current}, not the digit inspected (#${sample})`);
  await tabScreenshot(page, ctx, frame, 'inspect', path.join(SHOTS, `inspect-digits-${ctx.theme}.png`));
  await showPanelTab(frame, 'mistakes');
  let m = null;
  await poll('the mistakes as images', 10_000, async () => (m = await readMistakes(frame)) && m.items.length > 0 && (await frame.locator('#mist-gallery .mist-tile canvas').count()) === m.items.length)
    .catch((e) => { throw new StepError(`${e.message}; the tab shows ${JSON.stringify(m)}`); });
  ctx.check(`digits: ${m.items.length} mistakes drawn as images; "${m.summary}"`);
  await tabScreenshot(page, ctx, frame, 'mistakes', path.join(SHOTS, `mistakes-digits-${ctx.theme}.png`));
}

/** The Mistakes tab against the CLI's confusion; a click on the first mistake opens Inspect on it. */
async function mistakesCase(page, ctx, frame, file, confusion) {
  await showPanelTab(frame, 'mistakes');
  let m = null;
  await poll('the confusion matrix', 10_000, async () => (m = await readMistakes(frame)) && m.matrix.length > 0).catch((e) => {
    throw new StepError(`${e.message}; the tab shows ${JSON.stringify(m)}`);
  });
  if (JSON.stringify(m.matrix) !== JSON.stringify(confusion)) throw new StepError(`the confusion matrix ${JSON.stringify(m.matrix)} is not the CLI's last epoch ${JSON.stringify(confusion)}`);
  if (m.sum !== m.heldOut || String(m.heldOut) !== m.validationSize) throw new StepError(`the matrix counts ${m.sum}; the header says ${m.heldOut} held out, the summary ${m.validationSize}`);
  if (m.coloured < m.matrix.length) throw new StepError(`only ${m.coloured} cells of the matrix are coloured`);
  const wrong = m.sum - m.matrix.reduce((a, row, i) => a + row[i], 0);
  if (m.items.length !== Math.min(wrong, 48) || !m.summary.includes(`${wrong} of ${m.heldOut}`)) throw new StepError(`${m.items.length} mistakes listed, "${m.summary}"; the matrix has ${wrong} off its diagonal`);
  ctx.check(`Mistakes: the matrix ${JSON.stringify(m.matrix)} equals the CLI's, sums to the ${m.heldOut} held out, ${m.coloured} cells coloured; "${m.summary}"`);
  await tabScreenshot(page, ctx, frame, 'mistakes', path.join(SHOTS, `mistakes-${ctx.theme}.png`));
  if (m.items.length === 0) return ctx.note('no mistake to click: every held-out sample is right');
  const sample = m.items[0];
  await frame.locator(`#mist-gallery [data-sample="${sample}"]`).first().click();
  const v = await waitInspect(frame, 'val', sample);
  checkInspect(ctx, v, inspectCli(ctx, file, 'val', sample), `Inspect after the click on mistake #${sample}`);
  if (v.label === v.predicted) throw new StepError(`mistake #${sample} shows as right: label ${v.label}, predicted ${v.predicted}`);
}
