"""How long does Run All take in the browser, per notebook? Prints a table.

For each notebook: open it in JupyterLab in headless Chromium (Debian's
``/usr/bin/chromium``, driven by Playwright, as the browser tests do), wait for
an idle kernel, then time Edit > Clear Outputs and Run > Run All Cells until
every cell has run and the kernel is idle: what a learner waits for, plots and
live widgets included. Then the strict nbval run over the same notebooks.

Run: ``python benchmarks/bench_run_all.py [--notebooks DIR] [--repeat N]``. To
measure another checkout's course, point ``--notebooks`` at its folder and put
its ``src`` first on ``PYTHONPATH`` (the kernel imports ``dlbasics`` from there).
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
from widget_harness import (  # noqa: E402  (the harness lives with the tests)
    NOTEBOOKS,
    JupyterLab,
    OpenNotebook,
    chromium_missing,
    launch_chromium,
)


def run_all_seconds(folder: Path, repeat: int) -> dict[str, list[float]]:
    from playwright.sync_api import sync_playwright

    times: dict[str, list[float]] = {}
    with tempfile.TemporaryDirectory() as work:
        lab = JupyterLab(folder, Path(work))
        try:
            with sync_playwright() as playwright:
                browser = launch_chromium(playwright)
                try:
                    for path in sorted(folder.glob("*.ipynb")):
                        for _ in range(repeat):
                            page = browser.new_context(viewport={"width": 1280, "height": 900})
                            nb = OpenNotebook(page.new_page(), lab, path.name, timeout_ms=120_000)
                            start = time.perf_counter()
                            nb.run_all_cells()
                            times.setdefault(path.name, []).append(time.perf_counter() - start)
                            page.close()
                finally:
                    browser.close()
        finally:
            lab.stop()
    return times


def nbval_seconds(folder: Path) -> float:
    start = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "--nbval", str(folder)],
        check=True,
        stdout=subprocess.DEVNULL,
        cwd=folder,
    )
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--notebooks", type=Path, default=NOTEBOOKS)
    parser.add_argument("--repeat", type=int, default=1, help="Run All per notebook (median)")
    args = parser.parse_args()
    reason = chromium_missing()
    if reason:  # like bench_sliders' browser part: skipped, said so, `make bench` goes on
        print(f"Run All in the browser skipped: {reason}")
        return
    times = run_all_seconds(args.notebooks.resolve(), args.repeat)
    for name, seconds in times.items():
        print(f"{name:<36}{statistics.median(seconds):>8.1f} s  Run All in the browser")
    print(f"{'sum':<36}{sum(statistics.median(s) for s in times.values()):>8.1f} s")
    print(f"{'strict nbval over all of them':<36}{nbval_seconds(args.notebooks.resolve()):>8.1f} s")


if __name__ == "__main__":
    main()
