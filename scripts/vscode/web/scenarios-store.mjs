// The web test's scenarios for what is written through workspace.fs: kept runs (the Runs view, a
// rename, a reload of the web workbench, the run shown again) and the exports (PyTorch and the
// metrics CSV, checked on disk). Registered in web/scenarios.mjs; screenshots
// test-results/screenshots/web-<scenario>-<theme>.png.
import path from 'node:path';
import { sleep } from '../server.mjs';
import { SHOTS, StepError, poll } from '../browser/common.mjs';
import { inkSummary, panelOverlays, readPanel, waitInk } from '../browser/panel.mjs';
import { openModelFile, runCommand, screenshot } from '../browser/workbench.mjs';
import { answerInputBox, reloadWorkbench, rowLocator, rowMenu, showRunsView, trainFile, waitRunRow } from './store-workbench.mjs';
import { checkRunFiles, checkShownLoss, keptRunsOnDisk, newKeptRun, waitKeptRecord } from './store-disk.mjs';
import { exportScenario } from './store-export.mjs';

const shot = (name, ctx) => path.join(SHOTS, `web-${name}-${ctx.theme}.png`);

const KEPT_FILE = 'spiral.nn.yaml';

/**
 * Kept runs: a spiral trains, is kept (every run is) and listed in the Runs view with its final
 * loss; renamed from its context menu; the web workbench reloads, the run is still listed the same
 * and, clicked, shows its loss curve on the panel. Its files: in the server's user-data dir (the web workbench's
 * vscode-userdata:/), checked against what the panel and the view show, before and after the reload.
 */
export async function keptWeb(page, ctx) {
  const userData = ctx.userDataDir; // the server's --user-data-dir: vscode-userdata:/ of the web workbench
  const before = new Set(Object.keys(keptRunsOnDisk(userData)));
  await openModelFile(page, ctx, KEPT_FILE);
  const { loss: shown, lossText: shownText } = await trainFile(page, ctx, KEPT_FILE);
  const runId = await newKeptRun(userData, before, KEPT_FILE);
  const kept = await waitKeptRecord(userData, runId);
  checkShownLoss(shown, shownText, kept.meta.final.loss);
  checkRunFiles(ctx, userData, kept);
  const lossText = `loss ${kept.meta.final.loss.toPrecision(3)}`;

  await showRunsView(page, ctx);
  const row = await waitRunRow(page, KEPT_FILE, `the new run under ${KEPT_FILE}, finished, with "${lossText}"`,
    (r) => r.description.startsWith('finished') && r.description.endsWith(lossText));
  ctx.check(`the Runs view lists it under ${KEPT_FILE}: ${JSON.stringify(row.label)} — ${JSON.stringify(row.description)} (the panel: final loss ${shownText})`);
  const name = `kept ${ctx.theme} ${runId.slice(-6)}`;
  await rowMenu(page, ctx, row, 'Rename Run…');
  const offered = await answerInputBox(page, name);
  if (offered !== row.label) throw new StepError(`Rename Run… offered ${JSON.stringify(offered)}, not the run's label ${JSON.stringify(row.label)}`);
  const named = await waitRunRow(page, KEPT_FILE, `the run renamed ${JSON.stringify(name)}`, (r) => r.label === name);
  if (named.description !== row.description) throw new StepError(`renamed, the run reads ${JSON.stringify(named.description)}, before ${JSON.stringify(row.description)}`);
  checkRunFiles(ctx, userData, await waitKeptRecord(userData, runId), name);
  ctx.check(`renamed: ${JSON.stringify(named.label)} — ${JSON.stringify(named.description)}`);

  await reloadWorkbench(page, ctx);
  await showRunsView(page, ctx);
  const again = await waitRunRow(page, KEPT_FILE, `the run ${JSON.stringify(name)} listed after the reload`, (r) => r.label === name, 60_000);
  if (again.description !== named.description) {
    throw new StepError(`after the reload the run reads ${JSON.stringify(again.description)}, before ${JSON.stringify(named.description)}`);
  }
  ctx.check(`after the reload the Runs view still lists ${JSON.stringify(again.label)} — ${JSON.stringify(again.description)}`);
  checkRunFiles(ctx, userData, await waitKeptRecord(userData, runId), name);
  // The panel restored from before the reload closes: the one the click opens draws from the kept files.
  await runCommand(page, 'View: Close All Editors');
  await poll('the restored panel to close', 10_000, async () => !(await readPanel(page)));
  await showKeptRun(page, ctx, again, name, shownText);
  // ▶ Train on the file: its panel leaves the kept run and follows the new run.
  await openModelFile(page, ctx, KEPT_FILE);
  await trainFile(page, ctx, KEPT_FILE);
  let after = null;
  await poll('the panel to drop the kept run\'s overlay for the new run', 15_000, async () => (after = await panelOverlays(page))?.n === 0).catch((e) => {
    throw new StepError(`${e.message}; the panel overlays ${JSON.stringify(after && { n: after.n, done: after.done })}`);
  });
  ctx.check('▶ Train on the file: the panel left the kept run and shows the new run (no overlay)');
}

/** Clicks the kept run's row (its command: Show in Panel): the panel overlays it, named, and draws its loss curve. */
async function showKeptRun(page, ctx, row, name, lossText) {
  await rowLocator(page, row).click();
  let seen = null;
  let legend = [];
  await poll(`the panel showing the kept run ${JSON.stringify(name)} (one overlay, ended, in the legend with "final: loss ${lossText}")`, 30_000, async () => {
    seen = await panelOverlays(page);
    if (!seen || seen.n !== 1 || seen.done !== 1) return null;
    legend = await seen.frame.$$eval('#overlay-list li', (els) => els.map((e) => e.textContent.trim()));
    return legend.length === 1 && legend[0].startsWith(name) && legend[0].includes(`final: loss ${lossText}`);
  }).catch((e) => {
    throw new StepError(`${e.message}; the panel shows ${JSON.stringify(seen && { n: seen.n, done: seen.done })}, legend ${JSON.stringify(legend)}`);
  });
  // The panel has no run of its own after the reload: its heading is the model file's name.
  const heading = await seen.frame.$eval('#run-title', (e) => e.textContent.trim());
  if (heading !== KEPT_FILE) throw new StepError(`the panel showing the kept run is headed ${JSON.stringify(heading)}, not ${JSON.stringify(KEPT_FILE)}`);
  ctx.check(`clicked it: a panel headed ${JSON.stringify(heading)} opens overlaying the kept run, legend ${JSON.stringify(legend)}`);
  const ink = await waitInk({ frame: seen.frame }, ['loss']);
  ctx.check(`its loss curve drew: ${inkSummary(ink)}`);
  await sleep(500);
  await screenshot(page, ctx, shot('kept', ctx));
}

export const STORE_SCENARIOS = {
  kept: keptWeb,
  export: (page, ctx) => exportScenario(page, { ...ctx, shot: (name) => shot(name, ctx) }),
};
