// Driving the workbench as a person does: CodeLens, QuickPick, Command Palette, editors, screenshots.
import fs from 'node:fs';
import path from 'node:path';
import { StepError, num, poll, say, secsSince } from './common.mjs';
import { describePanel, readPanel } from './panel.mjs';

// The lens titles, with or without their leading glyph (or an icon, which has no text).
export const LENS = {
  train: /^\s*(▶\s*)?Train\s*$/,
  trainKo: /^\s*(▶\s*)?학습\s*$/,
  stop: /^\s*(⏹\s*)?Stop\s*$/,
  optimizer: (name) => new RegExp(`^\\s*optimizer: ${name} · Swap…\\s*$`),
  init: (name) => new RegExp(`^\\s*init: ${name} · Swap…\\s*$`),
  compare: /^\s*Compare…\s*$/,
  gradcheck: /^\s*(∇\s*)?Gradient check\s*$/,
};

export const lensLocator = (page, re) => page.locator('.codelens-decoration a', { hasText: re }).first();

export async function codeLensTexts(page) {
  return page.$$eval('.codelens-decoration a', (els) => els.map((e) => e.textContent.trim()));
}

/**
 * Clicks a CodeLens and waits for its effect (`effect()` truthy). A click that lands while the
 * lenses are being re-rendered (twice a second while training) can be lost: a person clicks again.
 */
export async function clickLens(page, ctx, re, label, effect, { effectMs = 6000, tries = 3 } = {}) {
  const lens = lensLocator(page, re);
  await poll(`a CodeLens ${JSON.stringify(label)}`, 30_000, () => lens.isVisible()).catch(async (e) => {
    throw new StepError(`${e.message}; the lenses are: ${JSON.stringify(await codeLensTexts(page).catch(() => []))}`);
  });
  for (let i = 1; ; i++) {
    const t = Date.now();
    await lens.click({ timeout: 10_000 });
    const seen = await poll('effect', effectMs, effect, 100).catch((e) => {
      if (e instanceof StepError && !e.message.startsWith('timed out')) throw e;
      return null;
    });
    if (seen) {
      ctx.check(`clicked the ${JSON.stringify(label)} CodeLens (${ctx.sec()} s)${i > 1 ? ` (click ${i})` : ''}`);
      return seen;
    }
    if (i >= tries) {
      throw new StepError(`clicked the ${JSON.stringify(label)} CodeLens ${tries} times and saw no effect ` +
        `${Math.round(effectMs / 1000)} s after the last click (${secsSince(t)} s)`);
    }
    ctx.note(`nothing happened ${Math.round(effectMs / 1000)} s after clicking ${JSON.stringify(label)}; clicking it again`);
    await poll(`the CodeLens ${JSON.stringify(label)} to be clickable again`, 10_000, () => lens.isVisible());
  }
}

/** The editor's text lines (one text editor open), spaces normalised. */
export async function editorLines(page) {
  return page.$$eval('.editor-instance .monaco-editor .view-lines .view-line',
    (els) => els.map((e) => e.textContent.replace(/\u00a0/g, ' ')));
}

export async function expectEditorLine(page, ctx, re, ms = 5000) {
  let lines = [];
  await poll(`an editor line matching ${re}`, ms, async () => {
    lines = await editorLines(page);
    return lines.some((l) => re.test(l));
  }).catch((e) => {
    throw new StepError(`${e.message}; the editor shows: ${JSON.stringify(lines.filter((l) => /optimizer|init|type/.test(l)))}`);
  });
  ctx.check(`the editor shows ${JSON.stringify(lines.find((l) => re.test(l)).trim())}`);
}

export async function expectLens(page, ctx, re, label, ms = 5000) {
  let texts = [];
  await poll(`the CodeLens ${JSON.stringify(label)}`, ms, async () => {
    texts = await codeLensTexts(page);
    return texts.some((t) => re.test(t));
  }).catch((e) => {
    throw new StepError(`${e.message}; the lenses are: ${JSON.stringify(texts)}`);
  });
  ctx.check(`CodeLens ${JSON.stringify(texts.find((t) => re.test(t)))}`);
}

/**
 * In the open QuickPick: checks its title, lists its items, types `filter`, checks that the
 * highlighted item is `expect`, and presses Enter. Items are given by their label (a `$(check)`
 * icon shown as "✓ ").
 */
export async function pickInQuickPick(page, ctx, { title, filter, expect, current }) {
  const widget = page.locator('.quick-input-widget');
  await poll('the QuickPick (.quick-input-widget)', 10_000, () => widget.isVisible());
  const readRows = () => page.$$eval('.quick-input-widget .quick-input-list .monaco-list-row', (els) => els.map((e) => ({
    label: (e.querySelector('.label-name')?.textContent ?? '').trim(),
    check: !!e.querySelector('.codicon-check'),
    focused: e.classList.contains('focused'),
  })));
  const shownTitle = (await page.locator('.quick-input-widget .quick-input-title').textContent().catch(() => '')).trim();
  if (!title.test(shownTitle)) throw new StepError(`the QuickPick's title is ${JSON.stringify(shownTitle)}, expected ${title}`);
  let rows = await poll('the QuickPick\'s items', 5000, async () => {
    const r = await readRows();
    return r.length ? r : null;
  });
  const listed = rows.map((r) => (r.check ? `✓ ${r.label}` : r.label));
  ctx.check(`QuickPick ${JSON.stringify(shownTitle)} lists ${listed.join(', ')}`);
  if (current) {
    const marked = rows.filter((r) => r.check).map((r) => r.label);
    if (marked.length !== 1 || marked[0] !== current) {
      throw new StepError(`the QuickPick should mark the current ${JSON.stringify(current)} with a check icon; ` +
        `marked: ${JSON.stringify(marked)}`);
    }
  }
  await page.keyboard.type(filter);
  await poll(`the QuickPick to highlight ${JSON.stringify(expect)} after typing ${JSON.stringify(filter)}`, 5000, async () => {
    rows = await readRows();
    return rows.find((r) => r.focused)?.label === expect;
  }).catch((e) => {
    throw new StepError(`${e.message}; it shows ${JSON.stringify(rows.map((r) => (r.focused ? `[${r.label}]` : r.label)))}`);
  });
  await page.keyboard.press('Enter');
  // Closed, or already the next QuickPick of the same command (another title: Compare's seeds step).
  const titleNow = () => page.locator('.quick-input-widget .quick-input-title').textContent().then((t) => t.trim(), () => '');
  await poll('the QuickPick to close after Enter', 5000, async () => !(await widget.isVisible()) || (await titleNow()) !== shownTitle);
  ctx.check(`typed ${JSON.stringify(filter)} and picked ${JSON.stringify(expect)}`);
}

/** Runs a command from the Command Palette (F1), by its exact title. */
export async function runCommand(page, title) {
  await page.evaluate(() => (document.activeElement instanceof HTMLElement ? document.activeElement.blur() : undefined));
  await page.keyboard.press('F1');
  const input = page.locator('.quick-input-widget input');
  await input.waitFor({ state: 'visible', timeout: 10_000 });
  await page.keyboard.type(title);
  let focused = null;
  await poll(`the Command Palette to highlight "${title}"`, 10_000, async () => {
    focused = await page.locator('.quick-input-widget .quick-input-list .monaco-list-row.focused .label-name').first()
      .textContent({ timeout: 1000 }).catch(() => null);
    return focused?.trim() === title;
  }).catch((e) => {
    throw new StepError(`${e.message} (it highlights ${JSON.stringify(focused)})`);
  });
  await page.keyboard.press('Enter');
  await poll(`the Command Palette to close after "${title}"`, 5000, async () => !(await page.locator('.quick-input-widget').isVisible()));
}

export async function openModelFile(page, ctx, file, trainLens = LENS.train) {
  // Another view in the side bar (the Runs view an earlier scenario showed): back to the Explorer first.
  if (!(await page.locator('.explorer-folders-view').first().isVisible())) await runCommand(page, 'View: Show Explorer');
  // The row and tab named exactly `file` (spiral.nn.yaml is not checks-spiral.nn.yaml).
  const exactly = new RegExp(`^\\s*${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\s*$`);
  const row = page.locator('.explorer-folders-view .monaco-list-row').filter({ has: page.locator('.label-name', { hasText: exactly }) }).first();
  if (await row.waitFor({ state: 'visible', timeout: 20_000 }).then(() => true, () => false)) {
    await row.click();
  } else {
    say(`${file} not visible in the explorer; using Quick Open`);
    await page.keyboard.press('Control+P');
    await page.locator('.quick-input-widget input').waitFor({ state: 'visible', timeout: 10_000 });
    await page.keyboard.type(file);
    await page.locator('.quick-input-list .monaco-list-row.focused').filter({ has: page.locator('.label-name', { hasText: exactly }) }).first()
      .waitFor({ state: 'visible', timeout: 15_000 });
    await page.keyboard.press('Enter');
  }
  await poll(`an editor tab for ${file}`, 20_000, () =>
    page.locator('.tabs-container .tab.active').filter({ has: page.locator('.label-name', { hasText: exactly }) }).first().isVisible());
  await poll(`the text of ${file} in the editor`, 20_000, () =>
    page.locator('.editor-instance .monaco-editor .view-lines').first().isVisible());
  await poll(`the CodeLens "▶ Train" over ${file}`, 60_000, () => lensLocator(page, trainLens).isVisible())
    .catch(async (e) => {
      throw new StepError(`${e.message}; the lenses are: ${JSON.stringify(await codeLensTexts(page).catch(() => []))}`);
    });
  ctx.check(`${file} open, CodeLens: ${(await codeLensTexts(page)).map((t) => JSON.stringify(t)).join(', ')} (${ctx.sec()} s)`);
}

export async function screenshot(page, ctx, file, target = page) {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  await target.screenshot({ path: file });
  ctx.check(`screenshot ${path.relative(process.cwd(), file)}`);
}

/** Clicks "▶ Train" and waits until the panel shows the run (loss points, or the run's state). */
export async function startTraining(page, ctx, file) {
  return clickLens(page, ctx, LENS.train, '▶ Train', async () => {
    const p = await readPanel(page);
    if (p && num(p.loss.points) > 0) return p;
    return (await lensLocator(page, LENS.stop).isVisible()) ? (p ?? true) : null;
  }, { effectMs: 15_000, tries: 2 }).catch((e) => {
    throw new StepError(`${e.message} (${file})`);
  });
}

export async function stopTraining(page, ctx) {
  const t = Date.now();
  await clickLens(page, ctx, LENS.stop, '⏹ Stop', async () => {
    const p = await readPanel(page);
    return p?.loss.state === 'stopped' ? p : null;
  }, { effectMs: 8000 }).catch(async (e) => {
    throw new StepError(`${e.message}; waiting for canvas#loss-chart data-state="stopped": ${describePanel(await readPanel(page))}`);
  });
  ctx.check(`data-state="stopped" ${secsSince(t)} s after clicking Stop`);
  await poll('the CodeLens to return to "▶ Train" after stopping', 10_000, () => lensLocator(page, LENS.train).isVisible());
}

/** Between scenarios: save the edited files and close every editor and panel. */
export async function closeAll(page) {
  try {
    await runCommand(page, 'File: Save All Files');
    await runCommand(page, 'View: Close All Editors');
    await poll('every editor and panel to close', 10_000, async () =>
      (await page.locator('.tabs-container .tab').count()) === 0 && !(await readPanel(page)));
  } catch (e) {
    throw new StepError(`closing the previous scenario's editors: ${e.message}`);
  }
}
