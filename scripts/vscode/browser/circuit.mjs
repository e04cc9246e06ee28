// Scenario circuit: the backprop lesson's circuit in its own panel. Open circuit.nn.yaml, run
// "TrainLens: Show Circuit" from the Command Palette, step forward to f = −12 on the output wire,
// backward to ∂f/∂x = −4, ∂f/∂y = −4, ∂f/∂z = 3 in the red labels; type z: −5 in the editor and watch
// the same panel redraw (f = −15) as the keys land, the file's error shown while "z: -" is half typed.
import path from 'node:path';
import { sleep } from '../server.mjs';
import { SHOTS, StepError, poll } from './common.mjs';
import { panelIframe } from './panel.mjs';
import { editorLines, openModelFile, runCommand, screenshot } from './workbench.mjs';

export const CIRCUIT_FILE = 'circuit.nn.yaml';

const MINUS = '\u2212';

/** The frame of the circuit panel (a webview holding #circuit-view), or null. */
async function circuitFrame(page) {
  for (const frame of page.frames()) {
    if (frame.isDetached()) continue;
    if (await frame.evaluate(() => Boolean(document.querySelector('#circuit-view .cv'))).catch(() => false)) return frame;
  }
  return null;
}

/** What the circuit panel shows: the step position, header, error, gates, and each wire's labels with their colours. */
async function readCircuit(frame) {
  return frame.evaluate(() => {
    const cv = document.querySelector('#circuit-view .cv');
    const text = (e) => (e ? e.textContent.trim() : null);
    const labels = (cls) => [...document.querySelectorAll(`text.${cls}`)].map((t) => ({ from: t.dataset.from, to: t.dataset.to, text: t.textContent, fill: getComputedStyle(t).fill }));
    const error = document.getElementById('circuit-error');
    return {
      pos: Number(cv.dataset.pos), last: Number(cv.dataset.last), phase: cv.dataset.phase,
      counter: text(cv.querySelector('.cv-counter')), caption: text(cv.querySelector('.cv-caption')),
      value: document.body.dataset.value, result: text(document.getElementById('circuit-result')),
      error: error.hidden ? null : text(error),
      gates: [...document.querySelectorAll('g.cv-gate')].map((g) => g.dataset.op),
      values: labels('cv-val'), grads: labels('cv-grad'),
      styled: getComputedStyle(document.querySelector('path.cv-wire') ?? document.body).fill === 'none',
    };
  });
}

/**
 * Runs a command from the Command Palette by its exact title, clicking its row: "Show Circuit"
 * ranks below "Show as Circuit" for the typed text, so the highlighted row is not it.
 */
async function runExactCommand(page, title) {
  await page.evaluate(() => (document.activeElement instanceof HTMLElement ? document.activeElement.blur() : undefined));
  await page.keyboard.press('F1');
  await page.locator('.quick-input-widget input').waitFor({ state: 'visible', timeout: 10_000 });
  await page.keyboard.type(title);
  const rows = page.locator('.quick-input-widget .quick-input-list .monaco-list-row');
  let labels = [];
  const row = await poll(`the Command Palette to list "${title}"`, 10_000, async () => {
    labels = await rows.locator('.label-name').allTextContents();
    const i = labels.findIndex((l) => l.trim() === title);
    return i >= 0 ? rows.nth(i) : null;
  }).catch((e) => {
    throw new StepError(`${e.message} (it lists ${JSON.stringify(labels)})`);
  });
  await row.click();
  await poll(`the Command Palette to close after "${title}"`, 5000, async () => !(await page.locator('.quick-input-widget').isVisible()));
}

const label = (list, from, to) => list.find((l) => l.from === from && l.to === to)?.text ?? null;

/** Clicks the view's Step or Back button until `done(state)`, at most `max` times. */
async function stepUntil(frame, button, done, max) {
  let s = await readCircuit(frame);
  for (let i = 0; i < max && !done(s); i++) {
    await frame.locator(`vscode-button[data-step="${button}"]`).click({ timeout: 5000 });
    await poll(`the circuit to move from step ${s.pos}`, 5000, async () => (await readCircuit(frame)).pos !== s.pos);
    s = await readCircuit(frame);
  }
  if (!done(s)) throw new StepError(`after ${max} clicks on "${button}" the circuit is at ${JSON.stringify(s.counter)} (step ${s.pos} of ${s.last})`);
  return s;
}

/** Opens the panel from the Command Palette and checks its gates and header. */
async function openCircuit(page, ctx) {
  await openModelFile(page, ctx, CIRCUIT_FILE, /^\s*Show Circuit\s*$/);
  await runExactCommand(page, 'TrainLens: Show Circuit');
  const frame = await poll('the circuit panel (#circuit-view)', 20_000, () => circuitFrame(page));
  let s = null;
  await poll('the circuit drawn with its + and × gates', 10_000, async () => {
    s = await readCircuit(frame);
    return s.gates.includes('add') && s.gates.includes('mul') ? s : null;
  }).catch((e) => {
    throw new StepError(`${e.message}; the panel shows ${JSON.stringify(s)}`);
  });
  if (!s.styled) throw new StepError('the circuit\'s style sheet is not applied (wires are filled)');
  if (!s.result.includes(`f = ${MINUS}12`)) throw new StepError(`the header says ${JSON.stringify(s.result)}, not f = −12`);
  ctx.check(`"TrainLens: Show Circuit" opened the panel: gates ${s.gates.join(', ')}, header ${JSON.stringify(s.result)}, ${s.counter}`);
  return frame;
}

/** Steps forward to −12 on the output wire, then backward to the inputs' gradients, and back one with ←. */
async function stepThrough(page, ctx, frame) {
  const forward = await stepUntil(frame, 'next', (x) => x.phase === 'forward' && x.pos === x.last / 2, 10);
  if (label(forward.values, 'n2', 'output') !== `${MINUS}12`) throw new StepError(`the output wire says ${JSON.stringify(label(forward.values, 'n2', 'output'))} after the forward pass`);
  if (forward.grads.some((g) => g.text !== '')) throw new StepError(`gradients shown before the backward pass: ${JSON.stringify(forward.grads)}`);
  ctx.check(`${forward.counter}: the output wire says ${MINUS}12 (green), no gradient yet`);
  const back = await stepUntil(frame, 'next', (x) => x.pos === x.last, 10);
  const grads = ['x', 'y', 'z'].map((v) => label(back.grads, v, v === 'z' ? 'n2' : 'n1'));
  if (grads.join() !== [`${MINUS}4`, `${MINUS}4`, '3'].join()) throw new StepError(`the red labels on x, y, z say ${JSON.stringify(grads)}`);
  const red = back.grads.find((g) => g.from === 'x').fill;
  const green = back.values.find((g) => g.from === 'x').fill;
  if (red === green) throw new StepError(`values and gradients are drawn in the same colour ${red}`);
  if (!/backward pass is done/.test(back.caption)) throw new StepError(`the caption says ${JSON.stringify(back.caption)}`);
  ctx.check(`${back.counter}: ∂f/∂x, ∂f/∂y, ∂f/∂z = ${grads.join(', ')} in ${red} below the wires, values in ${green}`);
  await frame.locator('#circuit-view .cv').focus();
  await page.keyboard.press('ArrowLeft');
  await poll('← to step back once', 5000, async () => (await readCircuit(frame)).pos === back.last - 1);
  await page.keyboard.press('ArrowRight');
  await poll('→ to step on again', 5000, async () => (await readCircuit(frame)).pos === back.last);
  ctx.check('← and → step back and on when the circuit has focus');
  await sleep(300);
  await screenshot(page, ctx, path.join(SHOTS, `circuit-${ctx.theme}.png`), await panelIframe(page, frame));
}

/** Types z: −5 over z: −4 in the editor; the same panel shows the error mid-way, then f = −15 (the step position kept). */
async function editInput(page, ctx, frame) {
  await page.locator('.editor-instance .monaco-editor .view-line', { hasText: /^inputs:/ }).first().click();
  await page.keyboard.press('End');
  await page.keyboard.press('ArrowLeft');
  await page.keyboard.press('ArrowLeft');
  await page.keyboard.press('Backspace');
  let s = null;
  await poll('the error of "z: -" above the last circuit that evaluated', 10_000, async () => {
    s = await readCircuit(frame);
    return s.error && s.gates.length === 2 ? s : null;
  }).catch((e) => {
    throw new StepError(`${e.message}; the panel shows ${JSON.stringify({ error: s?.error, gates: s?.gates })}`);
  });
  ctx.check(`half typed, the panel says ${JSON.stringify(s.error)} and keeps the circuit`);
  await page.keyboard.type('5');
  await poll('f = −15 in the same panel', 10_000, async () => {
    s = await readCircuit(frame);
    return s.value === '-15' && !s.error ? s : null;
  }).catch(async (e) => {
    throw new StepError(`${e.message}; the panel shows ${JSON.stringify(s)}; the editor: ${JSON.stringify((await editorLines(page)).filter((l) => /inputs/.test(l)))}`);
  });
  if (label(s.values, 'n2', 'output') !== `${MINUS}15` || label(s.grads, 'n2', 'output') !== '1') throw new StepError(`the output wire says ${label(s.values, 'n2', 'output')} / ${label(s.grads, 'n2', 'output')}`);
  if (s.pos !== s.last) throw new StepError(`the step position went from the end to ${s.pos}`);
  if (label(s.grads, 'n1', 'n2') !== `${MINUS}5`) throw new StepError(`∂f/∂q shows ${label(s.grads, 'n1', 'n2')}, not −5`);
  ctx.check(`typed z: -5: the same panel redrew f = ${MINUS}15, ∂f/∂q = ${MINUS}5, still at ${s.counter}; header ${JSON.stringify(s.result)}`);
  await screenshot(page, ctx, path.join(SHOTS, `circuit-edited-${ctx.theme}.png`), await panelIframe(page, frame));
}

/** Pairs of wire labels (non-empty) whose drawn boxes overlap, as the panel lays them out. */
async function overlappingLabels(frame) {
  return frame.evaluate(() => {
    const boxes = [...document.querySelectorAll('text.cv-val, text.cv-grad')].filter((t) => t.textContent !== '')
      .map((t) => ({ text: t.textContent, r: t.getBoundingClientRect() }));
    const hits = [];
    for (let a = 0; a < boxes.length; a++) {
      for (let b = a + 1; b < boxes.length; b++) {
        const p = boxes[a].r;
        const q = boxes[b].r;
        if (p.left < q.right - 1 && q.left < p.right - 1 && p.top < q.bottom - 1 && q.top < p.bottom - 1) hits.push(`${boxes[a].text} / ${boxes[b].text}`);
      }
    }
    return { count: boxes.length, hits };
  });
}

/** cs231n's staged example, everything shown: no two labels overlap; screenshot circuit-staged-<theme>.png. */
async function stagedExample(page, ctx) {
  await openModelFile(page, ctx, 'circuit-staged.nn.yaml', /^\s*Show Circuit\s*$/);
  await runExactCommand(page, 'TrainLens: Show Circuit');
  let frame = null;
  await poll('the staged example\'s circuit panel', 20_000, async () => {
    frame = await circuitFrame(page);
    return frame && (await readCircuit(frame)).gates.includes('div') ? frame : null;
  });
  await frame.locator('vscode-button[data-step="all"]').click({ timeout: 5000 });
  const s = await poll('Show all', 5000, async () => {
    const x = await readCircuit(frame);
    return x.pos === x.last ? x : null;
  });
  const { count, hits } = await overlappingLabels(frame);
  if (hits.length) throw new StepError(`labels overlap on the staged circuit: ${hits.join('; ')}`);
  ctx.check(`circuit-staged.nn.yaml: ${s.gates.length} gates, ${count} labels shown, none overlapping; header ${JSON.stringify(s.result)}`);
  await sleep(300);
  await screenshot(page, ctx, path.join(SHOTS, `circuit-staged-${ctx.theme}.png`), await panelIframe(page, frame));
  return frame;
}

export async function circuitScenario(page, ctx) {
  const frame = await openCircuit(page, ctx);
  await stepThrough(page, ctx, frame);
  await editInput(page, ctx, frame);
  // A click on the + gate selects "+" in the expression.
  await frame.locator('g.cv-gate[data-op="add"]').click();
  await poll('the editor to select the + gate\'s text', 5000, () => page.locator('.editor-instance .monaco-editor .selected-text').count());
  ctx.check('clicking the + gate selected its text in the editor');
  const staged = await stagedExample(page, ctx);
  // A window reload: the serializer brings the panel back from its saved state, drawn again by the host.
  await runCommand(page, 'Developer: Reload Window');
  let back = null;
  await poll('the circuit panel back after the window reload', 90_000, async () => {
    const f = await circuitFrame(page);
    if (!f || f === staged) return null;
    back = await readCircuit(f);
    return back.gates.includes('div') ? back : null;
  }).catch((e) => {
    throw new StepError(`${e.message}; it shows ${JSON.stringify(back)}`);
  });
  ctx.check(`after "Developer: Reload Window" the staged circuit's panel is back: ${back.gates.length} gates, header ${JSON.stringify(back.result)}`);
}
