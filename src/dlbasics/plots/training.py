"""Plots for notebook 05: training the logistic classifier.

The training view: loss and accuracy curves, live while training and as a static
twin. Comparing finished runs is in :mod:`.runs`, what the trained model learned
in :mod:`.trained_model`.
A training ``history`` is the dict of lists that
:class:`dlbasics.classifier.LogisticClassifier` fills: ``epoch``,
``train_loss``, ``train_accuracy``, ``valid_loss``, ``valid_accuracy``.
"""

from __future__ import annotations

import numbers
from collections.abc import Mapping

import numpy as np
from matplotlib.figure import Figure

from .._validation import as_float_array, check_positive_int
from ..training import HISTORY_KEYS
from .base import BLUE, GREY, ORANGE, describe, figure_grid

LN_10 = float(np.log(10))


def _check_history(history, name: str = "history", *, max_epoch: int | None = None) -> dict:
    """Per-epoch values as float arrays of equal length, all finite; epochs 1, 2, ... in order.

    Everything is checked before anything is drawn, so a bad history leaves a plot as it was.
    """
    if not isinstance(history, Mapping):
        raise TypeError(
            f"{name} must be a dict of lists like LogisticClassifier.history, "
            f"got {type(history).__name__}"
        )
    missing = [k for k in ("epoch", "train_loss") if k not in history]
    if missing:
        raise ValueError(
            f"{name} lacks the key(s) {missing}; expected the keys {list(HISTORY_KEYS)}"
        )
    out = {}
    for key in HISTORY_KEYS:
        values = as_float_array(history.get(key, []), f"{name}[{key!r}]", allow_empty=True)
        if values.size and values.shape != (len(history["epoch"]),):
            raise ValueError(
                f"{name}[{key!r}] must be a list of {len(history['epoch'])} numbers, one per "
                f"epoch in {name}['epoch'], got shape {values.shape}"
            )
        bad = np.flatnonzero(~np.isfinite(values))
        if bad.size:
            raise ValueError(
                f"{name}[{key!r}][{bad[0]}] is {values[bad[0]]}: the curves need finite values "
                "(fit stops with DivergenceError before it records one)"
            )
        if "accuracy" in key and values.size and not 0 <= values.min() <= values.max() <= 1:
            raise ValueError(f"{name}[{key!r}] must hold accuracies in [0, 1]")
        out[key] = values
    epochs = out["epoch"]
    if not np.array_equal(epochs, np.arange(1, len(epochs) + 1)):
        raise ValueError(f"{name}['epoch'] must count 1, 2, 3, ... got {list(epochs)}")
    if max_epoch is not None and len(epochs) > max_epoch:
        raise ValueError(
            f"{name} has {len(epochs)} epochs, but the plot was built for epochs={max_epoch}"
        )
    return out


class TrainingCurves:
    """Loss and accuracy against epoch, for a training run in progress or finished.

    ``update(history)`` sets the curves to the epochs trained so far; the axes
    are fixed in advance (x spans all ``epochs``, accuracy 0..1, loss 0 to
    ``max_loss``) so the curves grow to the right as training proceeds, and
    only ``animated`` changes. A loss above the top rescales the loss axis
    (``ax_loss.get_ylim()`` changes: redraw everything). Training is drawn
    solid with dots, validation dashed with squares.

    Parameters
    ----------
    ax_loss, ax_accuracy : matplotlib Axes
    epochs : int
        The length of the run, > 0.
    history : dict of lists, optional
        Shown at once (see :meth:`update`).
    max_loss : float, optional
        Top of the loss axis; default ``1.1 ln 10``, just above the loss of a
        uniform guess over 10 classes.
    legend : bool
        Put the train/valid legend right of the accuracy axes.

    Attributes after ``update``: ``epochs_done`` (int) and ``last`` (the
    history's last values, a dict; empty before the first epoch).

    Examples
    --------
    >>> fig, plot = training_curves_figure(epochs=5)
    >>> plot.update({"epoch": [1, 2], "train_loss": [1.2, 0.8]})
    >>> plot.epochs_done, plot.last["train_loss"]
    (2, 0.8)
    """

    def __init__(
        self, ax_loss, ax_accuracy, epochs: int, history=None, *, max_loss=None, legend=True
    ):
        self.epochs = check_positive_int(epochs, "epochs")
        self.ax_loss, self.ax_accuracy = ax_loss, ax_accuracy
        top = LN_10 * 1.1 if max_loss is None else max_loss
        if isinstance(top, bool) or not isinstance(top, numbers.Real) or not 0 < top < np.inf:
            raise ValueError(f"max_loss must be a finite number > 0, got {max_loss!r}")
        for ax in (ax_loss, ax_accuracy):
            ax.set_xlim(0.5, self.epochs + 0.5)
            ax.set_xlabel("epoch")
            ax.xaxis.get_major_locator().set_params(integer=True)
            ax.grid(alpha=0.3)
        ax_loss.set_ylim(0, float(top))
        _reference_line(ax_loss, LN_10, "ln 10 (start)", below=True)  # the axis ends just above
        ax_loss.set_ylabel("cross-entropy loss")
        ax_accuracy.set_ylim(0, 1)
        _reference_line(ax_accuracy, 0.1, "chance (0.1)")
        ax_accuracy.set_ylabel("accuracy")
        train = {"color": BLUE, "marker": "o", "ms": 4, "label": "train"}
        valid = {"color": ORANGE, "marker": "s", "ms": 4, "ls": "--", "label": "valid"}
        (self.train_loss,) = ax_loss.plot([], [], **train)
        (self.valid_loss,) = ax_loss.plot([], [], **valid)
        (self.train_acc,) = ax_accuracy.plot([], [], **train)
        (self.valid_acc,) = ax_accuracy.plot([], [], **valid)
        if legend:  # outside, right of the accuracy axes: no curve goes there
            ax_accuracy.legend(loc="upper left", bbox_to_anchor=(1.02, 1))
        lines = [self.train_loss, self.valid_loss, self.train_acc, self.valid_acc]
        self.animated = [*lines, ax_loss.title, ax_accuracy.title]
        self.update(history or {"epoch": [], "train_loss": []})

    def update(self, history) -> None:
        """Show ``history`` (the classifier's dict of per-epoch lists, possibly partial).

        Raises ValueError, before changing anything, for a history longer than
        ``epochs`` or holding inf or NaN.
        """
        h = _check_history(history, max_epoch=self.epochs)
        epochs = h["epoch"]
        self.train_loss.set_data(epochs, h["train_loss"])
        self.train_acc.set_data(epochs if h["train_accuracy"].size else [], h["train_accuracy"])
        self.valid_loss.set_data(epochs if h["valid_loss"].size else [], h["valid_loss"])
        self.valid_acc.set_data(epochs if h["valid_accuracy"].size else [], h["valid_accuracy"])
        highest = max(h["train_loss"].max(initial=0), h["valid_loss"].max(initial=0))
        if highest > self.ax_loss.get_ylim()[1]:  # a run that went wrong
            self.ax_loss.set_ylim(0, 1.1 * highest)
        self.epochs_done = len(epochs)
        self.last = {k: v[-1].item() for k, v in h.items() if v.size}
        self.ax_loss.set_title(self._loss_title(h))
        self.ax_accuracy.set_title(self._accuracy_title(h))

    def _loss_title(self, h) -> str:
        if not h["epoch"].size:
            return f"epoch 0/{self.epochs}"
        valid = f", valid {h['valid_loss'][-1]:.3f}" if h["valid_loss"].size else ""
        return f"epoch {self.epochs_done}/{self.epochs}: train {h['train_loss'][-1]:.3f}{valid}"

    @staticmethod
    def _accuracy_title(h) -> str:
        for which in ("valid", "train"):
            accuracy = h[f"{which}_accuracy"]
            if accuracy.size:
                return f"{which} accuracy {accuracy[-1]:.3f}"
        return " "


def _reference_line(ax, y: float, label: str, *, below: bool = False) -> None:
    """A dotted line labelled at its right end, where the curves of a run that learns are not.

    ``below`` hangs the label under the line, for a line near the top of the axes.
    """
    ax.axhline(y, color=GREY, ls=":", lw=1)
    ax.annotate(
        label,
        (1, y),
        xycoords=("axes fraction", "data"),
        xytext=(-3, -2 if below else 2),
        textcoords="offset points",
        ha="right",
        va="top" if below else "bottom",
        fontsize="small",
        color=GREY,
    )


def _prefix(history: dict, n: int) -> dict:
    return {k: v[:n] for k, v in history.items()}


def training_curves_figure(epochs: int, *, width: float = 8.0, height: float = 3.0):
    """Return ``(fig, plot)``: one :class:`TrainingCurves` (loss, accuracy side by side)."""
    fig, axes = figure_grid(width, height, 1, 2)
    return fig, TrainingCurves(*axes[0], epochs)


def training_curves_at(history, after=None) -> Figure:
    """Static twin of the live training view: :class:`TrainingCurves` after a few epochs.

    Parameters
    ----------
    history : dict of lists
        A finished run's ``LogisticClassifier.history``.
    after : sequence of int, optional
        Show the view as it was after each of these epochs, one column each
        (default: only the end of training).
    """
    h = _check_history(history)
    total = len(h["epoch"])
    if total == 0:
        raise ValueError("history is empty: train for at least one epoch first")
    after = (total,) if after is None else tuple(after)
    if not after:
        raise ValueError("after must name at least one epoch")
    for e in after:
        if isinstance(e, bool) or not isinstance(e, numbers.Integral) or not 0 <= e <= total:
            raise ValueError(f"after must hold epochs in 0..{total}, got {e!r}")
    # Small multiples on common axes (one loss scale, one accuracy scale, the whole run's
    # epochs): tick labels only at the outer edges, so the panels compare at a glance and
    # there is less text to lay out (a fifth of the drawing time).
    fig, axes = figure_grid(3.6 * len(after), 5.0, 2, len(after), sharex=True, sharey="row")
    top = 1.1 * max(LN_10, h["train_loss"].max(), h["valid_loss"].max(initial=0))
    for col, e in enumerate(after):
        legend = col == len(after) - 1
        TrainingCurves(
            axes[0, col], axes[1, col], total, _prefix(h, e), max_loss=top, legend=legend
        )
    for ax in axes.flat:
        ax.label_outer()
    return describe(fig, _curves_alt(h, after))


def _curves_alt(h: dict, after) -> str:
    """What the static training view shows, with the numbers at its last epoch."""
    last = after[-1]
    shown = f"after {last} epochs the training loss is {h['train_loss'][last - 1]:.3f}"
    shown = shown if last else ""
    if last and h["valid_accuracy"].size:
        shown += f" and the validation accuracy {h['valid_accuracy'][last - 1]:.3f}"
    return (
        "The training view after epochs " + ", ".join(str(e) for e in after) + ", one column "
        "each: on top the training and validation loss per epoch with ln 10 marked, below the "
        "training and validation accuracy" + (f"; {shown}." if shown else ".")
    )
