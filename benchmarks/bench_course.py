"""How long does the whole course take to execute? Prints a table.

For each notebook: the time to execute it in a fresh kernel (nbclient, as
`make notebooks` does), then the wall time of the strict nbval run over all
five, as `make test` runs it. Target: the nbval run in <= 60 s.

Run: ``python benchmarks/bench_course.py``
"""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient

NOTEBOOKS = Path(__file__).resolve().parents[1] / "notebooks"


def execute_seconds(path: Path) -> float:
    nb = nbformat.read(path, as_version=4)
    client = NotebookClient(
        nb, timeout=600, kernel_name="python3", resources={"metadata": {"path": str(NOTEBOOKS)}}
    )
    start = time.perf_counter()
    client.execute()
    return time.perf_counter() - start


def nbval_seconds() -> float:
    start = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "pytest", "--nbval", "-q", "-p", "no:cacheprovider", str(NOTEBOOKS)],
        check=True,
        capture_output=True,
    )
    return time.perf_counter() - start


def main() -> None:
    print(f"{'notebook':<36}{'execute (s)':>12}")
    total = 0.0
    for path in sorted(NOTEBOOKS.glob("*.ipynb")):
        seconds = execute_seconds(path)
        total += seconds
        print(f"{path.name:<36}{seconds:>12.1f}")
    print(f"{'sum (kernel start included)':<36}{total:>12.1f}")
    print(f"{'strict nbval over all five':<36}{nbval_seconds():>12.1f}   target <= 60")


if __name__ == "__main__":
    main()
