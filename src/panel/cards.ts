/**
 * The chart cards of the panel: title, what it shows and why (cs231n), and the element it is drawn
 * in, grouped by the tab that shows them. src/panel/html.ts lays them out.
 */
import * as vscode from 'vscode';
import type { ChartId } from '../training/protocol';
import type { TabId } from './tabs';

export const escape = (s: string): string =>
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

/** The chart cards, grouped as each tab shows them (the group's id is group-<first chart>). */
export const GROUPS: Array<{ tab: TabId; cards: Card[] }> = [
  {
    tab: 'overview',
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
    tab: 'gradients',
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
    tab: 'activations',
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
    tab: 'gradients',
    cards: [
      {
        chart: 'updates', title: vscode.l10n.t('Update / weight ratio'),
        why: vscode.l10n.t('The ratio of the update magnitudes to the weight magnitudes should be around 1e-3: far lower, the learning rate is too low; higher, too high.'),
        body: canvas('updates', vscode.l10n.t('Ratio of update norm to weight norm per layer over the steps, log scale, with the 1e-3 band')),
      },
    ],
  },
  {
    tab: 'weights',
    cards: [
      {
        chart: 'weights', title: vscode.l10n.t('First-layer weights'), hidden: true,
        why: vscode.l10n.t('What the first layer looks for: each unit\'s (or filter\'s) weights laid out as an image of its input. Trained, they show strokes and edges; at initialization, noise.'),
        body: canvas('weights', vscode.l10n.t('The first layer\'s weights as images, one per unit or filter'), 'weights-box'),
      },
    ],
  },
  {
    tab: 'overview',
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
    tab: 'overview',
    cards: [
      {
        chart: 'boundary', title: vscode.l10n.t('Decision boundary'), hidden: true,
        why: vscode.l10n.t('What the network learned: the class it predicts at every point of the plane, with the training points on top; the points it gets wrong are ringed. Click a point to inspect that sample.'),
        body: canvas('boundary', vscode.l10n.t('Predicted class over the input plane, with the training points coloured by label'), 'boundary-box'),
      },
    ],
  },
];

export function card(c: Card): string {
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
