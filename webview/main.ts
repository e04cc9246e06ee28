/** The chart panel: draws what the host sends; owns no truth of its own. */
import type { EpochMetrics, FinalMetrics, HostToWebview, RunInfo, RunSnapshot, RunStatus, WebviewToHost } from '../src/training/protocol';
import { AccuracyChart, LossChart } from './charts';
import { onThemeChange } from './theme';

interface VsCodeApi {
  postMessage(m: WebviewToHost): void;
  getState(): unknown;
  setState(s: unknown): void;
}
declare function acquireVsCodeApi(): VsCodeApi;

const vscode = acquireVsCodeApi();
const $ = <T extends HTMLElement>(id: string): T => document.getElementById(id) as T;

const lossCanvas = $<HTMLCanvasElement>('loss-chart');
const accCanvas = $<HTMLCanvasElement>('acc-chart');
const loss = new LossChart(lossCanvas);
const acc = new AccuracyChart(accCanvas);

/** The run on screen, kept in webview state so a reload redraws it even if the host forgot it. */
let run: RunSnapshot | null = null;
let frame = 0;
let lastRenderedPost = 0;
let lastStateSave = 0;

function show(snapshot: RunSnapshot): void {
  run = { ...snapshot, losses: snapshot.losses.slice(), epochs: snapshot.epochs.slice() };
  loss.clear();
  acc.clear();
  loss.addSteps(1, snapshot.losses);
  loss.addEpochs(snapshot.epochs);
  acc.addEpochs(snapshot.epochs);
  scheduleDraw();
}

function addProgress(firstStep: number, losses: number[], epochs: EpochMetrics[], step: number, samplesPerSec: number): void {
  if (!run) return;
  // Steps arrive in order and exactly once; a gap or overlap means we missed a snapshot.
  if (firstStep !== run.losses.length + 1) {
    vscode.postMessage({ type: 'ready' });
    return;
  }
  for (const l of losses) run.losses.push(l);
  for (const e of epochs) run.epochs.push(e);
  run.step = step;
  run.samplesPerSec = samplesPerSec;
  loss.addSteps(firstStep, losses);
  loss.addEpochs(epochs);
  acc.addEpochs(epochs);
  scheduleDraw();
}

function setStatus(status: RunStatus, final: FinalMetrics | null, error: string | null): void {
  if (!run) return;
  run.status = status;
  run.final = final;
  run.error = error;
  scheduleDraw(true);
}

function scheduleDraw(important = false): void {
  if (frame) return;
  frame = requestAnimationFrame(() => {
    frame = 0;
    loss.draw();
    acc.draw();
    renderText();
    const now = Date.now();
    const finished = run !== null && run.status !== 'running';
    lossCanvas.dataset.points = String(loss.raw.length);
    accCanvas.dataset.points = String(acc.train.length);
    lossCanvas.dataset.state = run ? run.status : 'idle';
    if (run && (finished || important || now - lastRenderedPost > 250)) {
      vscode.postMessage({ type: 'rendered', runId: run.info.runId, points: loss.raw.length });
      lastRenderedPost = now;
    }
    if (finished || important || now - lastStateSave > 1000) {
      vscode.setState({ run });
      lastStateSave = now;
    }
  });
}

const pct = (x: number | null | undefined): string => (x === null || x === undefined || Number.isNaN(x) ? '–' : `${(x * 100).toFixed(1)}%`);
const num = (x: number): string => (Number.isFinite(x) ? x.toPrecision(4) : String(x));
const rate = (x: number): string => `${Math.round(x).toLocaleString('en-US')} samples/s`;

function describe(info: RunInfo): string {
  return `${info.parameters.toLocaleString('en-US')} parameters · ${info.trainSize} training / ${info.validationSize} held-out samples · batch ${info.batchSize} · ${info.optimizer}`;
}

function renderText(): void {
  const title = $('run-title');
  const status = $('run-status');
  const summary = $('run-summary');
  const stop = $<HTMLButtonElement>('stop');
  const train = $<HTMLButtonElement>('train');
  if (!run) {
    title.textContent = 'TrainLens';
    status.textContent = '';
    stop.disabled = true;
    train.disabled = true;
    return;
  }
  title.textContent = run.info.title;
  status.textContent = run.status;
  status.className = `status ${run.status}`;
  stop.disabled = run.status !== 'running';
  train.disabled = run.status === 'running';
  const last = run.epochs[run.epochs.length - 1];
  const lines: string[] = [];
  if (run.status === 'running') {
    const l = run.losses.length > 0 ? ` · loss ${num(run.losses[run.losses.length - 1])}` : '';
    lines.push(`epoch ${last?.epoch ?? 0}/${run.info.epochs} · step ${run.step}/${run.info.totalSteps}${l}` +
      (last ? ` · train acc ${pct(last.trainAcc)} · val acc ${pct(last.valAcc)}` : '') + ` · ${rate(run.samplesPerSec)}`);
  } else if (run.final) {
    const f = run.final;
    lines.push(`loss ${num(f.loss)} · train acc ${pct(f.trainAcc)} · val acc ${pct(f.valAcc)} · ${f.steps} steps in ${f.seconds.toFixed(2)} s · ${rate(f.samplesPerSec)}`);
  }
  if (run.error) lines.push(run.error);
  if (run.info.parameters > 0) lines.push(describe(run.info));
  summary.textContent = '';
  for (const line of lines) {
    const div = document.createElement('div');
    div.textContent = line;
    summary.appendChild(div);
  }
  summary.classList.toggle('error', run.status === 'failed');
}

window.addEventListener('message', (event: MessageEvent<HostToWebview>) => {
  const m = event.data;
  switch (m.type) {
    case 'snapshot':
      if (m.run) show(m.run);
      else scheduleDraw();
      break;
    case 'progress':
      if (run && m.runId === run.info.runId) addProgress(m.firstStep, m.losses, m.epochs, m.step, m.samplesPerSec);
      break;
    case 'status':
      if (run && m.runId === run.info.runId) setStatus(m.status, m.final, m.error);
      break;
  }
});

$('train').addEventListener('click', () => vscode.postMessage({ type: 'train' }));
$('stop').addEventListener('click', () => vscode.postMessage({ type: 'stop' }));
onThemeChange(() => {
  loss.retheme();
  acc.retheme();
  scheduleDraw();
});

const saved = vscode.getState() as { run?: RunSnapshot | null } | undefined;
if (saved?.run) show(saved.run);
else renderText();
vscode.postMessage({ type: 'ready' });
