"""Plots for notebook 05: what the trained classifier learned.

The confusion matrix (which letters it mistakes for which) and the learned
weight templates (each class's column of ``W`` drawn as an image).
"""

from __future__ import annotations

import numpy as np
from matplotlib.figure import Figure

from .._validation import as_float_array
from ..classifier import confusion_counts
from ..letters import LETTERS
from .base import describe, figure_grid


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
                    fontsize=9,  # about 10 pixels at the course's 80 dpi: readable as stored
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
    off = counts - np.diag(np.diag(counts))
    i, j = np.unravel_index(off.argmax(), off.shape)
    mistake = (
        f"the most frequent mistake is {names[i]} taken for {names[j]} ({off[i, j]} times)"
        if off[i, j]
        else "no image is mistaken"
    )
    return describe(
        fig,
        f"Confusion matrix of {counts.sum()} images as a heat map, true letters in rows and "
        f"predicted letters in columns, each cell holding its count: accuracy {accuracy:.3f}; "
        f"{mistake}.",
    )


def weight_templates_figure(W, *, image_shape=(28, 28), class_names=LETTERS) -> Figure:
    """Each class's column of ``W`` as an image: what the classifier looks for.

    A logit is ``x @ W[:, k]``, a pixel-by-pixel match of the image with column
    ``k``: red pixels vote for the letter where the image is bright, blue ones
    against. The colour scale is symmetric about 0 (a diverging colormap). In
    greyscale red and blue look alike, so outlines carry the sign too: solid
    around weights above ``+limit / 3``, dashed around those below ``-limit / 3``
    (``limit`` the largest ``|weight|``), marked on the colorbar as well.
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
        template = W[:, k].reshape(image_shape)
        image = ax.imshow(template, cmap="RdBu_r", vmin=-limit, vmax=limit)
        for level, ls in ((-limit / 3, "--"), (limit / 3, "-")):  # the sign without colour
            if (template < level).any() if level < 0 else (template > level).any():
                ax.contour(template, levels=[level], colors="k", linewidths=0.6, linestyles=ls)
        ax.set_title(names[k])
    bar = fig.colorbar(
        image,
        ax=axes.ravel().tolist(),
        label="weight: + votes for the letter, \u2212 against\n(outlined: solid +, dashed \u2212)",
        shrink=0.8,
    )
    for level, ls in ((-limit / 3, "--"), (limit / 3, "-")):
        bar.ax.axhline(level, color="k", lw=0.8, ls=ls)
    describe(
        fig,
        f"{len(names)} small images, one per letter ({', '.join(names)}), each showing that "
        "letter's column of learned weights in the image's shape: red where a bright pixel "
        "votes for the letter, blue where it votes against, outlined solid and dashed.",
    )
    return fig
