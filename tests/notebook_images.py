"""A pytest plugin for strict nbval: stored notebook images must equal what the code draws.

nbval compares text outputs but skips ``image/png``. After each compared cell runs, this
compares its new PNGs with the stored ones by decoded pixels (Pillow), not bytes, naming
the notebook, the cell and ``make notebooks`` when they differ. It also adds that hint to
the summary whenever an nbval cell fails. Registered by the root ``conftest.py``.

Text layout differs between matplotlib and FreeType versions (3.10 against 3.11: 6-15 %
of a course figure's pixels, as constrained layout moves axes by a pixel or two), while
a stale figure can differ in as little as one number (0.01-0.3 %). So the comparison is
exact, up to a pixel of anti-aliasing, where the renderer that drew the stored images
(``metadata.dlbasics.renderer``, written by ``make notebooks``) draws them again; under
another renderer the images are not compared, and the summary says so.

The numbers depend on the arithmetic too (``metadata.dlbasics.arithmetic``: numpy, its BLAS
and the BLAS kernel for this processor). A converging run moves by a last bit between BLAS
kernels, which can move a few pixels of a curve; a diverging run amplifies the same last
bits into other printed losses and other curves. So under other arithmetic an image may
change by ``ARITHMETIC_DRIFT`` of its pixels, still less than a stale figure, and a cell
tagged ``rounding-sensitive`` runs without its outputs compared; the claim-check cell beside
it still checks its verdict. The summary names those cells. A cell that fails here only
under other arithmetic is one to tag, with a claim check beside it.
"""

from __future__ import annotations

import base64
import functools
import io
import sys
from pathlib import Path

import numpy as np
import pytest
from PIL import Image, ImageFilter

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tools"))
from normalize_notebooks import (  # noqa: E402  (the stamps of make notebooks)
    UNKNOWN_KERNEL,
    arithmetic,
    renderer,
)

FIX = "If you changed a notebook or its plots on purpose, run `make notebooks` (re-execute them)."
# A 3x3 blur absorbs sub-pixel anti-aliasing; then a pixel counts as changed when a channel
# moves by more than a quarter of full scale. Same renderer: no changed pixel may remain.
# Without a stamp (a notebook not yet re-executed by make notebooks): at most 0.5 %, which
# forgives hinting but misses a changed number or a moved marker.
CHANNEL_STEP = 64
MAX_CHANGED_FRACTION = 0.005
# Measured under OpenBLAS's SkylakeX, Zen and Sandybridge kernels against images stored with
# Haswell's: untagged figures changed by at most 0.003 % (10 pixels of 06's training curves),
# the tagged ones by up to 4.8 %; a stale figure changes by 0.01 % or more.
ARITHMETIC_DRIFT = 0.00005
NOT_COMPARED = pytest.StashKey[dict]()
ROUNDING_SENSITIVE = "rounding-sensitive"  # the cell tag
NOT_RECOMPUTED = pytest.StashKey[dict]()


def _pixels(png: bytes) -> np.ndarray:
    image = Image.open(io.BytesIO(png)).convert("RGBA")
    flat = Image.alpha_composite(Image.new("RGBA", image.size, "white"), image).convert("RGB")
    return np.asarray(flat.filter(ImageFilter.BoxBlur(1)), dtype=np.int16)


def image_difference(
    stored: bytes, drawn: bytes, max_changed: float = MAX_CHANGED_FRACTION
) -> str | None:
    """Why PNG ``drawn`` is not the figure PNG ``stored`` shows, or None if it is.

    At most a fraction ``max_changed`` of the pixels may differ (after the blur).

    >>> import io; from PIL import Image
    >>> def png(color):
    ...     buffer = io.BytesIO(); Image.new("RGB", (40, 30), color).save(buffer, "PNG")
    ...     return buffer.getvalue()
    >>> image_difference(png("white"), png("white")) is None
    True
    >>> image_difference(png("white"), png("red"))
    '1200 of 1200 pixels changed (100 %; at most 6 may)'
    >>> image_difference(png("white"), png("red"), max_changed=0.0)
    '1200 of 1200 pixels changed (100 %; none may)'
    """
    if not 0 <= max_changed < 1:
        raise ValueError(f"max_changed must be a fraction in [0, 1), got {max_changed!r}")
    for name, data in (("stored", stored), ("drawn", drawn)):
        if not isinstance(data, bytes | bytearray) or not data.startswith(b"\x89PNG"):
            raise ValueError(f"{name} must be PNG bytes")
    a, b = _pixels(stored), _pixels(drawn)
    if a.shape != b.shape:
        return f"size {a.shape[1]}x{a.shape[0]} stored, {b.shape[1]}x{b.shape[0]} drawn"
    changed = int((np.abs(a - b).max(axis=-1) > CHANNEL_STEP).sum())
    pixels = a.shape[0] * a.shape[1]
    allowed = int(max_changed * pixels)  # for the message: the whole pixels that may change
    if changed > max_changed * pixels:
        may = f"at most {allowed} may" if allowed else "none may"
        return f"{changed} of {pixels} pixels changed ({100 * changed / pixels:.3g} %; {may})"
    return None


def _pngs(outputs) -> list[bytes]:
    found = []
    for out in outputs:
        data = out.get("data", {}).get("image/png")
        if data:
            found.append(base64.b64decode(data) if isinstance(data, str) else bytes(data))
    return found


def _is_nbval_cell(item) -> bool:
    return type(item).__name__ == "IPyNbCell" and hasattr(item, "test_outputs")


def _stamp(item, key: str) -> str | None:
    return item.parent.nb.metadata.get("dlbasics", {}).get(key)


@functools.cache
def _this_arithmetic() -> str:
    # Read in this process: the kernels nbval starts run this venv's Python with this
    # environment (a python3 kernelspec of the user's own, pointing elsewhere, would not).
    return arithmetic()


def _same_arithmetic(item) -> bool:
    stamp = _stamp(item, "arithmetic")
    return stamp == _this_arithmetic() and UNKNOWN_KERNEL not in stamp


def _tolerance(item) -> float | None:
    """The fraction of pixels that may change in ``item``'s images; None: do not compare."""
    stamp = _stamp(item, "renderer")
    if stamp is None:
        return MAX_CHANGED_FRACTION
    if stamp == renderer():
        return 0.0 if _same_arithmetic(item) else ARITHMETIC_DRIFT
    item.config.stash.setdefault(NOT_COMPARED, {})[item.parent.name] = stamp
    return None


def pytest_runtest_setup(item):
    """A ``rounding-sensitive`` cell under other arithmetic than its stored outputs': run it, but
    compare nothing (nbval's own switch, which the image check follows too)."""
    if not _is_nbval_cell(item) or ROUNDING_SENSITIVE not in item.cell.metadata.get("tags", []):
        return
    if not _same_arithmetic(item):
        item.options["check"] = False
        stamp = _stamp(item, "arithmetic") or "an arithmetic not recorded"
        cells = item.config.stash.setdefault(NOT_RECOMPUTED, {})
        cells.setdefault((item.parent.name, stamp), []).append(item.name)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item):
    result = yield
    compared = _is_nbval_cell(item) and item.options["check"]
    if compared and item.cell.execution_count is not None and item.test_outputs is not None:
        max_changed = _tolerance(item)
        if max_changed is None:
            return result
        stored, drawn = _pngs(item.cell.outputs), _pngs(item.test_outputs)
        problems = (
            [] if len(stored) == len(drawn) else [f"{len(stored)} stored, {len(drawn)} drawn"]
        )
        for number, (old, new) in enumerate(zip(stored, drawn, strict=False), start=1):
            why = image_difference(old, new, max_changed)
            if why:
                problems.append(f"image {number}: {why}")
        if problems:
            item.raise_cell_error(
                "Stored image differs from what the code draws",
                f"{item.nodeid}: " + "; ".join(problems) + f"\n{FIX}",
            )
    return result


def pytest_terminal_summary(terminalreporter, config):
    skipped = config.stash.get(NOT_COMPARED, {})
    if skipped:
        terminalreporter.write_sep("-", "notebook images not compared")
        for name, stamp in sorted(skipped.items()):
            terminalreporter.write_line(
                f"{name}: its images were drawn by {stamp}, this is {renderer()}; "
                "they are compared only under the renderer that drew them"
            )
    not_recomputed = sorted(config.stash.get(NOT_RECOMPUTED, {}).items())
    if not_recomputed:
        terminalreporter.write_sep("-", "rounding-sensitive cells not compared")
    for (name, stamp), cells in not_recomputed:
        terminalreporter.write_line(
            f"{name}: {', '.join(cells)} ran without their outputs compared: they were computed "
            f"with {stamp}, this is {_this_arithmetic()}; the claim checks beside them test "
            "their verdicts"
        )
    failed = terminalreporter.stats.get("failed", [])
    if any(".ipynb::Cell" in report.nodeid for report in failed):
        terminalreporter.write_sep("-", "notebooks")
        terminalreporter.write_line(f"A notebook cell's output differs from the stored one. {FIX}")
