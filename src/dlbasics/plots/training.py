"""Plots for notebook 05: training the logistic classifier.

Loss curves (live while training, and static) and full-batch against mini-batch
gradient descent; what the trained model learned is in :mod:`.trained_model`.
A training ``history`` is the dict of lists that
:class:`dlbasics.classifier.LogisticClassifier` fills: ``epoch``,
``train_loss``, ``train_accuracy``, ``valid_loss``, ``valid_accuracy``.
"""

from __future__ import annotations

import numbers
from collections.abc import Mapping

import numpy as np
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter

from .._validation import as_float_array, check_positive_int
from ..training import HISTORY_KEYS
from .base import BLUE, GREY, ORANGE, figure_grid

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
            ax_accuracy.legend(loc="upper left", bbox_to_anchor=(1.02, 1), fontsize="small")
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
    fig, axes = figure_grid(3.6 * len(after), 5.0, 2, len(after))
    top = 1.1 * max(LN_10, h["train_loss"].max(), h["valid_loss"].max(initial=0))
    for col, e in enumerate(after):
        legend = col == len(after) - 1
        TrainingCurves(
            axes[0, col], axes[1, col], total, _prefix(h, e), max_loss=top, legend=legend
        )
    return fig


# Each run its own marker and line style, so the runs stay apart without colour.
RUN_STYLES = [
    {"color": BLUE, "marker": "o", "ls": "-"},
    {"color": ORANGE, "marker": "s", "ls": "--"},
    {"color": "#2ca02c", "marker": "^", "ls": "-."},
    {"color": "#d62728", "marker": "D", "ls": ":"},
    {"color": "#9467bd", "marker": "v", "ls": (0, (5, 1, 1, 1))},
]


def _check_runs(runs, name: str, what: str) -> None:
    if not isinstance(runs, Mapping):
        raise TypeError(f"{name} must be a dict {{label: {what}}}, got {type(runs).__name__}")
    if not runs:
        raise ValueError(f"{name} is empty: give at least one run {{label: {what}}}")


def _check_losses(losses, name: str) -> np.ndarray:
    losses = as_float_array(losses, name, allow_empty=True)
    if losses.ndim != 1 or losses.size < 2:
        raise ValueError(
            f"{name} must be a 1-D list: the initial loss, then the loss after each epoch "
            f"(at least 2 values), got shape {losses.shape}"
        )
    if not np.all(np.isfinite(losses)):
        raise ValueError(f"{name} must be finite, got {losses}")
    return losses


def compare_runs_figure(runs) -> Figure:
    """Training loss of several runs against epochs (the same work) and against weight updates.

    Parameters
    ----------
    runs : dict
        ``{label: (losses, steps_per_epoch)}``. ``losses[0]`` is the loss of
        the initial weights on the whole training set, ``losses[e]`` the loss
        on the whole training set after epoch ``e`` (e.g. ``model.loss(X, y)``
        in a ``fit`` callback), so every point is measured the same way.
        ``steps_per_epoch`` is the number of weight updates per epoch: 1 for
        full-batch gradient descent, ``ceil(n_samples / batch_size)`` for
        mini-batches.

    Left: loss against epochs; an epoch shows every training example once,
    the same work for every run. Right: the same points against the number
    of weight updates (symlog axis: linear up to 1, logarithmic above), so
    epoch 0 stands at 0 updates. Runs differ in marker and line style.

    Examples
    --------
    >>> fig = compare_runs_figure({"full batch": ([2.3, 1.9, 1.6], 1), "SGD": ([2.3, 0.7], 40)})
    >>> fig.axes[1].lines[1].get_xdata().tolist()  # SGD: 0 updates, then 40 per epoch
    [0, 40]
    """
    _check_runs(runs, "runs", "(losses, steps_per_epoch)")
    fig, axes = figure_grid(10.0, 4.0, 1, 2)
    ax_epoch, ax_steps = axes[0]
    for i, (label, run) in enumerate(runs.items()):
        if not (isinstance(run, tuple) and len(run) == 2):
            raise TypeError(
                f"runs[{label!r}] must be a tuple (losses, steps_per_epoch), got {run!r}"
            )
        losses = _check_losses(run[0], f"runs[{label!r}] losses")
        steps = check_positive_int(run[1], f"runs[{label!r}] steps_per_epoch")
        epochs = np.arange(len(losses))
        style = RUN_STYLES[i % len(RUN_STYLES)] | {"ms": 4}
        ax_epoch.plot(epochs, losses, **style, label=label)
        per_epoch = f"{steps} update{'s' if steps > 1 else ''} per epoch"
        ax_steps.plot(epochs * steps, losses, **style, label=f"{label}: {per_epoch}")
    for ax in (ax_epoch, ax_steps):
        ax.axhline(LN_10, color=GREY, ls=":", lw=1, label="ln 10")
        ax.set_ylabel("training loss")
        ax.set_ylim(bottom=0)
        ax.grid(alpha=0.3)
        ax.legend(fontsize="small", loc="upper center", bbox_to_anchor=(0.5, -0.2), ncols=2)
    ax_epoch.set_xlabel("epoch (0: the initial weights)")
    ax_epoch.xaxis.get_major_locator().set_params(integer=True)
    ax_epoch.set_title("per epoch (the same work)")
    ax_steps.set_xscale("symlog", linthresh=1)
    ax_steps.xaxis.set_major_formatter("{x:,.0f}")  # updates are counts: 1, 10, 100, not 10^0
    ax_steps.set_xlim(0, 1.5 * max(ax_steps.dataLim.x1, 1))  # room for the last marker
    ax_steps.set_xlabel("weight updates (gradient steps)")
    ax_steps.set_title("per weight update")
    return fig


def loss_curves_figure(histories, *, log_scale: bool = True) -> Figure:
    """Training (solid, filled markers) and validation (dashed, open markers) loss of several runs.

    ``histories`` is ``{label: history}``, each a ``LogisticClassifier.history``;
    each run has its own marker, and the legend sits below the plot. What is
    plotted is the history as recorded: ``train_loss`` at epoch ``e`` is the
    average over epoch ``e``'s batches as they were trained on (see ``fit``),
    ``valid_loss`` the exact loss at the end of the epoch.

    Examples
    --------
    >>> h = {"epoch": [1, 2], "train_loss": [1.5, 1.0], "valid_loss": [1.4, 1.1]}
    >>> len(loss_curves_figure({"lr 0.1": h}).axes[0].lines)  # train, valid, ln 10
    3
    """
    _check_runs(histories, "histories", "history")
    fig, axes = figure_grid(6.5, 4.2)
    ax = axes[0, 0]
    for i, (label, history) in enumerate(histories.items()):
        h = _check_history(history, f"histories[{label!r}]")
        style = RUN_STYLES[i % len(RUN_STYLES)] | {"ms": 4}
        ax.plot(h["epoch"], h["train_loss"], **style | {"ls": "-"}, label=f"{label}: train")
        if h["valid_loss"].size:
            valid = style | {"ls": "--", "mfc": "white"}
            ax.plot(h["epoch"], h["valid_loss"], **valid, label=f"{label}: valid")
    ax.axhline(LN_10, color=GREY, ls=":", lw=1, label="ln 10")
    if log_scale:
        ax.set_yscale("log")
        ax.yaxis.set_major_formatter("{x:.3g}")  # 0.6, 2, 4 rather than 6 x 10^-1
        ax.yaxis.set_minor_formatter(FuncFormatter(lambda x, _: _minor_log_label(ax, x)))
    ax.set_xlabel("epoch")
    ax.set_ylabel("cross-entropy loss")
    ax.xaxis.get_major_locator().set_params(integer=True)
    ax.grid(alpha=0.3, which="both")
    ax.legend(fontsize="small", ncols=3, loc="upper center", bbox_to_anchor=(0.5, -0.18))
    return fig


def _minor_log_label(ax, x: float) -> str:
    """Label every minor tick of a log axis spanning one decade, only 2s and 5s of a wider one."""
    low, high = ax.get_ylim()
    mantissa = round(x / 10 ** np.floor(np.log10(x) + 1e-9))
    return f"{x:.3g}" if high / low <= 10 or mantissa in (2, 5) else ""
