import { inferShapes, formatShape, type Shape } from '../model/shapes';
import { ACTIVATION_ALPHA, type ActivationSpec, type InitSpec, type LayerSpec, type ModelSpec } from '../model/spec';
import { aligned, pyNumber, pyString, pyText } from './python';

/**
 * The network part of the exported script: the model file's layers as one nn.Sequential, the map
 * from TrainLens's arrays to its state_dict, and the PyTorch init matching each layer's scheme.
 */

/** One module of the nn.Sequential. */
interface Module {
  /** Python expression building it (may use `engine_dropout`). */
  expr: string;
  /** Which model-file layer it comes from, as a comment. */
  note: string;
  /** (TrainLens array, state_dict key within the module, transpose) for each array it takes. */
  arrays?: Array<[string, string, boolean]>;
  /** Its weight (regularized, decayed), as a state_dict key within the module. */
  weight?: string;
  /** Lines of torch_init for it; `M` stands for the module. */
  init?: string[];
}

const size = (s: Shape): number => s.reduce((a, b) => a * b, 1);

export function activationModule(a: ActivationSpec): string | undefined {
  const alpha = a.alpha ?? ACTIVATION_ALPHA[a.type];
  switch (a.type) {
    case 'linear': return undefined;
    case 'sigmoid': return 'nn.Sigmoid()';
    case 'tanh': return 'nn.Tanh()';
    case 'relu': return 'nn.ReLU()';
    case 'leaky_relu': return `nn.LeakyReLU(${pyNumber(alpha!)})`;
    case 'elu': return `nn.ELU(${pyNumber(alpha!)})`;
    case 'gelu': return 'nn.GELU()'; // exact x·Φ(x), PyTorch's default (approximate="none")
  }
}

/**
 * The torch.nn.init call drawing a weight as TrainLens's scheme does (same distribution, PyTorch's
 * random numbers). PyTorch's fan_in of a Linear or Conv2d weight is TrainLens's (in, or C·K·K).
 */
export function torchInit(init: InitSpec, w: string): string {
  switch (init.type) {
    case 'zeros': return `nn.init.zeros_(${w})  # zeros`;
    case 'small': return `nn.init.normal_(${w}, 0.0, 0.01)  # small: 0.01·N(0,1)`;
    case 'xavier':
      return `nn.init.kaiming_normal_(${w}, nonlinearity="linear")  # xavier as cs231n: N(0,1)/√fan_in (nn.init.xavier_normal_ uses √(2/(fan_in + fan_out)))`;
    case 'he': return `nn.init.kaiming_normal_(${w}, nonlinearity="relu")  # he: N(0,1)·√(2/fan_in)`;
    case 'normal': return `nn.init.normal_(${w}, 0.0, ${pyNumber(init.std)})  # normal, std ${pyNumber(init.std)}`;
    case 'uniform': {
      const a = `${pyNumber(init.std)} * math.sqrt(3)`;
      return `nn.init.uniform_(${w}, -${a}, ${a})  # uniform with std ${pyNumber(init.std)}: U(−std·√3, std·√3)`;
    }
  }
}

function describeInit(init: InitSpec): string {
  return init.type === 'normal' || init.type === 'uniform' ? `${init.type} (std ${init.std})` : init.type;
}

/** The modules of the model file's layers, on samples of `input` shape. */
function modules(spec: ModelSpec, input: Shape): Module[] {
  const { shapes, error } = inferShapes(input, spec.layers);
  if (error) throw new Error(`layer ${error.index + 1}: ${error.message}`);
  const out: Module[] = [];
  spec.layers.forEach((layer: LayerSpec, i) => {
    const inShape = i === 0 ? input : shapes[i - 1];
    const at = `layers[${i}]`;
    const flatten = (): void => {
      if (inShape.length > 1) out.push({ expr: 'nn.Flatten()', note: `${at} flattens ${formatShape(inShape)}` });
    };
    // W and b of a dense, conv or maxout layer (whose nn.Linear is the module's `linear`).
    const affine = (init: InitSpec | undefined, sub = ''): Pick<Module, 'arrays' | 'weight' | 'init'> => ({
      arrays: [[`${at}.W`, `${sub}weight`, layer.kind !== 'conv'], [`${at}.b`, `${sub}bias`, false]],
      weight: `${sub}weight`,
      init: [torchInit(init ?? spec.init, `M.${sub}weight`), `nn.init.zeros_(M.${sub}bias)`],
    });
    switch (layer.kind) {
      case 'dense':
        flatten();
        out.push({ expr: `nn.Linear(${size(inShape)}, ${layer.units})`, note: `${at} dense ${layer.units}`, ...affine(layer.init) });
        break;
      case 'conv': {
        const { filters: f, size: s, stride, pad } = layer;
        out.push({
          expr: `nn.Conv2d(${inShape[0]}, ${f}, kernel_size=${s}, stride=${stride}, padding=${pad})`,
          note: `${at} conv ${f}@${s}×${s}/${stride}${pad ? ` pad ${pad}` : ''}`, ...affine(layer.init),
        });
        break;
      }
      case 'pool': {
        const cls = layer.type === 'max' ? 'nn.MaxPool2d' : 'nn.AvgPool2d';
        out.push({ expr: `${cls}(kernel_size=${layer.size}, stride=${layer.stride})`, note: `${at} ${layer.type} pool` });
        break;
      }
      case 'flatten':
        out.push({ expr: 'nn.Flatten()', note: `${at} flatten` });
        break;
      case 'dropout':
        out.push({ expr: `EngineDropout(${pyNumber(layer.p)}, ${i}) if engine_dropout else nn.Dropout(${pyNumber(layer.p)})`, note: `${at} dropout` });
        break;
      case 'batchnorm': {
        const image = inShape.length === 3;
        out.push({
          expr: `nn.BatchNorm${image ? '2d' : '1d'}(${image ? inShape[0] : size(inShape)}, eps=${pyNumber(layer.eps)}, momentum=1 - ${pyNumber(layer.momentum)})`,
          note: `${at} batchnorm${image ? ' per channel' : ''} (torch's momentum: 1 − TrainLens's)`,
          arrays: [[`${at}.gamma`, 'weight', false], [`${at}.beta`, 'bias', false],
            [`${at}.running_mean`, 'running_mean', false], [`${at}.running_var`, 'running_var', false]],
          init: ['nn.init.ones_(M.weight)  # γ = 1', 'nn.init.zeros_(M.bias)  # β = 0', 'M.reset_running_stats()'],
        });
        break;
      }
      case 'maxout':
        flatten();
        out.push({
          expr: `Maxout(${size(inShape)}, ${layer.units}, ${layer.pieces})`, note: `${at} maxout ${layer.units}×${layer.pieces}`,
          ...affine(layer.init, 'linear.'),
        });
        break;
      case 'activation':
        break;
    }
    // A standalone activation, or the one written on a dense or conv layer.
    if (layer.kind === 'activation' || layer.kind === 'dense' || layer.kind === 'conv') {
      const m = activationModule(layer.activation);
      if (m) out.push({ expr: m, note: `${at} ${layer.activation.type}` });
    }
  });
  return out;
}

const MAXOUT = `class Maxout(nn.Module):
    """maxout: each of \`units\` outputs is the max of \`pieces\` affine maps of the (flat) input;
    piece k of unit u is output u·pieces + k of the linear map, as in TrainLens."""

    def __init__(self, features, units, pieces):
        super().__init__()
        self.units, self.pieces = units, pieces
        self.linear = nn.Linear(features, units * pieces)

    def forward(self, x):
        return self.linear(x).view(x.shape[0], self.units, self.pieces).max(dim=2).values
`;

const ENGINE_DROPOUT = `class EngineDropout(nn.Module):
    """Inverted dropout with TrainLens's own masks: each value kept with probability 1 − p (one
    uniform per value, in order, from the layer's Rng stream) and scaled by 1/(1 − p). Pure Python,
    so slow: it is here to check the export against TrainLens step by step (--engine-dropout).
    nn.Dropout, the default, is the same layer with PyTorch's random numbers."""

    def __init__(self, p, layer):
        super().__init__()
        self.p = p
        self.rng = Rng(stream_seed(SEED, "train") ^ (((layer + 1) * 0x27D4EB2D) & M32))

    def forward(self, x):
        if not self.training or self.p == 0:
            return x
        keep = 1 - self.p
        mask = [1 / keep if self.rng.uniform() < keep else 0.0 for _ in range(x.numel())]
        return x * torch.tensor(mask, dtype=x.dtype, device=x.device).view(x.shape)
`;

/** The network section of the script: classes it needs, build_model, PARAMS, WEIGHT_NAMES, torch_init. */
export function modelSection(spec: ModelSpec, input: Shape, source: string, name: string): { text: string; hasDropout: boolean } {
  const mods = modules(spec, input);
  const hasDropout = spec.layers.some((l) => l.kind === 'dropout');
  const parts: string[] = [];
  if (spec.layers.some((l) => l.kind === 'maxout')) parts.push(MAXOUT);
  if (hasDropout) parts.push(ENGINE_DROPOUT);
  const digits = String(mods.length - 1).length;
  const rows = mods.map((m, i) => [`${m.expr},`, `${String(i).padEnd(digits)}  ${m.note}`] as const);
  parts.push([
    `def build_model(engine_dropout=False):`,
    `    """The layers of ${source} in order, on samples of ${formatShape(input)} values."""`,
    `    return nn.Sequential(`,
    ...aligned(rows, '        '),
    `    )`,
    ``,
  ].join('\n'));
  const arrays = mods.flatMap((m, i) => (m.arrays ?? []).map(([array, key, t]) => [`(${pyString(array)}, "${i}.${key}", ${t ? 'True' : 'False'}),`] as const));
  const weights = mods.flatMap((m, i) => (m.weight ? [`"${i}.${m.weight}"`] : []));
  const schemes = [...new Set([spec.init, ...spec.layers.map((l) => ('init' in l ? l.init : undefined))].filter((x): x is InitSpec => !!x).map(describeInit))];
  parts.push([
    `# TrainLens's arrays (${pyText(name)}.weights.npz) → the model's state_dict: (array, key, transpose).`,
    `# A dense or maxout W is (in, out), for x·W; nn.Linear's weight is (out, in), for x·Wᵀ. A conv W is`,
    `# (F, C, K, K) in both; batchnorm's gamma, beta and running statistics are weight, bias and buffers.`,
    `PARAMS = [`,
    ...aligned(arrays, '    '),
    `]`,
    `# The weights (not biases, γ, β): what L2 and L1 regularize and AdamW decays.`,
    `WEIGHT_NAMES = [${weights.join(', ')}]`,
    ``,
    ``,
    `def load_trainlens_weights(model, path):`,
    `    """Copies TrainLens's arrays into the model, in place."""`,
    `    arrays = np.load(path)`,
    `    state = model.state_dict()`,
    `    for name, key, transpose in PARAMS:`,
    `        a = arrays[name].T if transpose else arrays[name]`,
    `        if tuple(a.shape) != tuple(state[key].shape):`,
    `            raise ValueError(f"{path}: {name} is {a.shape}, but {key} is {tuple(state[key].shape)}")`,
    `        state[key].copy_(torch.from_numpy(np.ascontiguousarray(a)))`,
    ``,
    ``,
    `def torch_init(model):`,
    `    """Fresh weights drawn by PyTorch as the model file's init describes them, biases 0: the`,
    `    same distributions, not the same numbers as TrainLens's (--init torch).`,
    `    Init: ${schemes.join(', ')}."""`,
    `    with torch.no_grad():`,
    ...mods.flatMap((m, i) => (m.init ?? []).map((line) => `        ${line.replace(/\bM\./g, `model[${i}].`)}`)),
    ...(mods.some((m) => m.init) ? [] : ['        pass']),
    ``,
  ].join('\n'));
  return { text: parts.join('\n\n'), hasDropout };
}
