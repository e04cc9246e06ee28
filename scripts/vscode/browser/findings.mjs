// Scenario findings: the Findings tab after a run with a learning rate far too high, against
// `trainlens train --json`'s finding lines on the same file; its button's fix edits the lr: line and
// undo restores it.
import fs from 'node:fs';
import path from 'node:path';
import { sleep } from '../server.mjs';
import { SHOTS, StepError, poll } from './common.mjs';
import { cli } from './gradcheck.mjs';
import { readPanel, describePanel } from './panel.mjs';
import { showPanelTab, tabScreenshot, tabState } from './tabs.mjs';
import { expectEditorLine, openModelFile, runCommand, startTraining } from './workbench.mjs';

/** The spiral example at adam lr 1 (the loss shoots up at the first steps, ReLUs die), 50 epochs. */
export const FINDINGS_FILE = 'doctor-spiral.nn.yaml';

/** The Findings card as the panel shows it: each row's data and cells, the badge, what does not fit. */
async function readFindings(frame) {
  return frame.evaluate(() => {
    const body = document.getElementById('findings-body');
    if (!body) return null;
    const text = (c) => c.textContent.replace(/\u00a0/g, ' ').trim();
    const q = (r, sel) => text(r.querySelector(sel) ?? document.createElement('i'));
    const cut = (e) => e && (e.scrollWidth > e.clientWidth + 1);
    const rows = [...body.querySelectorAll('.finding')].map((r) => ({
      ...r.dataset, stepText: q(r, '.step'), layerText: q(r, '.layer-name'), message: q(r, '.message'), fix: q(r, 'vscode-button, .fix-none'),
      height: r.getBoundingClientRect().height, cut: [...r.querySelectorAll('.code, .step, .layer-name, .message, vscode-button')].filter(cut).map(text),
    }));
    const card = document.getElementById('card-findings').getBoundingClientRect();
    const list = body.querySelector('.findings-list')?.getBoundingClientRect();
    return { count: body.dataset.count ?? null, rows, overflow: list ? Math.max(0, Math.ceil(list.right - card.right)) : 0 };
  });
}

/** Each row against the CLI's finding line: code, step, layer and message exactly (the loss curve is the same run's). */
function differences(card, lines) {
  const diffs = [];
  const key = (code, layer) => `${code}:${layer ?? ''}`;
  const shown = new Map(card.rows.map((r) => [key(r.code, r.layer === '' ? null : Number(r.layer)), r]));
  const want = new Map(lines.map((l) => [key(l.code, l.layer), l]));
  if ([...shown.keys()].sort().join() !== [...want.keys()].sort().join()) diffs.push(`rows ${[...shown.keys()].join(', ')}; the CLI has ${[...want.keys()].join(', ')}`);
  // The doctor reads the same loss and the statistics of the same steps (every 20th) in both: every row equals its line.
  for (const [k, line] of want) {
    const row = shown.get(k);
    if (row && (row.message !== line.message || Number(row.step) !== line.step || row.stepText !== `step ${line.step}`)) {
      diffs.push(`${k} shows step ${row.step} ${JSON.stringify(row.message)}, the CLI step ${line.step} ${JSON.stringify(line.message)}`);
    }
  }
  for (const r of card.rows) if (r.layerText !== (r.layer === '' ? '' : `layers[${r.layer}]`)) diffs.push(`${r.code} shows layer ${JSON.stringify(r.layerText)}`);
  return diffs;
}

/**
 * Findings: trains the file from its CodeLens, waits for the run's end, shows the Findings tab and
 * checks its rows (code, layer, step, message) and badge against the CLI; screenshot findings-<theme>.png; the lr-too-high row's
 * button divides the lr by 10 in the editor, and Ctrl+Z restores it.
 */
export async function findingsScenario(page, ctx) {
  const example = fs.readFileSync(path.join(ctx.workspace, 'spiral.nn.yaml'), 'utf8');
  const text = example.replace('{ type: adam, lr: 0.01 }', '{ type: adam, lr: 1 }').replace(/^(\s*epochs:\s*)\d+/m, '$150');
  if (!text.includes('lr: 1 }') || !/epochs: 50\b/.test(text)) throw new StepError('examples/spiral.nn.yaml has no "{ type: adam, lr: 0.01 }" or "epochs: N" to change');
  const file = path.join(ctx.workspace, FINDINGS_FILE);
  fs.writeFileSync(file, text);
  const r = cli(ctx.extension, ['train', file, '--json']);
  const lines = r.stdout.trim().split('\n').filter(Boolean).map((l) => JSON.parse(l)).filter((l) => l.type === 'finding');
  if (!lines.some((l) => l.code === 'lr-too-high')) throw new StepError(`trainlens train --json found no lr-too-high: ${r.stdout}${r.stderr}`);
  ctx.check(`CLI: ${lines.map((l) => `${l.code}${l.layer === null ? '' : ` layers[${l.layer}]`} at step ${l.step}`).join(', ')}`);

  await openModelFile(page, ctx, FINDINGS_FILE);
  await startTraining(page, ctx, FINDINGS_FILE);
  let p = null;
  await poll('the run to finish (canvas#loss-chart data-state="finished")', 60_000, async () => {
    p = await readPanel(page);
    return p?.loss.state === 'finished';
  }).catch((e) => {
    throw new StepError(`${e.message}: ${describePanel(p)}`);
  });
  const frame = p.frame;
  await showPanelTab(frame, 'findings');
  let card = null;
  await poll('the Findings rows', 10_000, async () => {
    card = await readFindings(frame);
    return card && card.rows.length === lines.length;
  }).catch((e) => {
    throw new StepError(`${e.message}; the card shows ${JSON.stringify(card)}`);
  });
  const diffs = differences(card, lines);
  if (diffs.length) throw new StepError(`the Findings tab differs from \`trainlens train --json\`: ${diffs.join('; ')}`);
  const tabs = await tabState(frame);
  if (tabs.badges.findings !== String(lines.length)) throw new StepError(`the Findings badge shows ${JSON.stringify(tabs.badges.findings)}, ${lines.length} findings`);
  if (card.overflow > 0) throw new StepError(`the findings list is ${card.overflow} px wider than its card`);
  if (card.rows.some((row) => !(row.height >= 16))) throw new StepError(`findings are not laid out: ${JSON.stringify(card.rows.map((row) => row.height))}`);
  const cut = card.rows.flatMap((row) => row.cut);
  if (cut.length) throw new StepError(`text of the findings is cut off: ${JSON.stringify(cut)}`);
  ctx.check(`Findings tab (badge ${tabs.badges.findings}) equals the CLI: ${card.rows.map((row) => `${row.code} ${row.layerText} ${row.stepText} [${row.fix}]`).join(', ')}`);

  await runCommand(page, 'Notifications: Clear All Notifications');
  await sleep(300);
  await tabScreenshot(page, ctx, frame, 'findings', ctx.shots.main ?? path.join(SHOTS, `findings-${ctx.theme}.png`));

  const button = frame.locator('.finding[data-code="lr-too-high"] vscode-button');
  await button.click({ timeout: 10_000 });
  await expectEditorLine(page, ctx, /^optimizer: \{ type: adam, lr: 0\.1 \}/, 10_000);
  // Focus the file's editor from its tab (a click in its text may land past the last line and scroll), then undo.
  await page.locator('.tabs-container .tab', { hasText: FINDINGS_FILE }).first().click();
  await page.keyboard.press('Control+Home');
  await page.keyboard.press('Control+Z');
  await expectEditorLine(page, ctx, /^optimizer: \{ type: adam, lr: 1 \}/, 10_000);
  await findingsAfterWindowReload(page, ctx, frame, lines.length);
}

/**
 * A window reload: the host no longer has the run, and the panel comes back from its saved state
 * ("from before the reload"), its findings with it.
 */
async function findingsAfterWindowReload(page, ctx, old, count) {
  await runCommand(page, 'Developer: Reload Window');
  let again = null;
  await poll('the panel back after the window reload, marked stale', 90_000, async () => {
    const p = await readPanel(page);
    if (!p || p.frame === old) return null;
    const stale = await p.frame.evaluate(() => !document.getElementById('run-stale')?.hidden).catch(() => false);
    again = p;
    return stale ? p : null;
  }).catch((e) => {
    throw new StepError(`${e.message}: ${again ? describePanel(again) : 'no panel'}`);
  });
  await showPanelTab(again.frame, 'findings');
  let card = null;
  await poll('the Findings rows from the saved state', 10_000, async () => {
    card = await readFindings(again.frame);
    return card && card.rows.length === count;
  }).catch((e) => {
    throw new StepError(`${e.message}; the card shows ${JSON.stringify(card)}`);
  });
  ctx.check(`after "Developer: Reload Window" the panel, from its saved state, still lists the ${count} findings: ${card.rows.map((r) => r.code).join(', ')}`);
}
