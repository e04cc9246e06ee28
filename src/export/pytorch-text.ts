/**
 * The parts of the exported script that do not depend on the model: TrainLens's random numbers
 * (for the batch order), the data loader, and the training loop. Placeholders in braces are
 * filled in by pytorchScript.
 */

/** src/engine/rng.ts and streamSeed (src/engine/trainer.ts) in Python, 32-bit integer arithmetic. */
export const PYTHON_RNG = `# ── TrainLens's random numbers, for the batch order ────────────────────────────
M32 = 0xFFFFFFFF


def _rotl(x, k):
    return ((x << k) | (x >> (32 - k))) & M32


class Rng:
    """TrainLens's Rng (src/engine/rng.ts): xoshiro128** seeded by splitmix32, in 32-bit unsigned
    integer arithmetic, so it draws the very numbers TrainLens draws."""

    def __init__(self, seed):
        x = seed & M32
        self.s = []
        for _ in range(4):
            x = (x + 0x9E3779B9) & M32
            z = ((x ^ (x >> 16)) * 0x85EBCA6B) & M32
            z = ((z ^ (z >> 13)) * 0xC2B2AE35) & M32
            self.s.append(z ^ (z >> 16))

    def next_uint32(self):
        s0, s1, s2, s3 = self.s
        result = (_rotl((s1 * 5) & M32, 7) * 9) & M32
        t = (s1 << 9) & M32
        s2 ^= s0
        s3 ^= s1
        s1 ^= s2
        s0 ^= s3
        s2 ^= t
        self.s = [s0, s1, s2, _rotl(s3, 11)]
        return result

    def uniform(self):
        """Uniform in [0, 1)."""
        return self.next_uint32() / 4294967296.0

    def shuffle(self, a):
        """Fisher–Yates, in place."""
        for i in range(len(a) - 1, 0, -1):
            j = int(self.uniform() * (i + 1))
            a[i], a[j] = a[j], a[i]


def stream_seed(seed, purpose):
    """TrainLens's independent random stream for each purpose (streamSeed in src/engine/trainer.ts)."""
    salt = {"order": 0x6C8E9CF5, "train": 0x3C6EF372}[purpose]
    return ((seed * 0x9E3779B1) & M32) ^ salt
`;

export const PYTHON_DATA = `# ── data ──────────────────────────────────────────────────────────────────────
{DATA}
# x_train, x_val: float32, (rows, ...sample shape); y_train, y_val: class indices, or for
# regression float32 targets (rows, targets).
# Your own data: any Dataset whose dataset[rows] gives a batch (x float32, y int64 or float32) works with the
# loader in main(); or use DataLoader(your_dataset, batch_size=BATCH, shuffle=True), whose batch
# order (PyTorch's random numbers) no longer reproduces TrainLens's losses step by step.


Y_DTYPE = np.float32 if REGRESSION else np.int64


class ArrayDataset(torch.utils.data.Dataset):
    """Rows of x with their labels (or targets) y, indexed a batch at a time by a list of rows."""

    def __init__(self, x, y):
        self.x = torch.from_numpy(np.ascontiguousarray(x, dtype=np.float32))
        self.y = torch.from_numpy(np.asarray(y, dtype=Y_DTYPE))

    def __len__(self):
        return len(self.y)

    def __getitem__(self, rows):
        rows = torch.as_tensor(rows, dtype=torch.long)
        return self.x[rows], self.y[rows]


class TrainLensBatches(torch.utils.data.Sampler):
    """TrainLens's batch order: the rows shuffled by the seed's 'order' stream, cut into batches of
    \`batch\` rows (the last of an epoch may be short), shuffled again at the end of each epoch."""

    def __init__(self, n, batch, seed):
        self.batch = batch
        self.order = list(range(n))
        self.rng = Rng(stream_seed(seed, "order"))
        self.rng.shuffle(self.order)

    def __len__(self):
        return (len(self.order) + self.batch - 1) // self.batch

    def __iter__(self):
        for start in range(0, len(self.order), self.batch):
            yield self.order[start:start + self.batch]
        self.rng.shuffle(self.order)
`;

export const PYTHON_MAIN = `# ── training ──────────────────────────────────────────────────────────────────


@torch.no_grad()
def evaluate(model, x, y, device, chunk=1024):
    """Loss (data + regularization) over a whole set, in evaluation mode, and its score: accuracy,
    or for regression R² (1 − SS_res/SS_tot per target, averaged over targets) and RMSE."""
    model.eval()
    total, outputs = 0.0, []
    for start in range(0, len(y), chunk):
        xb, yb = x[start:start + chunk].to(device), y[start:start + chunk].to(device)
        scores = model(xb)
        total += data_loss(scores, yb).item() * len(yb)
        outputs.append(scores.cpu())
    model.train()
    scores = torch.cat(outputs)
    loss = total / len(y) + float(regularization(model))
    if not REGRESSION:
        return loss, {"acc": (scores.argmax(dim=1) == y).double().mean().item()}
    error, spread = (scores - y).double() ** 2, (y - y.mean(dim=0)).double() ** 2
    r2 = (1 - error.sum(dim=0) / spread.sum(dim=0)).mean().item()
    return loss, {"r2": r2, "rmse": error.mean().sqrt().item()}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=EPOCHS, help=f"epochs to train (default {EPOCHS})")
    parser.add_argument("--steps", type=int, help="stop after this many steps")
    parser.add_argument("--log-steps", type=int, default=10, help="print the loss of each of the first N steps (default 10)")
    parser.add_argument("--device", default="cuda" if torch.cuda.is_available() else "cpu",
                        help="cpu, cuda, cuda:1, … (default: cuda when there is one)")
    parser.add_argument("--init", choices=["trainlens", "torch"], default="trainlens",
                        help="trainlens: the exported weights; torch: fresh ones from torch_init()")
    parser.add_argument("--save", metavar="FILE", help="save the trained model's state_dict there (torch.save)"){DROPOUT_ARG}
    parser.add_argument("--print-order", type=int, metavar="EPOCHS", help="print the batch order of the first EPOCHS epochs, and stop")
    args = parser.parse_args()

    torch.manual_seed(SEED)
    data = np.load(DATA)
    train_set = ArrayDataset(data["x_train"], data["y_train"])
    x_val = torch.from_numpy(np.ascontiguousarray(data["x_val"], dtype=np.float32))
    y_val = torch.from_numpy(np.asarray(data["y_val"], dtype=Y_DTYPE))
    batch = len(train_set) if BATCH is None else min(BATCH, len(train_set))
    batches = TrainLensBatches(len(train_set), batch, SEED)
    if args.print_order:
        for epoch in range(1, args.print_order + 1):
            print(f"order {epoch}", *[row for rows in batches for row in rows])
        return
    loader = torch.utils.data.DataLoader(train_set, sampler=batches, batch_size=None)
    steps_per_epoch = len(batches)

    device = torch.device(args.device)
    model = build_model(engine_dropout={ENGINE_DROPOUT})
    if args.init == "trainlens":
        load_trainlens_weights(model, WEIGHTS)
    else:
        torch_init(model)
    model.to(device)
    optimizer = make_optimizer(model)
    # The learning rate of step s is LR · lr_factor(s / steps per epoch): LambdaLR, stepped every step.
    schedule = torch.optim.lr_scheduler.LambdaLR(optimizer, lambda s: lr_factor(s / steps_per_epoch, args.epochs))

    total = args.epochs * steps_per_epoch if args.steps is None else min(args.steps, args.epochs * steps_per_epoch)
    step = 0
    for epoch in range(1, args.epochs + 1):
        if step >= total:
            break
        loss_sum, correct, seen, steps = torch.zeros((), device=device), torch.zeros((), dtype=torch.long, device=device), 0, 0
        for x, y in loader:
            x, y = x.to(device), y.to(device)
            scores = model(x)
            loss = data_loss(scores, y) + regularization(model)  # what TrainLens reports: data loss + regularization
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            schedule.step()
            if step < args.log_steps:
                print(f"step {step} loss {loss.item():.9g}", flush=True)
            loss_sum += loss.detach() * len(y)  # weighted by batch size, as TrainLens's epoch loss
            if not REGRESSION:
                correct += (scores.argmax(dim=1) == y).sum()
            seen += len(y)
            steps += 1
            step += 1
            if step >= total:
                break
        if steps < steps_per_epoch:
            break  # stopped by --steps within the epoch
        line = f"epoch {epoch} loss {loss_sum.item() / seen:.6g}"
        if not REGRESSION:
            # In training mode over the epoch's batches, as the weights move: TrainLens's runningAcc
            # (its trainAcc is measured in eval mode on a fixed sample, which this script does not do).
            line += f" running_acc {correct.item() / seen:.4f}"
        if len(y_val) > 0:
            val_loss, scores = evaluate(model, x_val, y_val, device)
            line += f" val_loss {val_loss:.6g}" + "".join(f" val_{k} {v:.4f}" for k, v in scores.items())
        print(line, flush=True)

    if args.save:
        torch.save(model.state_dict(), args.save)


if __name__ == "__main__":
    main()
`;
