"""Plots for notebook 04: weight initialization.

The weights start as draws from N(0, sigma^2), so sigma sets the size of the
first logits and, through the softmax, how peaked the first predictions are.
"""

from __future__ import annotations

import numpy as np
from matplotlib import patheffects
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle

from .._validation import check_real
from ..cross_entropy import cross_entropy_from_logits, entropy
from ..initialization import gaussian_init
from ..letters import LETTERS
from ..sigma_experiment import (
    _check_images,
    _check_labels,
    _check_sigmas,
    _inputs,
    initial_loss_and_entropy,
    unit_logits,
)
from ..softmax import softmax
from .base import BLUE, GREY, ORANGE, decade_ticks, describe, figure_grid

N_CLASSES = len(LETTERS)
LN_K = float(np.log(N_CLASSES))
SIGMA_RANGE = (1e-3, 10.0)


def _rows_of_axes(nrows: int, width: float, row_height: float):
    """A figure with ``nrows`` rows of (predictions, loss, entropy) axes; each column's
    axes share their x scale (the letters, or sigma)."""
    return figure_grid(width, row_height * nrows, nrows, 3, width_ratios=[1.35, 1, 1], sharex="col")


class InitialPredictions:
    """The first predictions of a linear classifier whose weights are drawn with std ``sigma``.

    Left: for each image (thumbnail), the predicted distribution over A-J as a
    row of a heat map; the true letter's cell is outlined. Middle and right: the
    initial loss and the mean entropy against sigma (on a grid over
    ``sigma_range``), with a marker at the current sigma. ``update(sigma)``
    rescales the logits (``sigma * unit_logits``, see
    :func:`dlbasics.sigma_experiment.unit_logits`) and moves the markers.

    Parameters
    ----------
    ax_probs, ax_loss, ax_entropy : matplotlib Axes
    images : array_like, shape (n, height, width)
        Grey levels 0..255, shown as thumbnails.
    labels : array_like of int, shape (n,)
    sigma : float
        The first sigma shown, inside ``sigma_range``.
    seed : int
        Seed of the one weight draw ``W1 ~ N(0, 1)``; the weights are ``sigma * W1``.
    sigma_range : (float, float)
        The sigmas plotted, ``0 < low < high``; :meth:`update` refuses others.
    center : array_like, shape (height, width), optional
        A mean image in grey levels (e.g. ``train_images.mean(axis=0)``). If
        given, the inputs are centred: it is subtracted from every normalized
        image before the logits (``unit_logits(images, center=center)``).

    Attributes after ``update``: ``sigma``, ``logits`` (n, 10),
    ``probabilities`` (n, 10), ``loss`` and ``mean_entropy`` (floats): the
    numbers the figure shows.

    Examples
    --------
    >>> from dlbasics.letters import letters
    >>> from dlbasics.plots.base import figure_grid
    >>> images, labels = letters(10, split="valid")
    >>> fig, axes = figure_grid(9, 3, 1, 3)
    >>> plot = InitialPredictions(*axes[0], images, labels, sigma=0.001)
    >>> round(plot.loss, 1)  # ln 10 = 2.30: the uniform guess
    2.3
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
        center=None,
    ):
        images = _check_images(images)
        self.labels = _check_labels(labels, len(images))
        self.sigma_range = _check_sigma_range(sigma_range)
        X = _inputs(images, center)  # checks center
        self.unit_logits = unit_logits(images, seed=seed, center=center)
        largest = max(float(np.abs(self.unit_logits).max()), 1.0)
        if self.sigma_range[1] > np.finfo(float).max / 4 / largest:  # softmax's x - max overflows
            raise ValueError(
                f"sigma_range reaches {self.sigma_range[1]:g}, where the logits overflow"
            )
        self.ax_probs, self.ax_loss, self.ax_entropy = ax_probs, ax_loss, ax_entropy
        self.sigma_grid = np.geomspace(*self.sigma_range, 121)
        self.loss_curve, self.entropy_curve = initial_loss_and_entropy(
            images, self.labels, self.sigma_grid, seed=seed, center=center
        )
        self.mean_norm = float(np.linalg.norm(X, axis=1).mean())
        self._draw_predictions(images, centred=center is not None)
        self._draw_loss_curve()
        self._draw_entropy_curve()
        self._draw_markers()
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

    def _draw_predictions(self, images, centred: bool) -> None:
        """Thumbnails left of x = -0.5, then the probabilities in columns 0..9, a row per image."""
        ax, n = self.ax_probs, len(images)
        strip = np.concatenate(list(images), axis=0)  # (n * height, width)
        ax.imshow(strip, cmap="gray", vmin=0, vmax=255, extent=(-1.75, -0.65, n - 0.5, -0.5))
        self.heatmap = ax.imshow(
            np.full((n, N_CLASSES), 1 / N_CLASSES),
            cmap="viridis",
            vmin=0,
            vmax=1,
            extent=(-0.5, N_CLASSES - 0.5, n - 0.5, -0.5),
            interpolation="nearest",
        )
        # Inset, so that the outlines of neighbouring rows do not join into one staircase, and
        # edged in black, so that an outline shows on a bright cell as on a dark one (in grey too).
        edged = [patheffects.withStroke(linewidth=3.5, foreground="black")]
        self.outlines = [
            ax.add_patch(
                Rectangle(
                    (label - 0.4, row - 0.4), 0.8, 0.8, fill=False, edgecolor=ORANGE, lw=1.5,
                    path_effects=edged,
                )
            )
            for row, label in enumerate(self.labels)
        ]  # fmt: skip
        ax.set_xlim(-1.8, N_CLASSES - 0.5)
        ax.set_ylim(n - 0.5, -0.5)
        ax.set_xticks(range(N_CLASSES), list(LETTERS))
        ax.set_yticks([])
        ax.set_xlabel("predicted class (true one outlined)")
        ax.set_title("first predictions" + (" (centred inputs)" if centred else ""))
        ax.figure.colorbar(self.heatmap, ax=ax, label="probability", shrink=0.9)

    def _draw_loss_curve(self) -> None:
        """Log-log: flat at ln 10, then growing in step with the logits' scale sigma * ||x||."""
        ax, grid = self.ax_loss, self.sigma_grid
        ax.loglog(grid, self.loss_curve, color=BLUE, label="initial loss")
        ax.axhline(LN_K, color=GREY, ls="--", lw=1, label="ln 10")  # "(uniform)": entropy panel
        ax.loglog(grid, self.mean_norm * grid, color=GREY, ls=":", lw=1.5, label="σ·‖x‖")
        ax.set_xlim(*self.sigma_range)
        ax.set_ylim(1.0, max(10.0, 1.5 * self.loss_curve.max()))
        ax.set_xlabel("σ (std of the initial weights)")
        ax.set_ylabel("cross-entropy")
        decade_ticks(ax.xaxis, ax.yaxis)
        # Upper left is empty until sigma ~ 0.05 (the curves rise on the right); short labels
        # keep it, at tick size, clear of the static twin's marker line at sigma = 0.1.
        ax.legend(loc="upper left", handlelength=1.2, borderaxespad=0.3)

    def _draw_entropy_curve(self) -> None:
        ax = self.ax_entropy
        ax.semilogx(self.sigma_grid, self.entropy_curve, color=BLUE)
        ax.axhline(LN_K, color=GREY, ls="--", lw=1, label="ln 10 (uniform)")
        ax.set_xlim(*self.sigma_range)
        ax.set_ylim(0, 1.1 * LN_K)
        ax.set_xlabel("σ (std of the initial weights)")
        ax.set_ylabel("mean entropy (nats)")
        decade_ticks(ax.xaxis)
        ax.legend(loc="lower left")

    def _draw_markers(self) -> None:
        """The current sigma's markers, and one status text for its three numbers."""
        # One text (each costs milliseconds per slider move), starting over the loss axes and
        # running on over the entropy axes: out of the layout, with a blank title keeping room.
        self.ax_loss.set_title(" ")
        self.status = self.ax_loss.annotate(
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
        # Not clipped: at the ends of the sigma range (and at entropy 0) a marker sits on the
        # axes' edge, and a clipped one shows only half.
        (self.loss_marker,) = self.ax_loss.plot([], [], "o", color=ORANGE, ms=8, clip_on=False)
        (self.entropy_marker,) = self.ax_entropy.plot(
            [], [], "o", color=ORANGE, ms=8, clip_on=False
        )
        self.loss_vline = self.ax_loss.axvline(self.sigma_range[0], color=ORANGE, lw=1)
        self.entropy_vline = self.ax_entropy.axvline(self.sigma_range[0], color=ORANGE, lw=1)

    def update(self, sigma: float) -> np.ndarray:
        """Show the first predictions for weights drawn with std ``sigma``; return them.

        ``sigma`` must lie in ``sigma_range``, the range the curves are drawn on.
        """
        sigma = check_real(sigma, "sigma", positive=True)
        low, high = self.sigma_range
        if not low <= sigma <= high:
            raise ValueError(f"sigma must be in sigma_range [{low:g}, {high:g}], got {sigma:g}")
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


def _check_sigma_range(sigma_range) -> tuple[float, float]:
    values = _check_sigmas(sigma_range, "sigma_range")
    if len(values) != 2 or values[0] >= values[1]:
        raise ValueError(f"sigma_range must be (low, high) with 0 < low < high, got {sigma_range}")
    return values


def initial_predictions_figure(images, labels, sigma: float = 0.01, *, seed: int = 0, center=None):
    """Return ``(fig, plot)``: one row of :class:`InitialPredictions` (the slider's figure).

    ``center`` (a mean image) centres the inputs, as in :class:`InitialPredictions`.
    """
    fig, axes = _rows_of_axes(1, 9.0, 3.1)
    plot = InitialPredictions(*axes[0], images, labels, sigma, seed=seed, center=center)
    return fig, plot


def initial_predictions_at(
    images, labels, sigmas=(0.001, 0.1, 10.0), *, seed: int = 0, center=None
) -> Figure:
    """Static twin of the sigma slider: :class:`InitialPredictions` at a few sigmas, one per row.

    ``fig.plots`` keeps the rows' plots, so the numbers the figure shows can be
    printed from the same images: ``[p.loss for p in fig.plots]``.

    Examples
    --------
    >>> from dlbasics.letters import letters
    >>> fig = initial_predictions_at(*letters(10, split="valid"), sigmas=(0.001, 10.0))
    >>> [round(p.loss, 1) for p in fig.plots][0]  # ln 10 = 2.30 at a tiny sigma
    2.3
    """
    sigmas = _check_sigmas(sigmas)
    fig, axes = _rows_of_axes(len(sigmas), 11.0, 3.3)
    fig.plots = [
        InitialPredictions(*row, images, labels, sigma, seed=seed, center=center)
        for row, sigma in zip(axes, sigmas, strict=True)
    ]
    # Small multiples: a column's x scale is labelled once, under its bottom panel (less
    # repetition to read, and less text to lay out: about 15 % of the drawing time).
    for ax in axes[:-1].flat:
        ax.tick_params(labelbottom=False)
        ax.set_xlabel("")
    rows = "; ".join(
        f"sigma {p.sigma:g}: loss {p.loss:.2f}, mean entropy {p.mean_entropy:.2f}"
        for p in fig.plots
    )
    return describe(
        fig,
        f"One row per sigma, each with a heat map of the untrained classifier's probabilities "
        f"for {len(images)} letter images (one row per image, one column per letter, the true "
        f"letter outlined) beside the initial loss and entropy plotted against sigma ({rows}).",
    )


def _normal_pdf(x, sigma: float) -> np.ndarray:
    """The density of N(0, sigma^2) at ``x``: exp(-x^2 / (2 sigma^2)) / (sigma sqrt(2 pi)).

    The curve the drawn weights' histogram should follow. Written out rather than taken
    from ``scipy.stats.norm.pdf``: it is one line of the formula, and importing
    scipy.stats costs about half a second of notebook 04's Run All (the tests compare
    the two).

    >>> round(float(_normal_pdf(0.0, 1.0)), 4)  # 1 / sqrt(2 pi)
    0.3989
    """
    x = np.asarray(x, dtype=float)
    return np.exp(-0.5 * (x / sigma) ** 2) / (sigma * np.sqrt(2 * np.pi))


def _draw_weights(ax, weights, sigma: float) -> None:
    """A histogram of the drawn weights under the Gaussian they were drawn from."""
    # Each panel on its own scale, +-3.5 sigma: on a shared one a small sigma is a spike.
    # The tick labels carry the scale; the shape is the same Gaussian.
    x_max = 3.5 * sigma
    grid = np.linspace(-x_max, x_max, 401)
    bins = np.linspace(-x_max, x_max, 41)
    ax.hist(weights, bins=bins, density=True, color=BLUE, alpha=0.4, label="drawn weights")
    pdf = _normal_pdf(grid, sigma)
    ax.plot(grid, pdf, color="black", lw=1.5, label=f"N(0, {sigma:g}²)")
    ax.set_xlim(-x_max, x_max)
    ax.set_ylim(0, 1.6 * pdf.max())  # headroom: the legend sits above the bell
    ax.set_yticks([])
    ax.set_xlabel("weight value (own scale)")
    ax.legend(loc="upper left", frameon=False)  # one column: it fits inside the axes


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
    for col, sigma in enumerate(sigmas, start=1):
        top, bottom = axes[0, col], axes[1, col]
        _draw_weights(top, (sigma * W1).ravel(), sigma)
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
    entropies = ", ".join(
        f"sigma {s:g}: {float(entropy(softmax(s * z1))):.2f} nats" for s in sigmas
    )
    return describe(
        fig,
        "A letter image beside one column per sigma: on top, a histogram of the drawn "
        "weights under the Gaussian N(0, sigma squared) they come from; below, bar charts of "
        f"the softmax output over the letters A to J for that image (entropy {entropies}).",
    )
