"""The course's sliders: an ipywidgets slider driving a plot from ``dlbasics.plots``.

The figure is built once; each slider move updates its artists and sends a
new PNG to an ``ipywidgets.Image``. That avoids the ``interact`` pattern
(a new figure and a new output per move), which is what makes sliders lag.
"""

from __future__ import annotations

import ipywidgets as widgets

from . import plots


class SliderPlot:
    """A slider and the figure it redraws in place.

    Parameters
    ----------
    slider : ipywidgets.ValueWidget
        Any slider; its ``value`` is passed to ``update``.
    fig : matplotlib.figure.Figure
        Built once by the plot; reused for every move.
    update : callable
        ``update(value)`` changes the figure's artists (a ``plots`` class method).
    animated : list of matplotlib artists, optional
        The only artists ``update`` changes; then each move redraws just these
        over a cached background (see ``plots.Blitter``).

    Attributes
    ----------
    image : ipywidgets.Image
        What the learner sees; ``image.value`` holds the latest PNG bytes.
    widget : ipywidgets.VBox
        Slider above image; displayed when the object is the cell's result.
    """

    def __init__(self, slider, fig, update, animated=None):
        self.slider = slider
        self.fig = fig
        self._update = update
        # Blit when the plot names the artists that change; else draw everything.
        self._blitter = plots.Blitter(fig, animated) if animated else None
        self.image = widgets.Image(format="png")
        self.widget = widgets.VBox([slider, self.image])
        self.redraw()
        slider.observe(self._on_value, names="value")

    def _on_value(self, change) -> None:
        self.redraw()

    def redraw(self) -> None:
        """Update the artists for the slider's current value, render, and send the image."""
        self._update(self.slider.value)
        if self._blitter is None:
            self.image.value = plots.render_png(self.fig)
        else:
            self.image.value = self._blitter.render()

    def _repr_mimebundle_(self, **kwargs):
        return self.widget._repr_mimebundle_(**kwargs)


def logits_scale_slider(scores=(3.0, 1.0, 0.2), value: float = 1.0) -> SliderPlot:
    """Slider for notebook 01: scale the logits (log scale, 0.01 to 100).

    Examples
    --------
    >>> s = logits_scale_slider()
    >>> s.slider.value = 10.0
    >>> round(float(s.plot.probabilities[0]), 3)
    1.0
    """
    fig, ax = plots.new_figure(5.0, 3.0)
    plot = plots.SoftmaxBars(ax, scores, value)
    slider = widgets.FloatLogSlider(
        value=value, base=10, min=-2, max=2, step=0.05,
        description="scale", readout_format=".3g", continuous_update=True,
    )
    sp = SliderPlot(slider, fig, plot.update, plot.animated)
    sp.plot = plot
    return sp
