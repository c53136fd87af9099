"""How long does each notebook take to Run All, against a bare notebook? Prints tables.

The baseline is measured in the same run, because timings on a shared machine drift: a
"bare" notebook that only starts a kernel and imports dlbasics (what every notebook pays
before it teaches anything). Then, per notebook, the time to execute it in a fresh
kernel (nbclient, as `make notebooks` does) and its ratio to the bare one, and the
slowest cells with what they cost (from nbclient's per-cell timestamps), so that a
slow notebook says where its time goes, and each kernel's peak memory. Last, strict
nbval over the course, as `make test` runs it, against one bare notebook per course
notebook.

Targets: every notebook within 2x bare and the course within 2x the bare ones (issue 16);
notebook 06 within 3x (issue 17). ``--repeat R`` rounds, medians compared.

Run: ``python benchmarks/bench_course.py [--top N] [--repeat R] [--no-nbval] [NOTEBOOK ...]``
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from datetime import datetime
from pathlib import Path

import nbformat
from nbclient import NotebookClient

NOTEBOOKS = Path(__file__).resolve().parents[1] / "notebooks"
BARE_SOURCE = "%matplotlib inline\nimport dlbasics\nfrom dlbasics import plots"


# Appended to every notebook run (and to the bare one, so both pay its milliseconds): the
# kernel's peak memory. On the course's CI machines, memory a process touches for the first
# time is slow (about 5 ms per MB, measured: the host backs the VM's pages lazily), so a
# notebook pays at least its peak memory in time (more where it frees memory and the host
# takes it back before the notebook asks again).
PEAK_MEMORY_SOURCE = "import resource\nprint(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)"


def execute(nb: nbformat.NotebookNode) -> tuple[float, nbformat.NotebookNode, float]:
    """Wall time to start a kernel and run every cell; the notebook with per-cell timing
    (without the appended cell); the kernel's peak memory in MB."""
    nb.cells.append(nbformat.v4.new_code_cell(PEAK_MEMORY_SOURCE))
    client = NotebookClient(
        nb, timeout=600, kernel_name="python3", resources={"metadata": {"path": str(NOTEBOOKS)}}
    )
    start = time.perf_counter()
    client.execute()
    seconds = time.perf_counter() - start
    peak_kb = int(nb.cells.pop().outputs[0]["text"])  # ru_maxrss is in kB on Linux
    return seconds, nb, peak_kb / 1024


def bare_notebook() -> nbformat.NotebookNode:
    return nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(BARE_SOURCE)])


def cell_seconds(cell: nbformat.NotebookNode) -> float:
    """From the kernel starting the cell to its reply (nbclient records both)."""
    timing = cell.metadata.get("execution", {})
    begin, end = timing.get("iopub.execute_input"), timing.get("shell.execute_reply")
    if not (begin and end):
        return 0.0
    parse = datetime.fromisoformat
    return (parse(end.replace("Z", "+00:00")) - parse(begin.replace("Z", "+00:00"))).total_seconds()


def first_line(cell: nbformat.NotebookNode) -> str:
    lines = [line for line in cell.source.splitlines() if line.strip()]
    return (lines[0][:60] if lines else "") + (" ..." if len(lines) > 1 else "")


def nbval_seconds(paths: list[Path]) -> float:
    start = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "pytest", "--nbval", "-q", "-p", "no:cacheprovider"]
        + [str(p) for p in paths],
        check=True,
        capture_output=True,
    )
    return time.perf_counter() - start


# Issue 16's target for every notebook, and issue 17's for notebook 06.
TARGETS = {"06_one_hidden_layer.ipynb": 3.0}
DEFAULT_TARGET = 2.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--top", type=int, default=3, help="slowest cells shown per notebook")
    parser.add_argument("--repeat", type=int, default=3, help="rounds (bare + each notebook)")
    parser.add_argument("--no-nbval", action="store_true", help="skip the strict nbval run")
    parser.add_argument("notebooks", nargs="*", type=Path, help="default: every notebook")
    args = parser.parse_args()
    paths = args.notebooks or sorted(NOTEBOOKS.glob("*.ipynb"))

    # Rounds, not one notebook R times in a row: this machine's speed drifts over
    # minutes (first-touch memory costs change with what ran before), so each round
    # measures the baseline next to the notebooks, and medians over rounds are compared.
    bare_runs, runs = [], {path.name: [] for path in paths}
    for _ in range(args.repeat):
        seconds, _, peak = execute(bare_notebook())
        bare_runs.append((seconds, peak))
        for path in paths:
            runs[path.name].append(execute(nbformat.read(path, as_version=4)))
    # median_high: a run that happened, the same rule as the notebooks' median run below.
    bare = statistics.median_high(seconds for seconds, _ in bare_runs)
    bare_peak = statistics.median_high(peak for _, peak in bare_runs)
    # The kernels inherit this process's environment: `make bench` turns numpy's huge pages
    # off (see the Makefile), which changes what memory-hungry notebooks (05) take.
    huge_pages = os.environ.get("NUMPY_MADVISE_HUGEPAGE", "numpy's default")
    print(f"NUMPY_MADVISE_HUGEPAGE: {huge_pages} (make sets 0)")
    print(
        f"bare notebook (kernel + import dlbasics): {bare:.2f} s, median of {args.repeat} "
        f"({min(bare_runs)[0]:.2f}-{max(bare_runs)[0]:.2f}); peak memory {bare_peak:.0f} MB\n"
    )
    print(
        f"{'notebook':<36} {'median s':>8} {'range':>11} {'x bare':>7} {'target':>7} {'peak MB':>8}"
    )
    slowest = {}
    for name, results in runs.items():
        results.sort(key=lambda run: run[0])
        seconds, nb, peak = results[len(results) // 2]  # median_high: a run, cells and all
        code = [c for c in nb.cells if c.cell_type == "code"]
        slowest[name] = sorted(((cell_seconds(c), first_line(c)) for c in code), reverse=True)
        target = TARGETS.get(name, DEFAULT_TARGET)
        spread = f"{results[0][0]:.2f}-{results[-1][0]:.2f}"
        flag = "" if seconds <= target * bare else "   over"
        print(
            f"{name:<36} {seconds:8.2f} {spread:>11} {seconds / bare:7.1f} {target:6.0f}x "
            f"{peak:8.0f}{flag}"
        )
    print(f"\nslowest {args.top} cells per notebook (seconds in the kernel, median run):")
    for name, cells in slowest.items():
        print(f"  {name}")
        for seconds, line in cells[: args.top]:
            print(f"    {seconds:6.2f}  {line}")
    if not args.no_nbval:
        course = nbval_seconds(paths)
        bare_course = len(paths) * bare
        print(
            f"\nstrict nbval over the {len(paths)} notebooks: {course:.1f} s; "
            f"{len(paths)} bare notebooks {bare_course:.1f} s; {course / bare_course:.1f}x "
            f"(target {DEFAULT_TARGET:.0f}x)"
        )


if __name__ == "__main__":
    main()
