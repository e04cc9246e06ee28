/** The chart panel: draws what the host sends; owns no truth of its own. */
import './l10n'; // first: the panel's strings are configured before any other module runs
import '@vscode-elements/elements/dist/vscode-button/index.js';
import {
  CHART_IDS, PANEL_ACTIONS, type HostToWebview, type PanelAction, type RunSnapshot, type WebviewToHost,
} from '../src/training/protocol';
import { chartPng } from './png';
import { isRunSnapshot, RunStore, type GradcheckState } from './store';
import { onThemeChange } from './theme';
import { initTabs, isTabShown, onTabShown, selectedTab, showTab, showTabHeader, type TabId } from './tabs';
import { PanelCharts } from './panel-charts';
import { SanityView } from './sanity';
import { LrFindView } from './lr-find';
import { initTune } from './tune';
import { FindingsView } from './findings';
import { InspectView } from './inspect/view';
import { LandscapeView } from './landscape/view';
import { MistakesView } from './mistakes/view';
import { INSPECT_POINT_EVENT, type InspectPointDetail } from './mistakes/boundary-marks';

interface VsCodeApi {
  postMessage(m: WebviewToHost): void;
  getState(): unknown;
  setState(s: unknown): void;
}
declare function acquireVsCodeApi(): VsCodeApi;

interface SavedState {
  run?: RunSnapshot | null;
  gradcheck?: GradcheckState | null;
  /** The tab on show. */
  tab?: TabId;
}

const vscode = acquireVsCodeApi();
const $ = <T extends HTMLElement>(id: string): T => document.getElementById(id) as T;

const store = new RunStore();
const charts = new PanelCharts(store);

let frame = 0;
let important = false;
let lastRenderedPost = 0;
let lastStateSave = 0;
/** A draw that was not reported (throttled) is reported a little later, so the host sees the last one. */
let trailing = 0;

function scheduleDraw(urgent = false): void {
  important ||= urgent;
  if (frame) return;
  frame = requestAnimationFrame(() => {
    frame = 0;
    const urgentNow = important;
    important = false;
    charts.draw();
    drawSampleViews();
    afterDraw(urgentNow);
  });
}

function postRendered(): void {
  window.clearTimeout(trailing);
  trailing = 0;
  lastRenderedPost = Date.now();
  // Overlaid runs: how many smoothed loss points of each the loss chart drew.
  for (const o of store.overlays) vscode.postMessage({ type: 'rendered', runId: o.id, points: o.smooth.length });
  const run = store.run;
  // A run restored from the panel's saved state (stale: the host no longer has it) is reported too.
  if (!run) return;
  vscode.postMessage({ type: 'rendered', runId: run.info.runId, points: store.raw.length });
}

function afterDraw(urgent: boolean): void {
  const run = store.run;
  const now = Date.now();
  const ended = run !== null && run.status !== 'running';
  if (run || store.overlays.length > 0) {
    if (ended || urgent || now - lastRenderedPost > 250) postRendered();
    else trailing ||= window.setTimeout(postRendered, 250 - (now - lastRenderedPost));
  }
  // The saved state is the whole history: save it at most every second, less often as it grows.
  const size = run ? store.raw.length + store.statsCount * Math.max(1, store.layerNames().length) * 6 : 0;
  if (ended || urgent || now - lastStateSave > 1000 + size / 50) {
    lastStateSave = now;
    try {
      const state: SavedState = { run: store.saved(), gradcheck: store.gradcheck, tab: selectedTab() };
      vscode.setState(state);
    } catch (e) {
      console.warn('TrainLens: could not save the panel state', e);
    }
  }
}

let lastAsk = 0;
function askAgain(): void {
  const now = Date.now();
  if (now - lastAsk < 1000) return;
  lastAsk = now;
  vscode.postMessage({ type: 'ready' });
}

window.addEventListener('message', (event: MessageEvent<HostToWebview>) => {
  const m = event.data;
  switch (m.type) {
    case 'snapshot':
      if (m.run) {
        store.load(m.run);
      } else if (store.run) {
        // The host has forgotten the run (a window reload): keep what we saved, marked as such.
        store.stale = true;
      }
      scheduleDraw(true);
      break;
    case 'progress':
      // A gap, or a run we have no snapshot of: ask the host for the whole run again.
      if (store.run?.info.runId !== m.runId || !store.addProgress(m)) askAgain();
      else scheduleDraw();
      break;
    case 'status':
      if (store.run && m.runId === store.run.info.runId) {
        store.setStatus(m.status, m.final, m.error);
        if (m.threads) store.run.info.threads = m.threads;
        scheduleDraw(true);
      }
      break;
    case 'gradcheck':
      if (m.reveal) showTab('checks');
      store.setGradcheck({ state: m.state, result: m.result, error: m.error });
      scheduleDraw(true);
      break;
    case 'overlays':
      store.setOverlays(m.overlays);
      scheduleDraw(true);
      break;
    case 'sanity':
      if (m.reveal) showTab('checks');
      sanityView.update(m);
      break;
    case 'lrFind':
      if (m.reveal) showTab('checks');
      lrFindView.update(m);
      break;
    case 'findings':
      // Kept with the run, so the saved state brings them back after a reload (the view draws them itself).
      if (store.run && m.runId === store.run.info.runId) {
        store.run.findings = m.findings;
        scheduleDraw(true);
      }
      break;
    case 'inspect':
      inspectView.set(m.state);
      if (m.state.result?.labelNames) labelNames = m.state.result.labelNames;
      if (m.reveal) showTab('inspect');
      if (m.view === 'circuit' && m.reveal) inspectView.revealCircuit();
      break;
    case 'landscape':
      showTabHeader('landscape');
      landscapeView.set(m.state);
      if (m.reveal) showTab('landscape');
      break;
  }
});

/** The Mistakes tab and the Inspect tab's gallery, from the run (its epochs' confusion, its newest mistakes, its held-out images). */
let labelNames: string[] | undefined;
function drawSampleViews(): void {
  const run = store.run;
  mistakesView.update(store.epochItems, run?.mistakes ?? null, run?.info.boundary?.labelNames ?? labelNames);
  inspectView.setGallery(run?.gallery ?? null);
  inspectView.refreshHeader();
  landscapeView.refresh();
}

// A click on a point of the decision boundary inspects its training sample.
document.addEventListener(INSPECT_POINT_EVENT, (e) => {
  const d = (e as CustomEvent<InspectPointDetail>).detail;
  vscode.postMessage({ type: 'inspect', split: d.split, sample: d.sample });
});

document.getElementById('overlay-clear')?.addEventListener('click', () => vscode.postMessage({ type: 'clearOverlays' }));

for (const action of PANEL_ACTIONS) {
  const b = document.getElementById(`btn-${action}`) as (HTMLElement & { disabled: boolean }) | null;
  b?.addEventListener('click', () => {
    if (b.disabled) return;
    if (action === 'gradcheck') showTab('checks');
    vscode.postMessage({ type: 'action', action: action as PanelAction });
  });
}

for (const id of CHART_IDS) {
  const save = document.getElementById(`save-${id}`) as HTMLButtonElement | null;
  save?.addEventListener('click', () => {
    const title = document.getElementById(`title-${id}`)?.textContent ?? id;
    const note = document.getElementById(`note-${id}`)?.textContent ?? '';
    const run = store.run ? `${store.run.info.title} · ` : '';
    vscode.postMessage({ type: 'savePng', chart: id, dataUrl: chartPng(charts.surfaces[id].canvas, `${run}${title}`, note) });
  });
}

onThemeChange(() => {
  charts.retheme();
  scheduleDraw();
});

// The Checks tab's sanity and learning-rate cards (their buttons post their own actions).
const sanityView = new SanityView($('slot-sanity'), (m) => vscode.postMessage(m));
const lrFindView = new LrFindView($('slot-lrfind'), (m) => vscode.postMessage(m));
// The Tune tab: a search's scatter, trials and best curves (its buttons post their own actions).
initTune((m) => vscode.postMessage(m));
// The Findings tab: the training doctor's findings (it listens to the snapshot and findings messages itself).
const findingsView = new FindingsView($('slot-findings'), (m) => vscode.postMessage(m));
// The Mistakes tab (confusion matrix, mistakes) and the Inspect tab (one sample forward and backward).
const mistakesView = new MistakesView($('slot-mistakes'), (m) => vscode.postMessage(m));
// The Landscape tab: the loss landscape of the file's ended run (Show Loss Landscape).
const landscapeView = new LandscapeView($('slot-landscape'), (m) => vscode.postMessage(m),
  { isShown: () => isTabShown('landscape'), onShown: (cb) => onTabShown('landscape', cb) },
  () => (store.run ? { runId: store.run.info.runId, parameters: store.run.info.parameters } : null));
const inspectView = new InspectView($('slot-inspect'), (m) => vscode.postMessage(m), (runId) => (store.run?.info.runId === runId ? store.run.status : undefined));

const saved = vscode.getState() as SavedState | undefined;
// The saved tab is shown again; a change of tab draws its charts and saves the state.
initTabs(saved?.tab, () => scheduleDraw(true));
// A state saved by an older version of the panel (another history format) is left for the host to refill.
if (saved?.run && isRunSnapshot(saved.run)) {
  store.load(saved.run);
  findingsView.update(saved.run.info.runId, saved.run.findings ?? []);
}
// A check that was running when the webview went away reports to the host, not to us: show its last result.
if (saved?.gradcheck?.result) store.gradcheck = { state: 'done', result: saved.gradcheck.result, error: null };
scheduleDraw();
vscode.postMessage({ type: 'ready' });
