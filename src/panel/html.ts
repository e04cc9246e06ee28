/**
 * The chart panel's HTML document: header, toolbar and one card per chart. All of the panel's
 * markup lives here; webview/main.ts fills it in. The CSP allows only the nonce'd bundle and the
 * extension's own style sheets and fonts: no inline script or style.
 */
import * as vscode from 'vscode';
import type { ChartId, PanelAction } from '../training/protocol';
import { panelCsp } from './csp';

export interface PanelHtmlOptions {
  /** webview.cspSource */
  cspSource: string;
  /** A fresh random nonce for the script tag. */
  nonce: string;
  /** webview.asWebviewUri(dist/webview.js) */
  scriptUri: string;
  /** webview.asWebviewUri(media/panel.css) */
  styleUri: string;
  /** codicon.css (from @vscode/codicons); when given, the toolbar buttons carry codicons. */
  codiconsUri?: string;
  /** The display language (vscode.env.language), for the document's lang. */
  language?: string;
  /** The extension's l10n bundle in that language (vscode.l10n.bundle), for the strings webview/ writes; none in English. */
  l10n?: Record<string, unknown>;
}

const escape = (s: string): string =>
  s.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

interface Card {
  chart: ChartId;
  title: string;
  why: string;
  /** The element the chart is drawn in (its id and test hooks). */
  body: string;
  /** Shown only when something is there (the decision boundary). */
  hidden?: boolean;
}

const canvas = (chart: ChartId, label: string, box = 'chart-box'): string =>
  `<div class="${box}"><canvas id="chart-${chart}" data-points="0" role="img" aria-label="${escape(label)}"></canvas></div>`;

const GROUPS: Array<{ title: string; cards: Card[] }> = [
  {
    title: vscode.l10n.t('Loss'),
    cards: [
      {
        chart: 'loss', title: vscode.l10n.t('Loss'),
        why: vscode.l10n.t('Is it learning? Too high a learning rate plateaus early or blows up; too low decays slowly, almost linearly.'),
        body: `<div class="chart-box"><canvas id="loss-chart" data-points="0" data-state="idle" data-markers="0" role="img" aria-label="${escape(vscode.l10n.t('Training loss per step, raw and smoothed, and validation loss per epoch'))}"></canvas></div>`,
      },
      {
        chart: 'accuracy', title: vscode.l10n.t('Accuracy'),
        why: vscode.l10n.t('The gap between the training and validation accuracy indicates the amount of overfitting.'),
        body: canvas('accuracy', vscode.l10n.t('Train accuracy (eval mode, fixed sample of the training set), its running training-mode figure, and validation accuracy per epoch'), 'chart-box short'),
      },
      {
        chart: 'r2', title: vscode.l10n.t('R² and RMSE'), hidden: true,
        why: vscode.l10n.t('R² = 1 − SS_res/SS_tot on each set, in eval mode: 1 is a perfect fit, 0 no better than predicting the mean. RMSE is in the target\'s units. A gap between training and validation R² indicates overfitting.'),
        body: canvas('r2', vscode.l10n.t('R² of the training and validation sets per epoch (top) and validation RMSE (bottom)'), 'chart-box r2'),
      },
    ],
  },
  {
    title: vscode.l10n.t('Gradient flow'),
    cards: [
      {
        chart: 'grad-flow', title: vscode.l10n.t('Gradient norm per layer'),
        why: vscode.l10n.t('Vanishing or exploding gradients: a layer whose ‖∂L/∂W‖ sits orders of magnitude below the rest barely learns.'),
        body: canvas('grad-flow', vscode.l10n.t('Gradient norm of each layer over the steps, log scale')),
      },
      {
        chart: 'grad-bars', title: vscode.l10n.t('Gradient norm now'),
        why: vscode.l10n.t('The same, layer by layer at the latest statistics: bars decades apart show where the signal dies or explodes.'),
        body: canvas('grad-bars', vscode.l10n.t('Gradient norm of each layer at the latest statistics step, log scale'), 'chart-box bars'),
      },
    ],
  },
  {
    title: vscode.l10n.t('Activations'),
    cards: [
      {
        chart: 'histograms', title: vscode.l10n.t('Activation histograms now'),
        why: vscode.l10n.t('The weight-init experiment: too small an init and deeper layers collapse to zero; too large and tanh saturates at ±1.'),
        body: canvas('histograms', vscode.l10n.t('Histogram of each layer\'s activations at the latest statistics step'), 'hist-box'),
      },
      {
        chart: 'act-std', title: vscode.l10n.t('Activation std and mean'),
        why: vscode.l10n.t('With a good init the std of the activations stays about the same from layer to layer instead of shrinking or growing.'),
        body: canvas('act-std', vscode.l10n.t('Standard deviation (log scale, top) and mean (bottom) of each layer\'s activations over the steps'), 'chart-box tall'),
      },
      {
        chart: 'act-health', title: vscode.l10n.t('Dead and saturated units'),
        why: vscode.l10n.t('A dead ReLU never fires, a saturated tanh or sigmoid sits at its limit: either way no gradient flows through it.'),
        body: canvas('act-health', vscode.l10n.t('Percentage of dead ReLU units and saturated tanh or sigmoid outputs per layer over the steps')),
      },
    ],
  },
  {
    title: vscode.l10n.t('Updates'),
    cards: [
      {
        chart: 'updates', title: vscode.l10n.t('Update / weight ratio'),
        why: vscode.l10n.t('The ratio of the update magnitudes to the weight magnitudes should be around 1e-3: far lower, the learning rate is too low; higher, too high.'),
        body: canvas('updates', vscode.l10n.t('Ratio of update norm to weight norm per layer over the steps, log scale, with the 1e-3 band')),
      },
    ],
  },
  {
    title: vscode.l10n.t('Weights'),
    cards: [
      {
        chart: 'weights', title: vscode.l10n.t('First-layer weights'), hidden: true,
        why: vscode.l10n.t('What the first layer looks for: each unit\'s (or filter\'s) weights laid out as an image of its input. Trained, they show strokes and edges; at initialization, noise.'),
        body: canvas('weights', vscode.l10n.t('The first layer\'s weights as images, one per unit or filter'), 'weights-box'),
      },
    ],
  },
  {
    title: vscode.l10n.t('Fit'),
    cards: [
      {
        chart: 'fit', title: vscode.l10n.t('Fit'), hidden: true,
        why: vscode.l10n.t('What the network learned: its prediction across the inputs (a curve over 1-D data, a heatmap over 2-D data) from the current weights, with the training and validation points and their targets.'),
        body: `<div class="chart-box fit" id="box-fit-curve"><canvas id="chart-fit" data-points="0" role="img" aria-label="${escape(vscode.l10n.t('Predicted value over the input range, with the training and validation points'))}"></canvas></div>` +
          `<div class="boundary-box" id="box-fit-map" hidden><canvas id="chart-fit-map" data-points="0" role="img" aria-label="${escape(vscode.l10n.t('Predicted value over the input plane as colours, with the points coloured by their target'))}"></canvas></div>`,
      },
    ],
  },
  {
    title: vscode.l10n.t('Decision boundary'),
    cards: [
      {
        chart: 'boundary', title: vscode.l10n.t('Decision boundary'), hidden: true,
        why: vscode.l10n.t('What the network learned: the class it predicts at every point of the plane, with the training points on top.'),
        body: canvas('boundary', vscode.l10n.t('Predicted class over the input plane, with the training points coloured by label'), 'boundary-box'),
      },
    ],
  },
];

function card(c: Card): string {
  return `
    <section class="card" id="card-${c.chart}" aria-labelledby="title-${c.chart}"${c.hidden ? ' hidden' : ''}>
      <div class="card-head">
        <h3 id="title-${c.chart}">${escape(c.title)}</h3>
        <span class="note" id="note-${c.chart}"></span>
        <button type="button" class="save" id="save-${c.chart}" data-chart="${c.chart}" title="${escape(vscode.l10n.t('Save this chart as a PNG image'))}" disabled>${escape(vscode.l10n.t('Save PNG'))}</button>
      </div>
      <p class="why">${escape(c.why)}</p>
      ${c.body}
    </section>`;
}

const ACTIONS: Array<{ action: PanelAction; label: string; icon: string; title: string; primary?: boolean; hidden?: boolean }> = [
  { action: 'train', label: vscode.l10n.t('▶ Train'), icon: 'play', title: vscode.l10n.t('Train the model file again from the start'), primary: true },
  { action: 'pause', label: vscode.l10n.t('Pause'), icon: 'debug-pause', title: vscode.l10n.t('Pause after the current step') },
  { action: 'resume', label: vscode.l10n.t('▶ Resume'), icon: 'debug-continue', title: vscode.l10n.t('Go on training'), hidden: true },
  { action: 'step', label: vscode.l10n.t('Step'), icon: 'debug-step-over', title: vscode.l10n.t('Train one batch (while paused)') },
  { action: 'stop', label: vscode.l10n.t('■ Stop'), icon: 'debug-stop', title: vscode.l10n.t('Stop after the current step') },
  { action: 'swapOptimizer', label: vscode.l10n.t('Swap optimizer…'), icon: 'arrow-swap', title: vscode.l10n.t('Change the update rule; a running run goes on from the same weights') },
  { action: 'swapInit', label: vscode.l10n.t('Swap init…'), icon: 'symbol-variable', title: vscode.l10n.t('Change the weight-init scheme and train again, the current run kept faded for comparison') },
  { action: 'gradcheck', label: vscode.l10n.t('∇ Gradient check'), icon: 'check-all', title: vscode.l10n.t('Check every parameter\'s backward pass against centered differences') },
];

function toolbar(icons: boolean): string {
  return ACTIONS.map((a) => {
    const label = icons ? a.label.replace(/^[▶■∇]\s*/u, '') : a.label;
    const attrs = [
      `id="btn-${a.action}"`, `data-action="${a.action}"`, `title="${escape(a.title)}"`, 'disabled',
      a.primary ? '' : 'secondary', a.hidden ? 'hidden' : '', icons ? `icon="${a.icon}"` : '',
    ].filter(Boolean).join(' ');
    return `<vscode-button ${attrs}>${escape(label)}</vscode-button>`;
  }).join('\n      ');
}

export function panelHtml(opts: PanelHtmlOptions): string {
  const { cspSource, nonce } = opts;
  const csp = panelCsp(cspSource, nonce);
  const icons = Boolean(opts.codiconsUri);
  // The strings webview/ writes at run time come from this bundle (none in English).
  const l10nData = opts.l10n ? ` data-l10n="${escape(JSON.stringify(opts.l10n))}"` : '';
  const codicons = opts.codiconsUri ? `\n  <link rel="stylesheet" id="vscode-codicon-stylesheet" href="${escape(opts.codiconsUri)}">` : '';
  return `<!DOCTYPE html>
<html lang="${escape(opts.language ?? 'en')}">
<head>
  <meta charset="UTF-8">
  <meta http-equiv="Content-Security-Policy" content="${csp}">
  <meta name="viewport" content="width=device-width, initial-scale=1.0">
  <link rel="stylesheet" href="${escape(opts.styleUri)}">${codicons}
  <title>TrainLens</title>
</head>
<body${l10nData}>
  <header class="run-header">
    <div class="title-row">
      <h1 id="run-title">TrainLens</h1>
      <span id="run-status" class="badge" hidden></span>
      <span id="run-stale" class="badge stale" title="${escape(vscode.l10n.t('The host no longer has this run: these are the charts the panel saved before the window reloaded'))}" hidden>${escape(vscode.l10n.t('from before the reload'))}</span>
    </div>
    <div id="run-summary" class="summary">${vscode.l10n.t('No run of this model file yet: choose {0} to start one.', `<strong>${escape(vscode.l10n.t('▶ Train'))}</strong>`)}</div>
    <div id="run-details" class="details"></div>
    <div id="run-error" class="run-error" role="alert" hidden></div>
    <div id="overlay-bar" class="overlay-bar" hidden>
      <div class="overlay-head"><strong id="overlay-title"></strong>
        <button type="button" id="overlay-clear" class="link" title="${escape(vscode.l10n.t('Show this model file\'s own run again'))}">${escape(vscode.l10n.t('Back to this file\'s run'))}</button></div>
      <ul id="overlay-list" class="overlay-list"></ul>
    </div>
  </header>
  <div class="toolbar" role="toolbar" aria-label="${escape(vscode.l10n.t('Training'))}">
      ${toolbar(icons)}
  </div>
  <main>${GROUPS.map((g) => `
    <div class="group" id="group-${g.cards[0].chart}"${g.cards.every((c) => c.hidden) ? ' hidden' : ''}>
    <h2>${escape(g.title)}</h2>${g.cards.map(card).join('')}
    </div>`).join('')}
    <div class="group" id="group-gradcheck" hidden>
    <h2>${escape(vscode.l10n.t('Gradient check'))}</h2>
    <section class="card" id="card-gradcheck" aria-labelledby="title-gradcheck">
      <div class="card-head"><h3 id="title-gradcheck">${escape(vscode.l10n.t('Analytic vs numeric gradient'))}</h3><span class="note" id="note-gradcheck"></span></div>
      <p class="why">${escape(vscode.l10n.t('Relative error: above 1e-2 the gradient is probably wrong; 1e-4 is okay only with kinks (ReLU, max); 1e-7 and less, be happy.'))}</p>
      <div id="gradcheck-body" class="gradcheck"></div>
    </section>
    </div>
  </main>
  <script nonce="${escape(nonce)}" src="${escape(opts.scriptUri)}"></script>
</body>
</html>`;
}
