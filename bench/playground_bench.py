"""Benchmark section "playground": how responsive the live playground is at its default configuration.

Rows (name, median, spread, target, verdict):
    chunk -> updated figure   one Play chunk, from the start of its training to the new PNG set on the
                              figure widget (train chunk_epochs epochs, update the artists, draw, encode);
                              median and interquartile range over the chunks; target <= 100 ms
    epochs/s while playing    epochs trained per second of Play (training + drawing); target >= 50
    epochs/s training only    PlaygroundState.step without drawing (for reference)
    redraw only               figure update + PNG encoding, no training (for reference)

The chunk size adapts as in the notebook (Playground.train_chunk aims at chunk_ms = 60 ms per chunk),
so the first chunks are warm-up and are left out.

    run(quick=False) -> list of rows;  render(rows) -> str   (bench/run.py may also call
    run(quick, torch=..., torch_info=...): the extra arguments are ignored)
"""
import time

import numpy as np

from ._common import table, verdict

NAME = "playground"
TARGET_CHUNK_MS = 100.0
TARGET_EPOCHS_PER_S = 50.0
HEADERS = ["measure", "median", "spread (q1–q3)", "target", "verdict"]


def _playground():
    from nnlib.widgets.playground import Playground

    p = Playground()
    p.widget()          # the live figure and its Image widget
    return p


def _chunk_latency(n_chunks, warmup=5):
    """Times (s) and epochs of n_chunks Play chunks at the default configuration."""
    p = _playground()
    for _ in range(warmup):
        p.train_chunk()
    p.chunk_times.clear()
    epochs = []
    for _ in range(n_chunks):
        epochs.append(p.train_chunk())
    return np.array(p.chunk_times), np.array(epochs), p


def _training_only(n_epochs):
    from nnlib.widgets.playground import PlaygroundState

    s = PlaygroundState()
    s.step(5)
    rates = []
    for _ in range(5):
        t0 = time.perf_counter()
        s.step(n_epochs)
        rates.append(n_epochs / (time.perf_counter() - t0))
    return np.array(rates)


def _redraw_only(p, n):
    times = []
    for _ in range(n):
        t0 = time.perf_counter()
        p.redraw()
        times.append(time.perf_counter() - t0)
    return np.array(times)


def _ms_row(name, seconds, target_ms=None):
    q1, med, q3 = np.percentile(seconds * 1e3, [25, 50, 75])
    ok = None if target_ms is None else bool(med <= target_ms)
    return [name, f"{med:.1f} ms", f"{q1:.1f}–{q3:.1f} ms", f"≤ {target_ms:g} ms" if target_ms else "-", verdict(ok)]


def _rate_row(name, rates, target=None):
    q1, med, q3 = np.percentile(rates, [25, 50, 75])
    ok = None if target is None else bool(med >= target)
    return [name, f"{med:.0f} epochs/s", f"{q1:.0f}–{q3:.0f}", f"≥ {target:g}" if target else "-", verdict(ok)]


def run(quick=False, **_ignored):
    """Measure and return the rows (lists of five strings)."""
    n_chunks = 8 if quick else 60
    times, epochs, p = _chunk_latency(n_chunks, warmup=3 if quick else 8)
    per_chunk_rate = epochs / times
    rows = [
        _ms_row(f"chunk -> updated figure ({np.median(epochs):.0f} epochs/chunk)", times, TARGET_CHUNK_MS),
        _rate_row("epochs/s while playing", per_chunk_rate, TARGET_EPOCHS_PER_S),
        _rate_row("epochs/s training only", _training_only(10 if quick else 50)),
        _ms_row("redraw only (update + PNG)", _redraw_only(p, 5 if quick else 30)),
    ]
    return rows


def render(rows):
    return table(rows, HEADERS)


if __name__ == "__main__":
    import sys
    print(render(run(quick="--quick" in sys.argv)))
