import * as vscode from 'vscode';
import { baseDir, specOf, targetDocument, type CommandDeps } from './context';
import { INIT_NOTES, OPTIMIZER_NOTES } from '../language/docs';
import { modelTitle } from '../models';
import { requireTrust } from './trust';
import { Comparison } from '../../training/compare';
import { compareOf, compareVariants, type CompareDimension } from '../../model/variants';
import { ACTIVATIONS, INIT_SCHEMES, OPTIMIZERS, type ModelSpec } from '../../model/spec';

export interface CompareChoice {
  dimension: CompareDimension;
  values: Array<string | number>;
}

/** What each dimension sweeps, for the QuickPick. */
function dimensionDetail(d: CompareDimension): string {
  switch (d) {
    case 'optimizer': return vscode.l10n.t('the update rule, at the file\'s learning rate (cs231n lecture 7)');
    case 'init': return vscode.l10n.t('the weight initialization (cs231n lecture 6)');
    case 'lr': return vscode.l10n.t('the learning rate of the file\'s optimizer');
    case 'activation': return vscode.l10n.t('every nonlinearity of the network');
    case 'loss': return vscode.l10n.t('softmax cross-entropy against the multiclass SVM');
  }
}

/** The values offered for a dimension, and which start checked. */
function offered(spec: ModelSpec, d: CompareDimension): Array<{ value: string | number; picked: boolean; detail?: string }> {
  switch (d) {
    case 'optimizer': return OPTIMIZERS.map((o) => ({ value: o, picked: o !== 'adamw', detail: OPTIMIZER_NOTES[o] }));
    case 'init': return INIT_SCHEMES.map((i) => ({ value: i, picked: true, detail: INIT_NOTES[i] }));
    case 'lr': {
      const lr = spec.optimizer.lr;
      return [10, 1, 0.1, 0.01].map((f) => ({ value: Number((lr * f).toPrecision(3)), picked: true }));
    }
    case 'activation': return ACTIVATIONS.filter((a) => a !== 'linear').map((a) => ({ value: a, picked: a !== 'gelu' }));
    case 'loss': return [{ value: 'softmax', picked: true }, { value: 'svm', picked: true }];
  }
}

/** The dimensions the QuickPick offers: softmax against SVM needs class labels, so a regression model (loss: mse) is not offered it. */
export function compareDimensions(spec: ModelSpec): CompareDimension[] {
  return (['optimizer', 'init', 'lr', 'activation', 'loss'] as const).filter((d) => d !== 'loss' || spec.loss !== 'mse');
}

async function pickComparison(spec: ModelSpec, title: string): Promise<CompareChoice | undefined> {
  type Item = vscode.QuickPickItem & { choice?: CompareChoice; dimension?: CompareDimension };
  const items: Item[] = [];
  if (spec.compare) {
    const c = compareOf(spec.compare);
    items.push({
      label: `$(file) ${c.dimension}: ${c.values.join(', ')}`, description: vscode.l10n.t('the file\'s compare: section'),
      choice: { dimension: c.dimension, values: c.values },
    }, { label: '', kind: vscode.QuickPickItemKind.Separator });
  }
  for (const d of compareDimensions(spec)) items.push({ label: d, detail: dimensionDetail(d), dimension: d });
  const picked = await vscode.window.showQuickPick(items, { title: vscode.l10n.t('Compare — {0}', title), placeHolder: vscode.l10n.t('What to vary (everything else stays, seed included)') });
  if (!picked) return undefined;
  if (picked.choice) return picked.choice;
  const dimension = picked.dimension!;
  const values = await vscode.window.showQuickPick(
    offered(spec, dimension).map((v) => ({ label: String(v.value), picked: v.picked, detail: v.detail, value: v.value })),
    { title: vscode.l10n.t('Compare {0} — {1}', dimension, title), placeHolder: vscode.l10n.t('The variants to train, each from the same seed (the same batches; the same initial weights unless the init changes)'), canPickMany: true },
  );
  if (!values || values.length === 0) return undefined;
  return { dimension, values: values.map((v) => v.value) };
}

/**
 * Compare…: one run per value of a dimension (the file's `compare:` section or one picked), each
 * from the same seed, two at a time; the panel overlays them live, the notification shows
 * progress and cancels.
 */
export async function compareCommand(deps: CommandDeps, uri?: unknown, choice?: CompareChoice): Promise<Comparison | undefined> {
  if (!requireTrust(vscode.l10n.t('Compare'))) return undefined;
  const doc = await targetDocument(uri);
  if (!doc) return undefined;
  const spec = await specOf(deps, doc, 'train');
  if (!spec) return undefined;
  const title = modelTitle(doc.uri);
  const chosen = choice ?? await pickComparison(spec, title);
  if (!chosen) return undefined;
  const variants = compareVariants(spec, chosen.dimension, chosen.values);
  const source = doc.uri.toString();
  const c = new Comparison(deps.runs, source, title, chosen.dimension, variants, baseDir(doc)).start();
  deps.charts.showComparison(source, c, chosen.dimension === 'init'
    ? vscode.l10n.t('{0}: {1} variants from the same seed', chosen.dimension, variants.length)
    : vscode.l10n.t('{0}: {1} variants from identical weights', chosen.dimension, variants.length));
  void vscode.window.withProgress({
    location: vscode.ProgressLocation.Notification, cancellable: true,
    title: vscode.l10n.t('TrainLens: comparing {0} ({1} variants, {2} at a time)', chosen.dimension, variants.length, c.concurrency),
  }, (progress, token) => {
    token.onCancellationRequested(() => c.cancel());
    const sub = c.onEvent((e) => {
      if (e.type === 'ended') {
        progress.report({ increment: 100 / variants.length, message: vscode.l10n.t('{0} of {1} done ({2}: {3})', c.done, variants.length, variants[e.index].label, e.session.status) });
      }
    });
    return c.finished.then(() => sub.dispose());
  });
  return c;
}
