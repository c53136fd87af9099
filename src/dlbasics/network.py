r"""One hidden layer of ReLUs under the softmax: the step past the linear classifier.

.. math:: z = X W_1 + b_1, \qquad h = \mathrm{relu}(z) = \max(z, 0), \qquad
          \text{logits} = h W_2 + b_2,

then softmax and the mean cross-entropy, as for
:class:`dlbasics.classifier.LogisticClassifier`. The backward pass is the
chain rule read from the top: with ``G = (S - L) / m`` the gradient at the
logits (``m`` rows),

.. math:: \frac{\partial \ell}{\partial W_2} = h^\top G, \quad
          \frac{\partial \ell}{\partial b_2} = \textstyle\sum_n G_n, \quad
          \frac{\partial \ell}{\partial h} = G W_2^\top, \quad
          \frac{\partial \ell}{\partial z} = \frac{\partial \ell}{\partial h} \odot [z > 0],

.. math:: \frac{\partial \ell}{\partial W_1} = X^\top \frac{\partial \ell}{\partial z}, \quad
          \frac{\partial \ell}{\partial b_1} = \textstyle\sum_n \frac{\partial \ell}{\partial z_n}.

Predictions, the loss, ``fit`` and :func:`dlbasics.gradient_check` are shared
with the logistic classifier (:mod:`dlbasics.model`, :mod:`dlbasics.training`).
:func:`activation_stds` is notebook 06's experiment on initialization in depth.
"""

from __future__ import annotations

import functools

import numpy as np

from ._memory import check_memory
from ._validation import as_float_array, check_positive_int, check_real
from .initialization import gaussian_init, init_sigma
from .model import PARAM_COPIES, SoftmaxClassifier, check_training_memory, loss_and_logit_gradient
from .training import new_history

__all__ = ["HiddenLayerClassifier", "activation_stds", "relu", "ring_models", "two_rings"]

#: How notebook 06 trains on its 400 ring points: SGD in batches of 100, enough epochs to
#: settle. A slider move to a new width fits it first, so it must be quick: 120 steps take
#: about 10 ms, and smaller batches (more steps) are slower and no more accurate.
RINGS_TRAINING = dict(epochs=30, batch_size=100, learning_rate=0.5)


def relu(z) -> np.ndarray:
    """``max(z, 0)`` elementwise: the rectified linear unit.

    Examples
    --------
    >>> relu(np.array([-2.0, 0.0, 3.0])).tolist()
    [0.0, 0.0, 3.0]
    """
    return np.maximum(z, 0)


class HiddenLayerClassifier(SoftmaxClassifier):
    """A softmax classifier on one hidden layer of ReLUs, trained by (stochastic) gradient descent.

    Parameters
    ----------
    hidden_units : int
        Width ``H`` of the hidden layer.
    sigma : float or None, default None
        Standard deviation of the Gaussian initial weights of both layers.
        None means He's ``sqrt(2 / fan_in)`` for each layer (``fan_in`` is
        ``n_features`` for ``W1``, ``hidden_units`` for ``W2``). Biases start at 0.
    seed : int, default 0
        Seeds the initial weights and the SGD shuffling.
    n_classes : int or None, default None
        As for :class:`dlbasics.classifier.LogisticClassifier`.

    Attributes
    ----------
    W1 : ndarray of shape (n_features, hidden_units) or None
    b1 : ndarray of shape (hidden_units,) or None
    W2 : ndarray of shape (hidden_units, n_classes) or None
    b2 : ndarray of shape (n_classes,) or None
        None until :meth:`fit` or :meth:`initialize`; all of the input's dtype.
    history : dict of lists
        As for the logistic classifier: one entry per completed epoch.

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> X = rng.uniform(-1, 1, size=(400, 2))
    >>> y = (X[:, 0] * X[:, 1] > 0).astype(int)  # XOR: no line separates the classes
    >>> model = HiddenLayerClassifier(hidden_units=16).fit(
    ...     X, y, epochs=100, learning_rate=0.5, batch_size=32)
    >>> model.W1.shape, model.W2.shape
    ((2, 16), (16, 2))
    >>> model.score(X, y) > 0.95
    True
    """

    PARAMS = ("W1", "b1", "W2", "b2")

    def __init__(self, hidden_units: int, sigma: float | None = None, seed: int = 0,
                 n_classes: int | None = None):  # fmt: skip
        self.hidden_units = check_positive_int(hidden_units, "hidden_units")
        self.sigma = None if sigma is None else check_real(sigma, "sigma")
        self.seed = check_positive_int(seed, "seed", minimum=0)
        self.n_classes = (
            None if n_classes is None else check_positive_int(n_classes, "n_classes", minimum=2)
        )
        self.W1 = self.b1 = self.W2 = self.b2 = None
        self.history = new_history()

    def __repr__(self) -> str:
        return (
            f"HiddenLayerClassifier(hidden_units={self.hidden_units}, sigma={self.sigma}, "
            f"seed={self.seed}, n_classes={self.n_classes})"
        )

    def _initial_params(self, n_features, n_classes, dtype, rng):
        H = self.hidden_units
        sigma1 = init_sigma("he", n_features) if self.sigma is None else self.sigma
        sigma2 = init_sigma("he", H) if self.sigma is None else self.sigma
        W1 = gaussian_init((n_features, H), sigma1, rng, dtype=dtype)
        W2 = gaussian_init((H, n_classes), sigma2, rng, dtype=dtype)
        return W1, np.zeros(H, dtype=dtype), W2, np.zeros(n_classes, dtype=dtype)

    def _check_memory(self, n_features: int, n_classes: int, dtype, batch_size: int = 0) -> None:
        """Refuse, before allocating, parameters and batch work space that cannot fit in memory.

        Training holds ``PARAM_COPIES`` copies of the parameters, four arrays of
        shape (batch_size, hidden_units) (z, h, dh, dz) and three of shape
        (batch_size, n_classes) (logits, log-probabilities, their gradient).
        """
        H = self.hidden_units
        n_params = n_features * H + H + H * n_classes + n_classes
        work = batch_size * (4 * H + 3 * n_classes)
        nbytes = np.dtype(dtype).itemsize * (PARAM_COPIES * n_params + work)
        what = f"weights of shapes ({n_features}, {H}) and ({H}, {n_classes})"
        check_training_memory(nbytes, what, "n_features, hidden_units or n_classes", batch_size)

    # --------------------------------------------------------------- the math

    @staticmethod
    def _logits(X, W1, b1, W2, b2):
        return relu(X @ W1 + b1) @ W2 + b2

    @staticmethod
    def _forward_backward(X, y, W1, b1, W2, b2):
        """Forward and backward pass over the rows ``X`` (m of them) with labels ``y``.

        Returns the summed loss, the number of correct predictions and the
        gradients ``dW1, db1, dW2, db2`` of the *mean* loss. Shapes: X (m, D),
        W1 (D, H), W2 (H, K).
        """
        # Forward.
        z = X @ W1 + b1  # (m, D) @ (D, H) -> (m, H)
        h = relu(z)  # (m, H)
        logits = h @ W2 + b2  # (m, H) @ (H, K) -> (m, K)
        loss_sum, n_correct, G = loss_and_logit_gradient(logits, y)  # G = (S - L) / m
        # Backward: the chain rule, from the logits down.
        dW2 = h.T @ G  # (H, m) @ (m, K) -> (H, K)
        db2 = G.sum(axis=0)  # (K,)
        dh = G @ W2.T  # (m, K) @ (K, H) -> (m, H)
        dz = dh * (z > 0)  # relu'(z): the gradient passes only where z > 0
        dW1 = X.T @ dz  # (D, m) @ (m, H) -> (D, H)
        db1 = dz.sum(axis=0)  # (H,)
        return loss_sum, n_correct, dW1, db1, dW2, db2

    def gradients(self, X, y) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """The analytic gradient of :meth:`loss`: ``dW1, db1, dW2, db2`` (module docstring).

        Examples
        --------
        >>> model = HiddenLayerClassifier(hidden_units=3).initialize(n_features=2, n_classes=4)
        >>> [g.shape for g in model.gradients([[1.0, -1.0]], [2])]
        [(2, 3), (3,), (3, 4), (4,)]
        """
        return super().gradients(X, y)


def activation_stds(X, n_layers: int, width: int, sigma: float | None = None, seed: int = 0):
    """The standard deviation of the activations after each layer of a stack of ReLU layers.

    ``X`` goes through ``n_layers`` layers ``h = relu(h W)`` of ``width`` units
    (no biases), each ``W`` drawn from N(0, sigma^2); ``sigma=None`` takes He's
    ``sqrt(2 / fan_in)`` for every layer. A fixed small sigma shrinks the
    signal by about ``sigma * sqrt(fan_in / 2)`` per layer; He keeps it.

    Returns
    -------
    ndarray of shape (n_layers,)
        The std of ``h`` after layers 1, 2, ..., ``n_layers``.

    Examples
    --------
    >>> X = np.random.default_rng(0).normal(size=(500, 100))
    >>> np.round(activation_stds(X, 4, 100, sigma=0.05), 3).tolist()  # shrinks each layer
    [0.29, 0.099, 0.036, 0.013]
    >>> he = activation_stds(X, 20, 100)  # He: the same order of magnitude after 20 layers
    >>> bool(0.3 < he[-1] / he[0] < 3)
    True
    """
    X = as_float_array(X, "X")
    if X.ndim != 2:
        raise ValueError(f"X must be 2-D (n_samples, n_features), got shape {X.shape}")
    n_layers = check_positive_int(n_layers, "n_layers")
    width = check_positive_int(width, "width")
    if sigma is not None:
        sigma = check_real(sigma, "sigma")
    check_memory(8 * (len(X) + max(X.shape[1], width)) * width, f"layers of {width} units", "width")
    rng = np.random.default_rng(check_positive_int(seed, "seed", minimum=0))
    h, stds = X.astype(np.float64), []
    for _ in range(n_layers):
        fan_in = h.shape[1]
        layer_sigma = init_sigma("he", fan_in) if sigma is None else sigma
        W = gaussian_init((fan_in, width), layer_sigma, rng)
        h = relu(h @ W)
        stds.append(float(h.std()))
    return np.array(stds)


def two_rings(n: int, *, seed: int = 0, noise: float = 0.1):
    """A 2-D data set no line can separate: a disc (class 0) inside a ring (class 1).

    Radii are uniform on [0, 1] for the disc and [1, 2] for the ring, plus
    Gaussian noise of std ``noise``; angles are uniform. The classes alternate,
    so they are balanced. No line separates them (the best gets about two thirds right),
    and logistic regression, which minimises the cross-entropy, stays at chance (1/2).

    Returns
    -------
    X : ndarray of shape (n, 2)
    y : ndarray of int, shape (n,)

    Examples
    --------
    >>> X, y = two_rings(6)
    >>> X.shape, y.tolist()
    ((6, 2), [0, 1, 0, 1, 0, 1])
    """
    n = check_positive_int(n, "n")
    noise = check_real(noise, "noise")
    check_memory(40 * n, f"{n} points", "n")
    rng = np.random.default_rng(check_positive_int(seed, "seed", minimum=0))
    y = np.arange(n) % 2
    radius = np.where(y == 0, rng.uniform(0, 1, n), rng.uniform(1, 2, n))
    radius += rng.normal(0, noise, n)
    angle = rng.uniform(0, 2 * np.pi, n)
    return np.column_stack([radius * np.cos(angle), radius * np.sin(angle)]), y


def ring_models(X, y):
    """``hidden_units -> HiddenLayerClassifier`` fitted on ``(X, y)`` with ``RINGS_TRAINING``.

    Each width is fitted once, on first use, and kept (the 128 most recent), so
    a slider move to a width seen before only redraws.

    Examples
    --------
    >>> X, y = two_rings(400)  # as in notebook 06 (RINGS_TRAINING is tuned for 400 points)
    >>> models = ring_models(X, y)
    >>> models(8) is models(8), models(8).score(X, y) > 0.9
    (True, True)
    """

    @functools.lru_cache(maxsize=128)
    def model(hidden_units: int) -> HiddenLayerClassifier:
        return HiddenLayerClassifier(hidden_units, seed=0).fit(X, y, **RINGS_TRAINING)

    return model
