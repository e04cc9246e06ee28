import { SVM_MARGIN, type ModelSpec, type OptimizerSpec, type ScheduleSpec, type TrainSpec } from '../model/spec';
import { pyNumber } from './python';

/**
 * The training part of the exported script: loss, regularization, optimizer and learning-rate
 * schedule, each written as TrainLens computes it (src/engine/loss.ts, network.ts, optim.ts,
 * schedule.ts), with torch.optim wherever it is the same rule.
 */

export function lossSection(spec: ModelSpec): string {
  switch (spec.loss) {
    case 'softmax':
      return `def data_loss(scores, y):
    """Softmax cross-entropy, mean over the batch (nn.CrossEntropyLoss)."""
    return F.cross_entropy(scores, y)
`;
    case 'svm':
      return `MARGIN = ${pyNumber(spec.svmMargin ?? SVM_MARGIN)}  # the hinge's Δ


def data_loss(scores, y):
    """cs231n's multiclass SVM: Σ_{j≠y} max(0, s_j − s_y + Δ), mean over the batch: the classes
    times nn.MultiMarginLoss(margin=Δ), which also divides by the number of classes."""
    correct = scores.gather(1, y[:, None])
    margins = F.relu(scores - correct + MARGIN).scatter(1, y[:, None], 0.0)
    return margins.sum() / scores.shape[0]
`;
    case 'mse':
      return `def data_loss(scores, y):
    """Mean squared error over every output, Σ (s − t)² / (N·outputs) (nn.MSELoss); y holds
    the float targets, (N, outputs)."""
    return F.mse_loss(scores, y)
`;
  }
}

export function regularizationSection(train: TrainSpec): string {
  const terms = [
    ...(train.l2 !== 0 ? ['0.5 * L2 * sum((w * w).sum() for w in weights)'] : []),
    ...(train.l1 !== 0 ? ['L1 * sum(w.abs().sum() for w in weights)'] : []),
  ];
  const body = terms.length === 0
    ? '    return 0.0  # L2 and L1 are 0'
    : `    weights = [p for name, p in model.named_parameters() if name in WEIGHT_NAMES]\n    return ${terms.join(' + ')}`;
  return `def regularization(model):
    """½·L2·Σ‖W‖² + L1·Σ|W| over the weights, added to the loss as TrainLens adds it (so the printed
    loss is the one TrainLens reports; weight_decay in torch.optim would change the gradient only)."""
${body}
`;
}

const MOMENTUM_CLASS = `class Momentum(torch.optim.Optimizer):
    """Momentum and Nesterov momentum as cs231n writes them, TrainLens's rules:
        momentum:  v = μ·v − lr·dw;  w += v
        nesterov:  v_prev = v;  v = μ·v − lr·dw;  w += −μ·v_prev + (1 + μ)·v
    torch.optim.SGD keeps b = μ·b + dw and steps w −= lr·b (nesterov: w −= lr·(dw + μ·b)): the
    same updates while lr is constant, but when a schedule changes lr, SGD rescales the whole
    velocity at once, while here only the new gradient takes the new lr."""

    def __init__(self, params, lr, momentum, nesterov=False):
        super().__init__(params, dict(lr=lr, momentum=momentum, nesterov=nesterov))

    @torch.no_grad()
    def step(self, closure=None):
        for group in self.param_groups:
            lr, mu = group["lr"], group["momentum"]
            for p in group["params"]:
                if p.grad is None:
                    continue
                state = self.state[p]
                if "velocity" not in state:
                    state["velocity"] = torch.zeros_like(p)
                v = state["velocity"]
                v_prev = v.clone() if group["nesterov"] else None
                v.mul_(mu).sub_(p.grad, alpha=lr)
                p.add_((1 + mu) * v - mu * v_prev if group["nesterov"] else v)
`;

/** make_optimizer and the constants and classes it uses. */
export function optimizerSection(o: OptimizerSpec, schedule: ScheduleSpec | undefined): string {
  const n = pyNumber;
  let doc: string;
  let body: string;
  let extra = '';
  switch (o.type) {
    case 'sgd':
      doc = 'sgd: w −= lr·dw (torch.optim.SGD, the same rule).';
      body = 'torch.optim.SGD(model.parameters(), lr=LR)';
      break;
    case 'momentum':
      if (schedule) {
        doc = `momentum ${n(o.momentum)} with a learning-rate schedule: the Momentum class above, not torch.optim.SGD (see there why).`;
        body = `Momentum(model.parameters(), lr=LR, momentum=${n(o.momentum)})`;
        extra = MOMENTUM_CLASS;
      } else {
        doc = `momentum ${n(o.momentum)}: v = μ·v − lr·dw; w += v. torch.optim.SGD(momentum=μ) keeps b = −v/lr,\n    the same updates while lr is constant, as it is here (no schedule).`;
        body = `torch.optim.SGD(model.parameters(), lr=LR, momentum=${n(o.momentum)})`;
      }
      break;
    case 'nesterov':
      doc = `nesterov ${n(o.momentum)}, cs231n's form: the Momentum class above (see there how it relates to torch.optim.SGD(nesterov=True)).`;
      body = `Momentum(model.parameters(), lr=LR, momentum=${n(o.momentum)}, nesterov=True)`;
      extra = MOMENTUM_CLASS;
      break;
    case 'adagrad':
      doc = 'adagrad: cache += dw²; w −= lr·dw / (√cache + ε) (torch.optim.Adagrad, the same rule).';
      body = `torch.optim.Adagrad(model.parameters(), lr=LR, eps=${n(o.eps)})`;
      break;
    case 'rmsprop':
      doc = `rmsprop: cache = decay·cache + (1 − decay)·dw²; w −= lr·dw / (√cache + ε)\n    (torch.optim.RMSprop, the same rule: TrainLens's decay is its alpha).`;
      body = `torch.optim.RMSprop(model.parameters(), lr=LR, alpha=${n(o.decay)}, eps=${n(o.eps)})`;
      break;
    case 'adam':
      doc = 'adam with bias correction (torch.optim.Adam, the same rule).';
      body = `torch.optim.Adam(model.parameters(), lr=LR, betas=(${n(o.beta1)}, ${n(o.beta2)}), eps=${n(o.eps)})`;
      break;
    case 'adamw':
      doc = `adamw: w −= lr·weight_decay·w on the weights only (not biases, γ, β), then the Adam step\n    (torch.optim.AdamW, the same rule, with a group of parameters that do not decay).`;
      body = [
        'torch.optim.AdamW(',
        '        [',
        `            {"params": [p for name, p in model.named_parameters() if name in WEIGHT_NAMES], "weight_decay": ${n(o.weightDecay)}},`,
        '            {"params": [p for name, p in model.named_parameters() if name not in WEIGHT_NAMES], "weight_decay": 0.0},',
        '        ],',
        `        lr=LR, betas=(${n(o.beta1)}, ${n(o.beta2)}), eps=${n(o.eps)},`,
        '    )',
      ].join('\n');
      break;
  }
  return `${extra ? `${extra}\n\n` : ''}def make_optimizer(model):
    """${doc}"""
    return ${body}
`;
}

/** lr_factor: the schedule as a multiple of LR, for LambdaLR stepped once per step. */
export function scheduleSection(s: ScheduleSpec | undefined): string {
  const n = pyNumber;
  const doc = `    """The learning rate as a multiple of LR at \`epoch\` (fractional: step / steps per epoch) of
    \`epochs\`, as TrainLens's schedule computes it:`;
  switch (s?.type) {
    case undefined:
      return `def lr_factor(epoch, epochs):\n${doc} none, a constant LR."""\n    return 1.0\n`;
    case 'step':
      return `def lr_factor(epoch, epochs):\n${doc} step, × ${n(s.gamma)} every ${n(s.every)} epochs."""\n    return ${n(s.gamma)} ** math.floor(epoch / ${n(s.every)})\n`;
    case 'exp':
      return `def lr_factor(epoch, epochs):\n${doc} exp, × ${n(s.gamma)} after each epoch."""\n    return ${n(s.gamma)} ** math.floor(epoch)\n`;
    case 'cosine':
      return `def lr_factor(epoch, epochs):
${doc} cosine from LR at 0 to ${n(s.min)} at the end."""
    low = ${n(s.min)}
    progress = min(epoch / epochs, 1.0) if epochs > 0 else 1.0
    return (low + 0.5 * (LR - low) * (1 + math.cos(math.pi * progress))) / LR
`;
  }
}
