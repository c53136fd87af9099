"""Plots for notebook 05: finished training runs side by side.

Full-batch against mini-batch gradient descent (per epoch and per weight update)
and the loss curves of several runs, e.g. one per learning rate. A run's
``history`` is the dict of lists the classifiers fill (see :mod:`.training`).
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter

from .._validation import as_float_array, check_finite, check_positive_int
from .base import BLUE, GREY, ORANGE, describe, figure_grid
from .training import LN_10, _check_history

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
    return check_finite(losses, name)


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
    epoch 0 stands at 0 updates; a run with more than one update per epoch is
    drawn there as points only, one per epoch, the updates it was measured at.
    Runs differ in marker and line style.

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
        # Per update, a run measured every few updates is points only: a line would draw
        # losses between them that nobody measured (and cross the other runs' curves there).
        points = style | {"ls": "none"} if steps > 1 else style
        ax_steps.plot(epochs * steps, losses, **points, label=f"{label}: {per_epoch}")
    for ax in (ax_epoch, ax_steps):
        ax.axhline(LN_10, color=GREY, ls=":", lw=1, label="ln 10")
        ax.set_ylabel("training loss")
        ax.set_ylim(bottom=0)
        ax.grid(alpha=0.3)
        ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.2), ncols=2)
    ax_epoch.set_xlabel("epoch (0: the initial weights)")
    ax_epoch.xaxis.get_major_locator().set_params(integer=True)
    ax_epoch.set_title("per epoch (the same work)")
    ax_steps.set_xscale("symlog", linthresh=1)
    ax_steps.xaxis.set_major_formatter("{x:,.0f}")  # updates are counts: 1, 10, 100, not 10^0
    ax_steps.set_xlim(0, 1.5 * max(ax_steps.dataLim.x1, 1))  # room for the last marker
    ax_steps.set_xlabel("weight updates (gradient steps)")
    ax_steps.set_title("per weight update")
    finals = "; ".join(
        f"{label}: {run[1]} updates per epoch, loss {float(run[0][-1]):.3f} after "
        f"{len(run[0]) - 1} epochs"
        for label, run in runs.items()
    )
    return describe(
        fig,
        "Two line plots of the training loss of each run, against epochs on the left and "
        f"against weight updates on the right ({finals}).",
    )


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
    ax.legend(ncols=3, loc="upper center", bbox_to_anchor=(0.5, -0.18))
    finals = "; ".join(_final_losses(label, history) for label, history in histories.items())
    return describe(
        fig,
        "Line plot of the training (solid) and validation (dashed) loss per epoch for each "
        f"run, with ln 10 marked{' on a log scale' if log_scale else ''} ({finals}).",
    )


def _final_losses(label: str, history) -> str:
    h = _check_history(history)
    if not h["epoch"].size:
        return f"{label}: no epoch completed"
    text = f"{label}: training loss {h['train_loss'][-1]:.3g} after epoch {h['epoch'][-1]:.0f}"
    if h["valid_loss"].size:
        text += f", validation loss {h['valid_loss'][-1]:.3g}"
    return text


def _minor_log_label(ax, x: float) -> str:
    """Label every minor tick of a log axis spanning one decade, only 2s and 5s of a wider one."""
    low, high = ax.get_ylim()
    mantissa = round(x / 10 ** np.floor(np.log10(x) + 1e-9))
    return f"{x:.3g}" if high / low <= 10 or mantissa in (2, 5) else ""
