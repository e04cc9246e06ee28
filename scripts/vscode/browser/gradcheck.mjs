// Scenario gradcheck: the panel's gradient-check card against `trainlens gradcheck --json`.
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { sleep } from '../server.mjs';
import { SHOTS, StepError, comparisonBound, poll, sameShown, withinBound } from './common.mjs';
import { GRADCHECK_FILE } from './workspace.mjs';
import { panelIframe, readPanel } from './panel.mjs';
import { tabScreenshot, tabState } from './tabs.mjs';
import { LENS, clickLens, openModelFile, runCommand, screenshot } from './workbench.mjs';

/** The gradient-check card's names of the kinds of kink, in its order (webview/gradcheck.ts). */
export const KINK_NAMES = [['relu', 'ReLU'], ['maxpool', 'max pool'], ['maxout', 'maxout'], ['hinge', 'hinge'], ['l1', 'L1']];

/** The card's number formats (webview/format.ts: exp, int). */
export const fmtExp = (x) => (Number.isFinite(x) ? x.toExponential(2) : String(x));

export const fmtInt = (x) => Math.round(x).toLocaleString('en-US');

/** "ReLU 4 · max pool 4": the kinds with any skipped entries (every kind with `all`), as the card writes them. */
export const kindsText = (byKind, all = false) => KINK_NAMES.filter(([k]) => all || byKind[k] > 0).map(([k, name]) => `${name} ${fmtInt(byKind[k])}`).join(' · ');

/** `node dist/cli.js ARGS` of the extension under test: its exit code and output. */
let cliKernels = null;

/**
 * Which WebAssembly build the CLI runs from now on (null: the one its Node picks). The web test sets
 * 'relaxed': Chromium runs the relaxed-SIMD kernels, whose fused multiply-adds round differently
 * from the baseline build Node 20 picks, so the numbers compared must come from the same build.
 */
export function useCliKernels(variant) {
  cliKernels = variant;
}

export function cli(extension, args) {
  const flags = cliKernels === 'relaxed' ? ['--experimental-wasm-relaxed-simd'] : [];
  const env = cliKernels ? { ...process.env, TRAINLENS_KERNELS: cliKernels } : process.env;
  const r = spawnSync(process.execPath, [...flags, path.join(path.resolve(extension), 'dist', 'cli.js'), ...args], { encoding: 'utf8', timeout: 60_000, env });
  return { status: r.status, stdout: r.stdout ?? '', stderr: r.stderr ?? '' };
}

/** The verdict of the parameter with the largest per-entry error: the footer's and the notification's. */
export const worstVerdict = (check) => check.params.reduce((a, b) => (b.relError > a.relError ? b : a)).verdict;

/**
 * How far apart two engines' gradient-check errors may be where figures are compared to a bound (the
 * web): within this factor of each other, the verdicts equal. Those errors are the round-off of the
 * centred differences (h = 1e-5), not a computed quantity: a last-place change in the loss moves a
 * numeric gradient by ~1e-11, and an entry's error |a − n| / (|a| + |n|) by that over its size. Where
 * Math.log/exp round differently (Chromium), the same check reads a norm-wise 1.98e-10 against the
 * CLI's 2.13e-10 and the sanity check's maximum 3.76e-8 against 2.70e-8; 25 runs of the CLI with
 * Math.log, exp, pow and log10 each off by one unit in the last place at random spread an error
 * over up to 4.9× (kinks.nn.yaml's layers[4].b: 4.03e-11 to 1.97e-10) and never changed a verdict or
 * a kink count. A decade is how a gradient check is read (cs231n: 1e-2, 1e-4, 1e-7), and a wrong
 * backward pass (≥ 1e-4 against ~1e-9), a float32 check (~1e-6) or another parameter's figure is still
 * outside it. Unused where figures are compared exactly (the desktop).
 */
export const GRADCHECK_FACTOR = 10;

/** An error figure of the card: the CLI's value and its text (compared with sameShown). */
const errorCell = (value) => ({ value, text: fmtExp(value) });

/** What the card must show for the CLI's `gradcheck --json` result, formatted as the card formats it. */
export function expectedCard(check) {
  const rows = check.params.map((p) => ({
    name: p.name, rel: p.checked ? errorCell(p.relError) : '–', norm: p.checked ? errorCell(p.normRelError) : '–',
    verdict: p.checked ? p.verdict : 'not checked', counts: `${fmtInt(p.checked)} / ${fmtInt(p.size)}`,
    kinks: fmtInt(p.kinks), kinds: kindsText(p.kinksByKind),
  }));
  const byKind = Object.fromEntries(KINK_NAMES.map(([k]) => [k, check.params.reduce((s, p) => s + p.kinksByKind[k], 0)]));
  const foot = {
    name: 'max', rel: errorCell(check.maxRelError), norm: errorCell(Math.max(0, ...check.params.filter((p) => p.checked).map((p) => p.normRelError))),
    verdict: worstVerdict(check), counts: `batch of ${check.batch}`, kinks: fmtInt(check.params.reduce((s, p) => s + p.kinks, 0)), kinds: kindsText(byKind),
  };
  return { rows, foot, kindsLine: `Entries skipped at kinks, by kind: ${kindsText(byKind, true)}`, byKind };
}

/** The gradient-check card as the panel shows it: each row's cells as text, the per-kind line, the note, whether the table overflows. */
export async function readGradcheckCard(frame) {
  return frame.evaluate(() => {
    const group = document.getElementById('group-gradcheck');
    const body = document.getElementById('gradcheck-body');
    if (!group || !body) return null;
    // Text as a person reads it: a no-break space (which keeps "max pool 4" on one line) is a space.
    const text = (node) => (node?.textContent ?? '').replace(/\u00a0/g, ' ').trim();
    const row = (tr) => {
      const c = [...tr.cells].map(text);
      return { name: c[0], rel: c[1], norm: c[2], verdict: c[3], counts: c[4], kinks: text(tr.cells[5]?.firstChild), kinds: text(tr.cells[5]?.querySelector('.kinds')) };
    };
    const table = body.querySelector('table');
    return {
      shown: !group.hidden, note: document.getElementById('note-gradcheck')?.textContent.trim() ?? '',
      error: body.querySelector('.run-error')?.textContent.trim() ?? null,
      rows: [...body.querySelectorAll('tbody tr')].map(row), foot: body.querySelector('tfoot tr') ? row(body.querySelector('tfoot tr')) : null,
      kindsLine: body.querySelector('.gradcheck-kinds')?.textContent.trim() ?? null,
      overflow: table ? Math.max(0, Math.ceil(table.getBoundingClientRect().width - body.getBoundingClientRect().width)) : 0,
    };
  });
}

/** Whether a card's text is an error figure's (errorCell: within GRADCHECK_FACTOR where figures may differ) or equals the text expected. */
const sameCell = (text, want) => (typeof want === 'string' ? text === want : sameShown(text, want.value, fmtExp, { factor: GRADCHECK_FACTOR }));

/** Field-by-field differences between the card and what it must show. */
export function cardDifferences(card, want) {
  const diffs = [];
  const same = (where, got, exp) => {
    for (const [k, w] of Object.entries(exp)) if (!sameCell(got?.[k], w)) diffs.push(`${where} ${k}: shows ${JSON.stringify(got?.[k])}, CLI ${JSON.stringify(w.text ?? w)}${w.text ? ` (${w.value})` : ''}`);
  };
  if (card.rows.length !== want.rows.length) diffs.push(`${card.rows.length} rows, the CLI checked ${want.rows.length} parameters`);
  want.rows.forEach((w, i) => same(`row ${i + 1} (${w.name})`, card.rows[i], w));
  same('footer', card.foot, want.foot);
  if (card.kindsLine !== want.kindsLine) diffs.push(`per-kind line: shows ${JSON.stringify(card.kindsLine)}, CLI ${JSON.stringify(want.kindsLine)}`);
  return diffs;
}

/** Each error figure the card shows beside the CLI's exact one ("shown / CLI"). */
const errorsAgainstCli = (card, want) => [...want.rows.map((w, i) => [w, card.rows[i]]), [want.foot, card.foot]]
  .flatMap(([w, got]) => ['rel', 'norm'].filter((k) => w[k].text).map((k) => `${w.name} ${k} ${got[k]} / ${w[k].value}`)).join(', ');

/**
 * The gradient check: a conv net on the MNIST sample with kinks of several kinds; the card's every
 * figure, verdict and per-kind count equal the CLI's `gradcheck --json` for the same file.
 */
export async function gradcheckScenario(page, ctx) {
  const file = path.join(ctx.workspace, GRADCHECK_FILE);
  const parsed = cli(ctx.extension, ['check', file]);
  if (parsed.status !== 0) throw new StepError(`trainlens check ${GRADCHECK_FILE} exited ${parsed.status}: ${parsed.stdout}${parsed.stderr}`);
  const run = cli(ctx.extension, ['gradcheck', file, '--json']);
  let check;
  try {
    check = JSON.parse(run.stdout.trim().split('\n').pop());
  } catch {
    throw new StepError(`trainlens gradcheck ${GRADCHECK_FILE} --json printed no JSON (exit ${run.status}): ${run.stdout}${run.stderr}`);
  }
  const want = expectedCard(check);
  const kinds = KINK_NAMES.filter(([k]) => want.byKind[k] > 0);
  if (kinds.length < 2) throw new StepError(`${GRADCHECK_FILE} crosses kinks of ${kinds.length} kind(s) only (${want.kindsLine}): the scenario needs two or more`);
  ctx.check(`CLI: max relative error ${fmtExp(check.maxRelError)} over ${check.params.length} parameters, ${want.kindsLine}`);

  await openModelFile(page, ctx, GRADCHECK_FILE);
  let card = null;
  let frame = null;
  await clickLens(page, ctx, LENS.gradcheck, 'Gradient check', async () => {
    const p = await readPanel(page);
    frame = p?.frame ?? null;
    card = frame ? await readGradcheckCard(frame) : null;
    return card?.shown;
  }, { effectMs: 15_000, tries: 2 });
  card = await poll('the gradient-check card\'s result table', 60_000, async () => {
    card = await readGradcheckCard(frame);
    if (card?.error) throw new StepError(`the gradient check failed: ${card.error}`);
    return card && card.rows.length > 0 && !card.note.startsWith('running') ? card : null;
  }).catch((e) => {
    throw new StepError(`${e.message}; the card showed ${JSON.stringify(card)}`);
  });
  const tabs = await tabState(frame);
  if (tabs.selected !== 'checks') throw new StepError(`the gradient check did not switch the panel to its Checks tab: ${JSON.stringify(tabs)}`);
  ctx.check('the panel switched to its "checks" tab for the gradient check');
  const diffs = cardDifferences(card, want);
  if (diffs.length) throw new StepError(`the gradient-check card differs from \`trainlens gradcheck --json\`: ${diffs.join('; ')}`);
  if (comparisonBound() > 0) ctx.note(`error figures compared within a factor ${GRADCHECK_FACTOR} (shown / CLI): ${errorsAgainstCli(card, want)}`);
  ctx.check(`card equals the CLI${withinBound()}: ${card.rows.map((r) => `${r.name} ${r.rel} (norm-wise ${r.norm}, ${r.verdict}${r.kinds ? `, ${r.kinds}` : ''})`).join(', ')}; max ${card.foot.rel}`);
  if (!KINK_NAMES.every(([, name]) => new RegExp(`\\b${name} \\d`).test(card.kindsLine))) throw new StepError(`the per-kind line does not name all five kinds: ${JSON.stringify(card.kindsLine)}`);
  ctx.check(`all five kinds shown: ${JSON.stringify(card.kindsLine)}`);
  if (card.overflow > 0) throw new StepError(`the gradient-check table is ${card.overflow} px wider than its card`);

  const toast = page.locator('.notification-list-item-message', { hasText: /gradient check of/ }).first();
  await poll('the notification of the gradient check', 10_000, () => toast.isVisible());
  const toastText = (await toast.textContent()).trim();
  const told = /max relative error (\S+) \(([^,)]+)/.exec(toastText);
  if (!told || !sameCell(told[1], errorCell(check.maxRelError)) || told[2] !== worstVerdict(check)) {
    throw new StepError(`the notification says ${JSON.stringify(toastText)}; the CLI's max relative error is ${fmtExp(check.maxRelError)}`);
  }
  ctx.check(`notification: ${JSON.stringify(toastText)}`);
  await runCommand(page, 'Notifications: Clear All Notifications');
  // The card's group just below the panel's sticky toolbar.
  await frame.evaluate(() => {
    const group = document.getElementById('group-gradcheck');
    const bar = document.querySelector('.toolbar');
    const below = bar && ['sticky', 'fixed'].includes(getComputedStyle(bar).position) ? bar.getBoundingClientRect().height : 0;
    window.scrollTo(0, group.getBoundingClientRect().top + window.scrollY - below - 4);
  });
  await sleep(500);
  await screenshot(page, ctx, ctx.shots.main ?? path.join(SHOTS, `gradcheck-${ctx.theme}.png`), await panelIframe(page, frame));
  await tabScreenshot(page, ctx, frame, 'checks', path.join(SHOTS, `gradcheck-tab-${ctx.theme}.png`));
}
