import * as vscode from 'vscode';
import { baseDir, specOf, targetDocument, type CommandDeps } from './context';
import { INIT_NOTES, OPTIMIZER_NOTES } from '../language/docs';
import { modelTitle } from '../models';
import { requireTrust } from './trust';
import { Comparison } from '../../training/compare';
import { compareOf, compareVariants, withSeeds, type CompareDimension } from '../../model/variants';
import { ACTIVATIONS, INIT_SCHEMES, OPTIMIZERS, isSurfaceSpec, type ModelSpec } from '../../model/spec';

export interface CompareChoice {
  dimension: CompareDimension;
  values: Array<string | number>;
  /** Runs per variant (seeds train.seed, train.seed + 1, …); absent: the file's `seeds:`, else 1. */
  seeds?: number;
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

/**
 * The dimensions the QuickPick offers: softmax against SVM needs class labels, so a regression model
 * (loss: mse) is not offered it; a surface has only its update rule and learning rate to vary.
 */
export function compareDimensions(spec: ModelSpec): CompareDimension[] {
  if (isSurfaceSpec(spec)) return ['optimizer', 'lr'];
  return (['optimizer', 'init', 'lr', 'activation', 'loss'] as const).filter((d) => d !== 'loss' || spec.loss !== 'mse');
}

async function pickComparison(spec: ModelSpec, title: string): Promise<CompareChoice | undefined> {
  type Item = vscode.QuickPickItem & { choice?: CompareChoice; dimension?: CompareDimension };
  const items: Item[] = [];
  const c = spec.compare && compareOf(spec.compare);
  if (c) {
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
 * How many seeds per variant, when the file's compare: section does not say. A surface without
 * gradient noise has nothing a seed changes: one run per variant, without asking.
 */
async function pickSeeds(spec: ModelSpec, title: string): Promise<number | undefined> {
  if (isSurfaceSpec(spec) && !(spec.surface.noise > 0)) return 1;
  const items = [1, 3, 5].map((n) => ({
    label: n === 1 ? vscode.l10n.t('1 seed') : vscode.l10n.t('{0} seeds', n), n,
    detail: n === 1
      ? vscode.l10n.t('each variant once, from the file\'s seed')
      : vscode.l10n.t('each variant {0} times (seeds s … s+{1}): its mean with a min–max band, and mean ± std of its final figures', n, n - 1),
  }));
  const picked = await vscode.window.showQuickPick(items, {
    title: vscode.l10n.t('Compare — {0}: seeds per variant', title),
    placeHolder: isSurfaceSpec(spec)
      ? vscode.l10n.t('Each seed draws different gradient noise; the start stays the same')
      : vscode.l10n.t('Each seed changes the initial weights, the batch order and dropout; the data and its split stay the same'),
  });
  return picked?.n;
}

/** What the panel's overlay bar says the comparison is. */
function comparisonTitle(dimension: CompareDimension, variants: number, seeds: number, surface: boolean): string {
  if (surface) {
    return seeds > 1
      ? vscode.l10n.t('{0}: {1} variants × {2} seeds from the same start (each seed its own gradient noise)', dimension, variants, seeds)
      : vscode.l10n.t('{0}: {1} variants from the same start', dimension, variants);
  }
  if (seeds > 1) return vscode.l10n.t('{0}: {1} variants × {2} seeds (one data split; each seed its own initial weights and batch order)', dimension, variants, seeds);
  return dimension === 'init'
    ? vscode.l10n.t('{0}: {1} variants from the same seed', dimension, variants)
    : vscode.l10n.t('{0}: {1} variants from identical weights', dimension, variants);
}

/**
 * Compare…: one run per value of a dimension (the file's `compare:` section or one picked), each
 * from the same seed, two at a time; the panel overlays them live, the notification shows
 * progress and cancels. Over k seeds (the file's `seeds:`, the choice's, or asked), each variant
 * trains k times and the panel draws its mean with a min–max band (variants.ts: withSeeds).
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
  const seeds = chosen.seeds ?? spec.compare?.seeds ?? (choice ? 1 : await pickSeeds(spec, title));
  if (seeds === undefined) return undefined;
  const variants = compareVariants(spec, chosen.dimension, chosen.values);
  const runs = withSeeds(variants, seeds);
  const source = doc.uri.toString();
  const c = new Comparison(deps.runs, source, title, chosen.dimension, runs, baseDir(doc), undefined, seeds).start();
  deps.charts.showComparison(source, c, comparisonTitle(chosen.dimension, variants.length, seeds, isSurfaceSpec(spec)));
  void vscode.window.withProgress({
    location: vscode.ProgressLocation.Notification, cancellable: true,
    title: seeds > 1
      ? vscode.l10n.t('TrainLens: comparing {0} ({1} variants × {2} seeds, {3} at a time)', chosen.dimension, variants.length, seeds, c.concurrency)
      : vscode.l10n.t('TrainLens: comparing {0} ({1} variants, {2} at a time)', chosen.dimension, variants.length, c.concurrency),
  }, (progress, token) => {
    token.onCancellationRequested(() => c.cancel());
    const sub = c.onEvent((e) => {
      if (e.type === 'ended') {
        progress.report({ increment: 100 / runs.length, message: vscode.l10n.t('{0} of {1} done ({2}: {3})', c.done, runs.length, runs[e.index].label, e.session.status) });
      }
    });
    return c.finished.then(() => sub.dispose());
  });
  return c;
}
