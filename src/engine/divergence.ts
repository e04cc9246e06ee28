import * as l10n from '@vscode/l10n';
import type { Divergence } from './trainer';

/**
 * What training says when it goes non-finite: in the display language in a worker the extension
 * started (it sends its strings), in English in the CLI.
 */

/** A short label for the chart marker, e.g. "NaN in layers[1] relu". */
export function divergenceLabel(d: Divergence): string {
  const value = Number.isNaN(d.loss) || d.where === 'gradient' || d.where === 'update' ? 'NaN/Inf' : String(d.loss);
  return d.at ? `${value} in ${d.at}` : `loss ${value}`;
}

/**
 * What the user reads when training diverges: the step, where, and what to try. `kept`: whether
 * the weights from before that step were kept (a run's are; an export that trains has none to give).
 */
export function divergenceMessage(d: Divergence, lr: number, kept = true): string {
  const where = d.where === 'forward' ? l10n.t('the output of {0} became NaN or infinite (loss {1})', d.at ?? '?', String(d.loss))
    : d.where === 'gradient' ? l10n.t('the gradient of {0} became NaN or infinite', d.at ?? '?')
      : d.where === 'update' ? l10n.t('the update would have made {0} or its optimizer state NaN or infinite, so it was not applied', d.at ?? '?')
      : l10n.t('the loss became {0}', String(d.loss));
  return [
    l10n.t('Training diverged at step {0}: {1}.', d.step, where),
    ...(kept ? [l10n.t('The weights from before this step are kept.')] : []),
    l10n.t('Lower the learning rate (now {0}) or change the init scheme.', lr),
  ].join(' ');
}

/** A tenth of a learning rate, written without float noise (0.1 → 0.01, not 0.010000000000000002). */
export function lowerLearningRate(lr: number): number {
  return Number((lr / 10).toPrecision(6));
}
