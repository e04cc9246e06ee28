import * as l10n from '@vscode/l10n';
import { isMap, isScalar, isSeq } from 'yaml';
import { LOSSES, SVM_MARGIN, type DataSpec, type LayerSpec, type LossName } from './spec';
import { MapReader, Reporter, rangeOf, readChoice, type Range } from './reader';
import { dataName, isRegression } from './data';

export interface LossReading {
  loss: LossName;
  /** Present when the file gives `margin:` (svm only). */
  svmMargin?: number;
  /** Where the loss is written (the value), for messages about it; undefined when the file leaves it out. */
  range?: Range;
}

/**
 * `loss: softmax`, or `loss: { type: svm, margin: Δ }` (margin > 0, svm only, default SVM_MARGIN).
 * Without `loss:`, mse for numeric targets and softmax for class labels.
 */
export function readLoss(r: Reporter, top: MapReader, data: DataSpec | undefined): LossReading {
  const fallback: LossName = data && isRegression(data) ? 'mse' : 'softmax';
  if (!top.has('loss')) return { loss: fallback };
  const node = top.node('loss');
  const range = top.valueRange('loss');
  if (!isMap(node)) return { loss: top.choice('loss', LOSSES, [], fallback) ?? fallback, range };
  const typePair = node.items.find((p) => isScalar(p.key) && p.key.value === 'type');
  if (!typePair) {
    r.error(top.keyRange('loss'), l10n.t("'loss' needs a 'type' ({0}), e.g. '{ type: svm, margin: 1 }'.", LOSSES.join(', ')));
    return { loss: fallback, range };
  }
  const type = readChoice(r, typePair.value, rangeOf(typePair.value, range), 'loss', LOSSES, []);
  if (!type) return { loss: fallback, range };
  const explain: Record<string, string> = type === 'svm' ? {} : { margin: l10n.t("'margin' is the SVM hinge's Δ; it applies to 'svm' only.") };
  const m = new MapReader(r, node, `'loss' (${type})`, type === 'svm' ? ['type', 'margin'] : ['type'], [], explain);
  const typeRange = rangeOf(typePair.value, range);
  if (type !== 'svm' || !m.has('margin')) return { loss: type, range: typeRange };
  return { loss: type, svmMargin: m.number('margin', SVM_MARGIN, { above: 0, max: 1e6 }), range: typeRange };
}

/**
 * Whether `loss` can be trained on `data`: mse needs numeric targets, softmax and svm class
 * labels. The message, or undefined when they fit.
 */
export function lossDataProblem(loss: LossName, data: DataSpec): string | undefined {
  const name = dataName(data);
  if (loss === 'mse' && !isRegression(data)) {
    return l10n.t("'mse' compares outputs with numeric targets, but '{0}' has class labels; use 'softmax' or 'svm', or regression data ('dataset: sine', 'dataset: ripple', or a csv with 'target:').", name);
  }
  if (loss !== 'mse' && isRegression(data)) {
    return l10n.t("'{0}' needs class labels, but '{1}' has numeric targets (regression); use 'loss: mse'.", loss, name);
  }
  return undefined;
}

/** Reports a loss that cannot train on the data: at the loss (or, when it is the default, at 'data'). */
export function checkLossData(r: Reporter, top: MapReader, reading: LossReading, data: DataSpec): boolean {
  const problem = lossDataProblem(reading.loss, data);
  if (problem) r.error(reading.range ?? top.keyRange('data'), problem);
  return problem === undefined;
}

/** `compare: { loss: [...] }`: each listed loss must train on the data; reported at the value. */
export function checkCompareLosses(r: Reporter, top: MapReader, data: DataSpec): void {
  const compare = top.node('compare');
  if (!isMap(compare)) return;
  const pair = compare.items.find((p) => isScalar(p.key) && p.key.value === 'loss');
  if (!pair || !isSeq(pair.value)) return;
  for (const item of pair.value.items) {
    const v = isScalar(item) ? item.value : undefined;
    if (typeof v !== 'string' || !(LOSSES as readonly string[]).includes(v)) continue;
    const problem = lossDataProblem(v as LossName, data);
    if (problem) r.error(rangeOf(item, top.valueRange('compare')), problem);
  }
}

/** Regression data whose input shape waits for the file: a model ending in a dense layer must have one unit per target. */
export function checkTargetWidth(r: Reporter, data: DataSpec, layers: LayerSpec[], layerRanges: Range[]): void {
  if (!isRegression(data)) return;
  let last = layers.length - 1;
  while (last > 0 && ['activation', 'dropout', 'batchnorm'].includes(layers[last].kind)) last--;
  const l = layers[last];
  if (l.kind === 'dense' && l.units !== data.targets) {
    r.error(layerRanges[last], l10n.t("The model ends with {0} outputs, but mse needs one output per target, and the data has {1} to predict. End with 'dense: {1}'.", l.units, data.targets!));
  }
}
