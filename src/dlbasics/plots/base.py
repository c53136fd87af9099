"""Shared plotting machinery: pyplot-free figures, fast PNG rendering, blitting.

Each interactive plot is a small class: ``__init__`` creates the artists once,
``update(value)`` changes their data. Sliders (``dlbasics.widgets``) call
``update`` and re-render the same figure; static twins call the same class at
a few values side by side. Figures are made with ``matplotlib.figure.Figure``
(not pyplot), so nothing leaks into pyplot's global state and a test can
build and inspect them headless.
"""

from __future__ import annotations

import io
import math
import numbers

import PIL.Image
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

# Modest sizes keep a slider redraw (draw + PNG encode) well under 20 ms.
DPI = 80
BLUE, ORANGE, GREY = "#1f77b4", "#ff7f0e", "#7f7f7f"


def check_finite(value, name: str) -> float:
    """Return ``value`` as a finite float (any sign), or raise naming ``name``."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a real number, got {type(value).__name__}")
    if not math.isfinite(value):
        raise ValueError(f"{name} must be finite, got {value}")
    return float(value)


def figure_grid(width: float, height: float, nrows: int = 1, ncols: int = 1, **subplot_kw):
    """Return ``(fig, axes)``: a pyplot-free figure on the Agg canvas, ``axes`` always 2-D.

    ``subplot_kw`` goes to ``Figure.subplots`` (e.g. ``width_ratios``).
    """
    fig = Figure(figsize=(width, height), dpi=DPI, layout="constrained")
    FigureCanvasAgg(fig)
    return fig, fig.subplots(nrows, ncols, squeeze=False, **subplot_kw)


def new_figure(width: float = 6.0, height: float = 3.0, *, ncols: int = 1, nrows: int = 1):
    """Return ``(fig, axes)``: ``axes`` is a single Axes for a 1x1 grid, else a flat array."""
    fig, axes = figure_grid(width, height, nrows, ncols)
    axes = axes.ravel()
    return fig, (axes[0] if axes.size == 1 else axes)


def stacked_panels(n_panels: int, width: float, height: float, height_ratios):
    """Return ``(fig, top_axes, bottom_axes)``: ``n_panels`` columns of two stacked axes."""
    fig, axes = figure_grid(width, height, 2, n_panels, height_ratios=height_ratios)
    return fig, list(axes[0]), list(axes[1])


def render_png(fig: Figure) -> bytes:
    """Draw all of ``fig`` and encode it as PNG bytes."""
    fig.canvas.draw()
    return encode_png(fig)


def encode_png(fig: Figure) -> bytes:
    """Encode what the canvas holds now as PNG, without drawing.

    RGB (a plot needs no transparency) at zlib level 1: on a slider move,
    encoding speed matters more than the last few percent of size.
    """
    rgba = PIL.Image.frombuffer(
        "RGBA", fig.canvas.get_width_height(physical=True), fig.canvas.buffer_rgba()
    )
    out = io.BytesIO()
    rgba.convert("RGB").save(out, format="PNG", compress_level=1)
    return out.getvalue()


class Blitter:
    """Redraw only the artists that change, over a cached background.

    A full draw of a small figure costs tens of milliseconds (text layout,
    ticks); pasting a cached background and drawing a few bars costs well
    under one. The artists passed in are marked animated, so the background
    is drawn without them. Axes limits must stay fixed while blitting; call
    :meth:`invalidate` after changing anything else.
    """

    def __init__(self, fig: Figure, artists):
        self.fig = fig
        self.artists = list(artists)
        for artist in self.artists:
            artist.set_animated(True)
        self._background = None

    def invalidate(self) -> None:
        self._background = None

    def render(self) -> bytes:
        canvas = self.fig.canvas
        if self._background is None:
            canvas.draw()
            self._background = canvas.copy_from_bbox(self.fig.bbox)
        else:
            canvas.restore_region(self._background)
        for artist in self.artists:
            self.fig.draw_artist(artist)
        return encode_png(self.fig)
