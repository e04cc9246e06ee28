import { isMap, isScalar } from 'yaml';
import { applyEdits, type TextEdit } from '../../model/edits';
import { parseModel } from '../../model/parse';
import type { OptimizerName } from '../../model/spec';
import { Doc, pairOf, setKey, span } from '../language/yaml-edits';

/**
 * Edits that set the model file's learning rate, and nothing else: `lr:` in the `optimizer:`
 * mapping (replaced or added), a bare `optimizer: adam` written out as `{ type: adam, lr: … }`,
 * or an `optimizer:` line added when there is none. The edited file is parsed and must give the
 * same model with only the learning rate changed; otherwise undefined (the user edits by hand).
 */
export function learningRateEdits(text: string, lr: number, rule: OptimizerName): TextEdit[] | undefined {
  const before = parseModel(text).spec;
  if (!before || !Number.isFinite(lr) || lr <= 0) return undefined;
  const doc = new Doc(text);
  const root = doc.root;
  if (!isMap(root)) return undefined;
  const pair = pairOf(root, 'optimizer');
  const written = `{ type: ${rule}, lr: ${lr} }`;
  let edit: TextEdit | undefined;
  if (!pair) edit = setKey(doc, root, 'optimizer', written);
  else if (isMap(pair.value)) edit = setKey(doc, pair.value, 'lr', String(lr));
  else if (isScalar(pair.value) && span(pair.value)) {
    const [start, end] = span(pair.value)!;
    if (end > start) edit = { start, end, text: written };
  }
  if (!edit) return undefined;
  const after = parseModel(applyEdits(text, [edit])).spec;
  if (!after || after.optimizer.lr !== lr) return undefined;
  const same = JSON.stringify({ ...after, optimizer: { ...after.optimizer, lr: before.optimizer.lr } }) === JSON.stringify(before);
  return same ? [edit] : undefined;
}
