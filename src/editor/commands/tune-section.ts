/**
 * A `tune:` section for a model file that has none: the ranges Tune… offers by default for this
 * model, and the text that writes a chosen section at the end of the file (checked by parsing: the
 * file must then give exactly that section, and the same model otherwise). Pure (no vscode).
 */
import { applyEdits, type TextEdit } from '../../model/edits';
import { parseModel } from '../../model/parse';
import type { ModelSpec } from '../../model/spec';
import type { TuneParam, TuneRange, TuneSpec } from '../../model/tune';
import { hiddenDenseLayers } from '../../model/tune-parse';
import { canonical, yamlNumber } from './tune-apply';

/** What Tune… offers when the file has no section: each parameter the model can vary, its range, and whether it starts picked. */
export interface OfferedRange {
  param: TuneParam;
  range: TuneRange;
  picked: boolean;
}

/**
 * cs231n's coarse search: lr and l2 log-uniform over several decades (picked); l1, batch, the
 * rule and init besides; momentum only under a rule with momentum, dropout only with a dropout
 * layer, hidden only with a hidden dense layer (from half to twice its units).
 */
export function offeredRanges(spec: ModelSpec): OfferedRange[] {
  const out: OfferedRange[] = [
    { param: 'lr', range: { kind: 'log', min: 1e-4, max: 1e-1 }, picked: true },
    { param: 'l2', range: { kind: 'log', min: 1e-5, max: 1e-1 }, picked: true },
    { param: 'l1', range: { kind: 'log', min: 1e-6, max: 1e-2 }, picked: false },
    { param: 'batch', range: { kind: 'choice', values: [32, 64, 128] }, picked: false },
  ];
  if (spec.optimizer.type === 'momentum' || spec.optimizer.type === 'nesterov') {
    out.push({ param: 'momentum', range: { kind: 'range', min: 0.5, max: 0.99 }, picked: false });
  }
  if (spec.layers.some((l) => l.kind === 'dropout')) out.push({ param: 'dropout', range: { kind: 'range', min: 0, max: 0.7 }, picked: false });
  const hidden = hiddenDenseLayers(spec.layers);
  const first = spec.layers[hidden[0]];
  if (first?.kind === 'dense') {
    out.push({ param: 'hidden', range: { kind: 'int', min: Math.max(1, Math.ceil(first.units / 2)), max: first.units * 2 }, picked: false });
  }
  out.push(
    { param: 'optimizer', range: { kind: 'choice', values: ['sgd', 'momentum', 'adam'] }, picked: false },
    { param: 'init', range: { kind: 'choice', values: ['xavier', 'he'] }, picked: false },
  );
  return out;
}

/** A range as the file writes it: `{ log: [1.0e-4, 0.1] }`, `[32, 64, 128]`. */
export function rangeText(r: TuneRange): string {
  if (r.kind === 'choice') return `[${r.values.map((v) => (typeof v === 'number' ? yamlNumber(v) : v)).join(', ')}]`;
  return `{ ${r.kind}: [${yamlNumber(r.min)}, ${yamlNumber(r.max)}] }`;
}

/** The section as block YAML lines (without a line break at the end). */
export function tuneSectionText(tune: TuneSpec, eol = '\n'): string {
  const lines = ['tune:', `  trials: ${tune.trials}`, `  epochs: ${tune.epochs}`];
  if (tune.seeds > 1) lines.push(`  seeds: ${tune.seeds}`);
  for (const [p, r] of Object.entries(tune.ranges)) if (r) lines.push(`  ${p}: ${rangeText(r)}`);
  return lines.join(eol);
}

/**
 * The edit that appends the section to a file that has none; undefined when the file does not
 * parse, already has one, or would not read back with exactly this section and the same model.
 */
export function tuneSectionEdit(text: string, tune: TuneSpec): TextEdit | undefined {
  const before = parseModel(text).spec;
  if (!before || before.tune) return undefined;
  const eol = text.includes('\r\n') ? '\r\n' : '\n';
  const lead = text.length === 0 || text.endsWith('\n') ? '' : eol;
  const edit: TextEdit = { start: text.length, end: text.length, text: `${lead}${tuneSectionText(tune, eol)}${eol}` };
  const after = parseModel(applyEdits(text, [edit])).spec;
  if (!after?.tune || canonical(after.tune) !== canonical(tune)) return undefined;
  return canonical({ ...after, tune: undefined }) === canonical({ ...before, tune: undefined }) ? edit : undefined;
}
