"""Plots for notebook 05: training the logistic classifier.

Loss curves (live while training, and static), full-batch against mini-batch
gradient descent, the confusion matrix and the learned weight templates.
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
from ..classifier import HISTORY_KEYS, confusion_counts
from ..letters import LETTERS
from .base import BLUE, GREY, ORANGE, figure_grid

LN_10 = float(np.log(10))


def _check_history(history, name: str = "history") -> dict:
    """A dict of per-epoch lists with at least ``epoch`` and ``train_loss`` of equal length."""
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
    n = len(history["epoch"])
    out = {}
    for key in HISTORY_KEYS:
        values = list(history.get(key, []))
        if values and len(values) != n:
            raise ValueError(
                f"{name}[{key!r}] has {len(values)} entries but {name}['epoch'] has {n}"
            )
        out[key] = values
    return out


class TrainingCurves:
    """Loss and accuracy against epoch, for a training run in progress or finished.

    ``update(history)`` sets the curves to the epochs trained so far; the
    x-axis spans all ``epochs`` from the start, so the curves grow to the right
    as training proceeds. Training figures are solid, validation dashed.

    Attributes after ``update``: ``epochs_done`` (int) and ``last`` (the
    history's last values, a dict; empty before the first epoch).
    """

    def __init__(self, ax_loss, ax_accuracy, epochs: int, history=None, *, max_loss=None):
        self.epochs = check_positive_int(epochs, "epochs")
        self.ax_loss, self.ax_accuracy = ax_loss, ax_accuracy
        top = LN_10 * 1.1 if max_loss is None else float(max_loss)
        if not np.isfinite(top) or top <= 0:
            raise ValueError(f"max_loss must be a finite number > 0, got {max_loss}")
        for ax in (ax_loss, ax_accuracy):
            ax.set_xlim(0.5, self.epochs + 0.5)
            ax.set_xlabel("epoch")
            ax.xaxis.get_major_locator().set_params(integer=True)
            ax.grid(alpha=0.3)
        ax_loss.set_ylim(0, top)
        ax_loss.axhline(LN_10, color=GREY, ls=":", lw=1, label="ln 10 (start)")
        ax_loss.set_ylabel("cross-entropy loss")
        ax_accuracy.set_ylim(0, 1)
        ax_accuracy.axhline(0.1, color=GREY, ls=":", lw=1, label="chance (0.1)")
        ax_accuracy.set_ylabel("accuracy")
        style = {"marker": "o", "ms": 4}
        (self.train_loss,) = ax_loss.plot([], [], color=BLUE, label="train", **style)
        (self.valid_loss,) = ax_loss.plot([], [], "--", color=ORANGE, label="valid", **style)
        (self.train_acc,) = ax_accuracy.plot([], [], color=BLUE, label="train", **style)
        (self.valid_acc,) = ax_accuracy.plot([], [], "--", color=ORANGE, label="valid", **style)
        ax_loss.legend(loc="upper right", fontsize="small")
        ax_accuracy.legend(loc="lower right", fontsize="small")
        self.update(history or {"epoch": [], "train_loss": []})

    def update(self, history) -> None:
        """Show ``history`` (the classifier's dict of per-epoch lists, possibly partial)."""
        h = _check_history(history)
        epochs = h["epoch"]
        self.train_loss.set_data(epochs, h["train_loss"])
        self.train_acc.set_data(epochs, h["train_accuracy"] or [np.nan] * len(epochs))
        self.valid_loss.set_data(epochs if h["valid_loss"] else [], h["valid_loss"])
        self.valid_acc.set_data(epochs if h["valid_accuracy"] else [], h["valid_accuracy"])
        losses = h["train_loss"] + h["valid_loss"]
        if losses and max(losses) > self.ax_loss.get_ylim()[1]:  # a run that went wrong
            self.ax_loss.set_ylim(0, 1.1 * max(losses))
        self.epochs_done = len(epochs)
        self.last = {k: v[-1] for k, v in h.items() if v}
        if not epochs:
            self.ax_loss.set_title(f"epoch 0/{self.epochs}")
            self.ax_accuracy.set_title(" ")
            return
        self.ax_loss.set_title(
            f"epoch {epochs[-1]}/{self.epochs}: train loss {h['train_loss'][-1]:.3f}"
            + (f", valid {h['valid_loss'][-1]:.3f}" if h["valid_loss"] else "")
        )
        accuracy = h["valid_accuracy"] or h["train_accuracy"]
        which = "valid" if h["valid_accuracy"] else "train"
        self.ax_accuracy.set_title(f"{which} accuracy {accuracy[-1]:.3f}" if accuracy else " ")


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
    top = max([LN_10 * 1.1] + [1.1 * v for v in h["train_loss"] + h["valid_loss"]])
    for col, e in enumerate(after):
        TrainingCurves(axes[0, col], axes[1, col], total, _prefix(h, e), max_loss=top)
    return fig


def compare_runs_figure(runs, n_samples: int) -> Figure:
    """Training loss of several runs against epochs (work) and against gradient steps.

    Parameters
    ----------
    runs : dict
        ``{label: (history, batch_size)}``; ``batch_size`` None means full-batch
        gradient descent (one step per epoch).
    n_samples : int
        Training-set size, to count the steps per epoch:
        ``ceil(n_samples / batch_size)``.

    Left: loss against epochs; one epoch is every training example seen once
    (the top axis counts examples), the same work for every run. Right: the
    same losses against the number of weight updates (log scale).
    """
    n_samples = check_positive_int(n_samples, "n_samples")
    if not isinstance(runs, Mapping) or not runs:
        raise TypeError("runs must be a non-empty dict {label: (history, batch_size)}")
    fig, axes = figure_grid(10.0, 3.6, 1, 2)
    ax_epoch, ax_steps = axes[0]
    colors = [BLUE, ORANGE, "#2ca02c", "#d62728", "#9467bd"]
    max_epoch = 1
    for i, (label, run) in enumerate(runs.items()):
        if not (isinstance(run, tuple) and len(run) == 2):
            raise TypeError(f"runs[{label!r}] must be a tuple (history, batch_size), got {run!r}")
        history, batch_size = run
        h = _check_history(history, f"runs[{label!r}] history")
        if batch_size is not None:
            batch_size = check_positive_int(batch_size, f"runs[{label!r}] batch_size")
        steps_per_epoch = 1 if batch_size is None else -(-n_samples // min(batch_size, n_samples))
        epochs = np.asarray(h["epoch"], dtype=float)
        color = colors[i % len(colors)]
        ax_epoch.plot(epochs, h["train_loss"], "o-", ms=3, color=color, label=label)
        ax_steps.plot(
            epochs * steps_per_epoch,
            h["train_loss"],
            "o-",
            ms=3,
            color=color,
            label=f"{label} ({steps_per_epoch} step{'s' * (steps_per_epoch > 1)}/epoch)",
        )
        max_epoch = max(max_epoch, int(epochs.max(initial=1)))
    for ax in (ax_epoch, ax_steps):
        ax.axhline(LN_10, color=GREY, ls=":", lw=1)
        ax.set_ylabel("training loss")
        ax.set_ylim(bottom=0)
        ax.grid(alpha=0.3)
        ax.legend(fontsize="small")
    ax_epoch.set_xlabel("epoch (passes over the training set)")
    ax_epoch.set_xlim(0.5, max_epoch + 0.5)
    top = ax_epoch.secondary_xaxis(
        "top", functions=(lambda e: e * n_samples, lambda s: s / n_samples)
    )
    top.xaxis.set_major_formatter(lambda value, _: f"{value / 1000:g}k")
    top.set_xlabel("examples seen")
    ax_epoch.set_title("same work (examples seen)")
    ax_steps.set_xscale("log")
    ax_steps.set_xlabel("gradient steps (weight updates)")
    ax_steps.set_title("same number of steps")
    return fig


def loss_curves_figure(histories, *, log_scale: bool = True) -> Figure:
    """Training (solid) and validation (dashed) loss against epoch for several runs.

    ``histories`` is ``{label: history}``; runs share a colour per label.
    """
    if not isinstance(histories, Mapping) or not histories:
        raise TypeError("histories must be a non-empty dict {label: history}")
    fig, axes = figure_grid(6.5, 3.6)
    ax = axes[0, 0]
    colors = [BLUE, ORANGE, "#2ca02c", "#d62728", "#9467bd"]
    for i, (label, history) in enumerate(histories.items()):
        h = _check_history(history, f"histories[{label!r}]")
        color = colors[i % len(colors)]
        ax.plot(h["epoch"], h["train_loss"], "o-", ms=3, color=color, label=f"{label}: train")
        if h["valid_loss"]:
            ax.plot(h["epoch"], h["valid_loss"], "--", color=color, label=f"{label}: valid")
    ax.axhline(LN_10, color=GREY, ls=":", lw=1, label="ln 10")
    if log_scale:
        ax.set_yscale("log")
    ax.set_xlabel("epoch")
    ax.set_ylabel("cross-entropy loss")
    ax.xaxis.get_major_locator().set_params(integer=True)
    ax.grid(alpha=0.3, which="both")
    ax.legend(fontsize="small", ncols=2)
    return fig


def confusion_matrix_figure(y_true, y_pred, *, class_names=LETTERS) -> Figure:
    """The confusion matrix as a labelled heat map with the counts written in.

    Rows are the true letters, columns the predicted ones; the diagonal holds
    the correct predictions. ``fig.counts`` keeps the matrix.
    """
    names = list(class_names)
    counts = confusion_counts(y_true, y_pred, n_classes=len(names))
    fig, axes = figure_grid(5.6, 4.8)
    ax = axes[0, 0]
    # A log-ish colour scale would hide the diagonal's size; instead show each row
    # as fractions of that letter, so every row is on the same scale.
    row_frac = counts / np.maximum(counts.sum(axis=1, keepdims=True), 1)
    image = ax.imshow(row_frac, cmap="Blues", vmin=0, vmax=1)
    for i in range(len(names)):
        for j in range(len(names)):
            if counts[i, j]:
                ax.text(
                    j,
                    i,
                    str(counts[i, j]),
                    ha="center",
                    va="center",
                    fontsize=7,
                    color="white" if row_frac[i, j] > 0.5 else "black",
                )
    ax.set_xticks(range(len(names)), names)
    ax.set_yticks(range(len(names)), names)
    ax.set_xlabel("predicted letter")
    ax.set_ylabel("true letter")
    accuracy = np.trace(counts) / counts.sum()
    ax.set_title(f"{counts.sum()} images, accuracy {accuracy:.3f}")
    fig.colorbar(image, ax=ax, label="fraction of the true letter", shrink=0.85)
    fig.counts = counts
    return fig


def weight_templates_figure(W, *, image_shape=(28, 28), class_names=LETTERS) -> Figure:
    """Each class's column of ``W`` as an image: what the classifier looks for.

    A logit is ``x @ W[:, k]``, a pixel-by-pixel match of the image with column
    ``k``: red pixels vote for the letter where the image is bright, blue ones
    against. The colour scale is symmetric about 0 (a diverging colormap).
    """
    W = as_float_array(W, "W")
    names = list(class_names)
    size = int(np.prod(image_shape))
    if W.ndim != 2 or W.shape != (size, len(names)):
        raise ValueError(
            f"W must have shape ({size}, {len(names)}) for {image_shape} images and "
            f"{len(names)} classes, got {W.shape}"
        )
    limit = float(np.abs(W).max()) or 1.0
    ncols = min(5, len(names))
    nrows = -(-len(names) // ncols)
    fig, axes = figure_grid(1.7 * ncols + 0.8, 1.8 * nrows + 0.2, nrows, ncols)
    for k, ax in enumerate(axes.ravel()):
        ax.set_axis_off()
        if k >= len(names):
            continue
        image = ax.imshow(W[:, k].reshape(image_shape), cmap="RdBu_r", vmin=-limit, vmax=limit)
        ax.set_title(names[k])
    fig.colorbar(image, ax=axes.ravel().tolist(), label="weight", shrink=0.8)
    return fig
