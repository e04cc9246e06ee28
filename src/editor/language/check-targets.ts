import { isMap, type Pair, type YAMLMap } from 'yaml';
import type { ModelSource } from '../../model/parse';
import type { SanityTarget } from '../../engine/sanity-types';
import { Doc, pairOf, span, type Span } from './yaml-edits';

/**
 * Where in a model file a sanity check's target is, for its diagnostic: the `lr:` pair of the
 * optimizer (else the `optimizer:` pair), `init:`, `loss:`, `l2:` of `train:` (else `train:`), or
 * the layer's item. An entry the file does not write (a default) falls back to the nearest one
 * it does, and finally to the first key. Offsets into `text`, within the entry's first line; no VS Code dependency.
 */
export function targetSpan(text: string, ranges: ModelSource['ranges'], target: SanityTarget): Span {
  const doc = new Doc(text);
  const [start, end] = entrySpan(doc, ranges, target);
  // One line: a block mapping's value (`train:` and its lines) or a layer's item spans several.
  return [start, Math.max(start, Math.min(end, text.slice(0, doc.lineEnd(start)).trimEnd().length))];
}

function entrySpan(doc: Doc, ranges: ModelSource['ranges'], target: SanityTarget): Span {
  const root = isMap(doc.root) ? doc.root : undefined;
  const first: Span = [ranges.firstKey[0], ranges.firstKey[1]];
  const pair = (map: YAMLMap | undefined, key: string): Span | undefined => (map ? pairSpan(pairOf(map, key)) : undefined);
  const layer = (): Span | undefined => {
    const r = target.layer === undefined ? undefined : ranges.layers[target.layer];
    return r ? [r[0], r[1]] : pair(root, 'layers');
  };
  switch (target.key) {
    case 'lr': {
      const optimizer = root && pairOf(root, 'optimizer');
      const inner = optimizer && isMap(optimizer.value) ? pair(optimizer.value, 'lr') : undefined;
      return inner ?? pairSpan(optimizer) ?? first;
    }
    case 'l2': {
      const train = root && pairOf(root, 'train');
      const inner = train && isMap(train.value) ? pair(train.value, 'l2') : undefined;
      return inner ?? pairSpan(train) ?? first;
    }
    case 'init': return (target.layer !== undefined ? layer() : undefined) ?? pair(root, 'init') ?? first;
    case 'loss': return pair(root, 'loss') ?? first;
    case 'layers': return layer() ?? first;
  }
}

/** From a pair's key to the end of its value (the key alone when the value has no span). */
function pairSpan(p: Pair | undefined): Span | undefined {
  const k = span(p?.key);
  if (!k) return undefined;
  const v = span(p?.value);
  return [k[0], v && v[1] > k[0] ? v[1] : k[1]];
}
