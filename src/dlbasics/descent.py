r"""Gradient descent on a least-squares bowl: why inputs should have zero mean and equal variance.

The loss of a linear model under squared error, :math:`\ell(w) = \frac{1}{2N}\lVert Xw - y\rVert^2`,
is a bowl whose shape is set by the curvature matrix :math:`H = X^\top X / N`. Features
with very different scales or non-zero means make :math:`H` badly conditioned (a long,
narrow, tilted valley) and gradient descent crawls; standardized features make it round.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from ._memory import check_memory
from ._validation import (
    as_float_array,
    check_finite,
    check_positive_int,
    check_real,
)
from .training import DivergenceError


class LeastSquares:
    r"""The mean squared error :math:`\ell(w) = \frac{1}{2N}\lVert Xw - y\rVert^2` of ``X @ w``.

    Parameters
    ----------
    X : array_like, shape (n_samples, n_features)
    y : array_like, shape (n_samples,)

    Attributes
    ----------
    hessian : ndarray, shape (n_features, n_features)
        :math:`H = X^\top X / N`, the (constant) curvature of the bowl.
    curvatures : ndarray
        Eigenvalues of ``hessian``, ascending: the bowl's curvature along its axes.
    condition_number : float
        Largest over smallest curvature: 1 for a round bowl, large for a narrow valley.
    w_star, loss_star
        The minimizer and the smallest loss.

    Examples
    --------
    >>> problem = LeastSquares([[1.0, 0.0], [0.0, 10.0]], [1.0, 10.0])
    >>> problem.w_star.tolist(), problem.condition_number
    ([1.0, 1.0], 100.0)
    """

    def __init__(self, X, y):
        X = as_float_array(X, "X")
        y = as_float_array(y, "y")
        if X.ndim != 2:
            raise ValueError(f"X must be 2-D (n_samples, n_features), got shape {X.shape}")
        if y.shape != (X.shape[0],):
            raise ValueError(
                f"y must have shape ({X.shape[0]},), one target per row of X, got {y.shape}"
            )
        check_finite(X, "X")
        check_finite(y, "y")
        n = X.shape[0]
        self.X, self.y = X, y
        self.hessian = X.T @ X / n
        self._Xty = X.T @ y / n
        self.curvatures = np.linalg.eigvalsh(self.hessian)
        if self.curvatures[0] <= 0:
            raise ValueError("X must have linearly independent columns (the bowl has a flat floor)")
        self.condition_number = float(self.curvatures[-1] / self.curvatures[0])
        self.w_star = np.linalg.solve(self.hessian, self._Xty)
        self.loss_star = float(self.loss(self.w_star))

    def _check_w(self, w) -> np.ndarray:
        w = as_float_array(w, "w")
        if w.shape[-1:] != (self.X.shape[1],):
            raise ValueError(
                f"w must have {self.X.shape[1]} weights on its last axis, got shape {w.shape}"
            )
        return w

    def loss(self, w) -> np.ndarray:
        """Loss at ``w``; ``w`` may stack many weight vectors on leading axes (for contours)."""
        w = self._check_w(w)
        residual = w @ self.X.T - self.y
        return 0.5 * np.mean(residual**2, axis=-1)

    def gradient(self, w) -> np.ndarray:
        r"""The gradient :math:`\nabla\ell(w) = H w - X^\top y / N`."""
        return self._check_w(w) @ self.hessian - self._Xty

    @property
    def max_stable_learning_rate(self) -> float:
        """Gradient descent diverges for learning rates at or above 2 / (largest curvature)."""
        return float(2.0 / self.curvatures[-1])


MAX_STEPS = 10**6


def gradient_descent(
    gradient: Callable[[np.ndarray], np.ndarray], w0, learning_rate: float, steps: int
) -> np.ndarray:
    r"""Follow the negative gradient: :math:`w_{t+1} = w_t - \eta \nabla\ell(w_t)`.

    Parameters
    ----------
    gradient : callable
        ``gradient(w)`` returns an array shaped like ``w``.
    w0 : array_like
        Starting weights.
    learning_rate : float
        The step size :math:`\eta > 0`.
    steps : int
        Number of steps, 0 to ``MAX_STEPS`` (10**6): the loop is plain Python, about a
        microsecond or more a step, so 10**7 steps would run for minutes without a word.

    Returns
    -------
    ndarray, shape (steps + 1, *w0.shape)
        The path: ``path[0]`` is ``w0``, ``path[-1]`` the last weights.

    Raises
    ------
    DivergenceError
        If the gradient or the weights stop being finite: usually the steps grew
        without bound (on a quadratic loss, a learning rate above 2 / the largest
        curvature does that), or ``gradient`` returned inf or NaN.

    Examples
    --------
    >>> path = gradient_descent(lambda w: 2 * w, [1.0], learning_rate=0.25, steps=3)
    >>> path.ravel().tolist()  # each step halves w: the minimum of w**2 is at 0
    [1.0, 0.5, 0.25, 0.125]
    """
    if not callable(gradient):
        raise TypeError(f"gradient must be callable, got {type(gradient).__name__}")
    w = as_float_array(w0, "w0").astype(float)
    learning_rate = check_real(learning_rate, "learning_rate", positive=True)
    steps = check_positive_int(steps, "steps", minimum=0)
    if steps > MAX_STEPS:
        raise ValueError(f"steps must be at most MAX_STEPS = {MAX_STEPS:,}, got {steps:,}")
    check_memory((steps + 1) * w.size * 8, f"the path's {steps + 1:,} points", "steps")
    path = np.empty((steps + 1, *w.shape))
    path[0] = w
    for t in range(steps):
        with np.errstate(over="ignore", invalid="ignore"):  # overflow is reported below, once
            g = np.asarray(gradient(w), dtype=float)
            if g.shape != w.shape:
                raise ValueError(f"gradient(w) must have the shape of w {w.shape}, got {g.shape}")
            w = w - learning_rate * g
        if not (np.isfinite(g).all() and np.isfinite(w).all()):
            raise DivergenceError(
                f"gradient descent stopped in step {t + 1}: the gradient or the weights became "
                f"inf or NaN. If the weights grew at every step, the learning_rate is too large "
                f"(got {learning_rate:g}; on a quadratic loss, learning rates above 2 / the "
                "largest curvature make the steps grow); if not, check what gradient(w) returns"
            )
        path[t + 1] = w
    return path
