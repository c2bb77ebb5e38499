"""`make bench`: run the benchmark sections, print one table per section, write JSON to _build/bench/.

    python bench/run.py            # full run (a couple of minutes at most)
    python bench/run.py --quick    # smoke run: same code paths, tiny time budgets, noisy numbers
    python bench/run.py --only nnlib

A section is a module in bench/ with NAME, run(quick, torch, torch_info) -> dict (JSON-serialisable)
and render(result) -> str. To add one (the autograder, the playground, the book build), write the
module and list it in SECTIONS below.

Threads: NumPy's BLAS keeps its default (one thread per core unless OPENBLAS_NUM_THREADS etc. say
otherwise, or --threads N); PyTorch is pinned to the same count with torch.set_num_threads, and the
header says which. On a shared machine --threads 1 gives steadier numbers (a 2-thread BLAS call
stalls whenever another process holds one of the cores).
"""
import argparse
import importlib
import json
import os
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
if ROOT not in sys.path:  # run as a script: make `bench` and `nnlib` importable from the checkout
    sys.path.insert(0, ROOT)

from bench._common import (competing_cpu, cpu_snapshot, environment, header_line, load_torch,  # noqa: E402
                           set_blas_threads)

SECTIONS = ["bench.nnlib_bench", "bench.playground_bench", "bench.explorers_bench", "bench.autograder_bench",
            "bench.book_bench"]
OUT_DIR = os.path.join(ROOT, "_build", "bench")
NOISY_SHARE = 0.10  # other processes using more than this share of the CPU: say the timings are disturbed


def _plain(value):
    """JSON fallback for NumPy scalars and arrays."""
    return value.tolist() if hasattr(value, "tolist") else str(value)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="smoke run with tiny time budgets")
    parser.add_argument("--only", action="append", metavar="NAME", help="run only this section (repeatable)")
    parser.add_argument("--threads", type=int, metavar="N",
                        help="use N threads for NumPy's OpenBLAS and PyTorch (default: the BLAS default)")
    parser.add_argument("--out-dir", default=OUT_DIR, help="where the JSON results go (default: _build/bench)")
    args = parser.parse_args(argv)

    if args.threads and not set_blas_threads(args.threads):
        print(f"--threads {args.threads}: NumPy's BLAS is not a bundled OpenBLAS; its thread count is unchanged")
    env = environment()
    torch, torch_info = load_torch(env["blas"]["threads"])
    print(header_line(env, torch_info))
    print(f"threads: NumPy/BLAS {'--threads' if args.threads else 'default'} = {env['blas']['threads']}; "
          + (f"torch.set_num_threads({torch_info['threads']})" if torch_info["available"] else "PyTorch absent")
          + ("; --quick: smoke run, numbers are not meaningful" if args.quick else ""))

    os.makedirs(args.out_dir, exist_ok=True)
    for module_name in SECTIONS:
        section = importlib.import_module(module_name)
        if args.only and section.NAME not in args.only:
            continue
        snap = cpu_snapshot()
        result = section.run(quick=args.quick, torch=torch, torch_info=torch_info)
        end = cpu_snapshot()
        elapsed = end[0] - snap[0]
        others = competing_cpu(snap, end, env["cores"])
        print()
        print(f"== {section.NAME} ({elapsed:.0f} s) ==")
        print(section.render(result))
        if others is not None:
            print(f"Other processes used {100 * others:.0f}% of the {env['cores']} cores' time during this section"
                  + (": the timings are disturbed (multi-threaded BLAS above all); rerun on an idle machine, "
                     "or with --threads 1." if others > NOISY_SHARE else "."))
        path = os.path.join(args.out_dir, f"{section.NAME}.json")
        with open(path, "w") as f:
            json.dump({"section": section.NAME, "quick": args.quick, "elapsed_s": elapsed, "environment": env,
                       "torch": torch_info, "competing_cpu_share": others, "result": result},
                      f, indent=1, ensure_ascii=False, default=_plain)
        print(f"(written to {os.path.relpath(path, ROOT)})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
