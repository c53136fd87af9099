"""The course's sliders: an ipywidgets slider driving a plot from ``dlbasics.plots``.

The figure is built once; each slider move updates its artists and sends a
new PNG to an ``ipywidgets.Image``. That avoids the ``interact`` pattern
(a new figure and a new output per move), which is what makes sliders lag.
"""

from __future__ import annotations

import ipywidgets as widgets

from . import plots


def _png_image(value: bytes = b"") -> widgets.Image:
    """An Image shown at its own pixel size: in a VBox it would stretch to the cell, blurred."""
    return widgets.Image(
        value=value,
        format="png",
        layout=widgets.Layout(align_self="flex-start", max_width="100%"),
    )


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
    plot : object, optional
        The ``plots`` object drawn in ``fig``, kept as ``self.plot`` for tests and
        notebooks. If ``update`` is not given, ``plot.update`` is used, and
        ``plot.animated`` (if any) when ``animated`` is not given:
        ``SliderPlot(slider, fig, plot=plot)``.

    Attributes
    ----------
    image : ipywidgets.Image
        What the learner sees; ``image.value`` holds the latest PNG bytes.
    widget : ipywidgets.VBox
        Slider above image; displayed when the object is the cell's result.
    """

    def __init__(self, slider, fig, update=None, animated=None, *, plot=None):
        if update is None:
            if plot is None:
                raise TypeError("SliderPlot needs update(value) or a plot with an update method")
            update = plot.update
            if animated is None:
                animated = getattr(plot, "animated", None)
        self.slider = slider
        self.fig = fig
        self.plot = plot
        self._update = update
        # Blit when the plot names the artists that change; else draw everything.
        self._blitter = plots.Blitter(fig, animated) if animated else None
        self.image = _png_image()
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


def _log_slider(value: float, min_exp: float, max_exp: float, description: str):
    """A slider from 10**min_exp to 10**max_exp: equal travel per factor of 10."""
    return widgets.FloatLogSlider(
        value=value,
        base=10,
        min=min_exp,
        max=max_exp,
        step=0.05,
        description=description,
        readout_format=".3g",
        continuous_update=True,
    )


def logits_scale_slider(scores=(3.0, 1.0, 0.2), value: float = 1.0) -> SliderPlot:
    """Slider for notebook 01: scale the logits (log scale, 0.01 to 100).

    Examples
    --------
    >>> s = logits_scale_slider()
    >>> s.slider.value = 10.0
    >>> round(float(s.plot.probabilities[0]), 3)
    1.0
    """
    fig, (ax,), (entropy_ax,) = plots.softmax_bars_figure(1, 5.0, 3.6)
    plot = plots.SoftmaxBars(ax, scores, value, entropy_ax=entropy_ax)
    slider = _log_slider(value, -2, 2, "logits ×")
    return SliderPlot(slider, fig, plot=plot)


def sigma_slider(images, labels, *, value: float = 0.01, seed: int = 0) -> SliderPlot:
    """Slider for notebook 04: the std sigma of the initial weights (log scale, 0.001 to 10).

    ``images`` (n, 28, 28) grey levels and their ``labels``; the plot is
    :class:`dlbasics.plots.InitialPredictions`, available as ``sp.plot``.

    Examples
    --------
    >>> from dlbasics.letters import letters
    >>> s = sigma_slider(*letters(10, split="valid"), value=0.001)
    >>> round(s.plot.mean_entropy, 2)  # ln 10 = 2.30: uncertain
    2.3
    >>> s.slider.value = 10.0
    >>> s.plot.mean_entropy < 0.1  # opinionated
    True
    """
    fig, plot = plots.initial_predictions_figure(images, labels, value, seed=seed)
    slider = _log_slider(value, -3, 1, "σ")
    return SliderPlot(slider, fig, plot=plot)


def true_class_probability_slider(value: float = 0.5, n_classes: int = 3) -> SliderPlot:
    """Slider for notebook 02: the probability p given to the true class (0.01 to 1).

    The plot is :class:`dlbasics.plots.TrueClassLoss` (available as ``sp.plot``):
    the predicted distribution beside the one-hot label, and the loss -ln p.

    Examples
    --------
    >>> s = true_class_probability_slider()
    >>> round(s.plot.loss, 4)  # ln 2
    0.6931
    >>> s.slider.value = 1.0
    >>> s.plot.loss
    0.0
    """
    fig, (bars_ax,), (curve_ax,) = plots.true_class_loss_figure(1, 5.0, 5.0)
    plot = plots.TrueClassLoss(curve_ax, value, n_classes, bars_ax=bars_ax)
    slider = widgets.FloatSlider(
        value=value,
        min=0.01,
        max=1.0,
        step=0.01,
        description="p(true)",
        readout_format=".2f",
        continuous_update=True,
    )
    return SliderPlot(slider, fig, plot=plot)


class TrainingProgress:
    """A progress bar and a live loss/accuracy plot, advanced by ``fit(callback=...)``.

    Display it (``display(progress)``) *before* training starts, then pass
    ``progress.callback`` to :meth:`dlbasics.classifier.LogisticClassifier.fit`:
    after every epoch the bar advances and the curves are redrawn in place.

    Attributes
    ----------
    progress : ipywidgets.IntProgress
        ``value`` is the last finished epoch, ``max`` the number of epochs.
    image : ipywidgets.Image
        The latest PNG of ``fig``.
    widget : ipywidgets.VBox
        Bar above image.
    plot : dlbasics.plots.TrainingCurves
        The curves (``plot.epochs_done``, ``plot.last``).
    fig : matplotlib.figure.Figure
        Built once, reused at every epoch.
    """

    def __init__(self, epochs: int, *, width: float = 8.0, height: float = 3.0):
        self.fig, self.plot = plots.training_curves_figure(epochs, width=width, height=height)
        self.epochs = self.plot.epochs
        self.progress = widgets.IntProgress(
            value=0, min=0, max=self.epochs, description=f"epoch 0/{self.epochs}"
        )
        self.image = _png_image(plots.render_png(self.fig))
        self.widget = widgets.VBox([self.progress, self.image])

    def callback(self, epoch: int, history) -> None:
        """Called by ``fit`` after each epoch: advance the bar, redraw the curves."""
        self.plot.update(history)
        self.progress.value = min(int(epoch), self.epochs)
        self.progress.description = f"epoch {epoch}/{self.epochs}"
        self.image.value = plots.render_png(self.fig)

    def _repr_mimebundle_(self, **kwargs):
        return self.widget._repr_mimebundle_(**kwargs)


def training_progress(epochs: int) -> TrainingProgress:
    """Live view for notebook 05: a progress bar and loss/accuracy curves while training.

    Examples
    --------
    >>> progress = training_progress(epochs=3)
    >>> progress.callback(1, {"epoch": [1], "train_loss": [0.9], "train_accuracy": [0.7]})
    >>> progress.progress.value, progress.plot.epochs_done
    (1, 1)
    """
    return TrainingProgress(epochs)
