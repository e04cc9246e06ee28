/**
 * Tune… on a file without a `tune:` section: a QuickPick of the parameters to search (each with
 * the range it would be drawn from), the number of trials, epochs per trial and seeds, and whether
 * to write the chosen section into the file (one undoable edit).
 */
import * as vscode from 'vscode';
import type { ModelSpec } from '../../model/spec';
import { DEFAULT_TRIALS, TUNE_LIMITS, type TuneRange, type TuneSpec } from '../../model/tune';
import { offeredRanges, rangeText } from './tune-section';

/** What Tune… runs: the section's ranges, and whether to write them into the file first. */
export interface TuneChoice {
  tune: TuneSpec;
  write: boolean;
}

function rangeDetail(r: TuneRange): string {
  switch (r.kind) {
    case 'log': return vscode.l10n.t('log-uniform from {0} to {1}', r.min, r.max);
    case 'range': return vscode.l10n.t('uniform from {0} to {1}', r.min, r.max);
    case 'int': return vscode.l10n.t('a whole number from {0} to {1}', r.min, r.max);
    case 'choice': return vscode.l10n.t('one of {0}', r.values.join(', '));
  }
}

/** A whole number typed in an input box, within [min, max]; undefined when dismissed. */
async function askCount(title: string, prompt: string, value: number, max: number): Promise<number | undefined> {
  const text = await vscode.window.showInputBox({
    title, prompt, value: String(value),
    validateInput: (s) => (/^\d+$/.test(s.trim()) && Number(s) >= 1 && Number(s) <= max ? undefined : vscode.l10n.t('A whole number from 1 to {0}', max)),
  });
  return text === undefined ? undefined : Number(text.trim());
}

/** The ranges to search, picked from those the model can vary; undefined when dismissed or none picked. */
async function pickRanges(spec: ModelSpec, title: string): Promise<TuneSpec['ranges'] | undefined> {
  const items = offeredRanges(spec).map((o) => ({
    label: o.param, description: rangeText(o.range), detail: rangeDetail(o.range), picked: o.picked, offer: o,
  }));
  const picked = await vscode.window.showQuickPick(items, {
    title: vscode.l10n.t('Tune — {0}', title), canPickMany: true, matchOnDetail: true,
    placeHolder: vscode.l10n.t('What to search at random (cs231n: lr and l2 in log space first); the file has no tune: section'),
  });
  if (!picked || picked.length === 0) return undefined;
  return Object.fromEntries(picked.map((p) => [p.offer.param, p.offer.range]));
}

/** Asks for the search when the file has no section; undefined when any step is dismissed. */
export async function pickTune(spec: ModelSpec, title: string): Promise<TuneChoice | undefined> {
  const ranges = await pickRanges(spec, title);
  if (!ranges) return undefined;
  const heading = vscode.l10n.t('Tune — {0}', title);
  const trials = await askCount(heading, vscode.l10n.t('Trials in the first round (each an ordinary run, kept in the Runs view)'), DEFAULT_TRIALS, TUNE_LIMITS.trials);
  if (trials === undefined) return undefined;
  const epochs = await askCount(heading, vscode.l10n.t('Epochs per trial (a short budget: coarse search first)'), Math.min(spec.train.epochs, 10), TUNE_LIMITS.epochs);
  if (epochs === undefined) return undefined;
  const seeds = await vscode.window.showQuickPick([1, 3, 5].map((k) => ({
    label: k === 1 ? vscode.l10n.t('1 seed') : vscode.l10n.t('{0} seeds', k), k,
    detail: k === 1 ? vscode.l10n.t('each trial trains once, with the file\'s seed') : vscode.l10n.t('each trial trains {0} times (seeds train.seed … train.seed + {1}); the table gives the mean ± std', k, k - 1),
  })), { title: heading, placeHolder: vscode.l10n.t('Seeds per trial') });
  if (!seeds) return undefined;
  const write = vscode.l10n.t('Write the tune: section into the file, then tune');
  const once = vscode.l10n.t('Tune without changing the file');
  const how = await vscode.window.showQuickPick([write, once], { title: heading, placeHolder: vscode.l10n.t('Keep these ranges in the model file? (undoable)') });
  if (!how) return undefined;
  return { tune: { trials, epochs, seeds: seeds.k, ranges }, write: how === write };
}
