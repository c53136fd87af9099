"""Notebook 06's plots: decision regions in 2-D, activations through depth, the train/test gap.

The models and the numbers come from :mod:`dlbasics.network` and the
classifiers; these functions only draw them.
"""

from __future__ import annotations

import numpy as np
from matplotlib.collections import LineCollection
from matplotlib.colors import ListedColormap
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch
from matplotlib.ticker import NullLocator

from .base import BLUE, GREY, ORANGE, decade_ticks, describe, figure_grid, panel_values

# Behind the points: light tints of the two classes' colours, of different lightness (grey
# levels 232 and 216), and black on the boundary, so that the regions read without colour.
_TINTS = ("#deebf7", "#fdd0a2")
_REGIONS = ListedColormap([*_TINTS, "black"])
# The points: the classes' colours, the ring's darkened so that its points stand out on its
# own tint in grey too (grey level 108 against 216; ORANGE's 152 nearly vanished there).
_POINTS = (BLUE, "#c45500")
_BOUNDARY = 2  # the value _with_boundary gives the boundary's pixels
_GRID_POINTS = 150
_EXTENT = 2.6  # the rings reach radius about 2.3


def _grid():
    ticks = np.linspace(-_EXTENT, _EXTENT, _GRID_POINTS)
    gx, gy = np.meshgrid(ticks, ticks)
    return np.column_stack([gx.ravel(), gy.ravel()])


def _with_boundary(regions: np.ndarray) -> np.ndarray:
    """The predicted classes (0 or 1) per grid point, with ``_BOUNDARY`` where the class
    changes from a point to its neighbour on the right or above: the boundary, in the
    image itself (no contour to recompute on every slider move)."""
    edge = np.zeros(regions.shape, dtype=bool)
    edge[:, 1:] |= regions[:, 1:] != regions[:, :-1]
    edge[1:, :] |= regions[1:, :] != regions[:-1, :]
    return np.where(edge, _BOUNDARY, regions)


def _legend(fig: Figure) -> None:
    """Below the panels: the classes' colours (points and shading) and the black boundary."""
    handles = [
        Line2D([], [], ls="", marker="o", ms=4, color=_POINTS[0], label="disc (class 0)"),
        Line2D([], [], ls="", marker="o", ms=4, color=_POINTS[1], label="ring (class 1)"),
        Patch(facecolor=_TINTS[0], edgecolor=GREY, label="predicted disc"),
        Patch(facecolor=_TINTS[1], edgecolor=GREY, label="predicted ring"),
        Line2D([], [], color="black", label="boundary"),
    ]
    width = fig.get_figwidth()  # inches: all five entries in a row from 8, two from 5
    ncols = 5 if width >= 8 else 2 if width >= 5 else 1
    fig.legend(handles=handles, loc="outside lower center", ncols=ncols, frameon=False)


def _units_label(value) -> str:
    return f"{value} hidden unit{'' if value == 1 else 's'}"


def _scatter(ax, X, y) -> list:
    points = [
        ax.scatter(*X[y == k].T, s=6, color=colour, linewidths=0)
        for k, colour in enumerate(_POINTS)
    ]
    ax.set(xticks=[], yticks=[], aspect="equal", xlim=(-_EXTENT, _EXTENT), ylim=(-_EXTENT, _EXTENT))
    return points


class DecisionRegions:
    """The class a model predicts at every point of the plane, with the data on top.

    ``models(value)`` returns the fitted model to show for ``value`` (e.g. a
    number of hidden units); ``update(value)`` redraws the regions, the boundary
    between them (black) and the title, which gives the model's accuracy on
    ``(X_test, y_test)`` (``label``, a format string, names the model; by default
    "1 hidden unit", "2 hidden units", ...). With
    ``units_ax``, that axes shows each hidden unit's line ``x W1[:, j] + b1[j] = 0``
    (the unit is off on one side, a ramp on the other), up to ``max_units`` of them.
    """

    def __init__(self, ax, X, y, X_test, y_test, models, value, *, label=None,
                 units_ax=None, max_units=64):  # fmt: skip
        self.ax, self.models, self.label = ax, models, label
        self.X_test, self.y_test = X_test, y_test
        self._grid = _grid()
        self.max_units, self.unit_lines = max_units, None
        if units_ax is not None:
            _scatter(units_ax, X, y)
            units_ax.set_title("each hidden unit's line, where relu switches on")
            # One collection, not a Line2D per unit: drawing 64 separate lines was a
            # quarter of a slider move.
            self.unit_lines = units_ax.add_collection(LineCollection([], colors=GREY, linewidths=1))
        self.image = ax.imshow(
            np.zeros((_GRID_POINTS, _GRID_POINTS)),
            origin="lower",
            extent=(-_EXTENT, _EXTENT, -_EXTENT, _EXTENT),
            cmap=_REGIONS,
            vmin=0,
            vmax=_BOUNDARY,
            interpolation="nearest",
        )
        # The points are redrawn with the regions that change under them, to stay on top.
        points = _scatter(ax, X, y)
        self.title = ax.set_title("")
        self.animated = [self.image, *points, self.title]
        if self.unit_lines is not None:
            self.animated.append(self.unit_lines)
        self.update(value)

    def update(self, value) -> None:
        model = self.models(value)
        regions = model.predict(self._grid).reshape(_GRID_POINTS, _GRID_POINTS)
        self.image.set_data(_with_boundary(regions))
        self.accuracy = model.score(self.X_test, self.y_test)
        self.value = value
        name = _units_label(value) if self.label is None else self.label.format(value)
        self.title.set_text(f"{name}: test accuracy {self.accuracy:.0%}")
        if self.unit_lines is not None:
            self.unit_lines.set_segments(_unit_lines(model, self.max_units))


def _unit_lines(model, max_units: int) -> np.ndarray:
    """Segments of the lines ``x W1[:, j] + b1[j] = 0`` of the first ``max_units`` hidden
    units, shape (units, 2 ends, 2 coordinates); none for a model without a hidden layer
    or a unit whose weights are all zero (it has no line)."""
    if getattr(model, "W1", None) is None:
        return np.empty((0, 2, 2))
    w, b = model.W1[:, :max_units].T, model.b1[:max_units]  # one row (w1, w2) per unit
    has_line = np.any(w != 0, axis=1)
    w, b = w[has_line], b[has_line]
    foot = -b[:, None] * w / np.sum(w * w, axis=1, keepdims=True)  # nearest the origin
    along = np.column_stack([-w[:, 1], w[:, 0]]) / np.linalg.norm(w, axis=1, keepdims=True)
    half = 2 * _EXTENT * along  # long enough to cross the whole plot
    return np.stack([foot - half, foot + half], axis=1)


def decision_regions_figure(X, y, X_test, y_test, models, value, *, width=8.6, height=4.4):
    """The hidden-units slider's figure: regions, and the units' lines beside; ``(fig, plot)``.

    Shown as it is, it is the slider's static twin at ``value``.
    """
    fig, axes = figure_grid(width, height, 1, 2)
    plot = DecisionRegions(*axes[0, :1], X, y, X_test, y_test, models, value,
                           units_ax=axes[0, 1])  # fmt: skip
    _legend(fig)
    describe(
        fig,
        "Two panels. Left: the plane shaded by the class a network with one hidden layer "
        "predicts, the boundary in black, the training points on top. Right: the same points "
        "with each hidden unit's line, where its ReLU switches on.",
    )
    return fig, plot


def decision_regions_at(X, y, X_test, y_test, models, values, *, labels=None) -> Figure:
    """Static twin of the slider: :class:`DecisionRegions` at a few values, side by side.

    ``labels`` (one format string per value, or None for the default "1 hidden
    unit", "2 hidden units", ...) names the panels; ``fig.plots`` keeps them, so
    their accuracies can be printed.
    """
    values = panel_values(values, "values", "values")
    labels = [None] * len(values) if labels is None else list(labels)
    fig, axes = figure_grid(3.0 * len(values), 3.6, 1, len(values))
    fig.plots = [
        DecisionRegions(ax, X, y, X_test, y_test, models, value, label=label)
        for ax, value, label in zip(axes[0], values, labels, strict=True)
    ]
    _legend(fig)
    shown = "; ".join(plot.title.get_text() for plot in fig.plots)
    return describe(
        fig,
        "One panel per model: the plane shaded by the class each model predicts, the "
        f"boundary in black, the two classes' training points on top ({shown}).",
    )


def activation_std_figure(stds: dict, *, width=7.0, height=3.4) -> Figure:
    """The std of the activations after each layer, one line per initialization, log scale.

    ``stds`` maps a legend label to the per-layer stds (from
    :func:`dlbasics.network.activation_stds`).
    """
    fig, axes = figure_grid(width, height)
    ax = axes[0, 0]
    styles = [(BLUE, "o-"), (ORANGE, "s--"), (GREY, "^-.")]  # told apart without colour too
    if not 1 <= len(stds) <= len(styles):
        raise ValueError(f"stds must hold 1 to {len(styles)} lines, got {len(stds)}")
    for (label, values), (colour, style) in zip(stds.items(), styles, strict=False):
        layers = np.arange(1, len(values) + 1)
        ax.semilogy(layers, values, style, color=colour, label=label, markersize=4)
    ax.set(xlabel="layer", ylabel="std of the activations")
    decade_ticks(ax.yaxis)
    shown = np.concatenate([np.ravel(values) for values in stds.values()])
    shown = shown[shown > 0]
    if shown.size and shown.max() < 100 * shown.min():
        # Three decades in view, so that two or more are labelled: a flat line (He) stays
        # a flat line on the scale where a shrinking one would fall by decades.
        ax.set_ylim(shown.max() / 300, shown.max() * 3)
    ax.legend(frameon=False)
    lines = "; ".join(
        f"{label}: {values[0]:.2g} after layer 1, {values[-1]:.2g} after layer {len(values)}"
        for label, values in stds.items()
    )
    return describe(
        fig,
        f"Line plot, log scale, of the standard deviation of the activations after each "
        f"layer of a deep ReLU stack, one line per initialization ({lines}).",
    )


def accuracy_gap_figure(widths, train_accuracy, valid_accuracy, *, width=6.4, height=3.4):
    """Training and validation accuracy against the hidden layer's width (log scale).

    The validation letters are other images of the training fonts.
    """
    fig, axes = figure_grid(width, height)
    ax = axes[0, 0]
    ax.semilogx(widths, train_accuracy, "o-", color=BLUE, label="training letters")
    ax.semilogx(widths, valid_accuracy, "s--", color=ORANGE, label="validation letters")
    ax.fill_between(widths, valid_accuracy, train_accuracy, color=GREY, alpha=0.2, label="gap")
    ax.set_xticks(widths, [str(w) for w in widths])
    ax.xaxis.set_minor_locator(NullLocator())  # the widths are the ticks
    ax.set(xlabel="hidden units", ylabel="accuracy")
    ax.legend(frameon=False)
    points = "; ".join(
        f"{w} units: {a:.3f} training, {b:.3f} validation"
        for w, a, b in zip(widths, train_accuracy, valid_accuracy, strict=True)
    )
    return describe(
        fig,
        "Line plot of the accuracy on the training letters and on the validation letters "
        f"against the number of hidden units, the gap between them shaded ({points}).",
    )
