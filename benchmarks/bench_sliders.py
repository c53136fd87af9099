"""How fast do the course's sliders redraw? Three measurements per slider, printed as a table.

1. Kernel: ``slider.value = v`` until ``image.value`` holds the new PNG (callback,
   render, encode), in this process; median and p95 over 50 moves.
   Target: median <= 20 ms, p95 <= 40 ms.
2. Round trip: a real kernel runs the notebook up to its slider cell; this script,
   as the frontend, sends the ``comm_msg`` a browser sends and times the arrival
   of the new image on iopub; median and p95 over 50 moves.
3. Browser: JupyterLab in headless Chromium; one ArrowRight on the focused handle
   until the image's ``src`` changes in the page; median over 10 moves.
   Target: median <= 100 ms.

Each is also run for the plain ``interact`` pattern (a new pyplot figure and
``plt.show()`` on every move) on a bar chart of the same size, for reference.

Run ``python benchmarks/bench_sliders.py`` (``--help`` for options). The browser
part needs Debian's Chromium at /usr/bin/chromium and is skipped without it.
Timings are noisy on a busy machine: the load average is printed with them.
"""

from __future__ import annotations

import argparse
import io
import os
import platform
import sys
import tempfile
import time
from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # the reference pattern uses pyplot; our sliders never do

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests"))

from test_widgets_kernel import CASES  # noqa: E402  (the sliders and how to build them)
from widget_harness import (  # noqa: E402
    NOTEBOOKS,
    JupyterLab,
    KernelFrontend,
    LabNotebook,
    chromium_missing,
    launch_chromium,
    slider_cell,
)

from dlbasics import widgets  # noqa: E402

TARGETS = {"kernel": (20.0, 40.0), "browser": 100.0}  # ms: (median, p95), median
REFERENCE = "interact + new figure"

# Which notebook shows which slider (the widget cell calls the builder).
SLIDER_NOTEBOOK = {
    "logits_scale_slider": "01_softmax.ipynb",
    "true_class_probability_slider": "02_cross_entropy.ipynb",
    "sigma_slider": "04_initialization.ipynb",
    "hidden_units_slider": "06_one_hidden_layer.ipynb",
}

# The plain pattern, as a learner would write it: a new figure per move, shown by pyplot.
# DRAW_CODE is timed in-process too, so both measurements draw the very same figure.
DRAW_CODE = """\
import matplotlib.pyplot as plt
import numpy as np
from dlbasics.softmax import softmax

scores = np.array([3.0, 1.0, 0.2])

def draw(scale):
    p = softmax(scale * scores)
    fig, ax = plt.subplots(figsize=(5, 3.6), dpi=80)
    ax.bar(["class 0", "class 1", "class 2"], p)
    ax.set_ylim(0, 1.05)
    ax.set_ylabel("probability")
    ax.set_title(f"logits x {scale:.3g}")
    return fig
"""
INTERACT_CODE = (
    "%matplotlib inline\n"
    + DRAW_CODE
    + """
from ipywidgets import FloatLogSlider, interact

def show(scale=1.0):
    draw(scale)
    plt.show()

interact(show, scale=FloatLogSlider(value=1.0, base=10, min=-2, max=2, step=0.05,
                                    continuous_update=True));
"""
)
INTERACT_NOTEBOOK = "bench_interact.ipynb"


def interact_notebook() -> str:
    import nbformat

    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    cell = nbformat.v4.new_code_cell(INTERACT_CODE)
    cell.metadata["tags"] = ["nbval-ignore-output"]
    nb.cells = [cell]
    return nbformat.writes(nb)


def sweep(state: dict, n: int) -> list[float]:
    """``n`` valid values of a slider (its ``min``, ``max``, ``step``, ``base`` if log) spread
    over its range, as a drag across and back would give."""
    lo, hi, step = state["min"], state["max"], state.get("step")
    positions = np.concatenate([np.linspace(lo, hi, n // 2), np.linspace(hi, lo, n - n // 2)])
    if step:
        positions = lo + np.round((positions - lo) / step) * step
    values = state["base"] ** positions if "base" in state else positions
    return [float(v) for i, v in enumerate(values) if i == 0 or v != values[i - 1]]


def ms(seconds) -> np.ndarray:
    return 1000 * np.asarray(seconds, dtype=float)


def stats(samples_ms) -> tuple[float, float]:
    return float(np.median(samples_ms)), float(np.percentile(samples_ms, 95))


# --- 1. kernel side, in this process ------------------------------------------------


def time_kernel_slider(case, moves: int) -> np.ndarray:
    sp = getattr(widgets, case.builder)(**case.kwargs())
    values = sweep(sp.slider.get_state(), moves + 5)
    times = []
    for i, value in enumerate(values):
        if value == sp.slider.value:  # no change, no redraw
            continue
        before = sp.image.value
        start = time.perf_counter()
        sp.slider.value = value
        elapsed = time.perf_counter() - start
        assert sp.image.value is not before
        if i >= 5:  # the first moves warm caches
            times.append(elapsed)
    return ms(times)


def time_kernel_interact(moves: int) -> np.ndarray:
    """The reference: a new pyplot figure, a full draw and a PNG per move (as inline does)."""
    namespace: dict = {}
    exec(DRAW_CODE, namespace)
    draw = namespace["draw"]
    times = []
    for i, scale in enumerate(np.geomspace(0.01, 100, moves + 5)):
        start = time.perf_counter()
        fig = draw(scale)
        buf = io.BytesIO()
        fig.savefig(buf, format="png", bbox_inches="tight")  # what matplotlib-inline does
        plt.close(fig)
        if i >= 5:
            times.append(time.perf_counter() - start)
    return ms(times)


# --- 2. round trip over the widget protocol ---------------------------------------------


def time_round_trips(kernel: KernelFrontend, moves: int) -> np.ndarray:
    """Send value updates as a browser would; time until the new image arrives on iopub."""
    slider, image = kernel.slider_and_image()
    times = []
    for i, value in enumerate(sweep(slider.state, moves + 5)):
        if value == slider.state["value"]:
            continue
        msg_id = kernel.send_update(slider.comm_id, {"value": value})
        sent = time.perf_counter()
        arrived = None
        for msg in kernel.collect(msg_id, timeout=30):
            if msg["parent_header"].get("msg_id") != msg_id:
                continue
            content = msg["content"]
            if image is not None:  # our sliders: an update of the Image model with a buffer
                hit = msg["msg_type"] == "comm_msg" and content["comm_id"] == image.comm_id
            else:  # interact: a display_data with a PNG, routed by the frontend to the Output
                hit = msg["msg_type"] == "display_data" and "image/png" in content["data"]
            if hit and arrived is None:
                arrived = msg["received"]
        if arrived is None:
            raise RuntimeError(f"no new image for value {value}")
        if i >= 5:
            times.append(arrived - sent)
    return ms(times)


def round_trips_for_notebook(path: Path, moves: int) -> np.ndarray:
    kernel = KernelFrontend(cwd=path.parent)
    try:
        for code in slider_cell(path).code:
            kernel.execute(code, timeout=180)
        return time_round_trips(kernel, moves)
    finally:
        kernel.shutdown()


def round_trips_for_interact(moves: int) -> np.ndarray:
    kernel = KernelFrontend(cwd=NOTEBOOKS)
    try:
        kernel.execute(INTERACT_CODE)
        return time_round_trips(kernel, moves)
    finally:
        kernel.shutdown()


# --- 3. keypress to new image, in JupyterLab in Chromium ------------------------------------


def time_keypresses(nb: LabNotebook, moves: int) -> np.ndarray:
    times = []
    nb.handle.focus()
    for _ in range(moves):
        seen = nb.image_changes()
        nb.handle.press("ArrowRight")
        nb.wait_for_image_change(seen)
        nb.wait_until_quiet(quiet_ms=250)
        key, change = nb.page.evaluate(
            "(n) => [window.__sliderWatch.keys.at(-1), window.__sliderWatch.changes[n]]", seen
        )
        times.append(change - key)
    return np.asarray(times)


def browser_medians(names: list[str], moves: int) -> dict[str, float]:
    from playwright.sync_api import sync_playwright

    results = {}
    with tempfile.TemporaryDirectory(prefix="bench-sliders-") as tmp:
        lab = JupyterLab(NOTEBOOKS, Path(tmp), {INTERACT_NOTEBOOK: interact_notebook()})
        try:
            with sync_playwright() as playwright:
                browser = launch_chromium(playwright)
                try:
                    for name in names:
                        context = browser.new_context(viewport={"width": 1280, "height": 900})
                        page = context.new_page()
                        cell = slider_cell(lab.root / name)
                        try:
                            nb = LabNotebook(page, lab, name, cell.index)
                            results[name] = float(np.median(time_keypresses(nb, moves)))
                        except Exception:
                            shot = Path(tempfile.gettempdir()) / f"bench-sliders-{name}.png"
                            page.screenshot(path=str(shot))
                            print(
                                f"{name}: failed in the browser; screenshot {shot}", file=sys.stderr
                            )
                            raise
                        finally:
                            context.close()
                finally:
                    browser.close()
        finally:
            lab.stop()
    return results


# --- the table ----------------------------------------------------------------------


def fmt(x: float | None) -> str:
    return "-" if x is None else f"{x:.1f}"


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--moves", type=int, default=50, help="moves per slider (kernel, round trip)"
    )
    parser.add_argument("--browser-moves", type=int, default=10, help="keypresses per slider")
    parser.add_argument("--no-round-trip", action="store_true", help="skip the real-kernel part")
    parser.add_argument("--no-browser", action="store_true", help="skip the browser part")
    args = parser.parse_args(argv)

    cases = sorted(CASES, key=lambda case: SLIDER_NOTEBOOK.get(case.builder, "~"))  # course order
    rows = {case.builder: {} for case in cases}
    rows[REFERENCE] = {}
    for case in cases:
        rows[case.builder]["kernel"] = stats(time_kernel_slider(case, args.moves))
    rows[REFERENCE]["kernel"] = stats(time_kernel_interact(args.moves))

    if not args.no_round_trip:
        for case in cases:
            path = NOTEBOOKS / SLIDER_NOTEBOOK.get(case.builder, "")
            if path.is_file():
                rows[case.builder]["trip"] = stats(round_trips_for_notebook(path, args.moves))
        rows[REFERENCE]["trip"] = stats(round_trips_for_interact(args.moves))

    browser_note = ""
    if not args.no_browser:
        if reason := chromium_missing():
            browser_note = f"browser part skipped: {reason}"
        else:
            names = {
                builder: name
                for builder, name in SLIDER_NOTEBOOK.items()
                if builder in rows and (NOTEBOOKS / name).is_file()
            }
            names[REFERENCE] = INTERACT_NOTEBOOK
            medians = browser_medians(list(names.values()), args.browser_moves)
            for row, name in names.items():
                rows[row]["browser"] = medians[name]

    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    print(
        f"Slider redraw latency, ms (python {platform.python_version()}, matplotlib "
        f"{matplotlib.__version__}, {os.cpu_count()} CPUs, load average {load})"
    )
    print(
        f"kernel: value set -> new PNG in the Image, {args.moves} moves; round trip: comm_msg "
        f"sent -> image on iopub, {args.moves} moves; browser: keydown -> new img src, "
        f"{args.browser_moves} moves"
    )
    header = ("slider", "kernel med", "p95", "trip med", "p95", "browser med")
    print(f"{header[0]:<31}" + "".join(f"{h:>12}" for h in header[1:]))
    median_target, p95_target = TARGETS["kernel"]
    print(
        f"{'target':<31}{median_target:>12.0f}{p95_target:>12.0f}{'':>24}{TARGETS['browser']:>12.0f}"
    )
    for name, row in rows.items():
        kernel = row.get("kernel", (None, None))
        trip = row.get("trip", (None, None))
        cells = (*kernel, *trip, row.get("browser"))
        print(f"{name:<31}" + "".join(f"{fmt(c):>12}" for c in cells))
    if browser_note:
        print(browser_note)
    print(f"load average at the end: {', '.join(f'{x:.2f}' for x in os.getloadavg())}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
