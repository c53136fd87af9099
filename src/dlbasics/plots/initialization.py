"""Plots for notebook 04: weight initialization.

The weights start as draws from N(0, sigma^2), so sigma sets the size of the
first logits and, through the softmax, how peaked the first predictions are.
"""

from __future__ import annotations

import numpy as np
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle

from .._validation import check_real
from ..cross_entropy import cross_entropy_from_logits, entropy
from ..initialization import (
    _check_images,
    _check_labels,
    _check_sigmas,
    gaussian_init,
    initial_loss_and_entropy,
    unit_logits,
)
from ..letters import LETTERS
from ..numerics import normalize_pixels
from ..softmax import softmax
from .base import BLUE, GREY, ORANGE, figure_grid

N_CLASSES = len(LETTERS)
LN_K = float(np.log(N_CLASSES))
SIGMA_RANGE = (1e-3, 10.0)


def _rows_of_axes(nrows: int, width: float, row_height: float):
    """A figure with ``nrows`` rows of (predictions, loss, entropy) axes."""
    return figure_grid(width, row_height * nrows, nrows, 3, width_ratios=[1.35, 1, 1])


class InitialPredictions:
    """The first predictions of a linear classifier whose weights are drawn with std ``sigma``.

    Left: for each image (thumbnail), the predicted distribution over A-J as a
    row of a heat map; the true letter's cell is outlined. Middle and right: the
    initial loss and the mean entropy against sigma (precomputed on a grid),
    with a marker at the current sigma. ``update(sigma)`` rescales the logits
    (``sigma * unit_logits``, see :func:`unit_logits`) and moves the markers.

    Attributes after ``update``: ``sigma``, ``logits`` (n, 10),
    ``probabilities`` (n, 10), ``loss`` and ``mean_entropy`` (floats).
    """

    def __init__(
        self,
        ax_probs,
        ax_loss,
        ax_entropy,
        images,
        labels,
        sigma: float = 0.01,
        *,
        seed: int = 0,
        sigma_range=SIGMA_RANGE,
    ):
        images = _check_images(images)
        n = len(images)
        self.labels = _check_labels(labels, n)
        lo, hi = _check_sigmas(sigma_range, "sigma_range")
        if len(np.atleast_1d(sigma_range)) != 2 or lo >= hi:
            raise ValueError(
                f"sigma_range must be (low, high) with 0 < low < high, got {sigma_range}"
            )
        self.unit_logits = unit_logits(images, seed=seed)
        self.sigma_grid = np.geomspace(lo, hi, 121)
        self.loss_curve, self.entropy_curve = initial_loss_and_entropy(
            images, self.labels, self.sigma_grid, seed=seed
        )
        self.ax_probs, self.ax_loss, self.ax_entropy = ax_probs, ax_loss, ax_entropy

        # Left: thumbnails in column "x = -1.2", probabilities in columns 0..9, one row per image.
        strip = np.concatenate(list(images), axis=0)  # (n * height, width)
        ax_probs.imshow(strip, cmap="gray", vmin=0, vmax=255, extent=(-1.75, -0.65, n - 0.5, -0.5))
        self.heatmap = ax_probs.imshow(
            np.full((n, N_CLASSES), 1 / N_CLASSES),
            cmap="viridis",
            vmin=0,
            vmax=1,
            extent=(-0.5, N_CLASSES - 0.5, n - 0.5, -0.5),
            interpolation="nearest",
        )
        self.outlines = [
            ax_probs.add_patch(
                Rectangle((label - 0.5, row - 0.5), 1, 1, fill=False, edgecolor=ORANGE, lw=1.5)
            )
            for row, label in enumerate(self.labels)
        ]
        ax_probs.set_xlim(-1.8, N_CLASSES - 0.5)
        ax_probs.set_ylim(n - 0.5, -0.5)
        ax_probs.set_xticks(range(N_CLASSES), list(LETTERS))
        ax_probs.set_yticks([])
        ax_probs.set_xlabel("predicted class (true one outlined)")
        ax_probs.set_title("first predictions")
        ax_probs.figure.colorbar(self.heatmap, ax=ax_probs, label="probability", shrink=0.9)

        # Middle: initial loss, log-log: flat at ln 10, then a straight line of slope 1.
        ax_loss.loglog(self.sigma_grid, self.loss_curve, color=BLUE, label="initial loss")
        ax_loss.axhline(LN_K, color=GREY, ls="--", lw=1, label="ln 10 (uniform guess)")
        # The logits' scale sigma * ||x||: the loss grows in step with it once sigma is large.
        X = normalize_pixels(images).reshape(n, -1).astype(np.float64)
        self.mean_norm = float(np.linalg.norm(X, axis=1).mean())
        ax_loss.loglog(
            self.sigma_grid,
            self.mean_norm * self.sigma_grid,
            color=GREY,
            ls=":",
            lw=1.5,
            label="σ·‖x‖ (logit scale)",
        )
        ax_loss.set_xlim(lo, hi)
        ax_loss.set_ylim(1.0, max(10.0, 1.5 * self.loss_curve.max()))
        ax_loss.set_xlabel("σ (std of the initial weights)")
        ax_loss.set_ylabel("cross-entropy")
        ax_loss.legend(loc="upper left", fontsize="small")

        # Right: mean entropy of the predictions.
        ax_entropy.semilogx(self.sigma_grid, self.entropy_curve, color=BLUE)
        ax_entropy.axhline(LN_K, color=GREY, ls="--", lw=1, label="ln 10 (uniform)")
        ax_entropy.set_xlim(lo, hi)
        ax_entropy.set_ylim(0, 1.1 * LN_K)
        ax_entropy.set_xlabel("σ (std of the initial weights)")
        ax_entropy.set_ylabel("mean entropy (nats)")
        ax_entropy.legend(loc="lower left", fontsize="small")

        # One text for all three numbers (each text costs milliseconds per slider move); it
        # starts over the loss axes and runs on over the entropy axes, so it stays out of the
        # layout, and a blank title keeps its room.
        ax_loss.set_title(" ")
        self.status = ax_loss.annotate(
            "",
            xy=(0, 1),
            xycoords="axes fraction",
            xytext=(0, 6),
            textcoords="offset points",
            ha="left",
            va="bottom",
            fontsize="medium",
            annotation_clip=False,
        )
        self.status.set_in_layout(False)
        (self.loss_marker,) = ax_loss.plot([], [], "o", color=ORANGE, ms=8)
        (self.entropy_marker,) = ax_entropy.plot([], [], "o", color=ORANGE, ms=8)
        self.loss_vline = ax_loss.axvline(lo, color=ORANGE, lw=1)
        self.entropy_vline = ax_entropy.axvline(lo, color=ORANGE, lw=1)
        self.animated = [
            self.heatmap,
            *self.outlines,
            self.status,
            self.loss_vline,
            self.entropy_vline,
            self.loss_marker,
            self.entropy_marker,
        ]
        self.update(sigma)

    def update(self, sigma: float) -> np.ndarray:
        """Show the first predictions for weights drawn with std ``sigma``; return them."""
        sigma = check_real(sigma, "sigma", positive=True)
        self.sigma = sigma
        self.logits = sigma * self.unit_logits
        self.probabilities = softmax(self.logits)
        self.loss = cross_entropy_from_logits(self.logits, self.labels)
        self.mean_entropy = float(entropy(self.probabilities).mean())
        self.heatmap.set_data(self.probabilities)
        self.loss_marker.set_data([sigma], [self.loss])
        self.entropy_marker.set_data([sigma], [self.mean_entropy])
        self.loss_vline.set_xdata([sigma, sigma])
        self.entropy_vline.set_xdata([sigma, sigma])
        self.status.set_text(
            f"σ = {sigma:.3g}:  initial loss {self.loss:.3f},  "
            f"mean entropy {self.mean_entropy:.3f} nats"
        )
        return self.probabilities


def initial_predictions_figure(images, labels, sigma: float = 0.01, *, seed: int = 0):
    """Return ``(fig, plot)``: one row of :class:`InitialPredictions` (the slider's figure)."""
    fig, axes = _rows_of_axes(1, 9.0, 3.1)
    plot = InitialPredictions(*axes[0], images, labels, sigma, seed=seed)
    return fig, plot


def initial_predictions_at(images, labels, sigmas=(0.001, 0.1, 10.0), *, seed: int = 0) -> Figure:
    """Static twin of the sigma slider: :class:`InitialPredictions` at a few sigmas, one per row."""
    sigmas = _check_sigmas(sigmas)
    fig, axes = _rows_of_axes(len(sigmas), 11.0, 3.3)
    for row, sigma in zip(axes, sigmas, strict=True):
        InitialPredictions(*row, images, labels, sigma, seed=seed)
    return fig


def _normal_pdf(x, sigma):
    return np.exp(-0.5 * (x / sigma) ** 2) / (sigma * np.sqrt(2 * np.pi))


def weights_initialization_figure(image, sigmas=(0.01, 1.0), *, seed: int = 0) -> Figure:
    """The notes' DL_weights_initialization figure, redrawn from the real thing.

    One column per sigma. Top: the Gaussian N(0, sigma^2) the weights are drawn
    from, with a histogram of an actual draw (784 x 10 weights). Bottom: the
    softmax of the logits ``x @ W`` for one letter image ``x``: near uniform
    (uncertain) for a small sigma, one tall peak (opinionated) for a large one.

    Parameters
    ----------
    image : array_like, shape (height, width)
        One grey-level image (0..255), normalized with ``normalize_pixels``.
    sigmas : sequence of float > 0
        Usually one small and one large value.
    seed : int
        The same ``W1 ~ N(0, 1)`` is used for every sigma (``W = sigma * W1``).
    """
    img = np.asarray(image)
    if img.ndim != 2:
        raise ValueError(f"image must be one grey image of shape (height, width), got {img.shape}")
    sigmas = _check_sigmas(sigmas)
    z1 = unit_logits(img[None], seed=seed)[0]
    W1 = gaussian_init((img.size, N_CLASSES), 1.0, np.random.default_rng(seed))
    fig, axes = figure_grid(
        3.6 * len(sigmas) + 1.0, 5.0, 2, len(sigmas) + 1, width_ratios=[0.5] + [1.0] * len(sigmas)
    )
    axes[0, 0].imshow(img, cmap="gray", vmin=0, vmax=255)
    axes[0, 0].set_title("input x")
    axes[0, 0].axis("off")
    axes[1, 0].axis("off")
    x_max = 3.5 * max(sigmas)
    grid = np.linspace(-x_max, x_max, 401)
    for col, sigma in enumerate(sigmas, start=1):
        top, bottom = axes[0, col], axes[1, col]
        weights = (sigma * W1).ravel()
        top.hist(
            weights,
            bins=np.linspace(-x_max, x_max, 61),
            density=True,
            color=BLUE,
            alpha=0.5,
            label="drawn weights",
        )
        top.plot(grid, _normal_pdf(grid, sigma), color=BLUE, label=f"N(0, {sigma:g}²)")
        top.set_xlim(-x_max, x_max)
        top.set_yticks([])
        top.set_xlabel("weight value")
        top.legend(loc="upper left", fontsize="small")
        kind = (
            "uncertain" if sigma == min(sigmas) else "opinionated" if sigma == max(sigmas) else ""
        )
        top.set_title(f"σ = {sigma:g}" + (f": {kind}" if kind else ""))
        p = softmax(sigma * z1)
        bottom.bar(list(LETTERS), p, color=ORANGE)
        bottom.axhline(1 / N_CLASSES, color=GREY, ls="--", lw=1)  # the uniform guess
        bottom.set_ylim(0, 1.05)
        bottom.set_yticks([0, 0.1, 0.5, 1], ["0", "1/10", "0.5", "1"])
        bottom.set_ylabel("S(x W)")
        bottom.set_title(f"softmax output, entropy {float(entropy(p)):.2f} nats", fontsize="medium")
    return fig
