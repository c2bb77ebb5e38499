"""Benchmark section "explorers": how long each explorer takes to appear in a kernel (issue 14 item 9).

One row per explorer and the playground: the time from the start of the cell (`neuron_explorer()`
as the last line of a cell) to the live figure, i.e. constructing the explorer and producing its
display output (the live widget with its first picture, and the text/html part of the output).

    kernel (after)      NNLIB_PLAYER unset, as in Jupyter and Colab: the live figure only
    with frames (before) NNLIB_PLAYER=full, what a kernel did before: the static player's every frame
                        (now only the book's build does this)

Each measurement runs in a fresh Python process that first does what the chapter has done before
the explorer's cell (imports nnlib.widgets and ipywidgets, draws one matplotlib figure), so that
the time is the explorer's own. "after" is the median over `repeats` fresh processes (3; 1 with
--quick), with the process's CPU time beside it (on a busy machine the wall time waits for a core;
the CPU time does not), "before" a single process (it takes seconds). "frames" counts the static
frames the "before" run drew (the playground: its recorded frames). Target: after ≤ 0.3 s for
every explorer.

    run(quick=False) -> rows;  render(rows) -> str
"""
import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np

from ._common import table, verdict

NAME = "explorers"
ROOT = Path(__file__).resolve().parent.parent
TARGET_S = 0.3
HEADERS = ["explorer (chapter)", "kernel: cell -> live figure (after)", "spread", "CPU time", "with frames (before)",
           "frames", "target", "verdict"]
EXPLORERS = [("representation_explorer", "01"), ("neuron_explorer", "02"), ("activation_explorer", "03"),
             ("network_explorer", "04"), ("fit_by_hand_explorer", "05"), ("descent_explorer", "06"),
             ("batch_size_explorer", "07"), ("backprop_stepper", "08"), ("playground", "09, 10"),
             ("overfitting_explorer", "10"), ("scaling_explorer", "11"), ("batchnorm_comparison", "11")]

# Runs in the child process: prints {"seconds": ..., "frames": ...} as its last line.
CHILD = r"""
import contextlib, io, json, sys, time
import matplotlib
matplotlib.use("agg")
import matplotlib.pyplot as plt
import ipywidgets
import nnlib.widgets as widgets
fig, ax = plt.subplots(); ax.plot([0, 1], [1, 0]); fig.canvas.draw(); plt.close(fig)   # the chapter's earlier figures
ipywidgets.FloatSlider()
name = sys.argv[1]
with contextlib.redirect_stdout(io.StringIO()):     # outside a kernel, display() prints
    t0, c0 = time.perf_counter(), time.process_time()
    obj = getattr(widgets, name)()                  # the cell: constructing the explorer ...
    bundle = obj._repr_mimebundle_()                # ... and displaying it
    seconds, cpu = time.perf_counter() - t0, time.process_time() - c0
frames = getattr(obj, "frames_rendered", None)
if frames is None:                                  # the playground records runs instead
    frames = bundle["text/html"].count("<img ")
print(json.dumps({"seconds": seconds, "cpu": cpu, "frames": frames}))
"""


def _time(name, mode):
    env = dict(os.environ, PYTHONPATH=str(ROOT), MPLBACKEND="agg")
    env.pop("NNLIB_PLAYER", None)
    if mode:
        env["NNLIB_PLAYER"] = mode
    done = subprocess.run([sys.executable, "-c", CHILD, name], cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=900)
    if done.returncode != 0:
        raise RuntimeError(f"{name} ({mode or 'kernel'}) failed:\n{done.stderr[-2000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def run(quick=False, **_ignored):
    repeats = 1 if quick else 3
    rows = []
    for name, chapter in EXPLORERS:
        runs = [_time(name, None) for _ in range(repeats)]
        after = np.array([r["seconds"] for r in runs])
        cpu = float(np.median([r["cpu"] for r in runs]))
        # --quick: the "before" run renders every frame (minutes for all twelve): only the smallest
        before = _time(name, "full") if not quick or name == "batchnorm_comparison" else None
        med = float(np.median(after))
        rows.append([f"{name} ({chapter})", f"{med:.3f} s", f"{after.min():.3f}–{after.max():.3f} s", f"{cpu:.3f} s",
                     f"{before['seconds']:.2f} s" if before else "(--quick)", str(before["frames"]) if before else "-",
                     f"≤ {TARGET_S:g} s", verdict(med <= TARGET_S)])
    return rows


def render(rows):
    return table(rows, HEADERS)


if __name__ == "__main__":
    print(render(run(quick="--quick" in sys.argv)))
