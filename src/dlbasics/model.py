"""What the course's classifiers share: logits, softmax on top, and ``fit`` by the epoch loop.

A model (:class:`dlbasics.classifier.LogisticClassifier`,
:class:`dlbasics.network.HiddenLayerClassifier`) names its parameters and
supplies its forward pass (the logits) and its forward-and-backward pass over
a batch; predictions, the loss, the checks on inputs and training come from
here and from :mod:`dlbasics.training`, so both models behave the same.
"""

from __future__ import annotations

import numpy as np

from ._memory import check_memory
from ._validation import as_float_array, check_positive_int, check_real
from .cross_entropy import cross_entropy_from_logits
from .softmax import log_softmax, softmax
from .training import (
    check_dtype,
    check_fit_args,
    check_X,
    check_y,
    infer_n_classes,
    new_history,
    train,
    warn_if_unnormalized,
)

__all__ = ["PARAM_COPIES", "SoftmaxClassifier", "gradient_check", "loss_and_logit_gradient"]

# Training holds about this many copies of the parameters at once (the memory checks count
# them): the parameters, their gradients, the steps, the published copy and the one it replaces.
PARAM_COPIES = 5


def check_training_memory(nbytes: int, weights: str, sizes: str, batch_size: int = 0) -> None:
    """Refuse ``nbytes`` for ``weights`` (their shapes) that cannot fit, naming what to shrink:
    ``sizes``, the arguments that set the shapes, and in ``fit`` (``batch_size`` > 0) the
    batches, whose work space counts too.
    """
    if batch_size:
        weights += f" and the work space of batches of {batch_size}"
        sizes = f"batch_size, or {sizes}"
    check_memory(nbytes, weights, sizes)


def loss_and_logit_gradient(logits: np.ndarray, y: np.ndarray) -> tuple[float, int, np.ndarray]:
    """The top of every backward pass: softmax, cross-entropy and its gradient at the logits.

    Returns the summed loss over the rows, the number of correct predictions,
    and ``G = (S - L) / m``, the gradient of the *mean* loss with respect to
    the logits (``S`` the softmax, ``L`` the one-hot labels, ``m`` rows).
    """
    m = len(y)
    rows = np.arange(m)
    log_S = log_softmax(logits, axis=-1)
    loss_sum = -float(np.sum(log_S[rows, y], dtype=np.float64))
    n_correct = int(np.count_nonzero(np.argmax(logits, axis=-1) == y))
    G = np.exp(log_S)  # S = softmax(logits), from the log-probabilities the loss needed
    G[rows, y] -= 1  # S - L, without building the one-hot rows L
    G /= m
    return loss_sum, n_correct, G


class SoftmaxClassifier:
    """The interface of a classifier trained by gradient descent on the mean cross-entropy.

    Subclasses set ``PARAMS`` (the names of the parameter attributes, in the
    order ``gradients`` returns them) and define ``_initial_params``,
    ``_logits``, ``_forward_backward`` and ``_check_memory``.
    """

    PARAMS: tuple[str, ...] = ()

    @property
    def _params(self) -> tuple:
        return tuple(getattr(self, name) for name in self.PARAMS)

    def _publish(self, params, history) -> None:
        for name, value in zip(self.PARAMS, params, strict=True):
            setattr(self, name, value)
        self.history = history

    def initialize(self, n_features: int, n_classes: int | None = None, *, dtype=np.float64):
        """Draw the initial parameters without training, e.g. to look at first predictions.

        :meth:`fit` draws exactly these parameters (for the same shape and
        dtype) before its first step.

        Parameters
        ----------
        n_features : int
            Inputs per sample, e.g. 784 for 28x28 images.
        n_classes : int, optional
            Defaults to the ``n_classes`` given to the constructor; one of the
            two is needed.
        dtype : {numpy.float64, numpy.float32}, default float64

        Returns
        -------
        self

        Examples
        --------
        >>> from dlbasics.classifier import LogisticClassifier
        >>> model = LogisticClassifier(sigma=0.01).initialize(n_features=784, n_classes=10)
        >>> X = np.random.default_rng(1).uniform(-1, 1, size=(2, 784))  # like normalized pixels
        >>> P = model.predict_proba(X)
        >>> P.shape, round(float(P.min()), 2), round(float(P.max()), 2)  # all near 1/10
        ((2, 10), 0.07, 0.14)
        """
        n_features = check_positive_int(n_features, "n_features")
        if n_classes is None:
            n_classes = self.n_classes
        if n_classes is None:
            raise ValueError(
                f"n_classes is needed: give it here or to {type(self).__name__}(n_classes=...)"
            )
        # One class would make every prediction certain and the loss 0: nothing to learn.
        n_classes = check_positive_int(n_classes, "n_classes", minimum=2)
        dtype = check_dtype(dtype)
        self._check_memory(n_features, n_classes, dtype)
        rng = np.random.default_rng(self.seed)
        self._publish(self._initial_params(n_features, n_classes, dtype, rng), new_history())
        return self

    # ------------------------------------------------------------ validation

    def _check_fitted(self) -> None:
        if getattr(self, self.PARAMS[0]) is None:
            raise RuntimeError(
                f"this {type(self).__name__} has no weights yet; call fit() or initialize() first"
            )

    def _check_input(self, X, name: str = "X") -> np.ndarray:
        self._check_fitted()
        X = check_X(X, name)
        first = getattr(self, self.PARAMS[0])
        if X.shape[1] != first.shape[0]:
            raise ValueError(
                f"{name} has {X.shape[1]} features, but the model has {first.shape[0]} "
                f"({self.PARAMS[0]} has shape {first.shape})"
            )
        return X

    def _check_labelled(self, X, y) -> tuple[np.ndarray, np.ndarray]:
        X = self._check_input(X)
        return X, check_y(y, X, "y", self._params[-1].shape[-1])

    # --------------------------------------------------------------- predictions

    def predict_proba(self, X) -> np.ndarray:
        """Class probabilities, the softmax of the logits, one row per sample.

        Examples
        --------
        >>> from dlbasics.classifier import LogisticClassifier
        >>> model = LogisticClassifier(sigma=0.0).initialize(n_features=2, n_classes=4)
        >>> model.predict_proba([[1.0, 2.0]])  # zero weights: uniform
        array([[0.25, 0.25, 0.25, 0.25]])
        """
        return softmax(self._logits(self._check_input(X), *self._params), axis=-1)

    def predict(self, X) -> np.ndarray:
        """The most probable class of each sample (the first one on a tie).

        Examples
        --------
        >>> from dlbasics.classifier import LogisticClassifier
        >>> model = LogisticClassifier().initialize(n_features=2, n_classes=3)
        >>> model.b[:] = [0.0, 5.0, 0.0]
        >>> model.predict([[0.0, 0.0], [1.0, 1.0]]).tolist()
        [1, 1]
        """
        return np.argmax(self._logits(self._check_input(X), *self._params), axis=-1)

    def score(self, X, y) -> float:
        """Accuracy: the fraction of samples whose predicted class is the label.

        Examples
        --------
        >>> from dlbasics.classifier import LogisticClassifier
        >>> model = LogisticClassifier().initialize(n_features=2, n_classes=3)
        >>> model.b[:] = [0.0, 5.0, 0.0]
        >>> model.score([[0.0, 0.0], [1.0, 1.0]], [1, 2])
        0.5
        """
        X, y = self._check_labelled(X, y)
        return float(np.mean(np.argmax(self._logits(X, *self._params), axis=-1) == y))

    def loss(self, X, y) -> float:
        """Mean cross-entropy of the predictions against labels ``y``, via ``log_softmax``.

        Examples
        --------
        >>> from dlbasics.classifier import LogisticClassifier
        >>> model = LogisticClassifier(sigma=0.0).initialize(n_features=2, n_classes=10)
        >>> round(model.loss([[1.0, 2.0]], [3]), 4)  # uniform predictions: ln 10
        2.3026
        """
        X, y = self._check_labelled(X, y)
        return cross_entropy_from_logits(self._logits(X, *self._params), y)

    def gradients(self, X, y) -> tuple[np.ndarray, ...]:
        """The analytic gradient of :meth:`loss`, one array per parameter, in ``PARAMS`` order."""
        X, y = self._check_labelled(X, y)
        _, _, *grads = self._forward_backward(X, y, *self._params)
        return tuple(grads)

    # ------------------------------------------------------------------ training

    def fit(self, X, y, *, epochs: int = 10, learning_rate: float = 0.05,
            batch_size: int | None = None, X_valid=None, y_valid=None, callback=None):  # fmt: skip
        """Train from freshly initialized parameters by gradient descent on the mean cross-entropy.

        Every call starts afresh from ``seed``: the same seed and data give the
        same model, never more training (train longer with a larger ``epochs``).

        Parameters
        ----------
        X : array_like, shape (n_samples, n_features)
            Flattened, normalized inputs, finite. float32 trains in float32,
            anything else in float64.
        y : array_like of int, shape (n_samples,)
            Class ids ``0 .. n_classes - 1``.
        epochs : int, default 10
            Passes over the training data.
        learning_rate : float, default 0.05
            Step size, > 0: each step subtracts ``learning_rate`` times the
            gradient of the batch's *mean* loss.
        batch_size : int or None, default None
            None: full-batch gradient descent, one step per epoch. An int:
            mini-batch SGD, the samples in a new order (drawn from ``seed``)
            every epoch, the last batch possibly smaller.
        X_valid, y_valid : array_like, optional
            Validation data (give both), evaluated after every epoch.
        callback : callable, optional
            Called as ``callback(epoch, history)`` after every epoch.

        Returns
        -------
        self
            With the parameters and ``history`` (one entry per epoch under
            ``"epoch"``, ``"train_loss"``, ``"train_accuracy"``, ``"valid_loss"``,
            ``"valid_accuracy"``) of the last *completed* epoch: an exception,
            ``KeyboardInterrupt`` included, leaves the model as it was then.

        Raises
        ------
        DivergenceError
            When the training loss exceeds 100 x max(initial loss, ln K), stops
            being finite, or stays above max(initial loss, ln K) for 3 epochs
            in a row (:mod:`dlbasics.training` explains the rule).
        ValueError, TypeError
            For a bad argument, naming it; for a label above 9999 with
            ``n_classes`` inferred, or parameters too large for the free
            memory, before anything is allocated.

        Warns
        -----
        UserWarning
            If the root-mean-square of ``X`` is above 10 (e.g. raw 0..255 pixels).

        Examples
        --------
        >>> from dlbasics.classifier import LogisticClassifier
        >>> rng = np.random.default_rng(0)
        >>> X = rng.normal(size=(300, 4)).astype(np.float32)
        >>> y = np.argmax(X[:, :3], axis=1)  # three classes
        >>> model = LogisticClassifier().fit(X, y, epochs=5, batch_size=32)
        >>> model.W.dtype, len(model.history["train_loss"])
        (dtype('float32'), 5)
        >>> model.history["train_loss"][-1] < model.history["train_loss"][0]
        True
        """
        X, y, X_valid, y_valid, epochs, learning_rate, batch_size = check_fit_args(
            X, y, epochs, learning_rate, batch_size, X_valid, y_valid, callback, self.n_classes
        )
        n_classes = self.n_classes or infer_n_classes(y, y_valid, type(self).__name__)
        self._check_memory(X.shape[1], n_classes, X.dtype, batch_size)
        warn_if_unnormalized(X)
        rng = np.random.default_rng(self.seed)
        params = self._initial_params(X.shape[1], n_classes, X.dtype, rng)
        train(X, y, params, self._logits, self._forward_backward, epochs=epochs,
              learning_rate=learning_rate, batch_size=batch_size, X_valid=X_valid,
              y_valid=y_valid, publish=self._publish, callback=callback, seed_rng=rng)  # fmt: skip
        return self


def gradient_check(model, X, y, *, n_checks: int = 20, eps: float = 1e-6, seed: int = 0) -> float:
    r"""Compare ``model.gradients`` with centred finite differences of ``model.loss``.

    For ``n_checks`` random entries of every parameter (every entry of a
    parameter with fewer, such as the biases ``b``), the numerical derivative
    :math:`(\ell(w + h) - \ell(w - h)) / 2h` is compared with the analytic one.

    Parameters
    ----------
    model : LogisticClassifier or HiddenLayerClassifier
        Initialized or fitted, with float64 parameters (perturbed in place and
        restored).
    X : array_like of float64, shape (n_samples, n_features)
    y : array_like of int, shape (n_samples,)
    n_checks : int, default 20
        How many entries of each parameter to check.
    eps : float, default 1e-6
        The step ``h``. Truncation error shrinks as ``h**2``, round-off grows
        as ``1e-16 / h``; 1e-6 keeps both small in float64.
    seed : int, default 0
        Chooses which entries are checked.

    Returns
    -------
    float
        The largest relative error ``|a - n| / max(|a| + |n|, tiny)`` over the
        checked entries. About 1e-7 or less means the gradient is right; above
        1e-3 something is wrong.

    Raises
    ------
    ValueError
        If ``X`` or the parameters are not float64. In float32 the loss carries
        round-off near 1e-7, which a step of 1e-6 turns into errors near 0.1 in
        the numerical derivative: the check would fail a correct gradient. It
        refuses rather than silently casting, so that what it checks is the
        model you pass. Use ``X.astype(np.float64)`` and a model from
        ``initialize(..., dtype=np.float64)`` or fitted on float64 data.

    Notes
    -----
    The numerical derivative carries round-off of about ``1e-16 * loss / eps``
    (about 5e-10 for a loss near ln 10 and the default ``eps``), so an entry
    with a very small true gradient gets a larger relative error even when the
    code is right: around 1e-6 for gradients near 1e-3 (typical on image data,
    where many pixels are nearly constant), and near 1 for a gradient that is
    exactly 0 (zero weights and perfectly balanced classes give ``db = 0``).
    Check at a random initialization (``sigma > 0``) on a random sample of the
    data.

    Examples
    --------
    >>> from dlbasics.classifier import LogisticClassifier
    >>> rng = np.random.default_rng(0)
    >>> X, y = rng.normal(size=(20, 6)), rng.integers(0, 3, size=20)
    >>> model = LogisticClassifier(sigma=0.1).initialize(n_features=6, n_classes=3)
    >>> gradient_check(model, X, y) < 1e-7
    True
    """
    if not isinstance(model, SoftmaxClassifier):
        raise TypeError(
            "model must be a LogisticClassifier or a HiddenLayerClassifier (initialized or "
            f"fitted), got {type(model).__name__}"
        )
    model._check_fitted()
    X = as_float_array(X, "X")
    if X.dtype != np.float64:
        raise ValueError(
            f"X must be float64 for a finite-difference check, got {X.dtype}; "
            "pass X.astype(np.float64)"
        )
    params = model._params
    for name, param in zip(model.PARAMS, params, strict=True):
        if param.dtype != np.float64:
            raise ValueError(
                f"the model's weights must be float64 for a finite-difference check, got "
                f"{name} in {param.dtype}; use initialize(..., dtype=np.float64) or fit on "
                "float64 X"
            )
    n_checks = check_positive_int(n_checks, "n_checks")
    eps = check_real(eps, "eps", positive=True)
    seed = check_positive_int(seed, "seed", minimum=0)

    grads = model.gradients(X, y)
    rng = np.random.default_rng(seed)
    checks = []
    for param, grad in zip(params, grads, strict=True):
        picks = (
            range(param.size)
            if param.size <= n_checks
            else rng.choice(param.size, size=n_checks, replace=False)
        )
        checks += [(param, np.unravel_index(i, param.shape), grad) for i in picks]

    worst = 0.0
    for param, index, grad in checks:
        saved = param[index]
        try:  # the model is the caller's: it gets its weight back, even on an interrupt
            param[index] = saved + eps
            loss_plus = model.loss(X, y)
            param[index] = saved - eps
            loss_minus = model.loss(X, y)
        finally:
            param[index] = saved
        numerical = (loss_plus - loss_minus) / (2 * eps)
        analytic = float(grad[index])
        scale = max(abs(analytic) + abs(numerical), np.finfo(np.float64).tiny)
        worst = max(worst, abs(analytic - numerical) / scale)
    return worst
