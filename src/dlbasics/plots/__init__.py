"""Every plot the course draws, one module per topic, all importable from here.

Each interactive plot is a small class: ``__init__`` creates the artists once,
``update(value)`` changes their data and ``animated`` lists the artists that
change, so a slider (``dlbasics.widgets``) can redraw just those. Static twins
draw the same class at a few values side by side.
"""

from .base import DPI, Blitter, encode_png, new_figure, render_png
from .softmax import SoftmaxBars, entropy, softmax_bars_at

__all__ = [
    "DPI",
    "Blitter",
    "SoftmaxBars",
    "encode_png",
    "entropy",
    "new_figure",
    "render_png",
    "softmax_bars_at",
]
