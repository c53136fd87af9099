"""Plots for notebook 02: cross-entropy and the multinomial logistic classifier."""

from __future__ import annotations

import numbers

import numpy as np
from matplotlib.figure import Figure
from matplotlib.patches import FancyArrowPatch, FancyBboxPatch

from .._validation import as_float_array, check_positive_int, check_real
from ..softmax import softmax
from .base import BLUE, GREY, ORANGE, new_figure, stacked_panels


def _fmt(values) -> str:
    return "[" + ", ".join(f"{v:.1f}" for v in values) + "]"


def pipeline_diagram(logits=(2.0, 1.0, 0.1), label: int = 0) -> Figure:
    """Boxes and arrows: input → linear model → logits → softmax → cross-entropy ← one-hot labels.

    The notes' DL_cross_entropy figure, redrawn. The example numbers under the
    boxes are computed: ``softmax(logits)`` and the one-hot row for ``label``.

    Parameters
    ----------
    logits : sequence of float
        Example scores shown after the linear model.
    label : int
        The true class of the example (its one-hot row is shown).
    """
    logits = as_float_array(logits, "logits")
    if logits.ndim != 1 or logits.size < 2:
        raise ValueError(
            f"logits must be a 1-D list of at least 2 scores, got shape {logits.shape}"
        )
    if isinstance(label, bool) or not isinstance(label, numbers.Integral):
        raise TypeError(f"label must be an int class id, got {type(label).__name__}")
    if not 0 <= label < logits.size:
        raise ValueError(f"label must be in [0, {logits.size}), got {label}")
    probs = softmax(logits)
    target = np.eye(logits.size)[label]
    loss = -np.log(probs[label])

    fig, ax = new_figure(10.0, 3.4)
    ax.set_xlim(0, 10)
    ax.set_ylim(0, 3.4)
    ax.set_axis_off()

    def box(x, y, text, color, w=1.5, h=0.8):
        ax.add_patch(
            FancyBboxPatch(
                (x - w / 2, y - h / 2),
                w,
                h,
                boxstyle="round,pad=0.05",
                facecolor=color,
                edgecolor="black",
                alpha=0.9,
            )
        )
        ax.text(x, y, text, ha="center", va="center", fontsize=10)

    def arrow(start, end, text=""):
        ax.add_patch(FancyArrowPatch(start, end, arrowstyle="-|>", mutation_scale=14, lw=1.5))
        if text:
            mid = ((start[0] + end[0]) / 2, (start[1] + end[1]) / 2 + 0.12)
            ax.text(*mid, text, ha="center", va="bottom", fontsize=9, style="italic")

    light_blue, light_orange, light_grey = "#cfe2f3", "#fde0c5", "#e6e6e6"
    y = 2.0
    xs = [0.8, 2.9, 5.0, 7.1, 9.2]
    box(xs[0], y, "input\nx", light_grey, w=1.1)
    box(xs[1], y, "linear model\nWx + b", light_blue)
    box(xs[2], y, "logits y\n(scores)", light_grey, w=1.3)
    box(xs[3], y, "probabilities\nS(y)", light_grey)
    box(xs[4], y, "cross-entropy\nD(S, L)", light_orange, w=1.4)
    arrow((xs[0] + 0.6, y), (xs[1] - 0.8, y))
    arrow((xs[1] + 0.8, y), (xs[2] - 0.7, y))
    arrow((xs[2] + 0.7, y), (xs[3] - 0.8, y), "softmax")
    arrow((xs[3] + 0.8, y), (xs[4] - 0.75, y))
    box(xs[4], 0.55, "one-hot\nlabels L", light_grey, w=1.3)
    arrow((xs[4], 0.98), (xs[4], y - 0.45))

    ax.text(xs[2], y - 0.6, _fmt(logits), ha="center", va="top", color=BLUE, family="monospace")
    ax.text(
        xs[3],
        y - 0.6,
        "[" + ", ".join(f"{p:.2f}" for p in probs) + "]",
        ha="center",
        va="top",
        color=BLUE,
        family="monospace",
    )
    ax.text(
        xs[4] - 0.75, 0.55, _fmt(target), ha="right", va="center", color=BLUE, family="monospace"
    )
    ax.text(
        xs[4] + 0.7,
        y + 0.5,
        f"D = −log {probs[label]:.2f} = {loss:.2f}",
        ha="right",
        va="bottom",
        color=BLUE,
        family="monospace",
    )
    ax.annotate(
        "", (xs[0] - 0.55, 3.05), (xs[4] + 0.7, 3.05), arrowprops={"arrowstyle": "-", "color": GREY}
    )
    ax.text(
        5.0,
        3.12,
        "multinomial logistic classification",
        ha="center",
        va="bottom",
        fontsize=11,
        weight="bold",
    )
    return fig


def _check_p(p) -> float:
    p = check_real(p, "p", positive=True)
    if p > 1:
        raise ValueError(f"p must be a probability in (0, 1], got {p}")
    return p


class TrueClassLoss:
    r"""The loss :math:`D(S, L) = -\log S_{\text{true}}` as the true class's probability moves.

    With a one-hot label, only the probability ``p`` given to the true class
    counts. ``update(p)`` moves a marker along the curve :math:`-\ln p` and, if
    ``bars_ax`` is given, redraws the predicted distribution: ``p`` on the true
    class (class 0) and the rest shared equally by the others, beside the
    one-hot label.

    Parameters
    ----------
    ax : matplotlib Axes
        Where the curve goes.
    p : float
        The starting probability of the true class, in (0, 1].
    n_classes : int
        Number of classes K (>= 2); a uniform guess scores :math:`\ln K`.
    bars_ax : matplotlib Axes, optional
        Where the predicted and target distributions go.

    Attributes
    ----------
    loss : float
        :math:`-\ln p` at the current ``p``.
    probabilities : ndarray
        The predicted distribution drawn in ``bars_ax``.
    animated : list
        The artists that ``update`` changes (the axes limits stay fixed).
    """

    Y_MAX = 5.0

    def __init__(self, ax, p: float = 0.5, n_classes: int = 3, bars_ax=None):
        self.ax = ax
        self.n_classes = check_positive_int(n_classes, "n_classes", minimum=2)
        k = self.n_classes
        grid = np.linspace(np.exp(-self.Y_MAX), 1.0, 400)
        ax.plot(grid, -np.log(grid), color=BLUE, lw=2, label=r"$D = -\ln p$")
        ax.axhline(
            np.log(k), color=GREY, lw=1, ls="--", label=f"uniform guess: ln {k} = {np.log(k):.2f}"
        )
        ax.set_xlim(0, 1.02)
        ax.set_ylim(0, self.Y_MAX)
        ax.set_xlabel("p, the probability given to the true class")
        ax.set_ylabel("cross-entropy D(S, L)")
        ax.legend(loc="upper right", fontsize="small")
        (self.guide,) = ax.plot([], [], color=ORANGE, lw=1, ls=":")
        (self.marker,) = ax.plot([], [], "o", color=ORANGE, ms=8)
        self.readout = ax.text(
            0.97,
            0.62,
            "",
            transform=ax.transAxes,
            ha="right",
            va="center",
            fontsize=11,
            color=ORANGE,
        )
        self.animated = [self.guide, self.marker, self.readout]
        self.bars = self.bar_texts = None
        if bars_ax is not None:
            xs = np.arange(k)
            bars_ax.bar(
                xs,
                np.eye(k)[0],
                width=0.8,
                facecolor="none",
                edgecolor="black",
                lw=1.5,
                ls="--",
                label="one-hot label L",
            )
            self.bars = bars_ax.bar(
                xs, np.zeros(k), width=0.6, color=ORANGE, alpha=0.85, label="prediction S"
            )
            self.bar_texts = [bars_ax.text(i, 0, "", ha="center", va="bottom") for i in xs]
            bars_ax.set_xticks(xs, ["true class", *(f"class {i}" for i in range(1, k))])
            bars_ax.set_xlim(-0.6, k - 0.4)
            bars_ax.set_ylim(0, 1.3)
            bars_ax.set_ylabel("probability")
            bars_ax.legend(loc="upper right", fontsize="small")
            self.animated += [*self.bars, *self.bar_texts]
        self.update(p)

    def update(self, p: float) -> float:
        p = _check_p(p)
        loss = float(-np.log(p)) + 0.0  # + 0.0 turns -0.0 (at p = 1) into 0.0
        shown = min(loss, self.Y_MAX)
        self.guide.set_data([p, p, 0], [0, shown, shown])
        self.marker.set_data([p], [shown])
        self.readout.set_text(f"p = {p:.2f}\nD = −ln p = {loss:.3f}")
        k = self.n_classes
        self.probabilities = np.r_[p, np.full(k - 1, (1 - p) / (k - 1))]
        if self.bars is not None:
            for bar, text, q in zip(self.bars, self.bar_texts, self.probabilities, strict=True):
                bar.set_height(q)
                text.set_y(q)
                text.set_text(f"{q:.2f}")
        self.p, self.loss = p, loss
        return loss


def true_class_loss_figure(n_panels: int = 1, width: float = 5.0, height: float = 5.0):
    """Return ``(fig, bar_axes, curve_axes)``: distributions over the loss curve, per panel."""
    return stacked_panels(n_panels, width, height, [2, 3])


def true_class_loss_at(ps=(0.9, 0.5, 0.1), n_classes: int = 3) -> Figure:
    """Static twin of the true-class probability slider: :class:`TrueClassLoss` at a few ``p``."""
    ps = list(ps)
    if not ps:
        raise ValueError("ps must hold at least one probability")
    fig, bar_axes, curve_axes = true_class_loss_figure(len(ps), 3.8 * len(ps), 5.0)
    for bax, cax, p in zip(bar_axes, curve_axes, ps, strict=True):
        TrueClassLoss(cax, p, n_classes, bars_ax=bax)
    return fig
