// The web test's scenarios for the editor's language features and the run controls in the web
// worker extension host: hover, completion, a quick fix (editor); Pause, Step and Resume through
// messages (pause). Registered in web/scenarios.mjs.
import fs from 'node:fs';
import path from 'node:path';
import { sleep } from '../server.mjs';
import { SHOTS, StepError, num, poll } from '../browser/common.mjs';
import { panelTexts, readPanel, waitPanel } from '../browser/panel.mjs';
import { clickLens, codeLensTexts, openModelFile, screenshot, startTraining, stopTraining } from '../browser/workbench.mjs';
import { SPIRAL_LONG } from './copy.mjs';
import { problems } from './steps.mjs';

/** A model with a misspelt key: hover, completion and a quick fix work on it. */
export const EDITOR_FILE = 'web-editor.nn.yaml';
const EDITOR_MODEL = [
  '# A model with a misspelt key, for hover, completion and a quick fix',
  'data: { dataset: spiral, samples: 300, classes: 3, validation: 0.2 }',
  'layers:', '  - dense: 100', '    activation: relu', '  - dense: 3',
  'loss: softmax', 'optimizr: adam', 'train: { epochs: 10, batch: 32, seed: 1 }', '',
].join('\n');

/** The line of the editor whose text matches `re` (the editor writes spaces as U+00A0: write them \\s), as a locator. */
const lineOf = (page, re) => page.locator('.editor-instance .monaco-editor .view-lines .view-line').filter({ hasText: re }).first();

/** The open editor's squiggles, errors and warnings. */
const squiggles = async (page) => {
  const p = await problems(page);
  return p.squiggles + p.warnings;
};

/**
 * The middle of the token `text` in the line matching `re`, where the mouse goes (the editor's
 * mouse layer lies over its text, so the mouse is moved there rather than onto the span).
 */
async function tokenPoint(page, re, text) {
  const box = await lineOf(page, re).locator('span span', { hasText: text }).first().boundingBox({ timeout: 10_000 });
  if (!box) throw new StepError(`no ${JSON.stringify(text)} on the line ${re} of the editor`);
  return { x: box.x + box.width / 2, y: box.y + box.height / 2 };
}

/** Hovers the mouse over `text` inside the line matching `re`; the hover's text. */
async function hoverOver(page, re, text) {
  const { x, y } = await tokenPoint(page, re, text);
  await page.mouse.move(x - 2, y);
  await page.mouse.move(x, y);
  const hover = page.locator('.monaco-hover:not(.hidden) .monaco-hover-content').first();
  let shown = '';
  await poll(`a hover over ${JSON.stringify(text)}`, 10_000, async () => (shown = (await hover.textContent({ timeout: 500 }).catch(() => '')) ?? '').trim().length > 0);
  await page.mouse.move(5, 5);
  await page.keyboard.press('Escape');
  return shown.replace(/\s+/g, ' ').trim();
}

/** Hover, a quick fix and completion on a model file, typed and clicked as a person does. */
export async function editorWeb(page, ctx) {
  fs.writeFileSync(path.join(ctx.workspace, EDITOR_FILE), EDITOR_MODEL);
  await openModelFile(page, ctx, EDITOR_FILE, /Train|Gradient check/);
  // Hover on a layer line: its shapes, parameters and FLOPs (the desktop's integration test's figures).
  const hover = await hoverOver(page, /dense:\s100/, 'dense');
  for (const want of [/2 → 100/, /300 parameters/, /400 FLOPs\/sample/]) {
    if (!want.test(hover)) throw new StepError(`the hover over "dense: 100" does not say ${want}: ${JSON.stringify(hover)}`);
  }
  ctx.check(`hover over "dense: 100": ${JSON.stringify(hover.slice(0, 120))}…`);

  // The misspelt key is a problem with a quick fix: Ctrl+. on it, the fix, and the problem goes.
  await poll('a squiggle under "optimizr"', 15_000, async () => (await squiggles(page)) > 0);
  const key = await tokenPoint(page, /optimizr/, 'optimizr');
  await page.mouse.click(key.x, key.y);
  await page.keyboard.press('Control+.');
  const fix = page.locator('.action-widget .monaco-list-row', { hasText: /Change 'optimizr' to 'optimizer'/ }).first();
  await fix.waitFor({ state: 'visible', timeout: 10_000 }).catch(async () => {
    const rows = await page.locator('.action-widget .monaco-list-row').allTextContents().catch(() => []);
    throw new StepError(`no quick fix "Change 'optimizr' to 'optimizer'" after Ctrl+. (the menu lists ${JSON.stringify(rows)})`);
  });
  // The menu has the keyboard: down to the fix, then Enter (as a person at the keyboard does).
  const focused = page.locator('.action-widget .monaco-list-row.focused').first();
  for (let k = 0; k < 10 && !/Change 'optimizr' to 'optimizer'/.test((await focused.textContent({ timeout: 1000 }).catch(() => '')) ?? ''); k++) {
    await page.keyboard.press('ArrowDown');
  }
  await page.keyboard.press('Enter');
  await poll('the line to read "optimizer: adam" and the squiggle to go', 10_000, async () =>
    (await lineOf(page, /^optimizer:\sadam\s*$/).isVisible()) && (await squiggles(page)) === 0);
  ctx.check('quick fix "Change \'optimizr\' to \'optimizer\'" from Ctrl+.: the line reads "optimizer: adam", no problem left');

  // Completion of the optimizer's value: the update rules are offered; picking one writes it.
  const value = await tokenPoint(page, /^optimizer:\sadam/, 'adam');
  await page.mouse.dblclick(value.x, value.y);
  await page.keyboard.press('Delete');
  await page.keyboard.press('Control+Space');
  const suggest = page.locator('.editor-widget.suggest-widget .monaco-list-row');
  let labels = [];
  await poll('the suggestions after "optimizer: "', 10_000, async () => {
    labels = (await suggest.locator('.label-name').allTextContents().catch(() => [])).map((t) => t.trim());
    return ['sgd', 'momentum', 'adam'].every((o) => labels.includes(o));
  }).catch((e) => {
    throw new StepError(`${e.message}; the list shows ${JSON.stringify(labels)}`);
  });
  await page.keyboard.type('rmsp');
  await page.keyboard.press('Enter');
  await poll('the line to read "optimizer: rmsprop"', 10_000, () => lineOf(page, /^optimizer:\srmsprop\s*$/).isVisible());
  ctx.check(`completion after "optimizer: " offered ${JSON.stringify(labels)}; "rmsp" + Enter wrote "optimizer: rmsprop"`);
  await poll('the optimizer lens to follow the file', 10_000, async () => (await codeLensTexts(page)).some((t) => /optimizer: rmsprop/.test(t)));
  await screenshot(page, ctx, path.join(SHOTS, `web-editor-${ctx.theme}.png`));
}

/** The step the panel's summary says ("… step 1,339/1,000,000 …"). */
async function panelStep(page) {
  const p = await readPanel(page);
  const m = p ? /step ([\d,]+)\//.exec((await panelTexts(p.frame)).summary) : null;
  return m ? Number(m[1].replace(/,/g, '')) : null;
}

/**
 * Pause, Step and Resume from the lenses, as messages (no shared memory on this page): nothing trains
 * while paused, each Step takes exactly one step, Resume trains again; then Stop.
 */
export async function pauseWeb(page, ctx) {
  await openModelFile(page, ctx, SPIRAL_LONG);
  await startTraining(page, ctx, SPIRAL_LONG);
  await waitPanel(page, 'loss points while the long spiral trains', 30_000, (p) => num(p.loss.points) > 0 && p.loss.state === 'running');
  await clickLens(page, ctx, /^\s*(\S+\s*)?Pause\s*$/, 'Pause', async () => (await codeLensTexts(page)).some((t) => /Resume/.test(t)));
  let at = null;
  await poll('the panel to say paused', 10_000, async () => (await readPanel(page).then((p) => p && panelTexts(p.frame)))?.badge === 'paused');
  at = await panelStep(page);
  await sleep(1500);
  const still = await panelStep(page);
  if (!(at > 0) || still !== at) throw new StepError(`paused at step ${at}, the panel says step ${still} 1.5 s later`);
  ctx.check(`paused at step ${at}: still step ${still} 1.5 s later; lenses ${JSON.stringify(await codeLensTexts(page))}`);
  for (let i = 1; i <= 3; i++) {
    await clickLens(page, ctx, /^\s*(\S+\s*)?Step\s*$/, 'Step', async () => (await panelStep(page)) === at + i, { tries: 1 });
    await sleep(500);
    const now = await panelStep(page);
    if (now !== at + i) throw new StepError(`after Step ${i} the panel says step ${now}, not ${at + i}`);
  }
  ctx.check(`three Steps: step ${at} → ${at + 3}, one each`);
  await screenshot(page, ctx, path.join(SHOTS, `web-pause-${ctx.theme}.png`));
  await clickLens(page, ctx, /^\s*(\S+\s*)?Resume\s*$/, 'Resume', async () => (await panelStep(page)) > at + 3 + 10);
  ctx.check(`resumed: step ${await panelStep(page)}`);
  await stopTraining(page, ctx);
}
