// The web test's export scenario: a spiral trains in the web workbench; Export as PyTorch… (Command
// Palette, trained weights, the folder dialog) and Export Metrics as CSV… (the run's context menu in
// the Runs view, the save dialog) write through workspace.fs into the workspace; the files are then
// read on disk and checked against the kept run and against the desktop's CLI.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { repoRoot } from '../ensure-code-server.mjs';
import { StepError, poll } from '../browser/common.mjs';
import { cli, useCliKernels } from '../browser/gradcheck.mjs';
import { openModelFile, screenshot } from '../browser/workbench.mjs';
import { acceptFileDialog, pickThenFileDialog, rowMenu, runCommandToPick, showRunsView, trainFile, waitRunRow } from './store-workbench.mjs';
import { checkShownLoss, keptRunsOnDisk, newKeptRun, waitKeptRecord } from './store-disk.mjs';
import { checkCsv } from './store-csv.mjs';

const FILE = 'spiral.nn.yaml';
const NAME = 'spiral';
const EXPORTED = [`${NAME}.py`, `${NAME}.weights.npz`, `${NAME}.data.npz`];
/** The engine's float32 forward against NumPy's float64 over the same float32 weights (measured: ~1e-8). */
const LOSS_TOLERANCE = 1e-6;

/** The notification's text once one matching `re` shows. */
async function notification(page, re, what) {
  let texts = [];
  await poll(what, 30_000, async () => {
    texts = await page.$$eval('.notification-list-item-message', (els) => els.map((e) => e.textContent.trim()));
    return texts.some((t) => re.test(t));
  }).catch((e) => {
    throw new StepError(`${e.message}; notifications: ${JSON.stringify(texts)}`);
  });
  return texts.find((t) => re.test(t));
}

/** Export as PyTorch… from the Command Palette: trained weights, the model file's folder (the workspace's root). */
async function exportPyTorch(page, ctx) {
  const replacing = EXPORTED.filter((f) => fs.existsSync(path.join(ctx.workspace, f)));
  const t0 = Date.now();
  const title = /^Export as PyTorch — spiral\.nn\.yaml$/;
  await runCommandToPick(page, 'TrainLens: Export as PyTorch…', title);
  await pickThenFileDialog(page, ctx, { title, filter: 'Trained', expect: 'Trained weights' });
  await acceptFileDialog(page, ctx, {
    title: /^Export as PyTorch — spiral\.nn\.yaml/, ok: 'Export Here',
    expect: (v) => path.resolve(v) === path.resolve(ctx.workspace),
  });
  if (replacing.length) {
    const replace = page.locator('.monaco-dialog-box .monaco-button', { hasText: /^Replace$/ });
    await replace.waitFor({ state: 'visible', timeout: 10_000 });
    await replace.click();
    ctx.note(`${replacing.join(', ')} were there already: answered Replace`);
  }
  const said = await notification(page, /^TrainLens: exported /, 'the notification "TrainLens: exported …"');
  for (const f of EXPORTED) {
    if (!said.includes(f)) throw new StepError(`the notification does not name ${f}: ${JSON.stringify(said)}`);
  }
  ctx.check(`notification ${JSON.stringify(said)}`);
  for (const f of EXPORTED) {
    const st = fs.statSync(path.join(ctx.workspace, f), { throwIfNoEntry: false });
    if (!st || st.mtimeMs < t0 - 1000 || st.size === 0) throw new StepError(`${f} was not written into the workspace folder (${st ? `${st.size} B, modified ${new Date(st.mtimeMs).toISOString()}` : 'missing'})`);
  }
  ctx.check(`on disk in the workspace folder: ${EXPORTED.map((f) => `${f} ${fs.statSync(path.join(ctx.workspace, f)).size} B`).join(', ')}`);
}

/** The exported script read by Python (NumPy; PyTorch is not needed to parse it and run its network forward). */
function readExport(folder, runDir, desktop) {
  const r = spawnSync('python3', [path.join(path.dirname(new URL(import.meta.url).pathname), 'store-export-check.py'), folder, NAME, runDir, desktop],
    { encoding: 'utf8', timeout: 60_000 });
  if (r.status !== 0) throw new StepError(`python3 store-export-check.py failed (${r.status}): ${(r.stderr || r.error?.message || '').trim().split('\n').slice(-3).join(' | ')}`);
  return JSON.parse(r.stdout);
}

const relative = (a, b) => Math.abs(a - b) / Math.max(Math.abs(b), 1e-300);

/** The script defines the run's network and settings; forward over its data with its weights gives the run's final figures. */
function checkScript(ctx, got, meta) {
  const spec = meta.spec;
  const want = { EPOCHS: spec.train.epochs, BATCH: spec.train.batch, SEED: meta.seed, LR: spec.optimizer.lr, L2: spec.train.l2 ?? 0 };
  const wrong = Object.entries(want).filter(([k, v]) => got.settings[k] !== v);
  if (wrong.length) throw new StepError(`the script's settings ${JSON.stringify(got.settings)} differ from the run's ${JSON.stringify(want)}`);
  // One nn.Linear(in, out) per dense layer, in, out from the kept W's shape; a ReLU after each relu layer.
  const linear = meta.weights.filter((w) => /\.W$/.test(w.name)).map((w) => `nn.Linear(${w.shape[0]}, ${w.shape[1]})`);
  const shown = got.layers.filter((l) => l.startsWith('nn.Linear('));
  const relus = spec.layers.filter((l) => l.activation?.type === 'relu').length;
  if (JSON.stringify(shown) !== JSON.stringify(linear) || got.layers.filter((l) => l === 'nn.ReLU()').length !== relus) {
    throw new StepError(`build_model() is nn.Sequential(${got.layers.join(', ')}); the run's layers are ${linear.join(', ')} with ${relus} ReLU`);
  }
  ctx.check(`${NAME}.py is valid Python (parsed and compiled by python3): ${JSON.stringify(got.doc[0])}; build_model() = nn.Sequential(${got.layers.join(', ')}); ${JSON.stringify(got.settings)}`);
  if (!got.doc.join(' ').includes(`(${meta.final.steps} steps, seed ${meta.seed})`)) throw new StepError(`the script does not say it starts from the weights of ${meta.final.steps} steps: ${JSON.stringify(got.doc)}`);
  if (!got.sameAsKept) throw new StepError(`${NAME}.weights.npz is not the kept run's weights.bin, array for array`);
  ctx.check(`${NAME}.weights.npz (${Object.entries(got.arrays).map(([k, s]) => `${k} ${s.join('×')}`).join(', ')}) holds the kept run's final weights bit for bit`);
  const f = meta.final;
  const checks = [['train loss', got.train.loss, f.loss], ['held-out loss', got.val?.loss, f.valLoss]];
  for (const [what, a, b] of checks) {
    if (!(relative(a, b) <= LOSS_TOLERANCE)) throw new StepError(`the script's network gives the ${what} ${a}, the run ended at ${b} (relative ${relative(a, b)})`);
  }
  if (got.train.acc !== f.trainAcc || got.val?.acc !== f.valAcc) throw new StepError(`the script's network scores ${got.train.acc} / ${got.val?.acc}, the run ${f.trainAcc} / ${f.valAcc}`);
  ctx.check(`its network forward (NumPy, float64) over ${NAME}.data.npz: train loss ${got.train.loss} (the run: ${f.loss}, relative ${relative(got.train.loss, f.loss).toExponential(1)}), ` +
    `held-out loss ${got.val.loss} (${f.valLoss}, ${relative(got.val.loss, f.valLoss).toExponential(1)}), accuracy ${got.train.acc} / ${got.val.acc} as the run's, over ${got.train.rows} + ${got.val.rows} rows`);
}

/** The same export by the desktop's CLI (same kernels as Chromium's): the same script, the same data, the same weights to float32 rounding. */
function checkAgainstDesktop(ctx, got) {
  const d = got.desktop;
  if (!d.scriptSame) throw new StepError(`the web's ${NAME}.py differs from the CLI's: ${JSON.stringify(d.scriptDiff)}`);
  if (!d.dataSame) throw new StepError(`the web's ${NAME}.data.npz differs from the CLI's`);
  if (!(d.weightsMaxAbsDiff <= 1e-6 * d.weightsMaxAbs)) throw new StepError(`the web's trained weights differ from the CLI's by up to ${d.weightsMaxAbsDiff} (largest weight ${d.weightsMaxAbs})`);
  ctx.check(`the CLI's export of the same file (trainlens export --weights trained): the same ${NAME}.py text, the same data arrays, weights within ${d.weightsMaxAbsDiff.toExponential(1)} (largest ${d.weightsMaxAbs.toFixed(3)})`);
}

/** The CLI trains the file (relaxed-SIMD kernels, as Chromium runs) and exports it: its epoch lines and its export folder. */
function desktopRun(ctx) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'trainlens-web-export-'));
  const model = path.join(ctx.workspace, FILE);
  useCliKernels('relaxed');
  let train;
  let exported;
  try {
    train = cli(repoRoot, ['train', model, '--json']);
    exported = cli(repoRoot, ['export', model, '--pytorch', dir, '--weights', 'trained']);
  } finally {
    useCliKernels(null);
  }
  if (train.status !== 0 || exported.status !== 0) throw new StepError(`the CLI failed: ${train.stderr}${exported.stderr}`);
  const epochs = train.stdout.trim().split('\n').map((l) => JSON.parse(l)).filter((l) => l.type === 'epoch');
  return { dir, epochs };
}

/** Trains the spiral, exports it to PyTorch and its metrics to CSV; checks the files. */
export async function exportScenario(page, ctx) {
  const userData = ctx.userDataDir; // the server's --user-data-dir: vscode-userdata:/ of the web workbench
  const before = new Set(Object.keys(keptRunsOnDisk(userData)));
  await openModelFile(page, ctx, FILE);
  const { loss: shown, lossText } = await trainFile(page, ctx, FILE);
  const kept = await waitKeptRecord(userData, await newKeptRun(userData, before, FILE));
  checkShownLoss(shown, lossText, kept.meta.final.loss);
  await exportPyTorch(page, ctx);
  const desktop = desktopRun(ctx);
  try {
    const got = readExport(ctx.workspace, kept.dir, desktop.dir);
    checkScript(ctx, got, kept.meta);
    checkAgainstDesktop(ctx, got);
  } finally {
    fs.rmSync(desktop.dir, { recursive: true, force: true });
  }
  await showRunsView(page, ctx);
  const rowLoss = `loss ${kept.meta.final.loss.toPrecision(3)}`;
  // Its row by its label, when it started as the extension host writes it (an earlier scenario may have kept a run of the file, with the same loss).
  const label = await page.evaluate((created) => new Date(created).toLocaleString(), kept.meta.created);
  const row = await waitRunRow(page, FILE, `the run ${JSON.stringify(label)} under ${FILE}, finished, "${rowLoss}"`,
    (r) => r.label === label && r.description.startsWith('finished') && r.description.endsWith(rowLoss));
  const csvFile = path.join(ctx.workspace, `${kept.meta.runId.replace(/[^\w.-]+/g, '_')}.csv`);
  const t0 = Date.now();
  await rowMenu(page, ctx, row, 'Export Metrics as CSV…');
  await acceptFileDialog(page, ctx, { title: /^Export Metrics as CSV/, expect: (v) => path.resolve(v) === csvFile });
  await poll(`${path.basename(csvFile)} written in the workspace folder`, 15_000, () => fs.statSync(csvFile, { throwIfNoEntry: false })?.mtimeMs >= t0 - 1000);
  checkCsv(ctx, fs.readFileSync(csvFile, 'utf8'), kept.meta, desktop.epochs, path.basename(csvFile));
  await screenshot(page, ctx, ctx.shot('export'));
}
