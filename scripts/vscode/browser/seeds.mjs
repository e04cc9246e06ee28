// The compare scenario's seeds case: Compare… over 3 seeds (picked in the QuickPick); each variant's
// mean line with a min–max band on the loss and accuracy charts, and a result table whose
// mean ± std equal those of the same runs trained by the CLI.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { SHOTS, StepError, poll, secsSince } from './common.mjs';
import { cli } from './gradcheck.mjs';
import { chartInk, inkSummary, panelOverlays, waitInk } from './panel.mjs';
import { LENS, clickLens, closeAll, openModelFile, pickInQuickPick, screenshot } from './workbench.mjs';
import { showPanelTab, tabScreenshot } from './tabs.mjs';

/** Written into the workspace: two optimizers on the spiral, short, with a compare: section that leaves the seeds to the QuickPick. */
export const SEEDS_FILE = 'seeds-compare.nn.yaml';
export const SEEDS_TEXT = [
  '# Two optimizers, each over several seeds: the mean with a min–max band',
  'data: { dataset: spiral, samples: 300, classes: 3, noise: 0.2, validation: 0.2 }',
  'layers:', '  - dense: 50', '    activation: relu', '  - dense: 3',
  'loss: softmax', 'optimizer: { type: sgd, lr: 0.05 }', 'train: { epochs: 30, batch: 32, l2: 0.001, seed: 1 }',
  'compare: { optimizer: [sgd, adam] }', '',
].join('\n');
const VARIANTS = ['sgd', 'adam'];
const SEEDS = 3;

/** The panel's number formats (webview/format.ts), for the expected cell texts. */
const num = (x) => (x === 0 ? '0' : Math.abs(x) < 1e-3 || Math.abs(x) >= 1e5 ? x.toExponential(2) : x.toPrecision(4));
const pct = (x) => `${(x * 100).toFixed(1)}%`;
/** A deviation beside a `num` mean: two significant digits. */
const two = (x) => (x === 0 ? '0' : Math.abs(x) < 1e-3 || Math.abs(x) >= 1e5 ? x.toExponential(1) : x.toPrecision(2));

/** Mean and sample std (n − 1), written here apart from the extension's own. */
function meanStd(xs) {
  const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
  const std = Math.sqrt(xs.reduce((a, x) => a + (x - mean) ** 2, 0) / (xs.length - 1));
  return { mean, std };
}

/** Each variant's runs trained by the CLI: the file with that optimizer, the data seed pinned to 1, seeds 1…SEEDS. */
function cliFigures(extension) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'trainlens-seeds-'));
  try {
    return Object.fromEntries(VARIANTS.map((opt) => {
      const file = path.join(dir, `${opt}.nn.yaml`);
      fs.writeFileSync(file, SEEDS_TEXT.replace('optimizer: { type: sgd', `optimizer: { type: ${opt}`)
        .replace('validation: 0.2 }', 'validation: 0.2, seed: 1 }').replace(/^compare:.*$/m, ''));
      const finals = Array.from({ length: SEEDS }, (_, i) => {
        const r = cli(extension, ['train', file, '--json', '--seed', String(1 + i)]);
        const done = r.stdout.split('\n').filter(Boolean).map((l) => JSON.parse(l)).find((l) => l.type === 'done');
        if (r.status !== 0 || !done) throw new StepError(`trainlens train ${opt} --seed ${1 + i}: exit ${r.status}; ${r.stderr.slice(0, 300)}`);
        return done;
      });
      return [opt, { loss: meanStd(finals.map((f) => f.loss)), valAcc: meanStd(finals.map((f) => f.valAcc)), valLoss: meanStd(finals.map((f) => f.valLoss)) }];
    }));
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Pixels of a band: saturated colour at exactly the fill's opacity (0.3, or 0.51 where two bands
 * overlap), ±3/255. Lines are opaque; their anti-aliased edges spread over every opacity, so few
 * fall in these windows (the compare scenario measures six lines alone as the baseline).
 */
export async function bandInk(frame, ids) {
  return frame.evaluate((list) => Object.fromEntries(list.map((id) => {
    const c = document.getElementById(id === 'loss' ? 'loss-chart' : `chart-${id}`);
    if (!(c instanceof HTMLCanvasElement) || c.width === 0) return [id, 0];
    const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
    let band = 0;
    for (let i = 0; i < d.length; i += 4) {
      if (((d[i + 3] >= 74 && d[i + 3] <= 80) || (d[i + 3] >= 127 && d[i + 3] <= 133)) && Math.max(d[i], d[i + 1], d[i + 2]) - Math.min(d[i], d[i + 1], d[i + 2]) >= 48) band++;
    }
    return [id, band];
  })), ids);
}

/** The result table: per row the variant and, per figure cell, its text and the numbers behind it. */
async function readSeedTable(frame) {
  return frame.evaluate(() => [...document.querySelectorAll('#seed-table tbody tr')].map((tr) => ({
    label: tr.querySelector('td.name')?.textContent.trim(),
    status: tr.children[1]?.textContent.trim(),
    cells: Object.fromEntries([...tr.querySelectorAll('td[data-figure]')].map((td) => [td.dataset.figure, {
      text: td.textContent.trim(), mean: Number(td.dataset.mean), std: Number(td.dataset.std), n: Number(td.dataset.n),
    }])),
  })));
}

const close = (a, b) => Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(b));

function tableDifferences(rows, want) {
  const out = [];
  if (rows.map((r) => r.label).join() !== VARIANTS.join()) out.push(`rows ${JSON.stringify(rows.map((r) => r.label))}, expected ${VARIANTS.join(', ')}`);
  for (const r of rows) {
    const w = want[r.label];
    if (!w) continue;
    if (r.status !== `${SEEDS} finished`) out.push(`${r.label}: status ${JSON.stringify(r.status)}`);
    for (const [fig, fmt, fmtStd] of [['loss', num, two], ['valAcc', pct, pct], ['valLoss', num, two]]) {
      const c = r.cells[fig];
      if (!c) { out.push(`${r.label}: no ${fig} cell`); continue; }
      if (c.n !== SEEDS || !close(c.mean, w[fig].mean) || !close(c.std, w[fig].std)) {
        out.push(`${r.label} ${fig}: panel ${c.mean} ± ${c.std} (n ${c.n}), CLI ${w[fig].mean} ± ${w[fig].std}`);
      }
      const text = `${fmt(w[fig].mean)} ± ${fmtStd(w[fig].std)}`;
      if (c.text !== text) out.push(`${r.label} ${fig}: shows ${JSON.stringify(c.text)}, expected ${JSON.stringify(text)}`);
    }
  }
  return out;
}

export async function seedsCase(page, ctx) {
  // Another model file's editor (the compare scenario's) would answer the Compare… lens first.
  await closeAll(page);
  await openModelFile(page, ctx, SEEDS_FILE);
  const widget = page.locator('.quick-input-widget');
  await clickLens(page, ctx, LENS.compare, 'Compare…', () => widget.isVisible(), { effectMs: 4000 });
  await pickInQuickPick(page, ctx, { title: /^Compare\b.*seeds-compare\.nn\.yaml/, filter: 'optimizer: sgd', expect: 'optimizer: sgd, adam' });
  await pickInQuickPick(page, ctx, { title: /seeds per variant/, filter: '3 seeds', expect: '3 seeds' });
  const pickedAt = Date.now();
  let seen = null;
  const runs = VARIANTS.length * SEEDS;
  await poll(`${runs} overlaid runs (${VARIANTS.length} variants × ${SEEDS} seeds), all ended`, 120_000, async () => {
    seen = await panelOverlays(page);
    return seen && seen.n === runs && seen.done === runs;
  }).catch((e) => {
    throw new StepError(`${e.message}; the panel shows ${JSON.stringify(seen && { n: seen.n, done: seen.done })}`);
  });
  ctx.check(`${VARIANTS.join(' and ')} × ${SEEDS} seeds trained (${secsSince(pickedAt)} s after the pick)`);
  const want = cliFigures(ctx.extension);
  let rows = [];
  await poll('the result table to show every variant\'s mean ± std as the CLI\'s runs give them', 10_000, async () => {
    rows = await readSeedTable(seen.frame);
    return tableDifferences(rows, want).length === 0;
  }).catch((e) => {
    throw new StepError(`${e.message}: ${tableDifferences(rows, want).join('; ')}`);
  });
  ctx.check(`result table = CLI (seeds 1–${SEEDS}, data seed 1): ${rows.map((r) => `${r.label} ${Object.entries(r.cells).map(([f, c]) => `${f} ${c.text}`).join(', ')}`).join(' | ')}`);
  const listed = await seen.frame.evaluate(() => !document.getElementById('overlay-list').hidden);
  if (listed) throw new StepError('the overlay list still shows beside the result table');
  const ink = await waitInk({ frame: seen.frame }, ['loss', 'accuracy']);
  const band = await bandInk(seen.frame, ['loss', 'accuracy']);
  const lines = await chartInk(seen.frame, ['loss']);
  if (!(band.loss >= 500 && band.accuracy >= 500)) throw new StepError(`the min–max bands are faint or missing: ${JSON.stringify(band)} px at the fill's opacity`);
  ctx.check(`mean lines: ${inkSummary(ink)}; bands: loss ${band.loss} px, accuracy ${band.accuracy} px at the fill's opacity (loss chart ink ${lines.loss.ink} px)`);
  await screenshot(page, ctx, path.join(SHOTS, `compare-seeds-${ctx.theme}.png`));
  // The per-layer charts: every seed's run in its variant's colour, one legend entry per variant.
  await tabScreenshot(page, ctx, seen.frame, 'gradients', path.join(SHOTS, `compare-seeds-gradients-${ctx.theme}.png`));
  await showPanelTab(seen.frame, 'overview');
}
