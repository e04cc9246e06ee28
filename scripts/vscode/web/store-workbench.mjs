// The web test's kept-runs and export scenarios, workbench side: the Runs view (its rows, their
// context menus), a reload of the web workbench (waiting for the web entry's activation line
// again), and the simple file dialog VS Code shows for Open/Save in a browser.
import { sleep } from '../server.mjs';
import { StepError, poll } from '../browser/common.mjs';
import { pickInQuickPick, runCommand } from '../browser/workbench.mjs';
import { activationLine, finalLoss, trainToEnd } from './steps.mjs';


/** Trains the open model file from its lens to the end; the panel, its final loss, and that loss as the panel writes it. */
export async function trainFile(page, ctx, file, ms = 120_000) {
  const panel = await trainToEnd(page, ctx, file, ms);
  const { loss, texts } = await finalLoss(panel);
  ctx.check(`the panel says ${JSON.stringify(texts.summary)}`);
  return { panel, loss, lossText: /final: loss ([^\s(),]+)/.exec(texts.summary)[1] };
}

// ── the Runs view ─────────────────────────────────────────────────────────────

const SIDEBAR_ROWS = '.part.sidebar .monaco-list-row';

/** Shows the TrainLens view container (its activity bar icon, unless already shown) and waits for the Runs tree's rows. */
export async function showRunsView(page, ctx) {
  const shown = async () => /runs/i.test(await page.locator('.part.sidebar .composite.title, .part.sidebar .title-label').first().textContent({ timeout: 1000 }).catch(() => ''))
    && (await page.locator('.part.sidebar').isVisible());
  if (!(await shown())) {
    const icon = page.locator('.part.activitybar .action-item .action-label[aria-label^="TrainLens"]').first();
    await icon.waitFor({ state: 'visible', timeout: 20_000 }).catch(() => {
      throw new StepError('no TrainLens icon in the activity bar');
    });
    await icon.click();
  }
  await poll('the Runs view in the side bar, with rows', 20_000, async () => (await shown()) && (await page.locator(SIDEBAR_ROWS).count()) > 0);
  ctx.check('the TrainLens side bar shows the Runs view');
}

/** The Runs view's rows as shown: label, description, level (1: a model file, 2: a run), index. */
export async function runRows(page) {
  return page.$$eval(SIDEBAR_ROWS, (els) => els.map((e) => ({
    label: (e.querySelector('.label-name')?.textContent ?? '').trim(),
    description: (e.querySelector('.label-description')?.textContent ?? '').trim(),
    level: Number(e.getAttribute('aria-level')),
    index: Number(e.getAttribute('data-index')),
  })));
}

/** The run rows listed under the model file `file`, in order (newest first). */
export async function runsOf(page, file) {
  const rows = await runRows(page);
  const at = rows.findIndex((r) => r.level === 1 && r.label === file);
  if (at < 0) return [];
  const end = rows.findIndex((r, i) => i > at && r.level === 1);
  return rows.slice(at + 1, end < 0 ? undefined : end).filter((r) => r.level === 2);
}

/** Waits for a run row under `file` that `pred` accepts; the row. */
export async function waitRunRow(page, file, what, pred, ms = 20_000) {
  let rows = [];
  let row = null;
  await poll(what, ms, async () => {
    rows = await runsOf(page, file);
    row = rows.find(pred);
    return row;
  }).catch((e) => {
    throw new StepError(`${e.message}; the Runs view lists under ${file}: ${JSON.stringify(rows.map((r) => `${r.label} — ${r.description}`))}`);
  });
  return row;
}

export const rowLocator = (page, row) => page.locator(`${SIDEBAR_ROWS}[data-index="${row.index}"]`);

/** Right-clicks a row and picks `item` from its context menu. */
export async function rowMenu(page, ctx, row, item) {
  const menuItem = page.locator('.context-view .monaco-menu .action-item .action-label', { hasText: item }).first();
  await rowLocator(page, row).click({ button: 'right' });
  await menuItem.waitFor({ state: 'visible', timeout: 10_000 }).catch(async () => {
    const items = await page.$$eval('.context-view .monaco-menu .action-label', (els) => els.map((e) => e.textContent.trim())).catch(() => []);
    throw new StepError(`the context menu of the run ${JSON.stringify(row.label)} has no ${JSON.stringify(item)}: ${JSON.stringify(items)}`);
  });
  // The menu acts on a click only some time after it opened (so the right-click's own mouseup does not
  // pick): hover the item, then Enter, as a person using the keyboard does.
  await menuItem.hover();
  await poll(`the menu item ${JSON.stringify(item)} highlighted`, 5000, () => menuItem.evaluate((e) => Boolean(e.closest('.action-item')?.classList.contains('focused'))));
  await page.keyboard.press('Enter');
  await poll('the context menu to close', 5000, async () => !(await menuItem.isVisible()));
  ctx.check(`right-clicked the run ${JSON.stringify(row.label)} in the Runs view and chose ${JSON.stringify(item)}`);
}

/** In an open InputBox: replaces its value by `text` and presses Enter; the value it showed first. */
export async function answerInputBox(page, text) {
  const input = page.locator('.quick-input-widget .quick-input-box input');
  await input.waitFor({ state: 'visible', timeout: 10_000 });
  const before = await input.inputValue();
  await input.fill(text);
  await page.keyboard.press('Enter');
  await poll('the input box to close after Enter', 10_000, async () => !(await page.locator('.quick-input-widget').isVisible()));
  return before;
}

/**
 * A shared helper's wait for the quick input to close (runCommand, pickInQuickPick) times out when
 * the command's next step opens in the same widget at once, under the same title (the folder dialog
 * after Export's weights pick): then `next()` must hold instead.
 */
async function orNextStep(step, what, next) {
  try {
    await step();
  } catch (e) {
    if (!(e instanceof StepError) || !/to close after/.test(e.message)) throw e;
  }
  await poll(what, 10_000, next);
}

const quickInputTitle = (page) => page.locator('.quick-input-widget .quick-input-title').textContent({ timeout: 1000 }).then((t) => t.trim(), () => '');

/** Runs a command from the Command Palette whose first step is a QuickPick titled `title`. */
export async function runCommandToPick(page, command, title) {
  await orNextStep(() => runCommand(page, command), `the QuickPick ${title} after "${command}"`, async () => title.test(await quickInputTitle(page)));
}

/** pickInQuickPick, where the command's next step is VS Code's simple file dialog (a path in its box). */
export async function pickThenFileDialog(page, ctx, pick) {
  await orNextStep(() => pickInQuickPick(page, ctx, pick), `the file dialog after picking ${JSON.stringify(pick.expect)}`,
    async () => /^\//.test(await page.locator('.quick-input-widget .quick-input-box input').inputValue({ timeout: 1000 }).catch(() => '')));
  ctx.check(`picked ${JSON.stringify(pick.expect)}: the file dialog opened`);
}

// ── the simple file dialog (a browser's Open and Save dialogs) ────────────────

/**
 * In VS Code's simple file dialog: its title must match `title`, its path box shows `expect` (a
 * predicate on the path); accepts with the dialog's OK button (`ok`, its label) or, without one,
 * Enter. Returns the path it showed.
 */
export async function acceptFileDialog(page, ctx, { title, expect, ok }) {
  const widget = page.locator('.quick-input-widget');
  const input = widget.locator('.quick-input-box input');
  await input.waitFor({ state: 'visible', timeout: 15_000 });
  const shownTitle = (await widget.locator('.quick-input-title').textContent().catch(() => '')).trim();
  if (!title.test(shownTitle)) throw new StepError(`the file dialog's title is ${JSON.stringify(shownTitle)}, expected ${title}`);
  let value = '';
  await poll('the file dialog\'s path', 10_000, async () => {
    value = await input.inputValue();
    return expect(value);
  }).catch((e) => {
    throw new StepError(`${e.message}: it shows ${JSON.stringify(value)}`);
  });
  await sleep(300); // the dialog lists the folder
  const button = widget.locator('.monaco-button', { hasText: ok ?? /^OK$/ }).first();
  if (ok && (await button.isVisible().catch(() => false))) await button.click();
  else await page.keyboard.press('Enter');
  await poll('the file dialog to close', 10_000, async () => !(await widget.isVisible()) || (await input.inputValue().catch(() => '')) !== value);
  ctx.check(`the file dialog ${JSON.stringify(shownTitle)} offered ${JSON.stringify(value)}; accepted it${ok ? ` (${ok})` : ''}`);
  return value;
}

// ── reload ────────────────────────────────────────────────────────────────────

/**
 * Reloads the web workbench (page.reload(), as a person's F5) and waits for the workbench and the
 * web entry's activation line again (seen on the page's console, where the extension host's
 * output arrives); the line.
 */
export async function reloadWorkbench(page, ctx, ms = 90_000) {
  let line = null;
  const listen = (m) => {
    line = activationLine(m.text()) ?? line;
  };
  page.on('console', listen);
  const t0 = Date.now();
  try {
    await page.reload({ waitUntil: 'domcontentloaded', timeout: 60_000 });
    await page.locator('.monaco-workbench').waitFor({ state: 'visible', timeout: 60_000 });
    await poll('the web entry\'s activation line again after the reload', ms, () => line);
  } finally {
    page.off('console', listen);
  }
  ctx.check(`reloaded the page: the extension activated again in the web worker host ${((Date.now() - t0) / 1000).toFixed(1)} s later: ${JSON.stringify(line)}`);
  return line;
}
