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
import sys

import matplotlib.figure
import PIL.Image
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.ticker import FuncFormatter, NullLocator

# Static figures' resolution; a slider rescales its figure to the notebook's width
# (``dlbasics.widgets.IMAGE_WIDTH_PX``).
DPI = 80
BLUE, ORANGE, GREY = "#1f77b4", "#ff7f0e", "#7f7f7f"


_SUPERSCRIPT = str.maketrans("-0123456789", "⁻⁰¹²³⁴⁵⁶⁷⁸⁹")


def power_of_ten(value: float, _position=None) -> str:
    """A log axis's tick label in plain text: ``10⁻³`` for 0.001 (other values as ``%g``).

    >>> power_of_ten(0.001), power_of_ten(1e12), power_of_ten(1.0), power_of_ten(0.5)
    ('10⁻³', '10¹²', '10⁰', '0.5')
    """
    if math.isfinite(value) and value > 0:
        exponent = round(math.log10(value))
        if math.isclose(value, 10.0**exponent, rel_tol=1e-6):  # float32 powers of ten too
            return "10" + str(exponent).translate(_SUPERSCRIPT)
    return f"{value:g}"


def decade_ticks(*axes) -> None:
    """Tick the log ``axes`` (``ax.xaxis``, ``ax.yaxis``) at powers of ten only, labelled
    in plain text (:func:`power_of_ten`). For axes that span several decades: on less
    than two, one label or none would be all the axis shows.

    Why not matplotlib's defaults: they give a log axis about 48 minor ticks, which were
    40 % of drawing notebook 04's sigma figures, and write each label in mathtext, which
    cost the notebooks 0.07 to 0.18 s each per Run All (building its parser, loading the
    math fonts, then 3 to 4 ms a label; measured). The decades carry the scale; a
    figure's text gives the values.
    """
    for axis in axes:
        axis.set_major_formatter(FuncFormatter(power_of_ten))
        axis.set_minor_locator(NullLocator())


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


class Figure(matplotlib.figure.Figure):
    """A matplotlib figure that carries a text alternative, ``alt``, into the notebook.

    Shown as a cell's result, it is drawn once (:func:`show_in_one_draw`), and its
    ``alt`` goes into the output's metadata
    (``metadata["image/png"]["alt"]``), where screen readers, the book and
    nbconvert's HTML find it. Every figure function of the course sets it with
    :func:`describe`.
    """

    alt = ""

    def _repr_mimebundle_(self, include=None, exclude=None):
        # Only the metadata: IPython still asks the PNG formatter registered for the type
        # for the image (it would redraw the figure even if the PNG were given here, doubling the
        # cost of every figure), and merges this alt text into the output's metadata.
        return ({}, {"image/png": {"alt": self.alt}}) if self.alt else None


def describe(fig: Figure, alt: str) -> Figure:
    """Set ``fig.alt``, the sentence a reader who cannot see the figure gets; return ``fig``.

    >>> describe(figure_grid(2.0, 1.0)[0], "An empty test figure.").alt
    'An empty test figure.'
    """
    if not isinstance(alt, str) or not alt.strip():
        raise ValueError(f"alt must be a non-empty sentence, got {alt!r}")
    fig.alt = alt
    return fig


def figure_grid(width: float, height: float, nrows: int = 1, ncols: int = 1, **subplot_kw):
    """Return ``(fig, axes)``: a pyplot-free figure on the Agg canvas, ``axes`` always 2-D.

    The course's one figure factory: ``axes[row, col]`` the same way for one panel or
    many (``fig, ((ax,),) = figure_grid(6.0, 3.0)`` unpacks a single one).

    ``subplot_kw`` goes to ``Figure.subplots`` (e.g. ``width_ratios``).

    >>> fig, axes = figure_grid(6.0, 3.0, 1, 2, width_ratios=[2, 1])
    >>> axes.shape
    (1, 2)
    """
    fig = Figure(figsize=(width, height), dpi=DPI, layout="constrained")
    FigureCanvasAgg(fig)
    return fig, fig.subplots(nrows, ncols, squeeze=False, **subplot_kw)


def render_png(fig: Figure, compress_level: int = 1) -> bytes:
    """Draw all of ``fig``, animated artists included, and encode it as PNG bytes.

    A plain draw skips the artists a widget marks animated (it blits them over a
    cached background), so they are drawn on top here.

    >>> render_png(figure_grid(2.0, 1.0)[0])[:8]
    b'\\x89PNG\\r\\n\\x1a\\n'
    """
    fig.canvas.draw()
    for artist in fig.findobj(lambda a: a.get_animated()):
        fig.draw_artist(artist)
    return encode_png(fig, compress_level)


def encode_png(fig: Figure, compress_level: int = 1) -> bytes:
    """Encode what the canvas holds now as PNG, without drawing.

    RGB (a plot needs no transparency), by default at zlib level 1: on a slider
    move, encoding speed matters more than the last few percent of size.

    >>> import io
    >>> fig, ((ax,),) = figure_grid(2.0, 1.0)
    >>> fig.canvas.draw()
    >>> PIL.Image.open(io.BytesIO(encode_png(fig))).size
    (160, 80)
    """
    rgba = PIL.Image.frombuffer(
        "RGBA", fig.canvas.get_width_height(physical=True), fig.canvas.buffer_rgba()
    )
    out = io.BytesIO()
    rgba.convert("RGB").save(out, format="PNG", compress_level=compress_level)
    return out.getvalue()


def show_in_one_draw() -> None:
    """In IPython, show the course's figures (:class:`Figure`) with one draw, not two.

    Jupyter's inline backend saves a figure with ``bbox_inches="tight"``: it draws the
    whole figure once to find the ink's bounding box, then again to save the PNG. The
    course's figures lay themselves out (constrained layout; tests/test_plots_training.py
    checks that their ink stays inside the figure), so one draw is enough. Measured: 0.1
    to 0.3 s less for each multi-panel figure, about 8 % of notebooks 03 and 04's Run All.
    Only :class:`Figure` is affected, not the figures a learner makes with pyplot, and
    only under the inline backend's default settings (PNG, tight box): with other
    settings (``%config InlineBackend.figure_formats = ["retina"]``, say) the inline
    backend draws the course's figures too. Outside IPython this does nothing.
    """
    shell = sys.modules["IPython"].get_ipython() if "IPython" in sys.modules else None
    if shell is None:
        return
    png = shell.display_formatter.formatters["image/png"]

    def one_draw(fig: Figure) -> bytes | None:
        from matplotlib_inline.config import InlineBackend

        inline = InlineBackend.instance()
        defaults = set(inline.figure_formats) == {"png"} and inline.print_figure_kwargs == {
            "bbox_inches": "tight"
        }
        if defaults:  # stored in the notebooks: size over encoding speed
            return render_png(fig, compress_level=6)
        try:  # the learner's own settings: the inline backend's printer, if PNG is on
            return png.lookup_by_type(matplotlib.figure.Figure)(fig)
        except KeyError:
            return None

    png.for_type(Figure, one_draw)


class Blitter:
    """Redraw only the artists that change, over a cached background.

    A full draw of a small figure costs tens of milliseconds (text layout,
    ticks); pasting a cached background and drawing a few bars costs well
    under one. The artists passed in are marked animated, so the background
    is drawn without them. Axes limits must stay fixed while blitting; call
    :meth:`invalidate` after changing anything else.

    >>> fig, ((ax,),) = figure_grid(2.0, 1.0)
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
