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

import PIL.Image
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from .._validation import check_real

# Static figures' resolution; a slider rescales its figure to the notebook's width
# (``dlbasics.widgets.IMAGE_WIDTH_PX``).
DPI = 80
BLUE, ORANGE, GREY = "#1f77b4", "#ff7f0e", "#7f7f7f"


def check_finite(value, name: str) -> float:
    """A finite real of any sign: the package's one check, ``dlbasics._validation.check_real``.

    >>> check_finite(-2, "mark")
    -2.0
    """
    return check_real(value, name, any_sign=True)


def panel_values(values, name: str, what: str, maximum: int = 12) -> list:
    """Return ``values`` as a list of 1 to ``maximum`` items (one panel each), or raise.

    >>> panel_values((0.1, 1.0), "scales", "scales")
    [0.1, 1.0]
    """
    try:
        values = list(values)
    except TypeError:
        raise TypeError(
            f"{name} must be a sequence of {what}, got {type(values).__name__}"
        ) from None
    if not 1 <= len(values) <= maximum:
        raise ValueError(
            f"{name} must hold 1 to {maximum} {what} (one panel each), got {len(values)}"
        )
    return values


def figure_grid(width: float, height: float, nrows: int = 1, ncols: int = 1, **subplot_kw):
    """Return ``(fig, axes)``: a pyplot-free figure on the Agg canvas, ``axes`` always 2-D.

    ``subplot_kw`` goes to ``Figure.subplots`` (e.g. ``width_ratios``).

    >>> fig, axes = figure_grid(6.0, 3.0, 1, 2, width_ratios=[2, 1])
    >>> axes.shape
    (1, 2)
    """
    fig = Figure(figsize=(width, height), dpi=DPI, layout="constrained")
    FigureCanvasAgg(fig)
    return fig, fig.subplots(nrows, ncols, squeeze=False, **subplot_kw)


def new_figure(width: float = 6.0, height: float = 3.0, *, ncols: int = 1, nrows: int = 1):
    """Return ``(fig, axes)``: ``axes`` is a single Axes for a 1x1 grid, else a flat array.

    >>> fig, axes = new_figure(ncols=3)
    >>> len(axes)
    3
    """
    fig, axes = figure_grid(width, height, nrows, ncols)
    axes = axes.ravel()
    return fig, (axes[0] if axes.size == 1 else axes)


def stacked_panels(n_panels: int, width: float, height: float, height_ratios):
    """Return ``(fig, top_axes, bottom_axes)``: ``n_panels`` columns of two stacked axes.

    >>> fig, top, bottom = stacked_panels(2, 6.0, 4.0, [3, 1])
    >>> len(top), len(bottom)
    (2, 2)
    """
    fig, axes = figure_grid(width, height, 2, n_panels, height_ratios=height_ratios)
    return fig, list(axes[0]), list(axes[1])


def render_png(fig: Figure) -> bytes:
    """Draw all of ``fig`` and encode it as PNG bytes.

    >>> render_png(new_figure(2.0, 1.0)[0])[:8]
    b'\\x89PNG\\r\\n\\x1a\\n'
    """
    fig.canvas.draw()
    return encode_png(fig)


def encode_png(fig: Figure) -> bytes:
    """Encode what the canvas holds now as PNG, without drawing.

    RGB (a plot needs no transparency) at zlib level 1: on a slider move,
    encoding speed matters more than the last few percent of size.

    >>> import io
    >>> fig, ax = new_figure(2.0, 1.0)
    >>> fig.canvas.draw()
    >>> PIL.Image.open(io.BytesIO(encode_png(fig))).size
    (160, 80)
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

    >>> fig, ax = new_figure(2.0, 1.0)
    >>> (line,) = ax.plot([0, 1], [0, 1])
    >>> blitter = Blitter(fig, [line])
    >>> first = blitter.render()
    >>> line.set_ydata([1, 0])
    >>> blitter.render() != first
    True
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
