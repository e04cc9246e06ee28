// Steps the web scenarios share: the web entry's activation line, train a file to its end, read the
// panel's final loss, count the editor's problems.
import { StepError, num, poll, secsSince } from '../browser/common.mjs';
import { panelTexts, waitPanel } from '../browser/panel.mjs';
import { startTraining } from '../browser/workbench.mjs';

/** The web entry's one line at activation (src/web/extension.ts); its first group is crossOriginIsolated. */
export const ACTIVATION_LINE = /TrainLens: web extension host \(crossOriginIsolated=(\w+)[;)][^\n]*?(?= color: |$|\n)/;

/** The activation line in a log or console text (the console's "%c[Extension Host] %c… color: …" wrapping dropped), or null. */
export function activationLine(text) {
  return ACTIVATION_LINE.exec(text)?.[0] ?? null;
}

/** Trains the open file from its lens until the panel says finished; the panel. */
export async function trainToEnd(page, ctx, file, ms = 120_000) {
  const clickedAt = Date.now();
  await startTraining(page, ctx, file);
  const panel = await waitPanel(page, `the run of ${file} to finish (data-state="finished")`, ms,
    (p) => num(p.loss.points) > 0 && p.loss.state === 'finished');
  ctx.check(`${file} trained to the end: data-points=${panel.loss.points} (${secsSince(clickedAt)} s after the click)`);
  return panel;
}

/** The panel's final loss ("final: loss X"), which must be a finite number. */
export async function finalLoss(panel) {
  let texts = null;
  await poll('the panel\'s summary "final: loss …"', 10_000, async () => {
    texts = await panelTexts(panel.frame);
    return /final: loss \S+/.test(texts.summary);
  }).catch((e) => {
    throw new StepError(`${e.message}; the summary reads ${JSON.stringify(texts?.summary)}`);
  });
  const loss = Number(/final: loss ([^\s(),]+)/.exec(texts.summary)[1]);
  if (!Number.isFinite(loss)) throw new StepError(`the final loss is not a finite number: ${JSON.stringify(texts.summary)}`);
  return { loss, texts };
}

/** The error (and warning) squiggles in the active editor and the problems the status bar counts. */
export async function problems(page) {
  const editor = page.locator('.editor-instance .monaco-editor');
  return {
    squiggles: await editor.locator('.squiggly-error').count(),
    warnings: await editor.locator('.squiggly-warning').count(),
    status: ((await page.locator('.statusbar-item[id="status.problems"]').first().textContent().catch(() => '')) ?? '').trim(),
  };
}
