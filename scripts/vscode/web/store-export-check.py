#!/usr/bin/env python3
"""Reads a TrainLens PyTorch export without PyTorch (the web test's export scenario; NumPy only).

    store-export-check.py FOLDER NAME RUN_DIR [DESKTOP_FOLDER]

Parses FOLDER/NAME.py (it must be valid Python), reads its settings (EPOCHS, BATCH, SEED, LR, L2, L1),
the layers of build_model()'s nn.Sequential, PARAMS (TrainLens array -> state_dict key, transpose)
and WEIGHT_NAMES; then runs that network forward in float64 over NAME.data.npz with NAME.weights.npz,
as the script's evaluate() does: loss = mean cross-entropy + 1/2 L2 sum |W|^2 (+ L1 sum |W|), and
accuracy, on the training and the held-out rows. Compares NAME.weights.npz with the kept run's
weights.bin (RUN_DIR: run.json lists each array's shape and offset). With DESKTOP_FOLDER (the same
export by the CLI), compares the scripts' text, the data arrays and the weights. Prints one JSON object.
"""
import ast
import json
import os
import sys

import numpy as np


def literal(tree, name):
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(isinstance(t, ast.Name) and t.id == name for t in node.targets):
            return ast.literal_eval(node.value)
    raise SystemExit(f"{name} is not assigned at the top of the script")


def sequential(tree):
    """The calls inside build_model()'s `return nn.Sequential(...)`, as source text."""
    for node in tree.body:
        if isinstance(node, ast.FunctionDef) and node.name == "build_model":
            for sub in ast.walk(node):
                if isinstance(sub, ast.Return) and isinstance(sub.value, ast.Call) and ast.unparse(sub.value.func) == "nn.Sequential":
                    return [ast.unparse(a) for a in sub.value.args]
    raise SystemExit("no build_model() returning an nn.Sequential")


def forward(layers, state, x):
    for i, layer in enumerate(layers):
        if layer.startswith("nn.Linear("):
            x = x @ state[f"{i}.weight"].T + state[f"{i}.bias"]
        elif layer == "nn.ReLU()":
            x = np.maximum(x, 0)
        elif layer.startswith("nn.Flatten("):
            x = x.reshape(len(x), -1)
        else:
            raise SystemExit(f"this check does not run {layer}")
    return x


def scores_of(layers, state, x, y, reg):
    s = forward(layers, state, x.astype(np.float64))
    m = s.max(axis=1, keepdims=True)
    logp = s - m - np.log(np.exp(s - m).sum(axis=1, keepdims=True))
    return {"loss": float(-logp[np.arange(len(y)), y].mean() + reg), "acc": float((s.argmax(axis=1) == y).mean()), "rows": int(len(y))}


def main():
    folder, name, run_dir = sys.argv[1:4]
    desktop = sys.argv[4] if len(sys.argv) > 4 else None
    script = open(os.path.join(folder, f"{name}.py"), encoding="utf-8").read()
    tree = ast.parse(script)  # valid Python, or a SyntaxError
    compile(tree, f"{name}.py", "exec")
    settings = {k: literal(tree, k) for k in ["EPOCHS", "BATCH", "SEED", "LR", "L2", "L1", "REGRESSION"]}
    layers = sequential(tree)
    params = literal(tree, "PARAMS")
    weight_names = literal(tree, "WEIGHT_NAMES")
    arrays = np.load(os.path.join(folder, f"{name}.weights.npz"))
    data = np.load(os.path.join(folder, f"{name}.data.npz"))
    state = {key: (arrays[a].T if t else arrays[a]).astype(np.float64) for a, key, t in params}
    reg = 0.5 * settings["L2"] * sum((state[k] ** 2).sum() for k in weight_names) + settings["L1"] * sum(np.abs(state[k]).sum() for k in weight_names)
    meta = json.load(open(os.path.join(run_dir, "run.json"), encoding="utf-8"))
    flat = np.fromfile(os.path.join(run_dir, "weights.bin"), dtype="<f4")
    kept = {w["name"]: flat[w["offset"]:w["offset"] + int(np.prod(w["shape"]))].reshape(w["shape"]) for w in meta["weights"]}
    out = {
        "doc": ast.get_docstring(tree).splitlines()[:4],
        "settings": settings,
        "layers": layers,
        "params": params,
        "arrays": {k: list(arrays[k].shape) for k in arrays.files},
        "data": {k: [list(data[k].shape), str(data[k].dtype)] for k in data.files},
        "regLoss": float(reg),
        "train": scores_of(layers, state, data["x_train"], data["y_train"], reg),
        "val": scores_of(layers, state, data["x_val"], data["y_val"], reg) if len(data["y_val"]) else None,
        "sameAsKept": sorted(kept) == sorted(arrays.files) and all(np.array_equal(kept[k], arrays[k]) for k in kept),
    }
    if desktop:
        other = open(os.path.join(desktop, f"{name}.py"), encoding="utf-8").read()
        d_data = np.load(os.path.join(desktop, f"{name}.data.npz"))
        d_arrays = np.load(os.path.join(desktop, f"{name}.weights.npz"))
        out["desktop"] = {
            "scriptSame": other == script,
            "scriptDiff": [[a, b] for a, b in zip(script.splitlines(), other.splitlines()) if a != b][:5],
            "dataSame": sorted(d_data.files) == sorted(data.files) and all(np.array_equal(d_data[k], data[k]) for k in data.files),
            "weightsMaxAbsDiff": max(float(np.abs(d_arrays[k].astype(np.float64) - arrays[k]).max()) for k in arrays.files),
            "weightsMaxAbs": max(float(np.abs(arrays[k]).max()) for k in arrays.files),
        }
    print(json.dumps(out))


if __name__ == "__main__":
    main()
