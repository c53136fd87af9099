"""Plots for notebook 01: softmax."""

from __future__ import annotations

import numpy as np
from matplotlib.figure import Figure

from .._validation import as_float_array, check_real
from ..cross_entropy import entropy
from ..softmax import softmax
from .base import BLUE, GREY, ORANGE, new_figure, stacked_panels

GREEN = "#2ca02c"


def _check_scores(scores) -> np.ndarray:
    scores = as_float_array(scores, "scores")
    if scores.ndim != 1 or scores.size < 2:
        raise ValueError(
            f"scores must be a 1-D list of at least 2 scores, got shape {scores.shape}"
        )
    if not np.isfinite(scores).all():
        raise ValueError("scores must be finite")
    return scores


class SoftmaxBars:
    """Bar chart of ``softmax(scale * scores)``, with its entropy as a readout.

    ``update(scale)`` multiplies the logits: large scales push the bars to 0/1
    (entropy 0: certain), small ones toward the uniform 1/K (entropy ln K).

    Parameters
    ----------
    ax : matplotlib Axes
        Where the bars go.
    scores : sequence of float
        The logits before scaling; each bar is labelled with its score.
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
        ticks = [f"{name}\nscore {s:g}" for name, s in zip(labels, self.scores, strict=True)]
        self.bars = ax.bar(range(k), np.zeros(k), color=BLUE)
        ax.set_xticks(range(k), ticks)
        ax.axhline(1 / k, color=GREY, lw=1, ls="--", label=f"uniform 1/{k}")
        ax.set_xlim(-0.6, k - 0.4)
        ax.set_ylim(0, 1.15)
        ax.set_ylabel("probability")
        ax.legend(loc="upper right", fontsize="small")
        self.texts = [ax.text(i, 0, "", ha="center", va="bottom") for i in range(k)]
        self.animated = [*self.bars, *self.texts, ax.title]
        self.max_entropy = float(np.log(k))
        self.entropy_bar = self.entropy_text = None
        if entropy_ax is not None:
            self.entropy_bar = entropy_ax.barh([0], [0.0], height=0.6, color=ORANGE)[0]
            entropy_ax.set_xlim(0, self.max_entropy * 1.02)
            entropy_ax.set_ylim(-0.5, 0.5)
            entropy_ax.set_yticks([])
            entropy_ax.set_xticks(
                [0, self.max_entropy], ["0\ncertain", f"ln {k} = {self.max_entropy:.2f}\nuniform"]
            )
            entropy_ax.set_xlabel("entropy (nats)")
            self.entropy_text = entropy_ax.text(
                0.5, 0.5, "", transform=entropy_ax.transAxes, ha="center", va="center"
            )
            self.animated += [self.entropy_bar, self.entropy_text]
        self.update(scale)

    def update(self, scale: float) -> np.ndarray:
        scale = check_real(scale, "scale")
        p = softmax(scale * self.scores)
        for bar, text, pi in zip(self.bars, self.texts, p, strict=True):
            bar.set_height(pi)
            text.set_y(pi)
            text.set_text(f"{pi:.3f}")
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


def softmax_bars_figure(n_panels: int = 1, width: float = 5.0, height: float = 3.6):
    """Return ``(fig, bar_axes, entropy_axes)``: a bar chart over an entropy gauge, per panel."""
    return stacked_panels(n_panels, width, height, [5, 1])


def softmax_bars_at(scales=(0.1, 1.0, 10.0), scores=(3.0, 1.0, 0.2)) -> Figure:
    """Static twin of the logits-scale slider: :class:`SoftmaxBars` at a few scales.

    One column per scale: the bars, and the entropy gauge under them.
    """
    scales = list(scales)
    if not scales:
        raise ValueError("scales must hold at least one scale")
    fig, bar_axes, entropy_axes = softmax_bars_figure(len(scales), 3.6 * len(scales), 3.6)
    for ax, eax, scale in zip(bar_axes, entropy_axes, scales, strict=True):
        SoftmaxBars(ax, scores, scale, entropy_ax=eax)
    return fig


def softmax_graph(others=(1.0, 0.2), x=None, mark: float | None = 3.0) -> Figure:
    """The notes' softmax graph: probabilities of ``[x, *others]`` as ``x`` sweeps.

    Drawn the notes' way: the score vectors are the *columns* of a stacked
    array, so the softmax runs along ``axis=0``.

    Parameters
    ----------
    others : sequence of float
        The fixed scores of the other classes.
    x : array_like, optional
        The sweep of the first score (default: -2 to 6, as in the notes).
    mark : float or None
        Mark the probabilities at this ``x`` (default 3.0: the notes' example).
    """
    others = as_float_array(others, "others")
    if others.ndim != 1:
        raise ValueError(f"others must be a 1-D list of scores, got shape {others.shape}")
    x = np.arange(-2.0, 6.0, 0.05) if x is None else as_float_array(x, "x")
    if x.ndim != 1:
        raise ValueError(f"x must be 1-D, got shape {x.shape}")
    scores = np.vstack([x, *(np.full_like(x, s) for s in others)])  # columns are samples
    probs = softmax(scores, axis=0)
    fig, ax = new_figure(6.0, 3.6)
    colors = [BLUE, ORANGE, GREEN, GREY]
    names = ["x", *(f"{s:g}" for s in others)]
    for i, (row, name) in enumerate(zip(probs, names, strict=True)):
        ax.plot(x, row, color=colors[i % len(colors)], lw=2, label=f"class {i} (score {name})")
    ax.plot(x, probs.sum(axis=0), color="black", lw=1, ls=":", label="sum = 1")
    if mark is not None:
        p = softmax(np.array([mark, *others]))
        ax.axvline(mark, color=GREY, lw=1, ls="--")
        for i, pi in enumerate(p):
            ax.plot([mark], [pi], "o", color=colors[i % len(colors)])
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
    ax.set_title(f"softmax([x, {', '.join(names[1:])}])")
    ax.legend(loc="center right", fontsize="small")
    return fig
