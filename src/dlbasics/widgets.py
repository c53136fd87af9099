"""The course's sliders: an ipywidgets slider driving a plot from ``dlbasics.plots``.

The figure is built once; each slider move updates its artists and sends a
new PNG to an ``ipywidgets.Image``. That avoids the ``interact`` pattern
(a new figure and a new output per move), which is what makes sliders lag.
Where no kernel runs (GitHub, nbviewer, an HTML export, a notebook not yet
run), a slider reads as one plain sentence: :func:`plain_text`.
"""

from __future__ import annotations

import math

import ipywidgets as widgets

from . import plots
from ._threads import one_blas_thread
from .plots.base import Blitter, figure_grid

#: Width of a slider's image in pixels: about a notebook cell's width.
IMAGE_WIDTH_PX = 860
RUN_HINT = "Run the cells above (or Run All) to use it."


def plain_text(widget) -> str:
    """The sentence shown in place of ``widget`` wherever widgets cannot render.

    ``widget`` is anything with a ``summary`` (what it is and does), such as a
    :class:`SliderPlot`, followed by its ``run_hint`` if it has one (``RUN_HINT``
    otherwise). A notebook normalizer can store just this text.

    Examples
    --------
    >>> print(plain_text(logits_scale_slider()))  # doctest: +NORMALIZE_WHITESPACE
    Slider: scale the logits from 0.01 to 100 and watch softmax sharpen or flatten.
    Run the cells above (or Run All) to use it.
    """
    summary = getattr(widget, "summary", None)
    if not isinstance(summary, str) or not summary.strip():
        raise TypeError(f"widget must have a summary sentence, got {type(widget).__name__}")
    return f"{summary} {getattr(widget, 'run_hint', RUN_HINT)}"


def _png_image(value: bytes = b"") -> widgets.Image:
    """An Image shown at its own pixel size: in a VBox it would stretch to the cell, blurred."""
    return widgets.Image(
        value=value,
        format="png",
        layout=widgets.Layout(align_self="flex-start", max_width="100%"),
    )


def _figure_of(plot):
    """The one figure holding ``plot.animated``, the artists that ``plot.update`` changes."""
    animated = list(getattr(plot, "animated", None) or [])
    if not callable(getattr(plot, "update", None)) or not animated:
        raise TypeError(
            "plot must have an update(value) method and a non-empty list `animated` of the "
            f"artists it changes, got {type(plot).__name__}"
        )
    figures = {id(artist.figure): artist.figure for artist in animated}
    if len(figures) != 1 or None in figures.values():
        raise ValueError("plot.animated must be artists drawn in one and the same figure")
    return animated[0].figure


class SliderPlot:
    """A slider and the figure of ``plot`` it redraws in place.

    Each move calls ``plot.update(slider.value)`` and redraws only
    ``plot.animated`` over a cached background (see ``plots.base.Blitter``).
    The figure is drawn :data:`IMAGE_WIDTH_PX` pixels wide. A value that is not
    finite (e.g. ``nan`` typed into the readout) is refused: the slider goes
    back to the value the image shows.

    Parameters
    ----------
    slider : ipywidgets.ValueWidget
        Any slider; its ``value`` is passed to ``plot.update``.
    plot : object
        A ``dlbasics.plots`` object with ``update(value)`` and ``animated``, the
        artists ``update`` changes; its figure is theirs, reused for every move.
    summary : str
        What the slider does, one sentence; :func:`plain_text` shows it where
        widgets cannot render.

    Attributes
    ----------
    fig : matplotlib.figure.Figure
        The plot's figure.
    image : ipywidgets.Image
        What the learner sees; ``image.value`` holds the latest PNG bytes.
    widget : ipywidgets.VBox
        Slider above image; displayed when the object is the cell's result.
    """

    def __init__(self, slider, plot, *, summary: str):
        self.fig = _figure_of(plot)
        if not isinstance(summary, str) or not summary.strip():
            raise ValueError(
                f"summary must be a sentence saying what the slider does, got {summary!r}"
            )
        self.slider, self.plot, self.summary = slider, plot, summary
        self.fig.set_dpi(IMAGE_WIDTH_PX / self.fig.get_figwidth())
        self._blitter = Blitter(self.fig, plot.animated)
        self.image = _png_image()
        self.widget = widgets.VBox([slider, self.image])
        self.redraw()
        slider.observe(self._on_value, names="value")

    def _on_value(self, change) -> None:
        if not math.isfinite(change["new"]):
            self.slider.value = change["old"]  # readout and image agree again
            return
        self.redraw()

    def redraw(self) -> None:
        """Update the artists for the slider's current value, render, and send the image."""
        # Why one BLAS thread: a redraw multiplies small arrays, where waking OpenBLAS's
        # second thread costs more than it saves, most of all while Jupyter and the browser
        # share the cores. Measured on 2 cores: notebook 06's 22,500 grid logits took 36 ms
        # with two threads, 7.6 ms with one (the training loop limits itself the same way).
        with one_blas_thread():
            self.plot.update(self.slider.value)
        self.image.value = self._blitter.render()

    def _repr_mimebundle_(self, **kwargs):
        bundle = self.widget._repr_mimebundle_(**kwargs)
        bundle["text/plain"] = plain_text(self)
        return bundle


# Most of the cell's width for the track: four decades over ~700 px.
_SLIDER_LOOK = {"layout": {"width": "90%"}, "style": {"description_width": "initial"}}


def _log_slider(value: float, min_exp: float, max_exp: float, description: str):
    """A slider from 10**min_exp to 10**max_exp: equal travel per factor of 10, 3 digits shown."""
    return widgets.FloatLogSlider(
        value=value,
        base=10,
        min=min_exp,
        max=max_exp,
        step=0.01,
        description=description,
        readout_format=".3g",
        continuous_update=True,
        **_SLIDER_LOOK,
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
    _, (ax,), (entropy_ax,) = plots.softmax_bars_figure(1, 8.6, 3.8)
    plot = plots.SoftmaxBars(ax, scores, value, entropy_ax=entropy_ax)
    slider = _log_slider(value, -2, 2, "logits ×")
    summary = "Slider: scale the logits from 0.01 to 100 and watch softmax sharpen or flatten."
    return SliderPlot(slider, plot, summary=summary)


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
    _, plot = plots.initial_predictions_figure(images, labels, value, seed=seed)
    slider = _log_slider(value, -3, 1, "σ")
    summary = (
        "Slider: turn σ, the spread of the initial weights, from 0.001 to 10 and watch the "
        "first predictions go from uncertain to opinionated."
    )
    return SliderPlot(slider, plot, summary=summary)


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
    _, ((bars_ax, curve_ax),) = figure_grid(8.6, 3.6, 1, 2, width_ratios=[2, 3])
    plot = plots.TrueClassLoss(curve_ax, value, n_classes, bars_ax=bars_ax)
    slider = widgets.FloatSlider(
        value=value,
        min=0.01,
        max=1.0,
        step=0.01,
        description="p(true)",
        readout_format=".2f",
        continuous_update=True,
        **_SLIDER_LOOK,
    )
    summary = (
        "Slider: move p, the probability given to the true class, from 0.01 to 1 and watch "
        "the loss −ln p fall to 0."
    )
    return SliderPlot(slider, plot, summary=summary)


def hidden_units_slider(X, y, X_test, y_test, models, *, value: int = 8) -> SliderPlot:
    """Slider for notebook 06: the width of the hidden layer (1 to 64), redrawing its regions.

    ``models(hidden_units)`` gives the fitted model (:func:`dlbasics.network.ring_models`);
    the plot is :class:`dlbasics.plots.network.DecisionRegions`, available as ``sp.plot``.

    Examples
    --------
    >>> from dlbasics.network import ring_models, two_rings
    >>> X, y = two_rings(400)  # as in notebook 06
    >>> s = hidden_units_slider(X, y, X, y, ring_models(X, y), value=1)
    >>> s.slider.value = 16
    >>> s.plot.value, s.plot.accuracy > 0.9
    (16, True)
    """
    _, plot = plots.decision_regions_figure(X, y, X_test, y_test, models, value)
    slider = widgets.IntSlider(
        value=value,
        min=1,
        max=64,
        description="hidden units",
        continuous_update=True,
        **_SLIDER_LOOK,
    )
    summary = (
        "Slider: give the hidden layer 1 to 64 ReLU units and watch the decision boundary "
        "bend from a straight line around the disc."
    )
    return SliderPlot(slider, plot, summary=summary)


class TrainingProgress:
    """A progress bar and a live loss/accuracy plot, advanced by ``fit(callback=...)``.

    Display it (``display(progress)``) *before* training starts, then pass
    ``progress.callback`` to :meth:`dlbasics.classifier.LogisticClassifier.fit`:
    after every epoch the bar advances and the curves are redrawn in place.
    The axes are fixed in advance (see :class:`dlbasics.plots.TrainingCurves`),
    so an epoch redraws only the curves and titles over a cached background;
    everything is redrawn only when a loss leaves the loss axis.

    Attributes
    ----------
    progress : ipywidgets.IntProgress
        ``value`` is the last finished epoch, ``max`` the number of epochs.
    label : ipywidgets.Label
        ``"epoch 3/30"`` beside the bar, shown in full.
    image : ipywidgets.Image
        The latest PNG of ``fig``.
    widget : ipywidgets.VBox
        Bar and label above image.
    plot : dlbasics.plots.TrainingCurves
        The curves (``plot.epochs_done``, ``plot.last``).
    fig : matplotlib.figure.Figure
        Built once, reused at every epoch.

    Examples
    --------
    >>> progress = TrainingProgress(epochs=3)
    >>> progress.callback(1, {"epoch": [1], "train_loss": [0.9], "train_accuracy": [0.7]})
    >>> progress.progress.value, progress.plot.epochs_done
    (1, 1)
    """

    summary = "Live training view: a progress bar and the loss and accuracy curves, per epoch."
    # It moves only while its own cell trains (the figure after it is its static version).
    run_hint = "Run this cell, after the cells above (or Run All), to watch it train."

    def __init__(self, epochs: int, *, width: float = 8.0, height: float = 3.0):
        self.fig, self.plot = plots.training_curves_figure(epochs, width=width, height=height)
        self.fig.set_dpi(IMAGE_WIDTH_PX / self.fig.get_figwidth())
        self.epochs = self.plot.epochs
        self._blitter = Blitter(self.fig, self.plot.animated)
        self.progress = widgets.IntProgress(value=0, min=0, max=self.epochs)
        self.label = widgets.Label(f"epoch 0/{self.epochs}")
        self.image = _png_image(self._blitter.render())
        self.widget = widgets.VBox([widgets.HBox([self.progress, self.label]), self.image])

    def callback(self, epoch: int, history) -> None:
        """Called by ``fit`` after each epoch: advance the bar, redraw the curves.

        ``epoch`` must be in ``1..epochs`` and the last epoch of ``history``;
        anything else raises before the view changes.
        """
        if isinstance(epoch, bool) or not hasattr(epoch, "__index__"):
            raise TypeError(f"epoch must be an int, got {type(epoch).__name__}")
        if not 1 <= epoch <= self.epochs:
            raise ValueError(
                f"epoch must be in 1..{self.epochs} (the view was built for "
                f"epochs={self.epochs}), got {epoch}"
            )
        recorded = len(history.get("epoch", [])) if hasattr(history, "get") else epoch
        if recorded != epoch:  # (a history that is not a dict: plot.update names it)
            raise ValueError(f"epoch is {epoch}, but history holds {recorded} epoch(s)")
        limits = self.plot.ax_loss.get_ylim()
        self.plot.update(history)
        if self.plot.ax_loss.get_ylim() != limits:  # a loss left the axis: redraw everything
            self._blitter.invalidate()
        self.progress.value = int(epoch)
        self.label.value = f"epoch {epoch}/{self.epochs}"
        self.image.value = self._blitter.render()

    def _repr_mimebundle_(self, **kwargs):
        bundle = self.widget._repr_mimebundle_(**kwargs)
        bundle["text/plain"] = plain_text(self)
        return bundle
