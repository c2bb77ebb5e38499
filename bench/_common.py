"""Shared helpers for the benchmark sections: environment header, thread counts, timing, statistics.

Timing method (used by every section):
- each contestant is a zero-argument callable doing one unit of work (e.g. one training step);
- warm-up calls first, then a calibration picks `inner`, the number of calls per sample, so that one
  sample lasts about `sample_s` seconds (timer overhead and scheduler jitter stay small next to it);
- samples are taken round-robin over the contestants (the start rotates every round), so slow drift
  of the machine (other processes, frequency changes) affects all of them alike and ratios computed
  from the same run stay meaningful;
- the garbage collector is paused while a sample runs, as `timeit` does;
- results are per call: the median and the interquartile range (q1, q3) over the samples.
"""
import ctypes
import datetime
import gc
import glob
import math
import os
import platform
import time

import numpy as np


# --------------------------------------------------------------------------------------------- environment
def cpu_model():
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown CPU"


def core_count():
    """Cores this process may run on (the affinity mask), which is what the BLAS pools use."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:
        return os.cpu_count() or 1


def _openblas_lib():
    """The OpenBLAS shared library bundled with NumPy's wheel, if there is one (ctypes handle or None)."""
    libdir = os.path.join(os.path.dirname(os.path.dirname(np.__file__)), "numpy.libs")
    for path in sorted(glob.glob(os.path.join(libdir, "lib*openblas*.so*"))):
        try:
            return ctypes.CDLL(path)
        except OSError:
            continue
    return None


def _openblas_call(lib, names, restype):
    for name in names:
        fn = getattr(lib, name, None)
        if fn is not None:
            fn.restype = restype
            return fn()
    return None


def set_blas_threads(n):
    """Set NumPy's OpenBLAS thread count at run time; returns False when the library is not OpenBLAS."""
    lib = _openblas_lib()
    for name in ("scipy_openblas_set_num_threads64_", "openblas_set_num_threads64_", "openblas_set_num_threads"):
        fn = getattr(lib, name, None) if lib is not None else None
        if fn is not None:
            fn.argtypes = [ctypes.c_int]
            fn(int(n))
            return True
    return False


def blas_info():
    """{'name', 'version', 'core', 'threads'} for NumPy's BLAS; fields that cannot be found are None."""
    info = {"name": None, "version": None, "core": None, "threads": None}
    try:
        blas = np.show_config(mode="dicts")["Build Dependencies"]["blas"]
        info["name"], info["version"] = blas.get("name"), blas.get("version")
    except Exception:  # older NumPy: no mode="dicts"
        pass
    lib = _openblas_lib()
    if lib is not None:
        threads = _openblas_call(lib, ["scipy_openblas_get_num_threads64_", "openblas_get_num_threads64_",
                                       "openblas_get_num_threads"], ctypes.c_int)
        core = _openblas_call(lib, ["scipy_openblas_get_corename64_", "openblas_get_corename64_",
                                    "openblas_get_corename"], ctypes.c_char_p)
        info["threads"] = threads
        info["core"] = core.decode() if core else None
    if info["threads"] is None:  # fall back on the environment variables OpenBLAS/MKL read
        for var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
            if os.environ.get(var, "").isdigit():
                info["threads"] = int(os.environ[var])
                break
        else:
            info["threads"] = core_count()
    return info


def load_average():
    """1-minute load average (other processes compete for the same cores and make timings noisy)."""
    try:
        return os.getloadavg()[0]
    except OSError:
        return None


def cpu_snapshot():
    """(wall s, CPU s used by the whole machine, CPU s used by this process), for competing_cpu()."""
    import resource
    busy = None
    try:
        with open("/proc/stat") as f:
            fields = [int(x) for x in f.readline().split()[1:]]
        # user nice system idle iowait irq softirq steal ...: everything but idle and iowait was busy
        busy = (sum(fields[:8]) - fields[3] - fields[4]) / os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError, IndexError):
        pass
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return time.perf_counter(), busy, usage.ru_utime + usage.ru_stime


def competing_cpu(start, end, cores):
    """Share of the machine's CPU capacity that other processes (and the hypervisor) used between two
    cpu_snapshot()s: 0 on an idle machine; above ~0.1 the timings are disturbed. None if unknown."""
    if start[1] is None or end[1] is None or end[0] <= start[0]:
        return None
    others = (end[1] - start[1]) - (end[2] - start[2])
    return max(0.0, others / ((end[0] - start[0]) * cores))


def environment():
    """Machine and library facts for the header line and the JSON file."""
    blas = blas_info()
    env = {
        "date": datetime.datetime.now().astimezone().isoformat(timespec="seconds"),
        "cpu": cpu_model(),
        "cores": core_count(),
        "python": platform.python_version(),
        "numpy": np.__version__,
        "blas": blas,
        "loadavg_1min_start": load_average(),
    }
    return env


def header_line(env, torch_info):
    b = env["blas"]
    blas = " ".join(str(x) for x in (b["name"], b["version"]) if x) or "unknown BLAS"
    if b["core"]:
        blas += f" ({b['core']} kernels)"
    torch_part = (f"torch {torch_info['version']} ({torch_info['threads']} threads)" if torch_info["available"]
                  else "torch not installed")
    return (f"{env['date']} | {env['cpu']} | {env['cores']} cores | Python {env['python']} | "
            f"numpy {env['numpy']}, {blas}, {b['threads']} BLAS threads | {torch_part} | "
            f"load average {env['loadavg_1min_start']:.2f}")


def load_torch(threads):
    """Import torch if possible and pin its intra-op thread count to `threads` (the BLAS thread count)."""
    try:
        import torch
    except ImportError:
        return None, {"available": False, "version": None, "threads": None}
    torch.set_num_threads(int(threads))
    return torch, {"available": True, "version": torch.__version__, "threads": torch.get_num_threads()}


# --------------------------------------------------------------------------------------------- timing
def _sample(fn, inner):
    t0 = time.perf_counter_ns()
    for _ in range(inner):
        fn()
    return time.perf_counter_ns() - t0


def summarize(per_call_ns):
    q1, med, q3 = np.percentile(per_call_ns, [25, 50, 75])
    return {"median_s": med * 1e-9, "q1_s": q1 * 1e-9, "q3_s": q3 * 1e-9, "iqr_s": (q3 - q1) * 1e-9,
            "samples": len(per_call_ns)}


def measure(contestants, budget_s, sample_s=0.002, warmup_s=0.1, min_rounds=15, max_rounds=2000,
            groups=None, block_s=1.0, settle_s=0.2, max_wall_s=None):
    """Time several callables round-robin; returns {name: stats} with per-call medians and IQRs.

    contestants : {name: zero-argument callable}
    budget_s    : rough total time for the timed rounds (all contestants together)
    groups      : lists of names that must not run back to back with the other groups' callables
                  (e.g. NumPy/OpenBLAS vs PyTorch/OpenMP: each library's idle worker threads keep
                  spinning for a while after a call and steal the cores the other one needs).
                  Groups then alternate in blocks of about block_s seconds, with a pause of settle_s
                  and one untimed call at every switch. Default: one group, plain round-robin.
    max_wall_s  : stop taking samples after this long (default 1.5 × budget_s + 2 s), even if fewer
                  rounds than planned were done (the machine slowed down after calibration), but
                  never before min_rounds.
    """
    deadline = time.perf_counter() + (1.5 * budget_s + 2.0 if max_wall_s is None else max_wall_s)
    names = list(contestants)
    groups = [list(g) for g in groups] if groups else [names]
    per_call = {}
    for group in groups:  # warm-up (caches, allocator, lazy init) and calibration
        time.sleep(settle_s if len(groups) > 1 else 0)
        for name in group:
            fn = contestants[name]
            fn()
            n, t0 = 0, time.perf_counter()
            while time.perf_counter() - t0 < warmup_s or n < 3:
                fn()
                n += 1
            per_call[name] = (time.perf_counter() - t0) / n
    inner = {name: max(1, round(sample_s / per_call[name])) for name in names}
    round_s = {i: sum(inner[name] * per_call[name] for name in g) for i, g in enumerate(groups)}
    rounds = int(min(max_rounds, max(min_rounds, budget_s / sum(round_s.values()))))
    # every group gets the same number of blocks (so each one samples the whole run), of <= ~block_s each
    n_blocks = max(math.ceil(rounds * round_s[i] / block_s) for i in round_s) if len(groups) > 1 else 1
    per_block = {i: math.ceil(rounds / n_blocks) for i in round_s}

    samples = {name: [] for name in names}
    done = {i: 0 for i in round_s}
    gc_was_enabled = gc.isenabled()
    try:
        while any(done[i] < rounds for i in done):
            for i, group in enumerate(groups):
                todo = min(per_block[i], rounds - done[i])
                if todo <= 0:
                    continue
                if len(groups) > 1:
                    time.sleep(settle_s)
                    for name in group:
                        contestants[name]()
                for r in range(done[i], done[i] + todo):
                    if r >= min_rounds and time.perf_counter() > deadline:
                        rounds = min(rounds, r)  # no new rounds for any group
                        break
                    for k in range(len(group)):
                        name = group[(r + k) % len(group)]
                        gc.disable()
                        ns = _sample(contestants[name], inner[name])
                        if gc_was_enabled:
                            gc.enable()
                        samples[name].append(ns / inner[name])
                    done[i] = r + 1
    finally:
        if gc_was_enabled:
            gc.enable()
    out = {}
    for name in names:
        out[name] = summarize(samples[name])
        out[name]["calls_per_sample"] = inner[name]
    return out


# --------------------------------------------------------------------------------------------- formatting
def fmt_time(seconds):
    if seconds is None:
        return "-"
    if seconds < 1e-3:
        return f"{seconds * 1e6:.1f} µs"
    if seconds < 1:
        return f"{seconds * 1e3:.3f} ms"
    return f"{seconds:.3f} s"


def verdict(ok):
    return "n/a" if ok is None else ("PASS" if ok else "MISS")


def table(rows, headers):
    """A plain-text table; rows are lists of strings (ragged rows are padded)."""
    widths = [len(h) for h in headers]
    for row in rows:
        for i, cell in enumerate(row):
            widths[i] = max(widths[i], len(cell))
    line = lambda cells: "  ".join(c.ljust(w) for c, w in zip(list(cells) + [""] * len(widths), widths)).rstrip()
    out = [line(headers), line("-" * w for w in widths)]
    out += [line(row) for row in rows]
    return "\n".join(out)
