import { isMap, isScalar, isSeq } from 'yaml';
import { applyEdits, swapInitEdits, type TextEdit } from '../../model/edits';
import { parseModel } from '../../model/parse';
import type { LayerSpec, ModelSpec } from '../../model/spec';
import type { DoctorFix } from '../../training/doctor-types';
import { moreL2, scaledLr } from '../../training/doctor-fix';
import { learningRateEdits } from '../commands/lr-edit';
import { addItemAfter, Doc, pairOf, setKey, span } from './yaml-edits';

/**
 * The text edits of a training-doctor fix (doctor-types.ts's DoctorFix) on a model file. Each is
 * checked by parsing the edited text: it must give the same model with only that change, else
 * undefined (the user edits by hand). Pure: no VS Code.
 */
export function doctorFixEdits(text: string, fix: DoctorFix): TextEdit[] | undefined {
  const before = parseModel(text).spec;
  if (!before) return undefined;
  switch (fix.kind) {
    case 'lr':
      return learningRateEdits(text, scaledLr(before.optimizer.lr, fix.factor), before.optimizer.type);
    case 'init': {
      const edits = swapInitEdits(text, fix.scheme);
      return edits && edits.length > 0 ? checked(text, edits, { ...before, init: { type: fix.scheme } }) : undefined;
    }
    case 'l2': {
      const l2 = moreL2(before.train.l2);
      return checked(text, l2Edit(text, l2), { ...before, train: { ...before.train, l2 } });
    }
    case 'dropout': {
      const layers: LayerSpec[] = [...before.layers];
      layers.splice(fix.layer + 1, 0, { kind: 'dropout', p: fix.p });
      return checked(text, dropoutEdit(text, fix.layer, fix.p), { ...before, layers });
    }
    case 'widen': {
      const layer = before.layers[fix.layer];
      const units = layer?.kind === 'dense' || layer?.kind === 'maxout' ? layer.units : layer?.kind === 'conv' ? layer.filters : undefined;
      if (units === undefined) return undefined;
      const wider = layer.kind === 'conv' ? { ...layer, filters: 2 * units } : { ...layer, units: 2 * units };
      return checked(text, widenEdit(text, fix.layer, layer.kind, 2 * units), { ...before, layers: before.layers.map((l, i) => (i === fix.layer ? wider : l)) as LayerSpec[] });
    }
  }
}

/** The edits when the text they give parses to `expected`; undefined otherwise. */
function checked(text: string, e: TextEdit | TextEdit[] | undefined, expected: ModelSpec): TextEdit[] | undefined {
  if (!e) return undefined;
  const edits = Array.isArray(e) ? e : [e];
  let after: ModelSpec | undefined;
  try {
    after = parseModel(applyEdits(text, edits)).spec;
  } catch {
    return undefined;
  }
  return after && JSON.stringify(after) === JSON.stringify(expected) ? edits : undefined;
}

/** `l2:` in `train:` set (or added), or a `train:` with it added. */
function l2Edit(text: string, l2: number): TextEdit | undefined {
  const doc = new Doc(text);
  if (!isMap(doc.root)) return undefined;
  const train = pairOf(doc.root, 'train');
  if (!train) return setKey(doc, doc.root, 'train', `{ l2: ${l2} }`);
  return isMap(train.value) ? setKey(doc, train.value, 'l2', String(l2)) : undefined;
}

/** The `layers:` list of the document. */
function layersOf(doc: Doc): ReturnType<typeof pairOf> {
  return isMap(doc.root) ? pairOf(doc.root, 'layers') : undefined;
}

/** `dropout: p` as a new item after layers[index]. */
function dropoutEdit(text: string, index: number, p: number): TextEdit | undefined {
  const doc = new Doc(text);
  const seq = layersOf(doc)?.value;
  return isSeq(seq) && index < seq.items.length ? addItemAfter(doc, seq, index, `dropout: ${p}`) : undefined;
}

/** layers[index]'s units (dense: N, maxout's units, conv's filters) set to `units`. */
function widenEdit(text: string, index: number, kind: LayerSpec['kind'], units: number): TextEdit | undefined {
  const doc = new Doc(text);
  const seq = layersOf(doc)?.value;
  const item = isSeq(seq) ? seq.items[index] : undefined;
  if (!isMap(item)) return undefined;
  const pair = pairOf(item, kind);
  if (kind === 'dense' && isScalar(pair?.value)) {
    const s = span(pair.value);
    return s ? { start: s[0], end: s[1], text: String(units) } : undefined;
  }
  const inner = pair && isMap(pair.value) ? pair.value : undefined;
  if (!inner) return undefined;
  return setKey(doc, inner, kind === 'conv' ? 'filters' : 'units', String(units));
}
