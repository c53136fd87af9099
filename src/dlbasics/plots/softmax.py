"""Plots for notebook 01: softmax."""

from __future__ import annotations

import numpy as np
from matplotlib.figure import Figure

from ..softmax import softmax
from .base import BLUE, GREY, new_figure


def entropy(p, axis: int = -1) -> np.ndarray:
    """Shannon entropy in nats, with 0 log 0 = 0 (ln K for uniform, 0 for one-hot)."""
    p = np.asarray(p, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        terms = np.where(p > 0, p * np.log(p), 0.0)
    return -terms.sum(axis=axis)


class SoftmaxBars:
    """Bar chart of ``softmax(scale * scores)`` with its entropy in the title.

    ``update(scale)`` multiplies the logits: large scales push the bars to 0/1,
    small ones toward the uniform 1/K.
    """

    def __init__(self, ax, scores=(3.0, 1.0, 0.2), scale: float = 1.0, labels=None):
        self.ax = ax
        self.scores = np.asarray(scores, dtype=float)
        k = self.scores.size
        labels = labels or [f"class {i}" for i in range(k)]
        self.bars = ax.bar(labels, np.zeros(k), color=BLUE)
        ax.axhline(1 / k, color=GREY, lw=1, ls="--", label=f"uniform 1/{k}")
        ax.set_ylim(0, 1.05)
        ax.set_ylabel("probability")
        ax.legend(loc="upper right", fontsize="small")
        self.texts = [ax.text(i, 0, "", ha="center", va="bottom") for i in range(k)]
        self.animated = [*self.bars, *self.texts, ax.title]
        self.update(scale)

    def update(self, scale: float) -> np.ndarray:
        p = softmax(scale * self.scores)
        for bar, text, pi in zip(self.bars, self.texts, p, strict=True):
            bar.set_height(pi)
            text.set_y(pi)
            text.set_text(f"{pi:.3f}")
        self.ax.set_title(f"scale = {scale:.3g}   entropy = {entropy(p):.3f} nats")
        self.probabilities = p
        return p


def softmax_bars_at(scales=(0.1, 1.0, 10.0), scores=(3.0, 1.0, 0.2)) -> Figure:
    """Static twin of the logits-scale slider: :class:`SoftmaxBars` at a few scales."""
    fig, axes = new_figure(3.2 * len(scales), 3.0, ncols=len(scales))
    for ax, scale in zip(np.atleast_1d(axes), scales, strict=True):
        SoftmaxBars(ax, scores, scale)
    return fig
