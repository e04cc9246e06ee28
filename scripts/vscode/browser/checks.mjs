// Scenario checks: the Checks tab's sanity table and learning-rate finder, run from the panel's own
// buttons, against `trainlens sanity --json` and `trainlens lr-find --json` on the same file.
import fs from 'node:fs';
import path from 'node:path';
import { sleep } from '../server.mjs';
import { SHOTS, StepError, VIEWPORT, poll, sameNumber, sameShown, sameWords, withinBound } from './common.mjs';
import { GRADCHECK_FACTOR, cli } from './gradcheck.mjs';
import { chartInk, panelIframe, readPanel, waitInk } from './panel.mjs';
import { showPanelTab, tabScreenshot, tabState } from './tabs.mjs';
import { clickLens, expectEditorLine, expectLens, openModelFile, runCommand, screenshot } from './workbench.mjs';

/** The spiral example, copied under a name of its own (its lr is edited and undone here). */
export const CHECKS_FILE = 'checks-spiral.nn.yaml';

/** The card's number formats (webview/format.ts: num, exp, pct; webview/sanity-text.ts: checkFigures). */
const num = (x) => (x === 0 ? '0' : Math.abs(x) < 1e-3 || Math.abs(x) >= 1e5 ? x.toExponential(2) : x.toPrecision(4));
const exp = (x, d = 2) => x.toExponential(d);
const pct = (x) => `${(x * 100).toFixed(0)}%`;
/** Each check's expected and measured cells: how each is formatted, and how its text reads back as the figure. */
const readNumber = (t) => Number(/[-\d.]+(?:e[-+]?\d+)?/i.exec(t)?.[0]);
const cell = (format, parse = readNumber) => ({ format, parse });
const FIGURES = {
  'initial-loss': () => [cell((x) => `≈ ${num(x)}`), cell(num)],
  'reg-raises-loss': () => [cell((x) => `> ${num(x)}`), cell(num)],
  'overfit-small': (c) => (c.expected < 1 ? [cell((x) => `R² ≥ ${x}`), cell((x) => `R² ${x.toFixed(4)}`)] : [cell(pct, (t) => readNumber(t) / 100), cell(pct, (t) => readNumber(t) / 100)]),
  gradient: () => [cell((x) => `≤ ${exp(x, 0)}`), cell(exp)],
  'update-ratio': () => [cell((x) => `≈ ${exp(x, 0)}`), cell(exp)],
};
/** The gradient check's measured error is round-off: within GRADCHECK_FACTOR of the CLI's where figures may differ (gradcheck.mjs). */
const factorOf = (name) => ({ factor: name === 'gradient' ? GRADCHECK_FACTOR : 1 });

/** `trainlens CMD FILE --json` as JSON lines. */
function cliJson(ctx, args) {
  const r = cli(ctx.extension, [...args, '--json']);
  const lines = r.stdout.trim().split('\n').filter(Boolean);
  try {
    return lines.map((l) => JSON.parse(l));
  } catch {
    throw new StepError(`trainlens ${args.join(' ')} --json printed no JSON (exit ${r.status}): ${r.stdout}${r.stderr}`);
  }
}

/** The sanity card as the panel shows it: its state, the rows' data and cells, and what does not fit. */
async function readSanity(frame) {
  return frame.evaluate(() => {
    const body = document.getElementById('sanity-body');
    if (!body) return null;
    const cells = (row) => [...row.querySelectorAll('vscode-table-cell')];
    const text = (c) => c.textContent.replace(/\u00a0/g, ' ').trim();
    const rows = [...body.querySelectorAll('vscode-table-row.check')].map((r) => {
      const c = cells(r);
      return { ...r.dataset, expectedText: text(c[1]), measuredText: text(c[2]), verdict: text(c[3]), advice: text(c[4]), height: r.getBoundingClientRect().height };
    });
    const layers = [...body.querySelectorAll('vscode-table-row.layer')].map((r) => ({ ...r.dataset, measuredText: text(cells(r)[2]) }));
    const card = document.getElementById('card-sanity').getBoundingClientRect();
    const table = body.querySelector('vscode-table')?.getBoundingClientRect();
    // Cells whose text is cut (ellipsis or clipped): their content is larger than their box.
    const cut = [...body.querySelectorAll('vscode-table-cell')].filter((c) => c.scrollWidth > c.clientWidth + 1 || c.scrollHeight > c.clientHeight + 1).map(text);
    return {
      state: body.dataset.state ?? null, note: document.getElementById('note-sanity')?.textContent.trim() ?? '',
      error: body.querySelector('.run-error')?.textContent.trim() ?? null, summary: body.querySelector('.sanity-summary')?.textContent.trim() ?? null,
      rows, layers, cut, overflow: table ? Math.max(0, Math.ceil(table.right - card.right)) : 0, tableHeight: table?.height ?? 0,
      tableWidth: table?.width ?? 0, compact: Boolean(body.querySelector('vscode-table')?.compact),
    };
  });
}

/**
 * Each row against the CLI's check line: name and verdict exactly, the figures (data-*), the cells'
 * text and the advice as the CLI's (common.mjs: exactly on the desktop, within the web's bound there).
 */
function sanityDifferences(card, checks) {
  const diffs = [];
  if (card.rows.length !== checks.length) diffs.push(`${card.rows.length} rows, the CLI has ${checks.length} checks`);
  checks.forEach((c, i) => {
    const r = card.rows[i] ?? {};
    const [expected, measured] = FIGURES[c.name](c);
    const factor = factorOf(c.name);
    const want = {
      name: [c.name], pass: [String(c.pass)], verdict: [c.pass ? 'pass' : 'fail'],
      expected: [String(c.expected), (v) => sameNumber(Number(v), c.expected, factor)],
      measured: [String(c.measured), (v) => sameNumber(Number(v), c.measured, factor)],
      expectedText: [expected.format(c.expected), (t) => sameShown(t, c.expected, expected.format, { ...factor, parse: expected.parse })],
      measuredText: [measured.format(c.measured), (t) => sameShown(t, c.measured, measured.format, { ...factor, parse: measured.parse })],
      advice: [c.advice, (t) => sameWords(t, c.advice, factor)],
    };
    for (const [k, [v, same = (got) => got === v]] of Object.entries(want)) if (!same(r[k])) diffs.push(`${c.name} ${k}: shows ${JSON.stringify(r[k])}, CLI ${JSON.stringify(v)}`);
  });
  return diffs;
}

/** Clicks a button in the panel (a vscode-button inside the Checks tab). */
async function clickPanelButton(frame, id) {
  const b = frame.locator(`#${id}`);
  await b.waitFor({ state: 'visible', timeout: 10_000 });
  await b.click({ timeout: 10_000 });
}

async function runSanityFromPanel(frame, ctx, lines) {
  const checks = lines.filter((l) => l.type === 'check');
  const t = Date.now();
  await clickPanelButton(frame, 'sanity-run');
  let card = null;
  await poll('the sanity table (state done, five rows)', 30_000, async () => {
    card = await readSanity(frame);
    if (card?.state === 'failed') throw new StepError(`the sanity checks failed: ${card.error}`);
    return card?.state === 'done' && card.rows.length > 0;
  }).catch((e) => {
    throw new StepError(`${e.message}; the card showed ${JSON.stringify(card)}`);
  });
  ctx.check(`clicked "Run sanity checks" in the panel: the table came ${((Date.now() - t) / 1000).toFixed(1)} s later (${card.note}); ${card.summary}`);
  const diffs = sanityDifferences(card, checks);
  if (diffs.length) throw new StepError(`the sanity table differs from \`trainlens sanity --json\`: ${diffs.join('; ')}`);
  const unequal = checks.flatMap((c, i) => ['expected', 'measured'].filter((k) => card.rows[i][k] !== String(c[k])).map((k) => `${c.name} ${k} ${card.rows[i][k]} / ${c[k]}`));
  if (unequal.length) ctx.note(`figures within the bound, not equal (panel / CLI): ${unequal.join(', ')}`);
  ctx.check(`table equals the CLI${withinBound()}: ${card.rows.map((r) => `${r.name} ${r.verdict} (${r.expectedText} / ${r.measuredText})`).join(', ')}`);
  const ratio = checks.find((c) => c.name === 'update-ratio');
  if (card.layers.length < 1) throw new StepError('the update-ratio check shows no row per layer');
  if (!card.layers.some((l) => sameShown(l.measuredText, ratio.measured, exp))) throw new StepError(`no layer row shows update-ratio's measured ${exp(ratio.measured)}: ${JSON.stringify(card.layers)}`);
  ctx.check(`update-ratio per layer: ${card.layers.map((l) => `${l.layer} ${l.measuredText} ${l.pass === 'true' ? 'pass' : 'fail'}`).join(', ')}`);
  if (card.overflow > 0) throw new StepError(`the sanity table is ${card.overflow} px wider than its card`);
  if (card.cut.length) throw new StepError(`cells of the sanity table are cut off: ${JSON.stringify(card.cut)}`);
  if (card.rows.some((r) => !(r.height >= 16))) throw new StepError(`rows of the sanity table are not laid out: ${JSON.stringify(card.rows.map((r) => r.height))}`);
  ctx.check(`the table is laid out: ${Math.round(card.tableHeight)} px tall, no cell cut, no overflow`);
  return { card, checks };
}

async function readLrFind(frame) {
  return frame.evaluate(() => {
    const c = document.getElementById('chart-lrfind');
    const use = document.getElementById('lrfind-use');
    return c && {
      points: c.getAttribute('data-points'), suggested: c.getAttribute('data-suggested'), clipped: c.getAttribute('data-clipped'),
      note: document.getElementById('note-lrfind')?.textContent.trim() ?? '', text: document.getElementById('lrfind-text')?.textContent.trim() ?? '',
      use: use && !use.hidden ? { text: use.textContent.trim(), disabled: use.hasAttribute('disabled') } : null,
    };
  });
}

async function runLrFindFromPanel(frame, ctx, lines) {
  const want = lines.filter((l) => l.type === 'lr');
  const suggestion = lines.find((l) => l.type === 'suggestion');
  if (!suggestion?.lr) throw new StepError(`trainlens lr-find suggested nothing: ${JSON.stringify(suggestion)}`);
  await clickPanelButton(frame, 'lrfind-run');
  let s = null;
  await poll('the range test\'s chart (data-suggested set, not running)', 30_000, async () => {
    s = await readLrFind(frame);
    return s?.suggested && !s.note.startsWith('running') ? s : null;
  }).catch((e) => {
    throw new StepError(`${e.message}; the card showed ${JSON.stringify(s)}`);
  });
  // The lr the panel writes, from its own suggestion (the CLI's, or within the web's bound of it).
  const lr = Number(Number(s.suggested).toPrecision(2));
  const diffs = [];
  if (Number(s.points) !== want.length) diffs.push(`${s.points} points drawn, the CLI measured ${want.length}`);
  if (!sameNumber(Number(s.suggested), suggestion.lr)) diffs.push(`suggested ${s.suggested}, CLI ${suggestion.lr}`);
  // The test's steps: 100 (LR_FIND_DEFAULTS), whether or not it stopped early.
  if (!s.text.startsWith(`Suggested lr ${lr}: `) || !s.text.includes(`(step ${suggestion.step} of 100, `)) diffs.push(`the text says ${JSON.stringify(s.text)}`);
  if (s.use?.text !== `Use lr ${lr}` || s.use.disabled) diffs.push(`the button is ${JSON.stringify(s.use)}`);
  if (diffs.length) throw new StepError(`the learning-rate finder differs from \`trainlens lr-find --json\`: ${diffs.join('; ')}`);
  ctx.check(`clicked "Find learning rate": ${s.points} points as the CLI, suggested ${s.suggested} (${s.note}); ${JSON.stringify(s.text)}`);
  const ink = await waitInk({ frame }, ['lrfind']);
  ctx.check(`#chart-lrfind drew ${ink.lrfind.series} px of series colour (${(100 * ink.lrfind.series / ink.lrfind.of).toFixed(1)} % of the canvas)`);
  return { lr, suggestion };
}

/** A narrow panel: the table in vscode-table's compact view (each cell labelled), nothing cut; screenshot checks-narrow-<theme>.png. */
async function narrowView(page, ctx, frame) {
  await page.setViewportSize({ width: 1000, height: VIEWPORT.height });
  try {
    let card = null;
    await poll('the sanity table\'s compact view (panel under 480 px)', 10_000, async () => {
      card = await readSanity(frame);
      return card?.compact ? card : null;
    }).catch((e) => {
      throw new StepError(`${e.message}; the table is ${JSON.stringify(card && { width: card.tableWidth, compact: card.compact })}`);
    });
    await sleep(500);
    card = await readSanity(frame);
    if (card.cut.length || card.overflow > 0) throw new StepError(`in the narrow panel (table ${Math.round(card.tableWidth)} px) cells are cut (${JSON.stringify(card.cut)}) or the table overflows by ${card.overflow} px`);
    ctx.check(`narrow panel: the table ${Math.round(card.tableWidth)} px wide in its compact view, no cell cut`);
    await frame.evaluate(() => document.getElementById('card-sanity').scrollIntoView());
    await screenshot(page, ctx, path.join(SHOTS, `checks-narrow-${ctx.theme}.png`), await panelIframe(page, frame));
  } finally {
    await page.setViewportSize(VIEWPORT);
  }
}

/**
 * The Checks tab: from the panel, "Run sanity checks" (the table's every verdict and figure as
 * `trainlens sanity --json`, update-ratio per layer, nothing cut off) and "Find learning rate" (the
 * chart's points and suggestion as `trainlens lr-find --json`, series ink); the CodeLens "Sanity:
 * n/5 passed" and "Use lr …"; "Use this lr" edits the lr: line and undo restores it; screenshots
 * checks-<theme>.png (the tab).
 */
export async function checksScenario(page, ctx) {
  const file = path.join(ctx.workspace, CHECKS_FILE);
  fs.copyFileSync(path.join(ctx.workspace, 'spiral.nn.yaml'), file);
  const sanityLines = cliJson(ctx, ['sanity', file]);
  const lrLines = cliJson(ctx, ['lr-find', file]);
  const failed = sanityLines.filter((l) => l.type === 'check' && !l.pass).length;
  const total = sanityLines.filter((l) => l.type === 'check').length;
  ctx.check(`CLI: sanity ${total - failed}/${total} passed; lr-find suggests ${lrLines.at(-1).lr} (step ${lrLines.at(-1).step}, stopped at ${lrLines.at(-1).stoppedAt})`);

  await openModelFile(page, ctx, CHECKS_FILE);
  const panel = await clickLens(page, ctx, /^\s*Charts\s*$/, 'Charts', () => readPanel(page), { effectMs: 15_000, tries: 2 });
  const frame = panel.frame;
  await showPanelTab(frame, 'checks');
  const empty = await chartInk(frame, ['lrfind']);
  if (empty.lrfind && empty.lrfind.series > 0) throw new StepError(`#chart-lrfind has ${empty.lrfind.series} px of series colour before any test`);

  await runSanityFromPanel(frame, ctx, sanityLines);
  const { lr } = await runLrFindFromPanel(frame, ctx, lrLines);
  const tabs = await tabState(frame);
  if (tabs.selected !== 'checks') throw new StepError(`the panel left its Checks tab: ${JSON.stringify(tabs)}`);

  await expectLens(page, ctx, new RegExp(`^\\s*Sanity: ${total - failed}/${total} passed\\s*$`), `Sanity: ${total - failed}/${total} passed`, 10_000);
  await expectLens(page, ctx, new RegExp(`^\\s*Use lr ${lr} \\(range test\\)\\s*$`), `Use lr ${lr} (range test)`, 10_000);
  await runCommand(page, 'Notifications: Clear All Notifications');
  await frame.evaluate(() => window.scrollTo(0, 0));
  await sleep(300);
  await tabScreenshot(page, ctx, frame, 'checks', ctx.shots.main ?? path.join(SHOTS, `checks-${ctx.theme}.png`));

  await narrowView(page, ctx, frame);

  await clickPanelButton(frame, 'lrfind-use');
  await expectEditorLine(page, ctx, new RegExp(`^optimizer: \\{ type: adam, lr: ${String(lr).replace('.', '\\.')} \\}`), 10_000);
  await page.locator('.editor-instance .monaco-editor .view-lines').first().click();
  await page.keyboard.press('Control+Z');
  await expectEditorLine(page, ctx, /^optimizer: \{ type: adam, lr: 0\.01 \}/, 10_000);
}
