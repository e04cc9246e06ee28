// Scenario tune: first "Tune…" on a spiral without a tune: section (the QuickPick of ranges, trials,
// epochs, seeds, writing the section; one Ctrl+Z removes it); then on a small spiral with a section: the panel's Tune
// tab must show every trial in its table with the very figures `trainlens tune --json` gives for
// the same file (same seed, same draws, same median rule), ink on the scatter and the best
// trial's curves, and a table that sorts by a clicked column, both ways.
import fs from 'node:fs';
import path from 'node:path';
import { SHOTS, StepError, poll, sameNumber, sameShown, withinBound } from './common.mjs';
import { cli } from './gradcheck.mjs';
import { chartInk, inkSummary, readPanel, waitInk } from './panel.mjs';
import { bandInk } from './seeds.mjs';
import { tabScreenshot, tabState } from './tabs.mjs';
import { clickLens, closeAll, editorLines, expectEditorLine, openModelFile } from './workbench.mjs';

export const TUNE_FILE = 'tune-spiral.nn.yaml';

// 8 trials of 4 epochs: enough earlier trials (5) for the median rule to stop some from epoch 2; plain
// SGD with lr up to 1e4, so that some trials diverge (trial 0 at lr 455, step 18).
export const TUNE_TEXT = [
  '# The spiral, tuned: lr and l2 drawn log-uniformly, 4 epochs a trial',
  'data: { dataset: spiral, samples: 300, classes: 3, noise: 0.2, validation: 0.2 }',
  'layers:', '  - dense: 50', '    activation: relu', '  - dense: 3',
  'loss: softmax', 'optimizer: { type: sgd, lr: 0.01 }', 'train: { epochs: 100, batch: 32, l2: 0.001, seed: 1 }',
  'tune:', '  trials: 8', '  epochs: 4', '  lr: { log: [1.0e-3, 1.0e+4] }', '  l2: { log: [1.0e-5, 1.0e-1] }', '',
].join('\n');

const TUNE_LENS = /^\s*Tune…\s*$/;

const SCATTER_INK = 150;

/** The Tune tab as the panel shows it: its line, the table's rows (each cell's text and exact value) and sort, the scatter's points. */
async function readTuneTab(frame) {
  return frame.evaluate(() => {
    const summary = document.getElementById('tune-summary');
    const table = document.getElementById('tune-table');
    const rows = [...document.querySelectorAll('#tune-table vscode-table-row')].map((r) => ({
      index: Number(r.dataset.index), status: r.dataset.status, best: r.classList.contains('best'),
      cells: Object.fromEntries([...r.querySelectorAll('vscode-table-cell')].map((c) => [c.dataset.key, { text: c.textContent.trim(), value: c.dataset.value }])),
    }));
    const scatter = document.getElementById('chart-tune-scatter');
    return {
      state: summary?.dataset.state ?? null, summary: summary?.textContent ?? '', sort: table?.dataset.sort ?? null, rows,
      points: Number(scatter?.dataset.points ?? 0), unplaced: Number(scatter?.dataset.unplaced ?? 0), inside: Number(scatter?.dataset.inside ?? 0),
      headers: [...document.querySelectorAll('#tune-table vscode-table-header-cell')].map((h) => h.dataset.key),
    };
  });
}

/** Differences between the panel's rows and the CLI's trial lines (the figures by sameNumber: exact on the desktop; epochs and status exactly). */
function differences(tab, trials, metric = 'valAcc') {
  const out = [];
  if (tab.rows.length !== trials.length) out.push(`${tab.rows.length} rows for ${trials.length} trials`);
  for (const t of trials) {
    const row = tab.rows.find((r) => r.index === t.index);
    if (!row) {
      out.push(`no row for trial ${t.index}`);
      continue;
    }
    const same = (key, want) => {
      const got = row.cells[key]?.value;
      if (want === undefined ? got !== undefined : !sameNumber(Number(got), want)) out.push(`trial ${t.index} ${key}: panel ${got}, CLI ${want}`);
    };
    const count = (key, want) => {
      if (Number(row.cells[key]?.value) !== want) out.push(`trial ${t.index} ${key}: panel ${row.cells[key]?.value}, CLI ${want}`);
    };
    same('lr', t.params.lr);
    same('l2', t.params.l2);
    same('score', t[metric]);
    same('valLoss', t.valLoss);
    count('epochs', t.epochs);
    if (row.status !== t.status) out.push(`trial ${t.index} status: panel ${row.status}, CLI ${t.status}`);
  }
  return out;
}

/** The figures of the panel's rows that sameNumber let through without being equal to the CLI's (the web's bound): "#i key panel / CLI". */
function notEqual(tab, trials) {
  const want = (t, key) => (key === 'lr' || key === 'l2' ? t.params[key] : t[key === 'score' ? 'valAcc' : key]);
  return trials.flatMap((t) => {
    const row = tab.rows.find((r) => r.index === t.index);
    return ['lr', 'l2', 'score', 'valLoss'].filter((k) => row.cells[k]?.value !== undefined && Number(row.cells[k].value) !== want(t, k))
      .map((k) => `#${t.index} ${k} ${row.cells[k].value} / ${want(t, k)}`);
  });
}

/** Clicks a column's header and returns the order the rows then show. */
async function sortBy(frame, key) {
  await frame.locator(`#tune-table vscode-table-header-cell[data-key="${key}"]`).click({ timeout: 10_000 });
  return readTuneTab(frame);
}

function expectSorted(ctx, tab, key, descending) {
  const values = tab.rows.map((r) => Number(r.cells[key]?.value ?? NaN)).filter((v) => !Number.isNaN(v));
  const ok = values.every((v, i) => i === 0 || (descending ? values[i - 1] >= v : values[i - 1] <= v));
  if (!ok || tab.sort !== `${key}:${descending ? 'desc' : 'asc'}`) throw new StepError(`sorted by ${key} ${descending ? 'descending' : 'ascending'}, the table shows ${JSON.stringify(values)} (data-sort ${tab.sort})`);
  ctx.check(`sorted by ${key}, ${descending ? 'descending' : 'ascending'}: ${values.map((v) => Number(v.toPrecision(3))).join(', ')}`);
}

/** The same spiral without a tune: section, for the QuickPick. */
export const PICK_FILE = 'tune-pick.nn.yaml';

/** The open QuickPick's title and rows: label, description, and whether its checkbox is ticked. */
async function readQuickPick(page) {
  return page.evaluate(() => ({
    title: document.querySelector('.quick-input-widget .quick-input-title')?.textContent?.trim() ?? '',
    rows: [...document.querySelectorAll('.quick-input-widget .quick-input-list .monaco-list-row')].map((r) => ({
      label: r.querySelector('.label-name')?.textContent?.trim() ?? '',
      description: r.querySelector('.label-description')?.textContent?.trim() ?? '',
      checked: (() => {
        // A multi-select row's checkbox: a custom toggle (aria-checked) in VS Code 1.100, an input before.
        const box = r.querySelector('.quick-input-list-label .monaco-custom-toggle, input[type=checkbox]');
        if (!box) return null;
        return box instanceof HTMLInputElement ? box.checked : box.getAttribute('aria-checked') === 'true' || box.classList.contains('checked');
      })(),
    })),
  }));
}

/** Types a value into the open input box (replacing its default) and presses Enter. */
async function answer(page, ctx, prompt, value) {
  await poll(`the input box "${prompt}"`, 10_000, async () => (await page.locator('.quick-input-widget .quick-input-message, .quick-input-widget').first().textContent()).includes(prompt));
  await page.keyboard.press('Control+A');
  await page.keyboard.type(value);
  await page.keyboard.press('Enter');
  ctx.check(`answered ${JSON.stringify(prompt)} with ${value}`);
}

/** Picks the highlighted-after-typing item of the open QuickPick. */
async function choose(page, ctx, label) {
  await poll(`a QuickPick item ${JSON.stringify(label)}`, 10_000, async () => (await readQuickPick(page)).rows.some((r) => r.label === label));
  await page.keyboard.type(label);
  await poll(`${JSON.stringify(label)} highlighted`, 5000, async () => (await page.locator('.quick-input-widget .monaco-list-row.focused .label-name').first().textContent()).trim() === label);
  await page.keyboard.press('Enter');
  ctx.check(`picked ${JSON.stringify(label)}`);
}

/**
 * On a file without tune:, Tune… asks: the ranges (lr and l2 ticked, with their ranges), trials,
 * epochs, seeds, and whether to write the section; the section lands in the file, the search runs
 * in the panel, and one Ctrl+Z takes the section out again.
 */
async function pickCase(page, ctx) {
  fs.writeFileSync(path.join(ctx.workspace, PICK_FILE), TUNE_TEXT.slice(0, TUNE_TEXT.indexOf('tune:')));
  await openModelFile(page, ctx, PICK_FILE);
  let pick = null;
  await clickLens(page, ctx, TUNE_LENS, 'Tune…', async () => {
    pick = await readQuickPick(page);
    return pick.rows.length > 0 && /^Tune — tune-pick\.nn\.yaml$/.test(pick.title);
  }, { effectMs: 10_000, tries: 2 });
  const ticked = pick.rows.filter((r) => r.checked).map((r) => r.label);
  const lr = pick.rows.find((r) => r.label === 'lr');
  if (ticked.join(',') !== 'lr,l2' || lr?.description !== '{ log: [0.0001, 0.1] }') throw new StepError(`the QuickPick ticks ${JSON.stringify(ticked)} and shows lr ${JSON.stringify(lr)}; rows ${JSON.stringify(pick.rows)}`);
  ctx.check(`QuickPick ${JSON.stringify(pick.title)}: ${pick.rows.map((r) => `${r.checked ? '☑' : '☐'} ${r.label} ${r.description}`).join(', ')}`);
  await page.keyboard.press('Enter');
  await answer(page, ctx, 'Trials in the first round', '4');
  await answer(page, ctx, 'Epochs per trial', '2');
  await choose(page, ctx, '1 seed');
  await choose(page, ctx, 'Write the tune: section into the file, then tune');
  await expectEditorLine(page, ctx, /^ {2}lr: \{ log: \[0\.0001, 0\.1\] \}$/, 10_000);
  const frame = await poll('the panel on its Tune tab with 4 trials ended', 60_000, async () => {
    const f = (await readPanel(page))?.frame;
    const tab = f && await readTuneTab(f);
    return tab && tab.state === 'finished' && tab.rows.length === 4 ? f : null;
  });
  ctx.check(`the search of the picked ranges ran: ${(await readTuneTab(frame)).summary}`);
  await page.locator('.editor-instance .monaco-editor .view-lines').first().click();
  await page.keyboard.press('Control+Z');
  await poll('Ctrl+Z to take the tune: section out', 10_000, async () => !(await editorLines(page)).some((l) => /^tune:/.test(l)));
  ctx.check('one Ctrl+Z took the tune: section out of the file');
  await closeAll(page);
}

export async function tuneScenario(page, ctx) {
  await pickCase(page, ctx);
  const file = path.join(ctx.workspace, TUNE_FILE);
  fs.writeFileSync(file, TUNE_TEXT);
  const run = cli(ctx.extension, ['tune', file, '--json']);
  const lines = run.stdout.trim().split('\n').filter(Boolean).map((l) => JSON.parse(l));
  const trials = lines.filter((l) => l.type === 'trial');
  const best = lines.find((l) => l.type === 'best');
  if (!trials.some((t) => t.status === 'diverged')) throw new StepError(`no trial of ${TUNE_FILE} diverges any more: the scenario needs one (${run.stdout})`);
  if (run.status !== 0 || trials.length !== 8 || !best) throw new StepError(`trainlens tune --json gave ${trials.length} trials (exit ${run.status}): ${run.stdout}${run.stderr}`);
  ctx.check(`CLI: ${trials.map((t) => `#${t.index} ${t.status} ${(100 * t.valAcc).toFixed(1)}%`).join(', ')}; best #${best.index}`);

  await openModelFile(page, ctx, TUNE_FILE);
  let frame = null;
  await clickLens(page, ctx, TUNE_LENS, 'Tune…', async () => {
    frame = (await readPanel(page))?.frame ?? null;
    return frame && (await tabState(frame)).selected === 'tune';
  }, { effectMs: 20_000, tries: 2 });
  ctx.check('the panel opened on its "tune" tab');
  let tab = null;
  await poll('the search to finish in the panel (#tune-summary data-state="finished")', 90_000, async () => {
    tab = await readTuneTab(frame);
    return tab.state === 'finished' && tab.rows.every((r) => r.status !== 'running' && r.status !== 'pending') ? tab : null;
  }).catch((e) => {
    throw new StepError(`${e.message}; the tab shows ${JSON.stringify(tab)}`);
  });
  ctx.check(`${JSON.stringify(tab.summary)}; columns ${tab.headers.join(', ')}`);

  const diffs = differences(tab, trials);
  if (diffs.length) throw new StepError(`the Tune tab differs from \`trainlens tune --json\`: ${diffs.join('; ')}`);
  ctx.check(`one row per trial (${tab.rows.length}), every lr, l2, val acc, val loss, epochs and status equal to the CLI's${withinBound()}`);
  const bestRow = tab.rows.find((r) => r.best);
  if (bestRow?.index !== best.index) throw new StepError(`the panel marks trial ${bestRow?.index} best; the CLI says ${best.index}`);
  ctx.check(`best trial #${best.index} marked`);
  const unequal = notEqual(tab, trials);
  if (unequal.length) ctx.note(`figures within the bound, not equal (panel / CLI): ${unequal.join(', ')}`);
  if (tab.points !== trials.length || tab.inside !== trials.length) throw new StepError(`the scatter places ${tab.points} trials (${tab.unplaced} unplaced, ${tab.inside} inside the plot area) of ${trials.length}`);
  // The scatter's points are discs of 5–8 px radius: the worst and the best (the scale's saturated
  // ends, orange and blue) alone give some 250 px of series colour; the grey middle of the scale gives none.
  let scatterInk = null;
  await poll(`series ink on the scatter (≥ ${SCATTER_INK} px)`, 10_000, async () => {
    scatterInk = (await chartInk(frame, ['tune-scatter']))['tune-scatter'];
    return scatterInk && scatterInk.series >= SCATTER_INK;
  }).catch((e) => {
    throw new StepError(`${e.message}; it shows ${JSON.stringify(scatterInk)}`);
  });
  const ink = await waitInk({ frame }, ['tune-loss', 'tune-score']);
  ctx.check(`scatter data-points=${tab.points}, all inside the plot area, ${scatterInk.series} px of series colour; best curves ${inkSummary(ink)}`);

  expectSorted(ctx, tab, 'score', true);
  expectSorted(ctx, await sortBy(frame, 'lr'), 'lr', false);
  expectSorted(ctx, await sortBy(frame, 'lr'), 'lr', true);
  expectSorted(ctx, await sortBy(frame, 'valLoss'), 'valLoss', false);
  await sortBy(frame, 'score');
  await tabScreenshot(page, ctx, frame, 'tune', ctx.shots.main ?? path.join(SHOTS, `tune-${ctx.theme}.png`));
  await applyAndUndo(page, ctx, frame, bestRow);
  await narrow(ctx, frame, best, trials.length);
  await tabScreenshot(page, ctx, frame, 'tune', path.join(SHOTS, `tune-round2-${ctx.theme}.png`));
  await closeAll(page);
  await regressionCase(page, ctx);
}

/** The sine example with a tune: section over 2 seeds: trials ranked by validation R², the table's figures (mean ± std) equal to the CLI's. */
export const SINE_TUNE_FILE = 'sine-tune.nn.yaml';

async function regressionCase(page, ctx) {
  const file = path.join(ctx.workspace, SINE_TUNE_FILE);
  const sine = fs.readFileSync(path.join(ctx.workspace, 'sine.nn.yaml'), 'utf8').trimEnd();
  fs.writeFileSync(file, `${sine}\ntune:\n  trials: 6\n  epochs: 3\n  seeds: 2\n  lr: { log: [1.0e-4, 1.0e-1] }\n  l2: { log: [1.0e-6, 1.0e-2] }\n`);
  const run = cli(ctx.extension, ['tune', file, '--json']);
  const trials = run.stdout.trim().split('\n').filter(Boolean).map((l) => JSON.parse(l)).filter((l) => l.type === 'trial');
  if (run.status !== 0 || trials.length !== 6 || !trials.every((t) => typeof t.valR2 === 'number')) throw new StepError(`trainlens tune ${SINE_TUNE_FILE} --json: ${run.stdout}${run.stderr}`);
  await openModelFile(page, ctx, SINE_TUNE_FILE);
  let frame = null;
  await clickLens(page, ctx, TUNE_LENS, 'Tune…', async () => {
    frame = (await readPanel(page))?.frame ?? null;
    return frame && (await tabState(frame)).selected === 'tune';
  }, { effectMs: 20_000, tries: 2 });
  let tab = null;
  await poll('the regression search to finish in the panel', 90_000, async () => {
    tab = await readTuneTab(frame);
    return tab.state === 'finished' && tab.rows.length === 6 && tab.rows.every((r) => r.status !== 'running' && r.status !== 'pending') ? tab : null;
  });
  const header = await frame.locator('#tune-table vscode-table-header-cell[data-key="score"]').textContent();
  const diffs = differences(tab, trials, 'valR2');
  if (diffs.length || !/^val R²/.test(header.trim())) throw new StepError(`regression: the score column is ${JSON.stringify(header)}; ${diffs.join('; ')}`);
  // Two seeds a trial: the mean ± the standard deviation over them, as the panel formats R² (webview/format.ts r2).
  const r2 = (x) => (x < 1 && x.toFixed(3) === '1.000' ? x.toFixed(4) : x.toFixed(3));
  const r2Cells = tab.rows.map((r) => r.cells.score.text);
  const wrong = tab.rows.filter((r) => {
    const t = trials.find((x) => x.index === r.index);
    const [mean, std] = r.cells.score.text.split(' ± ');
    return !sameShown(mean, t.valR2, r2) || (typeof t.valR2Std === 'number' ? std === undefined || !sameShown(std, t.valR2Std, r2) : std !== undefined);
  });
  if (wrong.length || !trials.every((t) => t.status !== 'done' || typeof t.valR2Std === 'number') || !/2 seeds each/.test(tab.summary)) {
    throw new StepError(`R² cells ${JSON.stringify(r2Cells)} (summary ${JSON.stringify(tab.summary)}) against the CLI's ${JSON.stringify(trials.map((t) => [t.valR2, t.valR2Std]))}`);
  }
  await waitInk({ frame }, ['tune-loss', 'tune-score']);
  // Two seeds: the best trial's curves are their mean with a min–max band, and the note says so.
  const band = await bandInk(frame, ['tune-loss', 'tune-score']);
  const note = (await frame.locator('#note-tune-best').textContent()).trim();
  if (!(band['tune-loss'] >= 100 && band['tune-score'] >= 100) || !/mean over its 2 seeds/.test(note)) {
    throw new StepError(`the best trial's min–max bands: ${JSON.stringify(band)} px at the fill's opacity; note ${JSON.stringify(note)}`);
  }
  ctx.check(`regression (${SINE_TUNE_FILE}): column ${JSON.stringify(header.trim())}, ${r2Cells.join(', ')}, every figure equal to the CLI's; the best trial's curves drawn as the mean of 2 seeds with bands (${band['tune-loss']} / ${band['tune-score']} px at the fill's opacity), "${note}"`);
  await tabScreenshot(page, ctx, frame, 'tune', path.join(SHOTS, `tune-regression-${ctx.theme}.png`));
}

const escape = (s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * "Apply best" writes the best trial's lr and l2 (the row's, which equal the CLI's: see differences)
 * into the file's lines; one Ctrl+Z in the editor restores both.
 */
async function applyAndUndo(page, ctx, frame, bestRow) {
  const lr = String(Number(bestRow.cells.lr.value));
  const l2 = String(Number(bestRow.cells.l2.value));
  await frame.locator('#btn-tuneApply').click({ timeout: 10_000 });
  await expectEditorLine(page, ctx, new RegExp(`^optimizer: \\{ type: sgd, lr: ${escape(lr)} \\}`), 10_000);
  await expectEditorLine(page, ctx, new RegExp(`^train: \\{ epochs: 100, batch: 32, l2: ${escape(l2)}, seed: 1 \\}`), 10_000);
  await page.locator('.editor-instance .monaco-editor .view-lines').first().click();
  await page.keyboard.press('Control+Z');
  await expectEditorLine(page, ctx, /^optimizer: \{ type: sgd, lr: 0\.01 \}/, 10_000);
  await expectEditorLine(page, ctx, /^train: \{ epochs: 100, batch: 32, l2: 0\.001, seed: 1 \}/, 10_000);
}

/** "Narrow around the best": a second round of as many trials, each lr within half a decade of the best's, l2 too. */
async function narrow(ctx, frame, best, n) {
  await frame.locator('#btn-tuneNarrow').click({ timeout: 10_000 });
  let tab = null;
  await poll(`round 2 to finish in the panel (${2 * n} rows)`, 90_000, async () => {
    tab = await readTuneTab(frame);
    return tab.state === 'finished' && tab.rows.length === 2 * n && tab.rows.every((r) => r.status !== 'running' && r.status !== 'pending') ? tab : null;
  }).catch((e) => {
    throw new StepError(`${e.message}; the tab shows ${tab?.summary} with ${tab?.rows.length} rows`);
  });
  const round2 = tab.rows.filter((r) => r.cells.round?.text === '2');
  const off = round2.filter((r) => ['lr', 'l2'].some((k) => Math.abs(Math.log10(Number(r.cells[k].value)) - Math.log10(best.params[k])) > 0.5 + 1e-9));
  if (round2.length !== n || off.length) throw new StepError(`round 2 has ${round2.length} rows; ${off.length} more than half a decade from the best (${JSON.stringify(off.map((r) => r.cells))})`);
  ctx.check(`${JSON.stringify(tab.summary)}: ${n} round-2 trials, every lr and l2 within half a decade of trial #${best.index}'s; ${tab.points} points on the scatter`);
}
