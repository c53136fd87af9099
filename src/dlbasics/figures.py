"""Regenerate the course's figures in ``imgs/``: ``python -m dlbasics.figures [FOLDER]``.

Every figure is drawn by the same ``dlbasics.plots`` code the notebooks use,
redrawing the source notes' images (we own none of the originals).
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from pathlib import Path

import numpy as np
from matplotlib.figure import Figure

from . import plots
from .descent import LeastSquares, gradient_descent
from .letters import letters
from .numerics import standardize


def _letter_examples():
    images, labels = letters(10, split="valid")
    order = np.argsort(labels)
    return images[order], labels[order]


def _conditioning() -> Figure:
    # The same two-feature problem as notebook 03: feature 2 has 10x the spread and mean 20.
    rng = np.random.default_rng(0)
    n = 200
    X = np.c_[rng.normal(2, 1, n), rng.normal(20, 10, n)]
    y = X @ np.array([1.5, -0.1]) + 0.3 * rng.normal(size=n)
    Z, _, _ = standardize(X)
    # Standardized features have their own weights, v_j = sigma_j w_j: the minimum moves.
    new_weights = ("v₁ = σ₁w₁", "v₂ = σ₂w₂")
    panels = []
    for problem, title, names in (
        (LeastSquares(X, y), "raw features: badly conditioned", ("w₁", "w₂")),
        (
            LeastSquares(Z, y - y.mean()),
            "standardized: well conditioned, weights v = σw",
            new_weights,
        ),
    ):
        lr = 1 / problem.curvatures[-1]
        path = gradient_descent(problem.gradient, np.zeros(2), learning_rate=lr, steps=30)
        panels.append((problem, path, title, names))
    return plots.descent_paths_figure(panels)


def _initialization() -> Figure:
    images, _ = _letter_examples()
    return plots.weights_initialization_figure(images[0], sigmas=(0.01, 1.0))


def _initial_predictions() -> Figure:
    images, labels = _letter_examples()
    return plots.initial_predictions_at(images, labels, sigmas=(0.01, 10.0))


#: File name -> function drawing it.
FIGURES: dict[str, Callable[[], Figure]] = {
    "softmax.png": lambda: plots.softmax_bars_at(scales=(1.0,)),
    "softmax_scaling.png": plots.softmax_bars_at,
    "softmax_graph.png": plots.softmax_graph,
    "cross_entropy_pipeline.png": plots.pipeline_diagram,
    "numerical_stability.png": _conditioning,
    "weights_initialization.png": _initialization,
    "initial_predictions_small_vs_large_sigma.png": _initial_predictions,
}


def generate(folder: str | Path = "imgs", names=None) -> list[Path]:
    """Draw figures into ``folder`` (created if missing); return the paths written.

    ``names`` picks some of :data:`FIGURES` (default: all of them).

    Examples
    --------
    >>> import tempfile
    >>> [p.name for p in generate(tempfile.mkdtemp(), names=["softmax.png"])]
    ['softmax.png']
    """
    names = list(FIGURES) if names is None else list(names)
    unknown = sorted(set(names) - set(FIGURES))
    if unknown:
        raise ValueError(f"names must be among {sorted(FIGURES)}, got {unknown}")
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name in names:
        path = folder / name
        # No software version in the PNG: regenerated files differ only when the figure does.
        FIGURES[name]().savefig(path, dpi=100, metadata={"Software": None})
        written.append(path)
    return written


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(prog="python -m dlbasics.figures", description=__doc__)
    parser.add_argument("folder", nargs="?", default="imgs", help="where to write (default: imgs)")
    for path in generate(parser.parse_args(argv).folder):
        print(path)


if __name__ == "__main__":
    main()
