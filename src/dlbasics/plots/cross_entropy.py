"""Plots for notebook 02: cross-entropy and the multinomial logistic classifier."""

from __future__ import annotations

import numbers

import numpy as np
from matplotlib.figure import Figure
from matplotlib.patches import FancyArrowPatch, FancyBboxPatch

from .._validation import as_float_array, check_positive_int, check_real
from ..cross_entropy import cross_entropy
from ..softmax import softmax
from .base import BLUE, GREY, ORANGE, describe, figure_grid, panel_values

LIGHT_BLUE, LIGHT_ORANGE, LIGHT_GREY = "#cfe2f3", "#fde0c5", "#e6e6e6"
# For text: the marker's orange, darkened to a contrast of 5.7:1 on white (ORANGE has 2.5:1).
DARK_ORANGE = "#a84b00"
STAGE_X, STAGE_Y = (0.8, 2.9, 5.0, 7.1, 9.2), 2.0  # the five boxes of the pipeline, left to right
MAX_SHOWN = 6  # example scores printed under a box: more would not fit


def pipeline_diagram(logits=(2.0, 1.0, 0.1), label: int = 0) -> Figure:
    """Boxes and arrows: input → linear model → logits → softmax → cross-entropy ← one-hot labels.

    The notes' cross-entropy figure, redrawn. The example numbers under the
    boxes are computed: ``softmax(logits)``, the one-hot row for ``label``, and
    the loss by :func:`dlbasics.cross_entropy.cross_entropy`.

    Parameters
    ----------
    logits : sequence of float
        Example scores shown after the linear model: 2 to 6 finite numbers.
    label : int
        The true class of the example (its one-hot row is shown).

    Examples
    --------
    >>> fig = pipeline_diagram(logits=(2.0, 1.0, 0.1), label=0)
    >>> "D = −log 0.66 = 0.42" in [t.get_text() for t in fig.axes[0].texts]
    True
    """
    logits, label = _check_example(logits, label)
    probs = softmax(logits)
    fig, ((ax,),) = figure_grid(10.0, 3.4)
    ax.set_xlim(0, 10)
    ax.set_ylim(0, 3.4)
    ax.set_axis_off()
    _draw_stages(ax)
    _write_example(ax, logits, probs, label)
    _draw_title(ax, "multinomial logistic classification")
    listed = lambda values: ", ".join(f"{v:.2f}" for v in values)  # noqa: E731
    return describe(
        fig,
        "Diagram of multinomial logistic classification, left to right: an input x, the "
        f"linear model W x + b giving the logits ({listed(logits)}), softmax turning them "
        f"into probabilities ({listed(probs)}), and the cross-entropy against the one-hot "
        f"label of class {label}, a loss of {-np.log(probs[label]):.2f}.",
    )


def _check_example(logits, label) -> tuple[np.ndarray, int]:
    logits = as_float_array(logits, "logits")
    if logits.ndim != 1 or not 2 <= logits.size <= MAX_SHOWN or not np.isfinite(logits).all():
        raise ValueError(
            f"logits must be a 1-D list of 2 to {MAX_SHOWN} finite scores, got {logits!r}"
        )
    if isinstance(label, bool) or not isinstance(label, numbers.Integral):
        raise TypeError(f"label must be an int class id, got {type(label).__name__}")
    if not 0 <= label < logits.size:
        raise ValueError(f"label must be in [0, {logits.size}), got {label}")
    return logits, int(label)


def _draw_stages(ax) -> None:
    """The five boxes in a row, the arrows between them, and the labels feeding the loss."""
    x, y = STAGE_X, STAGE_Y
    stages = [
        ("input\nx", LIGHT_GREY, 1.1),
        ("linear model\nWx + b", LIGHT_BLUE, 1.5),
        ("logits y\n(scores)", LIGHT_GREY, 1.1),  # narrow: room for "softmax" on the next arrow
        ("probabilities\nS(y)", LIGHT_GREY, 1.3),
        ("cross-entropy\nD(S, L)", LIGHT_ORANGE, 1.4),
    ]
    for xi, (text, color, w) in zip(x, stages, strict=True):
        _box(ax, xi, y, text, color, w=w)
    for i, label in enumerate(["", "", "softmax", ""]):
        gap = 0.05  # the boxes' rounded padding
        start, end = x[i] + stages[i][2] / 2 + gap, x[i + 1] - stages[i + 1][2] / 2 - gap
        _arrow(ax, (start, y), (end, y), label)
    _box(ax, x[4], 0.55, "one-hot\nlabels L", LIGHT_GREY, w=1.3)
    _arrow(ax, (x[4], 0.98), (x[4], y - 0.45))


def _write_example(ax, logits, probs, label: int) -> None:
    """The example's numbers under their boxes, and its loss over the cross-entropy box."""
    x, y = STAGE_X, STAGE_Y
    target = np.zeros(logits.size)
    target[label] = 1.0
    numbers_style = {"color": BLUE, "family": "monospace"}
    ax.text(x[2], y - 0.6, _fmt(logits, 1), ha="center", va="top", **numbers_style)
    ax.text(x[3], y - 0.6, _fmt(probs, 2), ha="center", va="top", **numbers_style)
    ax.text(x[4] - 0.75, 0.55, _fmt(target, 1), ha="right", va="center", **numbers_style)
    loss = cross_entropy(probs, target)
    text = f"D = −log {probs[label]:.2f} = {loss:.2f}"
    ax.text(x[4] + 0.7, y + 0.5, text, ha="right", va="bottom", **numbers_style)


def _draw_title(ax, title: str) -> None:
    """A bold title over a rule spanning the pipeline."""
    rule = {"arrowstyle": "-", "color": GREY}
    ax.annotate("", (STAGE_X[0] - 0.55, 3.05), (STAGE_X[-1] + 0.7, 3.05), arrowprops=rule)
    ax.text(5.0, 3.12, title, ha="center", va="bottom", fontsize=11, weight="bold")


def _box(ax, x: float, y: float, text: str, color: str, w: float = 1.5, h: float = 0.8) -> None:
    corner = (x - w / 2, y - h / 2)
    style = {"boxstyle": "round,pad=0.05", "facecolor": color, "edgecolor": "black", "alpha": 0.9}
    ax.add_patch(FancyBboxPatch(corner, w, h, **style))
    ax.text(x, y, text, ha="center", va="center", fontsize=10)


def _arrow(ax, start, end, text: str = "") -> None:
    ax.add_patch(FancyArrowPatch(start, end, arrowstyle="-|>", mutation_scale=14, lw=1.5))
    if text:
        middle = ((start[0] + end[0]) / 2, (start[1] + end[1]) / 2 + 0.12)
        ax.text(*middle, text, ha="center", va="bottom", fontsize=9, style="italic")


def _fmt(values, decimals: int) -> str:
    return "[" + ", ".join(f"{v:.{decimals}f}" for v in values) + "]"


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
        Number of classes K, 2 to 100 (one bar each); a uniform guess scores :math:`\ln K`.
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

    Examples
    --------
    >>> fig, (bars_ax,), (curve_ax,) = true_class_loss_figure()
    >>> plot = TrueClassLoss(curve_ax, 0.5, n_classes=3, bars_ax=bars_ax)
    >>> round(plot.loss, 4), plot.probabilities.tolist()
    (0.6931, [0.5, 0.25, 0.25])
    """

    Y_MAX = 5.0
    MAX_CLASSES = 100

    def __init__(self, ax, p: float = 0.5, n_classes: int = 3, bars_ax=None):
        self.ax = ax
        self.n_classes = check_positive_int(n_classes, "n_classes", minimum=2)
        if self.n_classes > self.MAX_CLASSES:
            raise ValueError(f"n_classes must be <= {self.MAX_CLASSES}, got {self.n_classes}")
        self._draw_curve(ax)
        self.bars = self.bar_texts = None
        if bars_ax is not None:
            self._draw_bars(bars_ax)
        self.update(p)

    def _draw_curve(self, ax) -> None:
        """The curve -ln p, the uniform guess's ln K, and the marker and readout update moves."""
        k = self.n_classes
        grid = np.linspace(np.exp(-self.Y_MAX), 1.0, 400)
        ax.plot(grid, -np.log(grid), color=BLUE, lw=2, label="D = −ln p")
        ax.axhline(
            np.log(k), color=GREY, lw=1, ls="--", label=f"uniform guess: ln {k} = {np.log(k):.2f}"
        )
        ax.set_xlim(0, 1.02)
        ax.set_ylim(0, self.Y_MAX)
        ax.set_xlabel("p, the probability given to the true class")
        ax.set_ylabel("cross-entropy D(S, L)")
        ax.legend(loc="upper right")
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
            color=DARK_ORANGE,
        )
        self.animated = [self.guide, self.marker, self.readout]

    def _draw_bars(self, bars_ax) -> None:
        """The one-hot label as an outline, the predicted distribution as bars inside it."""
        k = self.n_classes
        xs = np.arange(k)
        bars_ax.bar(
            xs,
            np.r_[1.0, np.zeros(k - 1)],
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
        bars_ax.set_xticks(xs, ["class 0 (true)", *(f"class {i}" for i in range(1, k))])
        bars_ax.set_xlim(-0.6, k - 0.4)
        bars_ax.set_ylim(0, 1.3)
        bars_ax.set_ylabel("probability")
        bars_ax.legend(loc="upper right")
        self.animated += [*self.bars, *self.bar_texts]

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
                # Near 1 the label goes inside the bar, clear of the label's dashed outline.
                text.set_verticalalignment("top" if q > 0.8 else "bottom")
        self.p, self.loss = p, loss
        return loss


def true_class_loss_figure(n_panels: int = 1, width: float = 5.0, height: float = 5.0):
    """Return ``(fig, bar_axes, curve_axes)``: distributions over the loss curve, per panel.

    Examples
    --------
    >>> fig, bar_axes, curve_axes = true_class_loss_figure(3, 11.4, 5.0)
    >>> len(fig.axes)
    6
    """
    fig, axes = figure_grid(width, height, 2, n_panels, height_ratios=[2, 3])
    return fig, list(axes[0]), list(axes[1])


def true_class_loss_at(ps=(0.9, 0.5, 0.1), n_classes: int = 3) -> Figure:
    """Static twin of the true-class probability slider: :class:`TrueClassLoss` at a few ``p``.

    One column per ``p`` (1 to 12), each in (0, 1].

    Examples
    --------
    >>> len(true_class_loss_at(ps=(0.9, 0.1)).axes)  # bars over curve, twice
    4
    """
    ps = panel_values(ps, "ps", "probabilities")
    fig, bar_axes, curve_axes = true_class_loss_figure(len(ps), 3.8 * len(ps), 5.0)
    for bax, cax, p in zip(bar_axes, curve_axes, ps, strict=True):
        TrueClassLoss(cax, p, n_classes, bars_ax=bax)
        bax.set_title(f"the true class gets p = {p:g}")  # which column is which, in words
    losses = ", ".join(f"p = {p:g}: D = {-np.log(p):.2f}" for p in ps)
    return describe(
        fig,
        f"One panel per probability of the true class out of {n_classes} classes, each with "
        "the predicted distribution beside the one-hot label above, and the curve "
        f"D = -ln p with that point marked below ({losses}): the loss grows without bound "
        "as p goes to 0.",
    )
