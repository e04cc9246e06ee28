// The web test's extension and workspace: a copy of the built extension that can only run in the
// browser's web worker extension host, and a copy of examples/ with the files the scenarios add.
import fs from 'node:fs';
import path from 'node:path';
import { makeTempDir } from '../server.mjs';
import { prepareWorkspace, writeModel } from '../browser/workspace.mjs';

/** The CSV model the csv scenario trains: two numeric columns and a class, read through workspace.fs. */
export const CSV_FILE = 'web-csv.nn.yaml';
export const CSV_DATA = 'data/web-points.csv';
export const CSV_ROWS = 240;
/** The same model reading a CSV file that is not there: a diagnostic on its path, from an async workspace.fs stat. */
export const CSV_MISSING_FILE = 'web-csv-missing.nn.yaml';

/** A model whose products (64×512×512 multiply-adds) are spread over kernel threads where memory can be shared. */
export const THREADS_FILE = 'web-threads.nn.yaml';

/** A run long enough to be stopped from its lens (the spiral, 400 units, full batches, 1,000,000 epochs). */
export { SPIRAL_LONG } from '../browser/workspace.mjs';

/** What of dist/ the web extension loads: its bundles (host, worker, kernel helper), the panels' scripts and fonts, the bundled digits. */
const DIST = ['web/extension.js', 'web/worker.js', 'web/kernel-helper.js', 'webview.js', 'circuit.js', 'codicons', 'mnist-10k.bin.gz'];
const FOLDERS = ['l10n', 'media', 'schemas', 'templates'];

/**
 * Copies the built extension into a temp dir with a manifest that has no "main" (and no "bin"): VS
 * Code then runs it in the web worker extension host (with "main" present the server's Node host
 * wins). Only the web bundles are copied from dist/, so a stray require of a Node bundle fails loudly.
 */
export function makeWebCopy(repo) {
  for (const f of ['web/extension.js', 'web/worker.js']) {
    if (!fs.existsSync(path.join(repo, 'dist', f))) throw new Error(`dist/${f} is missing: run \`npm run build\` first`);
  }
  const dest = path.join(makeTempDir('trainlens-web-'), 'trainlens');
  fs.mkdirSync(dest, { recursive: true });
  const pkg = JSON.parse(fs.readFileSync(path.join(repo, 'package.json'), 'utf8'));
  if (!pkg.browser) throw new Error('package.json has no "browser" entry');
  delete pkg.main;
  delete pkg.bin;
  fs.writeFileSync(path.join(dest, 'package.json'), JSON.stringify(pkg, null, 2) + '\n');
  for (const f of fs.readdirSync(repo).filter((n) => /^package\.nls(\..+)?\.json$/.test(n))) {
    fs.copyFileSync(path.join(repo, f), path.join(dest, f));
  }
  for (const d of FOLDERS) {
    if (fs.existsSync(path.join(repo, d))) fs.cpSync(path.join(repo, d), path.join(dest, d), { recursive: true });
  }
  for (const f of DIST) {
    fs.cpSync(path.join(repo, 'dist', f), path.join(dest, 'dist', f), { recursive: true });
  }
  return { dir: dest, browser: pkg.browser };
}

/** Two clusters split by the line x = y, as text: "x,y,kind" rows. */
function pointsCsv(rows) {
  const lines = ['x,y,kind'];
  for (let i = 0; i < rows; i++) {
    const a = ((i * 7919) % 100) / 10;
    const b = ((i * 104729) % 100) / 10;
    lines.push(`${a},${b},${a > b ? 'above' : 'below'}`);
  }
  return lines.join('\n') + '\n';
}

/** The browser test's workspace (examples/ + its written files) plus a CSV and a model trained from it. */
export function prepareWebWorkspace(examples) {
  const workspace = prepareWorkspace(examples);
  fs.mkdirSync(path.join(workspace, path.dirname(CSV_DATA)), { recursive: true });
  fs.writeFileSync(path.join(workspace, CSV_DATA), pointsCsv(CSV_ROWS));
  writeModel(workspace, CSV_FILE, [
    '# Points above or below the line x = y, read from a CSV file in the workspace',
    'data:', `  csv: ${CSV_DATA}`, '  label: kind', '  normalize: standard', '  validation: 0.2',
    'layers:', '  - dense: 16', '    activation: relu', '  - dense: 2',
    'loss: softmax', 'optimizer: adam', 'train: { epochs: 40, batch: 16, seed: 1 }', '',
  ]);
  writeModel(workspace, THREADS_FILE, [
    '# Wide enough for the kernels to be spread over threads (on a cross-origin isolated page)',
    'data: { dataset: spiral, samples: 600, classes: 3, validation: 0.2 }',
    'layers:', '  - dense: 512', '    activation: relu', '  - dense: 512', '    activation: relu', '  - dense: 3',
    'loss: softmax', 'optimizer: { type: adam, lr: 0.001 }', 'train: { epochs: 15, batch: 64, seed: 2 }', '',
  ]);
  const model = fs.readFileSync(path.join(workspace, CSV_FILE), 'utf8');
  fs.writeFileSync(path.join(workspace, CSV_MISSING_FILE), model.replace(CSV_DATA, 'data/not-there.csv'));
  return workspace;
}
