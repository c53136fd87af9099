"""A pytest plugin for strict nbval: stored notebook images must equal what the code draws.

nbval compares text outputs but skips ``image/png``. After each compared cell runs, this
compares its new PNGs with the stored ones by decoded pixels (Pillow), not bytes: PNG
metadata and the anti-aliasing or glyph hinting that differ across matplotlib and FreeType
versions pass; a stale figure (other data, size, layout or colors) fails, naming the
notebook, the cell and ``make notebooks``. It also adds that hint to the summary whenever
an nbval cell fails. Registered for the whole checkout by the root ``conftest.py``.
"""

from __future__ import annotations

import base64
import io

import numpy as np
import pytest
from PIL import Image, ImageFilter

FIX = "If you changed a notebook or its plots on purpose, run `make notebooks` (re-execute them)."
# Forgiven: a 3x3 blur absorbs sub-pixel shifts; then at most 0.5 % of pixels may differ
# by more than a quarter of full scale. Measured on a 480x288 plot: FreeType's autohinter
# instead of its hinting 0.4 %; a curve moved by 2.5 px 0.8 %, a curve 3 % taller 1.0 %.
CHANNEL_STEP = 64
MAX_CHANGED_FRACTION = 0.005


def _pixels(png: bytes) -> np.ndarray:
    image = Image.open(io.BytesIO(png)).convert("RGBA")
    flat = Image.alpha_composite(Image.new("RGBA", image.size, "white"), image).convert("RGB")
    return np.asarray(flat.filter(ImageFilter.BoxBlur(1)), dtype=np.int16)


def image_difference(stored: bytes, drawn: bytes) -> str | None:
    """Why PNG ``drawn`` is not the figure PNG ``stored`` shows, or None if it is.

    >>> import io; from PIL import Image
    >>> def png(color):
    ...     buffer = io.BytesIO(); Image.new("RGB", (40, 30), color).save(buffer, "PNG")
    ...     return buffer.getvalue()
    >>> image_difference(png("white"), png("white")) is None
    True
    >>> image_difference(png("white"), png("red"))
    '100.0% of pixels changed (at most 0.50% may)'
    """
    for name, data in (("stored", stored), ("drawn", drawn)):
        if not isinstance(data, bytes | bytearray) or not data.startswith(b"\x89PNG"):
            raise ValueError(f"{name} must be PNG bytes")
    a, b = _pixels(stored), _pixels(drawn)
    if a.shape != b.shape:
        return f"size {a.shape[1]}x{a.shape[0]} stored, {b.shape[1]}x{b.shape[0]} drawn"
    changed = float((np.abs(a - b).max(axis=-1) > CHANNEL_STEP).mean())
    if changed > MAX_CHANGED_FRACTION:
        return f"{changed:.1%} of pixels changed (at most {MAX_CHANGED_FRACTION:.2%} may)"
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


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item):
    result = yield
    compared = _is_nbval_cell(item) and item.options["check"]
    if compared and item.cell.execution_count is not None and item.test_outputs is not None:
        stored, drawn = _pngs(item.cell.outputs), _pngs(item.test_outputs)
        problems = (
            [] if len(stored) == len(drawn) else [f"{len(stored)} stored, {len(drawn)} drawn"]
        )
        for number, (old, new) in enumerate(zip(stored, drawn, strict=False), start=1):
            why = image_difference(old, new)
            if why:
                problems.append(f"image {number}: {why}")
        if problems:
            item.raise_cell_error(
                "Stored image differs from what the code draws",
                f"{item.nodeid}: " + "; ".join(problems) + f"\n{FIX}",
            )
    return result


def pytest_terminal_summary(terminalreporter):
    failed = terminalreporter.stats.get("failed", [])
    if any(".ipynb::Cell" in report.nodeid for report in failed):
        terminalreporter.write_sep("-", "notebooks")
        terminalreporter.write_line(f"A notebook cell's output differs from the stored one. {FIX}")
