"""Plots for notebook 01: softmax."""

from __future__ import annotations

import numpy as np
from matplotlib.figure import Figure
from matplotlib.transforms import ScaledTranslation, blended_transform_factory

from .._validation import as_float_array, check_finite, check_real
from ..cross_entropy import entropy
from ..softmax import softmax
from .base import (
    BLUE,
    GREY,
    ORANGE,
    describe,
    figure_grid,
    panel_values,
)

GREEN = "#2ca02c"


def _check_scores(scores) -> np.ndarray:
    scores = as_float_array(scores, "scores")
    if scores.ndim != 1 or scores.size < 2:
        raise ValueError(
            f"scores must be a 1-D list of at least 2 scores, got shape {scores.shape}"
        )
    return check_finite(scores, "scores")


class SoftmaxBars:
    """Bar chart of ``softmax(scale * scores)``, with its entropy as a readout.

    ``update(scale)`` multiplies the logits: large scales push the bars to 0/1
    (entropy 0: certain), small ones toward the uniform 1/K (entropy ln K).
    Under each bar stands the logit fed to softmax, ``scale * score``. A scale
    so large that a logit overflows to inf is refused (``ValueError``).

    Parameters
    ----------
    ax : matplotlib Axes
        Where the bars go.
    scores : sequence of float
        The logits before scaling (finite).
    scale : float
        The starting multiplier, >= 0.
    labels : sequence of str, optional
        Class names (default ``class 0``, ``class 1``, ...).
    entropy_ax : matplotlib Axes, optional
        If given, a horizontal gauge of the entropy from 0 (certain) to ln K
        (uniform) is drawn there.

    Attributes
    ----------
    probabilities : ndarray
        The plotted probabilities.
    entropy : float
        Their entropy in nats.
    animated : list
        The artists that ``update`` changes (the axes limits stay fixed).

    Examples
    --------
    >>> fig, (ax,), (entropy_ax,) = softmax_bars_figure()
    >>> bars = SoftmaxBars(ax, [3.0, 1.0, 0.2], 0.1, entropy_ax=entropy_ax)
    >>> [t.get_text() for t in bars.logit_texts]
    ['logit 0.3', 'logit 0.1', 'logit 0.02']
    >>> round(bars.entropy, 3)
    1.091
    """

    def __init__(
        self, ax, scores=(3.0, 1.0, 0.2), scale: float = 1.0, labels=None, entropy_ax=None
    ):
        self.ax = ax
        self.scores = _check_scores(scores)
        k = self.scores.size
        labels = list(labels) if labels is not None else [f"class {i}" for i in range(k)]
        if len(labels) != k:
            raise ValueError(f"labels must name the {k} classes, got {len(labels)} labels")
        self.bars = ax.bar(range(k), np.zeros(k), color=BLUE)
        ax.set_xticks(range(k), labels)
        ax.axhline(1 / k, color=GREY, lw=1, ls="--", label=f"uniform 1/{k}")
        ax.set_xlim(-0.6, k - 0.4)
        ax.set_ylim(0, 1.15)
        ax.set_ylabel("probability")
        ax.legend(loc="upper right")
        # Lifted 2 points off the bar, on white: readable where it crosses the uniform line.
        lifted = ax.transData + ScaledTranslation(0, 2 / 72, ax.figure.dpi_scale_trans)
        backing = {"fc": "white", "ec": "none", "pad": 1}
        self.texts = [
            ax.text(i, 0, "", transform=lifted, ha="center", va="bottom", bbox=backing)
            for i in range(k)
        ]
        self.logit_texts = _under_ticks(ax, k)
        self.animated = [*self.bars, *self.texts, *self.logit_texts, ax.title]
        self.max_entropy = float(np.log(k))
        self.entropy_bar = self.entropy_text = None
        if entropy_ax is not None:
            self.entropy_bar, self.entropy_text = _entropy_gauge(entropy_ax, k)
            self.animated += [self.entropy_bar, self.entropy_text]
        self.update(scale)

    def update(self, scale: float) -> np.ndarray:
        scale = check_real(scale, "scale")
        with np.errstate(over="ignore"):
            logits = scale * self.scores
        if not np.isfinite(logits).all():
            raise ValueError(f"scale must keep scale * scores finite, got scale={scale:g}")
        p = softmax(logits)
        uniform, label_height = 1 / p.size, _label_height(self.ax, self.texts[0])
        for bar, text, logit_text, pi, z in zip(
            self.bars, self.texts, self.logit_texts, p, logits, strict=True
        ):
            bar.set_height(pi)
            # A label that would straddle the dashed 1/K line sits just above it instead.
            text.set_y(uniform if pi < uniform < pi + label_height else pi)
            text.set_text(f"{pi:.3f}")
            logit_text.set_text(f"logit {z:.3g}")
        self.probabilities = p
        self.entropy = float(entropy(p))
        readout = f"entropy H = {self.entropy:.3f} nats"
        if self.entropy_bar is None:
            self.ax.set_title(f"logits × {scale:.3g}:  {readout}")
        else:
            self.ax.set_title(f"logits × {scale:.3g}")
            self.entropy_bar.set_width(self.entropy)
            self.entropy_text.set_text(readout)
        return p


def _label_height(ax, text) -> float:
    """Generous height of a one-line bar label, its lift and backing, in data units of ``ax``.

    Measured from the axes' current size; before the first draw the axes are
    larger than after layout, hence the 1.5 margin.
    """
    points = 1.5 * (1.2 * text.get_fontsize() + 4)  # line height, 2-point lift, 1-point padding
    axes_points = ax.bbox.height / ax.figure.dpi * 72
    low, high = ax.get_ylim()
    return points / axes_points * (high - low)


def _under_ticks(ax, k: int) -> list:
    """One empty text under each of the ``k`` tick labels of ``ax`` (18 points below the axis)."""
    below = ScaledTranslation(0, -18 / 72, ax.figure.dpi_scale_trans)
    where = blended_transform_factory(ax.transData, ax.transAxes) + below
    return [ax.text(i, 0, "", transform=where, ha="center", va="top") for i in range(k)]


def _entropy_gauge(ax, k: int):
    """A bar from 0 (certain) to ln k (uniform) and a readout above it: ``(bar, text)``."""
    max_entropy = float(np.log(k))
    bar = ax.barh([0], [0.0], height=0.6, color=ORANGE)[0]
    ax.set_xlim(0, max_entropy * 1.02)
    ax.set_ylim(-0.5, 0.5)
    ax.set_yticks([])
    ax.set_xticks([0, max_entropy], ["0\ncertain", f"ln {k} = {max_entropy:.2f}\nuniform"])
    first, last = ax.get_xticklabels()
    first.set_horizontalalignment("left")
    last.set_horizontalalignment("right")
    ax.set_xlabel("entropy (nats)")
    text = ax.text(0, 1.06, "", transform=ax.transAxes, ha="left", va="bottom")
    return bar, text


def softmax_bars_figure(n_panels: int = 1, width: float = 5.0, height: float = 3.6):
    """Return ``(fig, bar_axes, entropy_axes)``: a bar chart over an entropy gauge, per panel.

    Examples
    --------
    >>> fig, bar_axes, entropy_axes = softmax_bars_figure(2, 7.2, 3.6)
    >>> len(bar_axes), len(entropy_axes)
    (2, 2)
    """
    fig, axes = figure_grid(width, height, 2, n_panels, height_ratios=[5, 1])
    return fig, list(axes[0]), list(axes[1])


def softmax_bars_at(scales=(0.1, 1.0, 10.0), scores=(3.0, 1.0, 0.2)) -> Figure:
    """Static twin of the logits-scale slider: :class:`SoftmaxBars` at a few scales.

    One column per scale (1 to 12): the bars, and the entropy gauge under them.

    Examples
    --------
    >>> fig = softmax_bars_at(scales=(0.1, 10.0))
    >>> [ax.get_title() for ax in fig.axes if ax.get_title()]
    ['logits × 0.1', 'logits × 10']
    """
    scales = panel_values(scales, "scales", "scales")
    fig, bar_axes, entropy_axes = softmax_bars_figure(len(scales), 3.6 * len(scales), 3.6)
    for ax, eax, scale in zip(bar_axes, entropy_axes, scales, strict=True):
        SoftmaxBars(ax, scores, scale, entropy_ax=eax)
    scores = as_float_array(scores, "scores")
    shown = "; ".join(
        f"times {s:g}: " + ", ".join(f"{p:.2f}" for p in softmax(scores * s)) for s in scales
    )
    return describe(
        fig,
        f"Bar charts of the softmax probabilities of the logits {_listed(scores)} multiplied "
        f"by each of {_listed(scales)}, one panel per factor with an entropy gauge below "
        f"({shown}): the larger the factor, the more the largest logit's bar dominates.",
    )


def _graph_alt(x, others, marked) -> str:
    """The softmax graph in words: what is drawn, and the probabilities at the mark."""
    text = (
        f"Line plot of the softmax probabilities of the scores [x, {_listed(others)}] as x "
        f"goes from {x[0]:g} to {x[-1]:g}: class 0's probability rises from near 0 towards 1, "
        "the others fall, and a dotted line shows that they always sum to 1"
    )
    if marked is None:
        return text + "."
    mark, p = marked
    return text + f"; at x = {mark:g} the probabilities are {_listed(np.round(p, 3))}."


def _listed(values) -> str:
    return ", ".join(f"{v:g}" for v in values)


def softmax_graph(others=(1.0, 0.2), x=None, mark: float | None = 3.0) -> Figure:
    """The notes' softmax graph: probabilities of ``[x, *others]`` as ``x`` sweeps.

    Drawn the notes' way: the score vectors are the *columns* of a stacked
    array, so the softmax runs along ``axis=0``.

    Parameters
    ----------
    others : sequence of float
        The fixed scores of the other classes (finite).
    x : array_like, optional
        The sweep of the first score, 1-D and finite (default: -2 to 6, as in the notes).
    mark : float or None
        Mark the probabilities at this ``x`` (default 3.0: the notes' example).

    Examples
    --------
    >>> fig = softmax_graph(others=(1.0,), mark=0.0)
    >>> [round(float(y), 3) for y in fig.axes[0].get_lines()[0].get_ydata()[:2]]
    [0.047, 0.05]
    """
    others = as_float_array(others, "others")
    if others.ndim != 1 or not np.isfinite(others).all():
        raise ValueError(f"others must be a 1-D list of finite scores, got {others}")
    x = np.arange(-2.0, 6.0, 0.05) if x is None else as_float_array(x, "x")
    if x.ndim != 1 or not np.isfinite(x).all():
        raise ValueError(f"x must be a 1-D array of finite scores, got shape {x.shape}")
    if mark is not None:
        mark = check_real(mark, "mark", any_sign=True)
    scores = np.vstack([x, *(np.full_like(x, s) for s in others)])  # columns are samples
    probs = softmax(scores, axis=0)
    fig, ((ax,),) = figure_grid(6.0, 3.6)
    colors = [BLUE, ORANGE, GREEN, GREY]
    styles = ["-", "--", "-.", (0, (5, 1, 1, 1, 1, 1))]  # told apart without colour too
    names = ["x", *(f"{s:g}" for s in others)]
    for i, (row, name) in enumerate(zip(probs, names, strict=True)):
        ax.plot(
            x,
            row,
            color=colors[i % len(colors)],
            ls=styles[i % len(styles)],
            lw=2,
            label=f"class {i} (score {name})",
        )
    ax.plot(x, probs.sum(axis=0), color="black", lw=1, ls=":", label="sum = 1")
    if mark is not None:
        p = softmax(np.array([mark, *others]))
        ax.axvline(mark, color=GREY, lw=1, ls="--")
        for i, pi in enumerate(p):
            ax.plot([mark], [pi], "os^D"[i % 4], color=colors[i % len(colors)])
            ax.annotate(
                f"{pi:.3f}",
                (mark, pi),
                xytext=(-40, 6) if i == 0 else (6, 4),
                textcoords="offset points",
            )
    ax.set_xlim(x[0], x[-1])
    ax.set_ylim(-0.02, 1.08)
    ax.set_xlabel("x, the score of class 0")
    ax.set_ylabel("probability")
    describe(fig, _graph_alt(x, others, None if mark is None else (mark, p)))
    ax.set_title(f"softmax([x, {', '.join(names[1:])}])")
    ax.legend(loc="center right")
    return fig
