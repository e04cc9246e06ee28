// The web test's scenario in a cross-origin isolated workbench (as vscode.dev with ?vscode-coi): the
// runs' kernels spread over helper threads (Web Workers sharing the kernels' memory), with the same
// result as one thread, and Stop through the shared flag. web-test.mjs runs it behind web/coi-proxy.mjs.
import fs from 'node:fs';
import path from 'node:path';
import { SHOTS, StepError, poll } from '../browser/common.mjs';
import { panelTexts } from '../browser/panel.mjs';
import { LENS, lensLocator, openModelFile, screenshot } from '../browser/workbench.mjs';
import { THREADS_FILE } from './copy.mjs';
import { finalLoss, trainToEnd } from './steps.mjs';

/** The run header's last part: "N threads" (or "1 thread", "N of M threads", with a reason in brackets). */
const THREADS_TEXT = / · ((\d+) threads?|(\d+) of (\d+) threads)( \(.+\))?$/;

/** Trains THREADS_FILE to its end; the header's thread count, its final loss and the summary and details. */
async function trainWide(page, ctx) {
  const panel = await trainToEnd(page, ctx, THREADS_FILE);
  const { loss, texts } = await finalLoss(panel);
  let details = texts.details;
  // The worker reports the threads as its helpers become ready: the header's last word is the count of the end.
  await poll('the run header to say its threads', 10_000, async () => THREADS_TEXT.test((details = (await panelTexts(panel.frame)).details)));
  const m = THREADS_TEXT.exec(details);
  return { threads: Number(m[2] ?? m[3]), threadsText: m[1] + (m[5] ?? ''), loss, summary: texts.summary, details };
}

/** Sets trainlens.threads in the workspace's settings file (as a user editing .vscode/settings.json). */
function setThreadsSetting(workspace, n) {
  const dir = path.join(workspace, '.vscode');
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'settings.json'), JSON.stringify({ 'trainlens.threads': n }, null, 2) + '\n');
}

export async function isolatedWeb(page, ctx) {
  if (!ctx.isolated) throw new StepError('this scenario needs a cross-origin isolated workbench (web-test.mjs serves it through web/coi-proxy.mjs)');
  const cores = await page.evaluate(() => navigator.hardwareConcurrency);
  if (!(cores >= 2)) throw new StepError(`the browser reports ${cores} logical cores: kernel threads need two`);
  await openModelFile(page, ctx, THREADS_FILE);
  const many = await trainWide(page, ctx);
  if (!(many.threads >= 2)) throw new StepError(`with shared memory and ${cores} cores the run used ${many.threadsText}: ${JSON.stringify(many.details)}`);
  ctx.check(`cross-origin isolated, ${cores} cores: the run's kernels used ${many.threadsText}; ${JSON.stringify(many.summary)}`);
  await poll('the CodeLens to return to "▶ Train"', 15_000, () => lensLocator(page, LENS.train).isVisible());
  await screenshot(page, ctx, path.join(SHOTS, `web-isolated-${ctx.theme}.png`));

  // One thread by the setting: the same numbers (the kernels' parts add up in the same order on any number of threads).
  setThreadsSetting(ctx.workspace, 1);
  let one = null;
  await poll('a run on one thread after trainlens.threads: 1 in .vscode/settings.json', 60_000, async () => {
    one = await trainWide(page, ctx);
    return one.threads === 1;
  }).catch((e) => {
    throw new StepError(`${e.message}; the last run used ${one?.threadsText}`);
  });
  // Everything but the time and speed ("… in 1.40 s · 5,138 samples/s") and the thread count.
  const speed = / in ([\d.]+ s) · ([\d,]+ samples\/s)$/;
  const strip = (d) => d.replace(THREADS_TEXT, '').replace(speed, '');
  if (strip(one.summary) !== strip(many.summary) || strip(one.details) !== strip(many.details)) {
    throw new StepError(`one thread and ${many.threads} differ: ${JSON.stringify(one.summary)} / ${JSON.stringify(many.summary)}; ${JSON.stringify(one.details)} / ${JSON.stringify(many.details)}`);
  }
  ctx.check(`trainlens.threads: 1 → ${one.threadsText}, and the same result as on ${many.threads} threads: ${JSON.stringify(strip(one.summary))}`);
  ctx.note(`speed: ${speed.exec(many.summary)?.[2]} on ${many.threads} threads, ${speed.exec(one.summary)?.[2]} on one (timings, not asserted)`);
  setThreadsSetting(ctx.workspace, 0);
}
