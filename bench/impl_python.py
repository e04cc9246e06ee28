"""One Python implementation as a child process of bench/run.mjs:
    [BENCH_THREADS=2] [OPENBLAS_CORETYPE=Haswell] python3 bench/impl_python.py torch|numpy [--probe MS]

Reads one JSON request a line on stdin ({"workload": "W1", "warmupMs": 500, "ms": 1500}) and answers
each with a line `BENCH {...}` on stdout. `torch` runs W1-W4 with PyTorch on BENCH_THREADS threads
(default 1); `numpy` runs W4 only (OpenBLAS, or whatever BLAS numpy is linked to). When the module
is missing it answers {"absent": ...} and exits.

--probe MS: one answer and exit, for the runner's choice of OpenBLAS kernel (OPENBLAS_CORETYPE must
be in the environment before OpenBLAS loads, so the runner starts one process per candidate): the
512^3 float32 product's GFLOP/s over MS milliseconds, its normwise relative error against the
float64 product, and the kernel OpenBLAS says it uses (openblas_get_corename).
"""
import json
import os
import sys
import time

THREADS = int(os.environ.get("BENCH_THREADS", "1"))
for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[var] = str(THREADS)

IMPL = sys.argv[1] if len(sys.argv) > 1 else "torch"
PROBE_MS = float(sys.argv[sys.argv.index("--probe") + 1]) if "--probe" in sys.argv else None
LR = 0.01
TRAIN = {
    "W1": {"batch": 64, "shape": (784,), "classes": 10, "samples": 2048, "flops": 1211392},
    "W2": {"batch": 32, "shape": (1, 28, 28), "classes": 10, "samples": 1024, "flops": 5964672},
    "W3": {"batch": 300, "shape": (2,), "classes": 3, "samples": 300, "flops": 2600},
}
GEMM = {"W4-512": 512, "W4-1024": 1024}


def reply(obj):
    sys.stdout.write("BENCH " + json.dumps(obj) + "\n")
    sys.stdout.flush()


def blas_name():
    try:
        import ctypes
        import ctypes.util
        for path in ("/usr/lib/x86_64-linux-gnu/libblas.so.3", ctypes.util.find_library("blas")):
            if path and os.path.exists(os.path.realpath(path)):
                return os.path.basename(os.path.dirname(os.path.realpath(path))) or os.path.realpath(path)
    except Exception:
        pass
    return "unknown BLAS"


def openblas_corename():
    """The kernel the loaded OpenBLAS runs (Debian's libopenblas or a wheel's scipy_openblas), or None."""
    try:
        import threadpoolctl  # names the architecture of every BLAS loaded in this process
        for info in threadpoolctl.threadpool_info():
            if info.get("internal_api") == "openblas" and info.get("architecture"):
                return info["architecture"]
    except Exception:
        pass
    try:
        import ctypes
        with open("/proc/self/maps") as maps:
            libs = sorted({line.split()[-1] for line in maps if "blas" in line.lower() and ".so" in line})
        for lib in libs:
            handle = ctypes.CDLL(lib)
            for symbol in ("openblas_get_corename", "openblas_get_corename64_", "scipy_openblas_get_corename64_", "scipy_openblas_get_corename"):
                fn = getattr(handle, symbol, None)
                if fn is not None:
                    fn.restype = ctypes.c_char_p
                    return fn().decode()
    except Exception:
        pass
    return None


try:
    if IMPL == "torch":
        import torch
        torch.set_num_threads(THREADS)
        torch.manual_seed(1)
        VERSION = "%s (%s), %d thread%s, BLAS %s" % (torch.__version__, sys.executable, torch.get_num_threads(),
                                                      "" if THREADS == 1 else "s", blas_name())
    elif IMPL == "numpy":
        import numpy as np
        try:  # numpy >= 1.26 names the BLAS it was built with (pip wheels bundle their own OpenBLAS)
            blas = np.__config__.CONFIG["Build Dependencies"]["blas"]
            blas = "%s %s" % (blas.get("name", "?"), blas.get("version", ""))
        except Exception:
            blas = blas_name()
        VERSION = "%s (%s), %d thread%s, BLAS %s" % (np.__version__, sys.executable, THREADS, "" if THREADS == 1 else "s", blas.strip())
    else:
        raise RuntimeError("unknown implementation %r" % IMPL)
except Exception as e:  # ImportError, or a broken install
    reply({"absent": "%s: %s" % (type(e).__name__, str(e).splitlines()[0] if str(e) else "")})
    sys.exit(0)


def torch_train(name):
    w = TRAIN[name]
    nn = torch.nn
    if name == "W1":
        model = nn.Sequential(nn.Linear(784, 256), nn.ReLU(), nn.Linear(256, 256), nn.ReLU(), nn.Linear(256, 10))
    elif name == "W2":
        model = nn.Sequential(
            nn.Conv2d(1, 16, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
            nn.Conv2d(16, 32, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
            nn.Flatten(), nn.Linear(32 * 7 * 7, 10))
    else:
        model = nn.Sequential(nn.Linear(2, 100), nn.ReLU(), nn.Linear(100, 3))
    x = torch.rand(w["samples"], *w["shape"]) if name == "W2" else torch.randn(w["samples"], *w["shape"])
    y = torch.randint(0, w["classes"], (w["samples"],))
    b = w["batch"]
    batches = [(x[s:s + b].contiguous(), y[s:s + b].contiguous()) for s in range(0, w["samples"] - b + 1, b)]
    opt = torch.optim.SGD(model.parameters(), lr=LR)
    loss_fn = nn.CrossEntropyLoss()
    state = {"i": 0}

    def step():
        xb, yb = batches[state["i"] % len(batches)]
        state["i"] += 1
        opt.zero_grad(set_to_none=True)
        loss = loss_fn(model(xb), yb)
        loss.backward()
        opt.step()
        loss.item()
    return step


def gemm(n, a64=None, b64=None):
    """A step computing one float32 n^3 product (of a64 @ b64 rounded to float32 when given); returns C."""
    if IMPL == "torch":
        a = torch.randn(n, n) if a64 is None else torch.from_numpy(a64).float()
        b = torch.randn(n, n) if b64 is None else torch.from_numpy(b64).float()
        c = torch.empty(n, n)
        return lambda: torch.mm(a, b, out=c).numpy()
    rng = np.random.default_rng(1)
    a = rng.standard_normal((n, n), dtype=np.float32) if a64 is None else a64.astype(np.float32)
    b = rng.standard_normal((n, n), dtype=np.float32) if b64 is None else b64.astype(np.float32)
    c = np.empty((n, n), dtype=np.float32)
    return lambda: np.matmul(a, b, out=c)


def measure(state, step, warmup_ms, ms):
    now = time.perf_counter
    t0 = now()
    warm = 0
    while not state["warmed"] or ((now() - t0) * 1000 < warmup_ms and state["step_ms"] < warmup_ms):
        step()
        warm += 1
        state["warmed"] = True
        if (now() - t0) * 1000 >= warmup_ms:
            break
    t0 = now()
    steps = 0
    while True:
        step()
        steps += 1
        t = now()
        if (t - t0) * 1000 >= ms:
            break
    seconds = t - t0
    state["step_ms"] = seconds * 1000 / steps
    return {"steps": steps, "seconds": seconds, "warmupSteps": warm}


def probe(ms):
    """GFLOP/s of the 512^3 float32 product and its error against float64 (see the module's doc)."""
    import numpy
    n = 512
    rng = numpy.random.default_rng(1)
    a64 = rng.standard_normal((n, n))
    b64 = rng.standard_normal((n, n))
    exact = a64.astype(numpy.float32).astype(numpy.float64) @ b64.astype(numpy.float32).astype(numpy.float64)
    step = gemm(n, a64, b64)
    got = numpy.asarray(step(), dtype=numpy.float64)
    rel = float(numpy.linalg.norm(got - exact) / numpy.linalg.norm(exact))
    r = measure({"warmed": False, "step_ms": 0.0}, step, ms / 3, ms)
    return {"probe": True, "gflops": 2 * n ** 3 * r["steps"] / r["seconds"] / 1e9, "relErr": rel,
            "corename": openblas_corename(), "coretype": os.environ.get("OPENBLAS_CORETYPE")}


if PROBE_MS is not None:
    try:
        reply(probe(PROBE_MS))
    except Exception as e:
        reply({"probe": True, "error": "%s: %s" % (type(e).__name__, str(e).splitlines()[0] if str(e) else "")})
    sys.exit(0)

CORENAME = openblas_corename()
reply({"ready": True, "version": VERSION + (", OpenBLAS kernel %s" % CORENAME if CORENAME else ""), "threads": THREADS})
steps = {}
states = {}
for line in sys.stdin:
    if not line.strip():
        continue
    req = json.loads(line)
    name = req["workload"]
    try:
        if name not in steps:
            if name in GEMM:
                steps[name] = gemm(GEMM[name])
            elif IMPL == "torch":
                steps[name] = torch_train(name)
            else:
                raise RuntimeError("numpy has no training implementation (W4 only)")
            states[name] = {"warmed": False, "step_ms": 0.0}
        r = measure(states[name], steps[name], req["warmupMs"], req["ms"])
        if name in GEMM:
            r["gflops"] = 2 * GEMM[name] ** 3 * r["steps"] / r["seconds"] / 1e9
        else:
            w = TRAIN[name]
            r["samplesPerSec"] = w["batch"] * r["steps"] / r["seconds"]
            r["gflops"] = w["flops"] * w["batch"] * r["steps"] / r["seconds"] / 1e9
        reply(r)
    except Exception as e:
        reply({"unsupported": "%s: %s" % (type(e).__name__, str(e).splitlines()[0] if str(e) else "")})
