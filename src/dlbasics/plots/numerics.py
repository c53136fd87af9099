"""Plots for notebook 03: round-off, conditioning, and pixel normalization."""

from __future__ import annotations

import numpy as np
from matplotlib.figure import Figure

from .._validation import check_real
from ..descent import LeastSquares
from ..numerics import normalize_pixels
from .base import BLUE, GREY, ORANGE, decade_ticks, describe, figure_grid, panel_values


def spacing_figure(step: float = 1e-6) -> Figure:
    """The gap between neighbouring floats grows with their size: ``np.spacing`` on log-log axes.

    A step smaller than half the gap at the running total is lost entirely; a
    step of a few gaps is rounded to a whole number of gaps. The markers show
    that float64 at 1e9 has the same gap, 2**-23, as float32 at 1.

    Examples
    --------
    >>> fig = spacing_figure(step=1e-6)
    >>> x, gap = fig.axes[0].get_lines()[0].get_data()
    >>> bool(gap[-1] > 1e-6 > gap[0])  # float64: the step is lost among large totals only
    True
    """
    step = check_real(step, "step", positive=True)
    x = np.geomspace(1e-3, 1e13, 400)
    fig, ((ax,),) = figure_grid(6.0, 3.8)
    ax.loglog(x, np.spacing(x), color=BLUE, lw=2, label="float64")
    float32_gap = np.spacing(x.astype(np.float32)).astype(float)
    ax.loglog(x, float32_gap, color=ORANGE, lw=2, ls="--", label="float32")
    ax.axhline(step, color=GREY, ls=":", lw=1.5, label=f"the step, {step:g}")
    gap = 2.0**-23
    ax.plot([1e9], [gap], "o", color=BLUE)
    ax.annotate(
        "float64 at 1e9:\ngap 2**-23",
        (1e9, gap),
        xytext=(-95, 22),
        textcoords="offset points",
        arrowprops={"arrowstyle": "->"},
    )
    ax.plot([1.0], [gap], "s", color=ORANGE)
    ax.annotate(
        "float32 at 1:\ngap 2**-23",
        (1.0, gap),
        xytext=(-20, 30),
        textcoords="offset points",
        arrowprops={"arrowstyle": "->"},
    )
    ax.set_xlabel("magnitude of the running total")
    ax.set_ylabel("gap to the next float")
    decade_ticks(ax.xaxis, ax.yaxis)
    ax.set_title("Floats get sparser as they grow: float64 and float32")
    ax.legend(loc="upper left")
    return describe(
        fig,
        "Log-log plot of the gap between a float and the next one against its magnitude, "
        "for float64 (solid) and float32 (dashed): the gap grows in proportion to the "
        f"magnitude, and a horizontal line marks the step {step:g}; float64 at 1e9 has the "
        "same gap, 2**-23, as float32 at 1.",
    )


def _contour_levels(problem: LeastSquares, start_excess: float, losses, n: int = 14):
    """Levels spaced geometrically in the excess loss, from near the minimum to the plot's edge."""
    top = float(np.quantile(losses - problem.loss_star, 0.9))
    low = max(0.02 * start_excess, 1e-9)
    return problem.loss_star + np.geomspace(low, max(top, 2 * low), n)


def descent_contours(
    ax, problem: LeastSquares, path, title: str = "", axis_names=("w₁", "w₂")
) -> None:
    """Draw the loss contours of ``problem`` and a gradient-descent ``path`` over them.

    Equal axes scales, so a round bowl looks round and a narrow valley narrow.
    ``axis_names`` label the two weights (say so when they are not the raw
    features' weights, e.g. after standardizing).

    Examples
    --------
    >>> from dlbasics.descent import LeastSquares, gradient_descent
    >>> from dlbasics.plots.base import figure_grid
    >>> problem = LeastSquares([[1.0, 0.0], [0.0, 1.0], [1.0, 1.0]], [1.0, 2.0, 3.0])
    >>> path = gradient_descent(problem.gradient, [0.0, 0.0], learning_rate=0.3, steps=5)
    >>> fig, ((ax,),) = figure_grid(6.0, 3.0)
    >>> descent_contours(ax, problem, path, "a round bowl")
    >>> ax.get_xlabel()
    'w₁'
    """
    if not isinstance(problem, LeastSquares):
        raise TypeError(
            f"problem must be a dlbasics.descent.LeastSquares, got {type(problem).__name__}"
        )
    path = np.asarray(path, dtype=float)
    if path.ndim != 2 or path.shape[1] != 2 or problem.X.shape[1] != 2:
        raise ValueError(f"path must be (steps + 1, 2) for a 2-weight problem, got {path.shape}")
    if isinstance(axis_names, str) or len(axis_names) != 2:
        raise ValueError(f"axis_names must be two labels (x, y), got {axis_names!r}")
    points = np.vstack([path, problem.w_star])
    center = (points.min(axis=0) + points.max(axis=0)) / 2
    half = 0.6 * np.ptp(points, axis=0).max() + 0.1
    g0 = np.linspace(center[0] - half, center[0] + half, 160)
    g1 = np.linspace(center[1] - half, center[1] + half, 160)
    # One grid row at a time: the whole 160 x 160 grid at once holds a residual per
    # grid point per sample (41 MB for 200 samples), for 100 KB of losses.
    losses = np.array([problem.loss(row) for row in np.stack(np.meshgrid(g0, g1), axis=-1)])
    start_excess = float(problem.loss(path[0])) - problem.loss_star
    levels = _contour_levels(problem, start_excess, losses)
    ax.contour(g0, g1, losses, levels=levels, cmap="viridis", linewidths=1)
    steps = len(path) - 1
    ax.plot(
        path[:, 0],
        path[:, 1],
        ".-",
        color=ORANGE,
        lw=1.2,
        ms=4,
        label=f"{steps} steps of gradient descent",
    )
    ax.plot(*path[0], "o", color="black", ms=6, label="start")
    ax.plot(*problem.w_star, "*", color="red", ms=12, label="minimum")
    ax.set_xlim(g0[0], g0[-1])
    ax.set_ylim(g1[0], g1[-1])
    ax.set_aspect("equal")
    ax.set_xlabel(axis_names[0])
    ax.set_ylabel(axis_names[1])
    final = float(problem.loss(path[-1]))
    ax.set_title(
        f"{title}\ncondition number {problem.condition_number:.3g}\n"
        f"loss after {steps} steps {final:.3f} (min {problem.loss_star:.3f})",
        fontsize=10,
    )
    ax.legend(loc="lower left")


def descent_paths_figure(panels) -> Figure:
    """One panel per ``(problem, path, title)``: contours and descent path, side by side.

    The notes' numerical-stability figure redrawn from a computation: an
    elongated bowl (badly conditioned) beside a round one. A panel may add the
    names of its two weights, ``(problem, path, title, (x_name, y_name))``,
    passed to :func:`descent_contours`.

    Examples
    --------
    >>> from dlbasics.descent import LeastSquares, gradient_descent
    >>> problem = LeastSquares([[1.0, 0.0], [0.0, 1.0], [1.0, 1.0]], [1.0, 2.0, 3.0])
    >>> path = gradient_descent(problem.gradient, [0.0, 0.0], learning_rate=0.3, steps=5)
    >>> len(descent_paths_figure([(problem, path, "round")]).axes)
    1
    """
    panels = panel_values(panels, "panels", "(problem, path, title) tuples")
    if any(not isinstance(p, tuple) or len(p) not in (3, 4) for p in panels):
        raise ValueError(
            "panels must be a non-empty list of (problem, path, title) or "
            f"(problem, path, title, axis_names) tuples, got {panels!r:.200}"
        )
    fig, axes = figure_grid(5.0 * len(panels), 5.2, 1, len(panels))
    for ax, panel in zip(axes[0], panels, strict=True):
        descent_contours(ax, *panel)
    described = "; ".join(
        f"{title}: condition number {problem.condition_number:.3g}, {len(path) - 1} steps"
        for problem, path, title, *_ in panels
    )
    return describe(
        fig,
        "Contour plots of least-squares loss bowls with a gradient-descent path drawn on "
        f"each, one panel per problem ({described}); the larger the condition number, the "
        "more elongated the bowl.",
    )


def pixels_figure(image) -> Figure:
    """A uint8 image, ``image - 128`` done in uint8 (it wraps around), and ``normalize_pixels``.

    The last panel plots the middle row of each, so the jump of the wrapped
    version is plain to see.

    Examples
    --------
    >>> fig = pixels_figure(np.array([[0, 100, 200, 255]] * 3, dtype=np.uint8))
    >>> fig.axes[1].get_images()[0].get_array()[0].tolist()  # 0 - 128 wrapped to 128
    [128, 228, 72, 127]
    """
    image = np.asarray(image)
    if image.dtype != np.uint8 or image.ndim != 2:
        raise ValueError(f"image must be a 2-D uint8 array, got {image.ndim}-D {image.dtype}")
    wrapped = image - np.uint8(128)  # uint8 arithmetic: wraps around modulo 256
    normalized = normalize_pixels(image)
    fig, (axes,) = figure_grid(13.0, 3.3, 1, 4)
    shown = [
        (image, "image (uint8, 0..255)", 0, 255),
        (wrapped, "image - 128 in uint8: wrapped!", 0, 255),
        (normalized, "normalize_pixels: (C - 128) / 128", -1, 1),
    ]
    for ax, (data, title, lo, hi) in zip(axes[:3], shown, strict=True):
        im = ax.imshow(data, cmap="gray", vmin=lo, vmax=hi)
        ax.set_title(title, fontsize=10)
        ax.set_xticks([])
        ax.set_yticks([])
        fig.colorbar(im, ax=ax, shrink=0.85)
    row = image.shape[0] // 2
    ax = axes[3]
    ax.plot(image[row].astype(int) - 128, color=BLUE, lw=2, label="C - 128 (intended)")
    ax.plot(wrapped[row], color=ORANGE, lw=2, ls="--", label="C - 128 in uint8")
    ax.axhline(0, color=GREY, lw=0.8)
    ax.set_xlabel("column (middle row)")
    ax.set_ylabel("value")
    ax.set_title("middle row", fontsize=10)
    ax.set_ylim(-140, 400)
    ax.legend(loc="upper center")
    return describe(
        fig,
        "Four panels: a greyscale image; the same image minus 128 computed in uint8, where "
        "values below 128 wrap around to 128 and above, so the dark background turns grey "
        "and the bright strokes dark; normalize_pixels's (C - 128) / 128 in [-1, 1], which "
        "looks like the original; and the middle row's values, where the uint8 version is "
        "256 above the intended C - 128 wherever the pixel is below 128.",
    )
