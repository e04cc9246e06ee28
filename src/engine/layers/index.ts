import type { LayerSpec } from '../../model/spec';
import type { Layer, LayerContext, Shape } from './layer';
import { DenseLayer } from './dense';
import { ActivationLayer } from './activation';
import { ConvLayer } from './conv';
import { PoolLayer } from './pool';
import { FlattenLayer } from './flatten';
import { DropoutLayer } from './dropout';
import { BatchNormLayer } from './batchnorm';
import { MaxoutLayer } from './maxout';

/**
 * Engine layers for one model-file layer: the layer itself, then its activation when it has one
 * that is not linear. Each gets the shape the previous one produced.
 */
export function buildLayer(spec: LayerSpec, inShape: Shape, ctx: LayerContext): Layer[] {
  let main: Layer;
  switch (spec.kind) {
    case 'dense': main = new DenseLayer(spec.units, spec.init, inShape, ctx); break;
    case 'conv': main = new ConvLayer(spec, inShape, ctx); break;
    case 'pool': main = new PoolLayer(spec, inShape, ctx); break;
    case 'flatten': main = new FlattenLayer(inShape, ctx); break;
    case 'dropout': main = new DropoutLayer(spec.p, inShape, ctx); break;
    case 'batchnorm': main = new BatchNormLayer(spec, inShape, ctx); break;
    case 'maxout': main = new MaxoutLayer(spec, inShape, ctx); break;
    case 'activation': return [new ActivationLayer(spec.activation, inShape, ctx)];
  }
  const activation = 'activation' in spec ? spec.activation : undefined;
  return activation && activation.type !== 'linear' ? [main, new ActivationLayer(activation, main.outShape, ctx)] : [main];
}
