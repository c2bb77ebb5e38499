"""Benchmark section "nnlib": one training step of nnlib's functional API against a bare-NumPy loop and PyTorch.

One training step = forward, MSE gradient, backward, plain SGD update, in float64:
    nnlib   network.forward → losses.mse_grad → network.backward → optim.sgd_step  (new params each step)
    bare    the same arithmetic written as plain NumPy: matmuls, no validation, in-place update,
            g'(Z) taken from the cached A (tanh' = 1 − A², σ' = A(1 − A)), no gradient for the input X
    torch   nn.Sequential of nn.Linear + activations, nn.MSELoss, torch.optim.SGD, zero_grad(set_to_none=True)
A second bare loop, "bare, nnlib's work", repeats exactly the work nnlib does (recomputes g(Z) in the
backward pass, computes the first layer's dA_prev when nnlib does, allocates new parameter arrays), so
nnlib ÷ bare splits into Python overhead (nnlib ÷ nnlib's work) and extra arithmetic (nnlib's work ÷ bare).

The matmul ceiling times exactly the matmuls of nnlib's step (same shapes, same transposed operands),
back to back; FLOPs are counted as 2·m·k·n per matmul for the matmuls nnlib actually computes.
"""
import numpy as np

from nnlib import losses, network, optim

from ._common import fmt_time, measure, table, verdict

NAME = "nnlib"
LR = 0.01

NETWORKS = [
    {"key": "small", "sizes": [2, 8, 8, 1], "activations": ["tanh", "tanh", "sigmoid"], "batch": 10,
     "init": "xavier", "budget_s": 15.0, "quick_budget_s": 1.0},
    {"key": "large", "sizes": [784, 128, 64, 10], "activations": ["relu", "relu", "linear"], "batch": 128,
     "init": "he", "budget_s": 25.0, "quick_budget_s": 2.0},
]
REFERENCE_N = 1024  # the n×n float64 matmul reported for reference
TARGETS = {"bare_ratio_max": 1.3, "torch_ratio_max": 1.0, "matmul_share_min": 0.70}
TORCH_MISSING = "PyTorch not installed: pip install torch==2.13.0"


# --------------------------------------------------------------------------------------------- the three steps
def make_nnlib_step(X, y, params, acts):
    state = {"params": [(W.copy(), b.copy()) for W, b in params]}

    def step():
        y_hat, caches = network.forward(X, state["params"], acts)
        grads = network.backward(losses.mse_grad(y_hat, y), caches)
        state["params"] = optim.sgd_step(state["params"], grads, LR)

    return step, lambda: state["params"]


def _sigmoid(Z):
    return 1.0 / (1.0 + np.exp(-Z))


# name: (g, g' from (Z, A) as a plain loop would write it, g' recomputed from Z as nnlib does); None = identity
_BARE = {
    "tanh": (np.tanh, lambda Z, A: 1.0 - A * A, lambda Z: 1.0 - np.tanh(Z) ** 2),
    "sigmoid": (_sigmoid, lambda Z, A: A * (1.0 - A), lambda Z: _sigmoid(Z) * (1.0 - _sigmoid(Z))),
    "relu": (lambda Z: np.maximum(Z, 0.0), lambda Z, A: Z > 0, lambda Z: (Z > 0).astype(Z.dtype)),
    "linear": (None, None, lambda Z: np.ones_like(Z)),
}


def make_bare_step(X, y, params, acts, nnlib_work=False, input_grad=True):
    """Plain NumPy step. nnlib_work=True: redo nnlib's extra work (see the module docstring);
    input_grad: whether that includes the first layer's dA_prev (only used with nnlib_work)."""
    Ws = [W.copy() for W, _ in params]
    bs = [b.copy() for _, b in params]
    fns = [_BARE[a] for a in acts]
    L = len(Ws)

    def step():
        A, As, Zs = X, [X], []
        for W, b, (g, _, _) in zip(Ws, bs, fns):
            Z = A @ W + b
            A = Z if g is None else g(Z)
            if nnlib_work and g is None:
                A = Z.copy()
            Zs.append(Z)
            As.append(A)
        dA = 2.0 * (A - y) / A.size
        grads = [None] * L
        for l in range(L - 1, -1, -1):
            _, gp_a, gp_z = fns[l]
            if nnlib_work:
                dZ = dA * gp_z(Zs[l])
            else:
                dZ = dA if gp_a is None else dA * gp_a(Zs[l], As[l + 1])
            dW = As[l].T @ dZ
            db = dZ.sum(axis=0)
            if l > 0 or (nnlib_work and input_grad):
                dA = dZ @ Ws[l].T
            if nnlib_work:
                grads[l] = (dW, db)
            else:
                Ws[l] -= LR * dW
                bs[l] -= LR * db
        if nnlib_work:  # new arrays after the backward pass, as optim.sgd_step does (same allocation pattern)
            Ws[:] = [W - LR * dW for W, (dW, _) in zip(Ws, grads)]
            bs[:] = [b - LR * db for b, (_, db) in zip(bs, grads)]

    return step, lambda: list(zip(Ws, bs))


def make_torch_step(torch, X, y, params, acts):
    nn = torch.nn
    modules = {"tanh": nn.Tanh, "sigmoid": nn.Sigmoid, "relu": nn.ReLU, "linear": None}
    layers = []
    for (W, b), act in zip(params, acts):
        lin = nn.Linear(W.shape[0], W.shape[1], dtype=torch.float64)
        with torch.no_grad():
            lin.weight.copy_(torch.from_numpy(W.T.copy()))  # torch stores (n_out, n_in)
            lin.bias.copy_(torch.from_numpy(b))
        layers.append(lin)
        if modules[act] is not None:
            layers.append(modules[act]())
    model = nn.Sequential(*layers)
    opt = torch.optim.SGD(model.parameters(), lr=LR)
    loss_fn = nn.MSELoss()  # mean over all entries, like losses.mse
    Xt, yt = torch.from_numpy(X), torch.from_numpy(y)

    def step():
        opt.zero_grad(set_to_none=True)
        loss = loss_fn(model(Xt), yt)
        loss.backward()
        opt.step()

    def get_params():
        lins = [m for m in model if isinstance(m, nn.Linear)]
        return [(m.weight.detach().numpy().T, m.bias.detach().numpy()) for m in lins]

    return step, get_params


# --------------------------------------------------------------------------------------------- FLOPs and ceiling
def nnlib_computes_input_grad(X, y, params, acts):
    """Does nnlib's network.backward compute dA_prev for the first layer (a gradient for X nobody uses)?

    Answered by watching network.dense_backward during one backward pass: True if the first layer's call
    returns an array as dA_prev. If that cannot be observed, assume it does (the current code does)."""
    original = getattr(network, "dense_backward", None)
    if original is None:
        return True
    calls = []

    def spy(*args, **kwargs):
        out = original(*args, **kwargs)
        calls.append(out)
        return out

    network.dense_backward = spy
    try:
        y_hat, caches = network.forward(X, params, acts)
        network.backward(losses.mse_grad(y_hat, y), caches)
    finally:
        network.dense_backward = original
    if len(calls) != len(params):
        return True
    return calls[-1][0] is not None


def step_matmuls(n, sizes, input_grad, rng):
    """The matmuls of one nnlib step as (left, right) operand pairs with nnlib's shapes and layouts."""
    pairs = []
    dims = list(zip(sizes[:-1], sizes[1:]))
    for n_in, n_out in dims:  # forward: A_prev @ W
        pairs.append((rng.normal(size=(n, n_in)), rng.normal(size=(n_in, n_out))))
    for l in range(len(dims) - 1, -1, -1):  # backward: A_prev.T @ dZ and dZ @ W.T
        n_in, n_out = dims[l]
        A_prev, dZ, W = rng.normal(size=(n, n_in)), rng.normal(size=(n, n_out)), rng.normal(size=(n_in, n_out))
        pairs.append((A_prev.T, dZ))
        if l > 0 or input_grad:
            pairs.append((dZ, W.T))
    return pairs


def matmul_flops(pairs):
    return sum(2 * a.shape[0] * a.shape[1] * b.shape[1] for a, b in pairs)


def make_matmul_run(pairs):
    def run():
        for a, b in pairs:
            a @ b

    return run


# --------------------------------------------------------------------------------------------- checks
def agree(get_a, get_b, rtol=1e-9, atol=1e-12):
    return all(np.allclose(Wa, Wb, rtol=rtol, atol=atol) and np.allclose(ba, bb, rtol=rtol, atol=atol)
               for (Wa, ba), (Wb, bb) in zip(get_a(), get_b()))


def check_same_step(X, y, params, acts, torch):
    """One step from the same start with every implementation must give the same parameters."""
    ref_step, ref_get = make_nnlib_step(X, y, params, acts)
    ref_step()
    others = {"bare": make_bare_step(X, y, params, acts),
              "bare_nnlib_work": make_bare_step(X, y, params, acts, nnlib_work=True)}
    if torch is not None:
        others["torch"] = make_torch_step(torch, X, y, params, acts)
    result = {}
    for name, (step, get) in others.items():
        step()
        result[name] = bool(agree(ref_get, get))
    return result


# --------------------------------------------------------------------------------------------- the section
def run(quick=False, torch=None, torch_info=None):
    rng = np.random.default_rng(0)
    results = {"networks": [], "targets": TARGETS, "lr": LR, "dtype": "float64"}
    for cfg in NETWORKS:
        sizes, acts, n = cfg["sizes"], cfg["activations"], cfg["batch"]
        X = rng.normal(size=(n, sizes[0]))
        y = rng.uniform(size=(n, sizes[-1]))
        params = network.init_params(sizes, rng=1, scale=cfg["init"])
        input_grad = nnlib_computes_input_grad(X, y, params, acts)
        pairs = step_matmuls(n, sizes, input_grad, rng)
        flops = matmul_flops(pairs)
        # the bare loop's (and PyTorch's) own matmuls: no gradient for the input X
        bare_pairs = step_matmuls(n, sizes, False, rng) if input_grad else pairs

        contestants = {
            "nnlib": make_nnlib_step(X, y, params, acts)[0],
            "bare": make_bare_step(X, y, params, acts)[0],
            "bare_nnlib_work": make_bare_step(X, y, params, acts, nnlib_work=True, input_grad=input_grad)[0],
            "matmuls": make_matmul_run(pairs),
        }
        if input_grad:
            contestants["matmuls_bare"] = make_matmul_run(bare_pairs)
        if torch is not None:
            contestants["torch"] = make_torch_step(torch, X, y, params, acts)[0]
        checks = check_same_step(X, y, params, acts, torch)
        # NumPy's OpenBLAS and PyTorch's OpenMP threads must not alternate sample by sample (see measure)
        groups = [[k for k in contestants if k != "torch"]] + ([["torch"]] if torch is not None else [])
        timings = measure(contestants, cfg["quick_budget_s"] if quick else cfg["budget_s"], groups=groups)

        t = {k: v["median_s"] for k, v in timings.items()}
        ratios = {"nnlib/bare": t["nnlib"] / t["bare"],
                  "nnlib/bare_nnlib_work": t["nnlib"] / t["bare_nnlib_work"],
                  "bare_nnlib_work/bare": t["bare_nnlib_work"] / t["bare"],
                  "nnlib/torch": t["nnlib"] / t["torch"] if "torch" in t else None}
        gflops = {"nnlib": flops / t["nnlib"] * 1e-9, "matmul_ceiling": flops / t["matmuls"] * 1e-9,
                  "share_of_ceiling": t["matmuls"] / t["nnlib"],
                  "bare_flops_per_step": matmul_flops(bare_pairs),
                  "bare_share_of_its_ceiling": t.get("matmuls_bare", t["matmuls"]) / t["bare"]}
        passes = {"bare": bool(ratios["nnlib/bare"] <= TARGETS["bare_ratio_max"]),
                  "torch": None if ratios["nnlib/torch"] is None else bool(ratios["nnlib/torch"] < TARGETS["torch_ratio_max"]),
                  "matmul": bool(gflops["share_of_ceiling"] >= TARGETS["matmul_share_min"]) if cfg["key"] == "large" else None}
        results["networks"].append({
            "key": cfg["key"], "sizes": sizes, "activations": acts, "batch": n,
            "nnlib_computes_input_grad": input_grad, "matmul_shapes": [[list(a.shape), list(b.shape)] for a, b in pairs],
            "flops_per_step": flops, "same_result_after_one_step": checks,
            "timings": timings, "ratios": ratios, "gflops": gflops, "pass": passes,
            "torch_note": None if torch is not None else TORCH_MISSING,
        })

    A = rng.normal(size=(REFERENCE_N, REFERENCE_N))
    B = rng.normal(size=(REFERENCE_N, REFERENCE_N))
    ref = measure({"matmul_1024": lambda: A @ B}, 0.3 if quick else 3.0, sample_s=0.0, warmup_s=0.2)["matmul_1024"]
    ref["gflops"] = 2 * REFERENCE_N ** 3 / ref["median_s"] * 1e-9
    results["matmul_1024"] = ref
    return results


def _flops(f):
    return f"{f / 1e6:.2f} MFLOP" if f >= 1e5 else f"{f / 1e3:.2f} kFLOP"


NOISY = 1.5  # q3 / median above this: flag the timing as noisy


def _spread(s):
    noisy = " (noisy)" if s["q3_s"] > NOISY * s["median_s"] else ""
    return f"{fmt_time(s['q1_s'])} – {fmt_time(s['q3_s'])}{noisy}"


def render(results):
    headers = ["network", "implementation", "median / step", "IQR (q1 – q3)", "nnlib ÷ this", "target", "result"]
    rows = []
    for net in results["networks"]:
        label = "-".join(map(str, net["sizes"])) + f" ({', '.join(net['activations'])}), batch {net['batch']}"
        tm, r, g, p = net["timings"], net["ratios"], net["gflops"], net["pass"]
        rows.append([label, "nnlib functional API", fmt_time(tm["nnlib"]["median_s"]), _spread(tm["nnlib"]), "1.00×", "", ""])
        rows.append(["", "bare NumPy loop", fmt_time(tm["bare"]["median_s"]), _spread(tm["bare"]),
                     f"{r['nnlib/bare']:.2f}×", f"≤ {TARGETS['bare_ratio_max']:.2f}×", verdict(p["bare"])])
        rows.append(["", "  bare NumPy, nnlib's work (info)", fmt_time(tm["bare_nnlib_work"]["median_s"]),
                     _spread(tm["bare_nnlib_work"]), f"{r['nnlib/bare_nnlib_work']:.2f}×", "", ""])
        if "torch" in tm:
            rows.append(["", "PyTorch CPU", fmt_time(tm["torch"]["median_s"]), _spread(tm["torch"]),
                         f"{r['nnlib/torch']:.2f}×", f"< {TARGETS['torch_ratio_max']:.2f}×", verdict(p["torch"])])
        else:
            rows.append(["", "PyTorch CPU", "-", "-", "-", f"< {TARGETS['torch_ratio_max']:.2f}×", net["torch_note"]])
        share = f"nnlib {g['nnlib']:.2f} GFLOP/s = {100 * g['share_of_ceiling']:.0f}% of {g['matmul_ceiling']:.2f}"
        target = f"≥ {100 * TARGETS['matmul_share_min']:.0f}%" if p["matmul"] is not None else "(info)"
        rows.append(["", f"step's {len(net['matmul_shapes'])} matmuls alone ({_flops(net['flops_per_step'])})",
                     fmt_time(tm["matmuls"]["median_s"]), _spread(tm["matmuls"]), share, target, verdict(p["matmul"])
                     if p["matmul"] is not None else ""])
    ref = results["matmul_1024"]
    rows.append([f"{REFERENCE_N}×{REFERENCE_N} @ {REFERENCE_N}×{REFERENCE_N}", "np.matmul float64 (reference)",
                 fmt_time(ref["median_s"]), _spread(ref), f"{ref['gflops']:.1f} GFLOP/s", "", ""])
    lines = [table(rows, headers)]
    notes = []
    for net in results["networks"]:
        bad = [k for k, ok in net["same_result_after_one_step"].items() if not ok]
        notes.append(f"{'-'.join(map(str, net['sizes']))}: one step from the same start gives the same parameters "
                     f"in every implementation: {'yes' if not bad else 'NO, differs: ' + ', '.join(bad)}; "
                     f"nnlib computes dA_prev for the first layer: {'yes' if net['nnlib_computes_input_grad'] else 'no'}; "
                     f"nnlib ÷ (nnlib's work) = {net['ratios']['nnlib/bare_nnlib_work']:.2f}× (Python overhead), "
                     f"(nnlib's work) ÷ bare = {net['ratios']['bare_nnlib_work/bare']:.2f}× (extra arithmetic); "
                     f"the bare loop spends {100 * net['gflops']['bare_share_of_its_ceiling']:.0f}% of its step in its own "
                     f"matmuls ({_flops(net['gflops']['bare_flops_per_step'])})")
    lines += notes
    return "\n".join(lines)
