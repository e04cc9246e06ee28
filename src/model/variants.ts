import {
  OPTIMIZER_DEFAULTS, type ActivationName, type CompareSpec, type InitScheme, type LayerSpec, type LossName, type ModelSpec,
  type OptimizerName,
} from './spec';

/** One run of a comparison: the model with one thing changed. */
export interface Variant {
  /** e.g. "adam", "xavier", "lr 0.01"; with seeds, "adam · seed 2" */
  label: string;
  spec: ModelSpec;
  /** With seeds (withSeeds): the variant's own label, shared by its seeds' runs, and this run's seed. */
  group?: string;
  seed?: number;
}

export type CompareDimension = 'optimizer' | 'init' | 'lr' | 'activation' | 'loss';

/** The dimension and values of a `compare:` section; undefined when it gives only `seeds:`. */
export function compareOf(c: CompareSpec): { dimension: CompareDimension; values: Array<string | number> } | undefined {
  if ('optimizer' in c) return { dimension: 'optimizer', values: c.optimizer };
  if ('init' in c) return { dimension: 'init', values: c.init };
  if ('lr' in c) return { dimension: 'lr', values: c.lr };
  if ('activation' in c) return { dimension: 'activation', values: c.activation };
  if ('loss' in c) return { dimension: 'loss', values: c.loss };
  return undefined;
}

/**
 * Each variant repeated over `seeds` seeds, variant by variant: train.seed, train.seed + 1, …,
 * train.seed + seeds − 1. The seed moves the init, the batch order, dropout and the samples the
 * statistics and the train accuracy are taken on; the data and its split stay the file's (data.seed
 * is pinned to what it was, `data.seed` or else train.seed), so the spread over seeds is training
 * noise measured on one held-out set. One seed: the variants as they are.
 */
export function withSeeds(variants: readonly Variant[], seeds: number): Variant[] {
  if (seeds <= 1) return variants.slice();
  return variants.flatMap((v) => Array.from({ length: seeds }, (_, i): Variant => {
    const seed = v.spec.train.seed + i;
    return {
      label: `${v.label} · seed ${seed}`, group: v.label, seed,
      spec: { ...v.spec, data: { ...v.spec.data, seed: v.spec.data.seed ?? v.spec.train.seed }, train: { ...v.spec.train, seed } },
    };
  }));
}

function withActivation(layer: LayerSpec, fn: ActivationName): LayerSpec {
  if (!('activation' in layer) || layer.activation.type === 'linear') return layer;
  return { ...layer, activation: { type: fn } };
}

/**
 * The variants of a comparison, in the order given. Everything but the one dimension stays as the
 * file says — seed included, so every variant sees the same data, split and batch order, and starts
 * from identical weights wherever the change leaves the shapes and the init alone:
 *   optimizer   the rule with its default hyperparameters, at the file's learning rate
 *   init        the model's init scheme (layers' own `init:` overrides are dropped, so the label is true)
 *   lr          the learning rate of the file's optimizer
 *   activation  every nonlinear activation (linear outputs stay linear)
 *   loss        the loss on top
 */
export function compareVariants(spec: ModelSpec, dimension: CompareDimension, values: ReadonlyArray<string | number>): Variant[] {
  const base: ModelSpec = { ...spec };
  delete base.compare;
  return values.map((v): Variant => {
    switch (dimension) {
      case 'optimizer': {
        const type = v as OptimizerName;
        return { label: type, spec: { ...base, optimizer: { ...OPTIMIZER_DEFAULTS[type], lr: spec.optimizer.lr } } };
      }
      case 'init':
        return {
          label: String(v),
          spec: { ...base, init: { type: v as InitScheme }, layers: base.layers.map((l) => ('init' in l ? { ...l, init: undefined } : l)) },
        };
      case 'lr':
        return { label: `lr ${v}`, spec: { ...base, optimizer: { ...spec.optimizer, lr: v as number } } };
      case 'activation':
        return { label: String(v), spec: { ...base, layers: base.layers.map((l) => withActivation(l, v as ActivationName)) } };
      case 'loss':
        return { label: String(v), spec: { ...base, loss: v as LossName } };
    }
  });
}
