// The web test's kept runs and exports, disk side: the VS Code server's user-data dir (where a web
// workbench served by it keeps vscode-userdata:/, and so the extension's workspace storage), the
// kept runs' files there, and the checks of a run's record against what the panel showed.
import fs from 'node:fs';
import path from 'node:path';
import { StepError, poll } from '../browser/common.mjs';

/**
 * The kept runs the server's user-data dir holds, by run id:
 * User/workspaceStorage/<workspace>/trainlens.trainlens/runs/<runId>/ → { dir, files: { name: bytes } }.
 */
export function keptRunsOnDisk(userData) {
  const storage = path.join(userData, 'User', 'workspaceStorage');
  const runs = {};
  for (const ws of fs.existsSync(storage) ? fs.readdirSync(storage) : []) {
    const root = path.join(storage, ws, 'trainlens.trainlens', 'runs');
    if (!fs.existsSync(root)) continue;
    for (const runId of fs.readdirSync(root)) {
      const dir = path.join(root, runId);
      if (!fs.statSync(dir).isDirectory()) continue;
      runs[runId] = { dir, files: Object.fromEntries(fs.readdirSync(dir).map((f) => [f, fs.statSync(path.join(dir, f)).size])) };
    }
  }
  return runs;
}

/** How many float32 weights a run's record lists. */
const floatsOf = (meta) => (meta.weights ?? []).reduce((s, w) => s + w.shape.reduce((a, b) => a * b, 1), 0);

/** The model file a kept run is of (run.json's source), or null while its record is not written. */
function sourceOf(run) {
  try {
    return JSON.parse(fs.readFileSync(path.join(run.dir, 'run.json'), 'utf8')).source ?? null;
  } catch {
    return null;
  }
}

/**
 * Waits for exactly one kept run of `file` (run.json's source ends with it) that is not in `before`
 * (run ids); its id. Runs of other files an earlier scenario left to be written (a Tune's trials)
 * may land meanwhile: they are not counted.
 */
export async function newKeptRun(userData, before, file) {
  let fresh = [];
  let others = [];
  await poll(`the new run of ${file} among the kept runs on disk`, 20_000, () => {
    const added = Object.entries(keptRunsOnDisk(userData)).filter(([id]) => !before.has(id));
    fresh = added.filter(([, run]) => sourceOf(run)?.endsWith(`/${file}`)).map(([id]) => id);
    others = added.filter(([id]) => !fresh.includes(id)).map(([id, run]) => `${id}: ${sourceOf(run)}`);
    return fresh.length === 1;
  }).catch((e) => {
    throw new StepError(`${e.message}: ${fresh.length} new runs of it (${fresh.join(', ')}); of other files: ${others.join(', ') || 'none'}`);
  });
  return fresh[0];
}

/** The run's record (run.json) once its final metrics and weights are written; its files. */
export async function waitKeptRecord(userData, runId) {
  let run = null;
  let meta = null;
  await poll(`run.json of the run ${runId} with its final metrics and weights`, 20_000, async () => {
    run = keptRunsOnDisk(userData)[runId];
    meta = run?.files['run.json'] ? JSON.parse(fs.readFileSync(path.join(run.dir, 'run.json'), 'utf8')) : null;
    // weights.bin is written first, then listed in run.json: wait for both.
    return meta?.status === 'finished' && meta.final && meta.weights?.length > 0 && run.files['weights.bin'] === 4 * floatsOf(meta);
  }).catch((e) => {
    throw new StepError(`${e.message}; the store holds ${JSON.stringify(run?.files)}, run.json: status ${meta?.status}, ${meta?.weights?.length} arrays of ${meta && floatsOf(meta)} floats`);
  });
  return { ...run, meta };
}

/** A run's files, checked against its record: run.json, metrics.jsonl, weights.bin of Σ 4·∏shape bytes. */
export function checkRunFiles(ctx, userData, { dir, files, meta }, name) {
  if (name !== undefined && meta.name !== name) throw new StepError(`run.json names the run ${JSON.stringify(meta.name)}, not ${JSON.stringify(name)}`);
  const floats = floatsOf(meta);
  if (files['weights.bin'] !== 4 * floats) throw new StepError(`weights.bin holds ${files['weights.bin']} bytes, run.json lists ${floats} float32 weights`);
  if (!(files['metrics.jsonl'] > 0)) throw new StepError(`the run has no metrics.jsonl: ${JSON.stringify(files)}`);
  ctx.check(`on the server's disk, in its user-data dir (vscode-userdata:/, written through workspace.fs): ${path.relative(userData, dir)}/: ` +
    `run.json (status ${meta.status}, final loss ${meta.final.loss}${meta.name ? `, name ${JSON.stringify(meta.name)}` : ''}), ` +
    `metrics.jsonl ${files['metrics.jsonl']} B, weights.bin ${files['weights.bin']} B (${floats} float32)`);
}

/** The loss the panel shows, to the digits it shows, is the record's final loss. */
export function checkShownLoss(shown, text, loss) {
  const digits = (/(?:\.(\d+))?(?:e[-+]?\d+)?$/i.exec(text)?.[1] ?? '').length;
  if (Math.abs(shown - loss) > 0.5 * 10 ** -digits * (1 + 1e-9)) {
    throw new StepError(`the panel shows final loss ${text}, the kept run's record ${loss}`);
  }
}

