r"""Multinomial logistic classification: logits ``X @ W + b``, softmax, cross-entropy.

The model of the source notes: a linear map turns an input into scores
(logits), softmax turns the scores into probabilities, and training lowers
the mean cross-entropy against the labels,

.. math:: \ell(W, b) = \frac{1}{N}\sum_n D\big(S(x_n W + b), L_n\big),

by gradient descent. Its gradient is short enough to write down:

.. math:: \frac{\partial \ell}{\partial W} = \frac{1}{N} X^\top (S - L), \qquad
          \frac{\partial \ell}{\partial b} = \frac{1}{N} \sum_n (S_n - L_n),

and :func:`gradient_check` compares it with finite differences.

Rows of ``X`` are samples, already flattened and normalized (e.g. with
:func:`dlbasics.normalize_pixels`); labels are class ids ``0 .. K-1``.
Predictions, the loss and ``fit`` are shared with the hidden-layer network
(:mod:`dlbasics.model`); the epoch loop, the input checks and the divergence
rule live in :mod:`dlbasics.training`, whose notes explain how they were tuned.
"""

from __future__ import annotations

import numpy as np

from ._memory import check_memory
from ._validation import as_int_labels, check_positive_int, check_real
from .initialization import gaussian_init
from .model import (
    PARAM_COPIES,
    SoftmaxClassifier,
    check_training_memory,
    gradient_check,
    loss_and_logit_gradient,
)
from .training import DivergenceError, new_history

__all__ = ["DivergenceError", "LogisticClassifier", "confusion_counts", "gradient_check"]


class LogisticClassifier(SoftmaxClassifier):
    """Multinomial logistic regression trained by (stochastic) gradient descent.

    Parameters
    ----------
    sigma : float, default 0.01
        Standard deviation of the Gaussian initial weights (see
        :func:`dlbasics.gaussian_init`); biases start at 0. Small sigma gives
        near-uniform first predictions and an initial loss near ``ln K``.
    seed : int, default 0
        Seeds both the initial weights and the SGD shuffling: the same seed
        and data give identical weights and history (on the same machine).
    n_classes : int or None, default None
        Number of classes K. None takes ``max(label) + 1`` from the training
        (and validation) labels at each :meth:`fit`; give it when the
        training labels may miss the highest classes.

    Attributes
    ----------
    W : ndarray of shape (n_features, n_classes) or None
        Weights; None until :meth:`fit` or :meth:`initialize`.
    b : ndarray of shape (n_classes,) or None
        Biases, same dtype as ``W``.
    history : dict of lists
        Filled by :meth:`fit`, one entry per epoch under the keys ``"epoch"``
        (1, 2, ...), ``"train_loss"``, ``"train_accuracy"``, ``"valid_loss"``
        and ``"valid_accuracy"``. The validation lists stay empty when no
        validation data is given.

    Notes
    -----
    Every :meth:`fit` starts afresh from ``seed`` (like scikit-learn without
    ``warm_start``): calling it twice gives the same model twice, never
    more training. Train longer with a larger ``epochs``.

    float32 input trains in float32 (about 1.5x faster; plenty for SGD);
    any other input trains in float64, which :func:`gradient_check` needs.

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> X = rng.normal(size=(200, 5))
    >>> y = (X[:, 0] > 0).astype(int)  # the class is the sign of the first feature
    >>> model = LogisticClassifier(seed=0).fit(X, y, epochs=50, learning_rate=1.0)
    >>> model.W.shape, model.predict(X[:4]).tolist(), y[:4].tolist()
    ((5, 2), [1, 1, 0, 0], [1, 1, 0, 0])
    >>> model.score(X, y) > 0.95
    True
    """

    PARAMS = ("W", "b")

    def __init__(self, sigma: float = 0.01, seed: int = 0, n_classes: int | None = None):
        self.sigma = check_real(sigma, "sigma", positive=False)
        self.seed = check_positive_int(seed, "seed", minimum=0)
        self.n_classes = (
            None if n_classes is None else check_positive_int(n_classes, "n_classes", minimum=2)
        )
        self.W = None
        self.b = None
        self.history = new_history()

    def __repr__(self) -> str:
        return (
            f"LogisticClassifier(sigma={self.sigma}, seed={self.seed}, n_classes={self.n_classes})"
        )

    def _initial_params(self, n_features, n_classes, dtype, rng):
        W = gaussian_init((n_features, n_classes), self.sigma, rng, dtype=dtype)
        return W, np.zeros(n_classes, dtype=dtype)

    @staticmethod
    def _check_memory(n_features: int, n_classes: int, dtype, batch_size: int = 0) -> None:
        """Refuse, before allocating, weights and batch work space that cannot fit in memory.

        Training holds ``PARAM_COPIES`` arrays of shape (n_features, n_classes) and
        three of shape (batch_size, n_classes): logits, log-probabilities, their gradient.
        """
        itemsize = np.dtype(dtype).itemsize
        nbytes = itemsize * n_classes * (PARAM_COPIES * n_features + 3 * batch_size)
        what = f"weights of shape ({n_features}, {n_classes})"
        check_training_memory(nbytes, what, "n_features or n_classes", batch_size)

    # --------------------------------------------------------------- the math

    @staticmethod
    def _logits(X, W, b):
        return X @ W + b

    @staticmethod
    def _forward_backward(X, y, W, b):
        """One forward and backward pass over the rows ``X`` with labels ``y``.

        Returns the summed loss, the number of correct predictions, and the gradient
        ``dW, db`` of the *mean* loss: with ``G = (S - L) / m``, ``dW = X^T G``, ``db = sum G``.
        """
        loss_sum, n_correct, G = loss_and_logit_gradient(X @ W + b, y)
        return loss_sum, n_correct, X.T @ G, G.sum(axis=0)

    def gradients(self, X, y) -> tuple[np.ndarray, np.ndarray]:
        r"""The analytic gradient of :meth:`loss` with respect to ``W`` and ``b``.

        With ``G = (softmax(X W + b) - one_hot(y)) / N``: ``dW = X^T G`` and
        ``db = G`` summed over samples.

        Returns
        -------
        dW : ndarray, shape of ``W``
        db : ndarray, shape of ``b``

        Examples
        --------
        >>> model = LogisticClassifier(sigma=0.0).initialize(n_features=1, n_classes=2)
        >>> dW, db = model.gradients([[2.0]], [0])  # S = (0.5, 0.5), L = (1, 0)
        >>> dW.tolist(), db.tolist()
        ([[-1.0, 1.0]], [-0.5, 0.5])
        """
        return super().gradients(X, y)


def confusion_counts(y_true, y_pred, n_classes: int = 10) -> np.ndarray:
    """Count matrix ``C[i, j]`` = number of samples of class ``i`` predicted as ``j``.

    The counts sum to the number of samples; the diagonal holds the correct ones.
    An ``n_classes`` whose matrix (``8 * n_classes**2`` bytes) cannot fit in the
    free memory is refused with a ValueError.

    Examples
    --------
    >>> confusion_counts([0, 0, 1], [0, 1, 1], n_classes=2).tolist()
    [[1, 1], [0, 1]]
    """
    n_classes = check_positive_int(n_classes, "n_classes")
    check_memory(8 * n_classes**2, f"a {n_classes} x {n_classes} count matrix", "n_classes")
    y_true = as_int_labels(y_true, "y_true", n_classes=n_classes)
    y_pred = as_int_labels(y_pred, "y_pred", n_classes=n_classes)
    if y_true.ndim != 1 or y_true.shape != y_pred.shape:
        raise ValueError(
            f"y_true and y_pred must be 1-D and of the same length, got shapes "
            f"{y_true.shape} and {y_pred.shape}"
        )
    return np.bincount(y_true * n_classes + y_pred, minlength=n_classes**2).reshape(
        n_classes, n_classes
    )
