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
"""

from __future__ import annotations

import warnings

import numpy as np
from threadpoolctl import threadpool_limits

from ._validation import (
    as_float_array,
    as_int_labels,
    check_memory,
    check_positive_int,
    check_real,
)
from .cross_entropy import cross_entropy_from_logits
from .initialization import gaussian_init
from .softmax import log_softmax, softmax

__all__ = ["DivergenceError", "LogisticClassifier", "confusion_counts", "gradient_check"]

HISTORY_KEYS = ("epoch", "train_loss", "train_accuracy", "valid_loss", "valid_accuracy")

# Inferred class counts above this are refused (a stray label id would otherwise
# allocate weights for every class up to it); give n_classes to go beyond.
MAX_INFERRED_CLASSES = 10_000
# fit stops when an epoch's training loss exceeds this many times
# max(initial loss, ln K). Healthy runs stay below about 20x (normalized letters
# at learning rate 1 peak near 17x ln 10 in their first epoch); diverging ones
# reach 1e3x and more within an epoch or two.
DIVERGENCE_FACTOR = 100
# fit also stops when the training loss has stayed above that starting value,
# max(initial loss, ln K), for this many epochs in a row: the steps make the model
# worse, not better, without blowing up (normalized letters at learning rate 0.5,
# full batch: 2.3, 4.0, 15, 22, 25, ...). A healthy run is above it for one epoch at
# most (a first large step overshoots, then the loss comes down); in a grid of
# course settings none was above it for two epochs in a row.
DIVERGENCE_PATIENCE = 3
# fit warns when the root-mean-square of X is above this: normalized inputs
# have about 1, raw 0..255 pixels about 100.
MAX_INPUT_RMS = 10.0
# Training holds about this many arrays the size of W at once: W, its gradient,
# the step learning_rate * dW, the published copy and the one it replaces.
_WEIGHT_COPIES = 5


class DivergenceError(FloatingPointError):
    """Training diverged: the loss became non-finite, far too large or stayed high (see ``fit``)."""


def _new_history() -> dict[str, list]:
    return {key: [] for key in HISTORY_KEYS}


def _epoch(X, y, W, b, learning_rate, batch_size, order) -> tuple[float, int]:
    """One pass of mini-batch gradient descent, updating ``W`` and ``b`` in place.

    ``order`` is a permutation of the rows (SGD), or None to take them in order.
    Returns the summed loss and the number of correct predictions, each measured
    on a batch just before the step it takes.
    """
    loss_sum, n_correct = 0.0, 0
    for start in range(0, len(X), batch_size):
        stop = start + batch_size
        rows = slice(start, stop) if order is None else order[start:stop]
        loss, correct, dW, db = _forward_backward(X[rows], y[rows], W, b)
        W -= learning_rate * dW
        b -= learning_rate * db
        loss_sum += loss
        n_correct += correct
    return loss_sum, n_correct


def _infer_n_classes(y: np.ndarray, y_valid: np.ndarray | None) -> int:
    """``max(label) + 1`` over the training and validation labels, refused above the bound."""
    for name, labels in (("y", y), ("y_valid", y_valid)):
        if labels is not None and labels.max() >= MAX_INFERRED_CLASSES:
            raise ValueError(
                f"{name} holds the label {labels.max()}, which would make {labels.max() + 1} "
                f"classes (more than MAX_INFERRED_CLASSES={MAX_INFERRED_CLASSES}); check the "
                "labels, or give LogisticClassifier(n_classes=...) if you mean it"
            )
    return int(max(y.max(), -1 if y_valid is None else y_valid.max())) + 1


def _warn_if_unnormalized(X: np.ndarray) -> None:
    with np.errstate(over="ignore"):
        rms = float(np.sqrt(np.vdot(X, X) / X.size))
    if rms > MAX_INPUT_RMS:
        warnings.warn(
            f"X looks unnormalized: the root-mean-square of its entries is {rms:.3g} "
            "(normalized inputs have about 1), and training is likely to diverge. Scale it "
            "first, e.g. with dlbasics.normalize_pixels (0..255 pixels) or dlbasics.standardize.",
            UserWarning,
            stacklevel=3,
        )


def _check_model_memory(n_features: int, n_classes: int, dtype, batch_size: int = 0) -> None:
    """Refuse, before allocating, weights and batch work space that cannot fit in memory.

    Training holds ``_WEIGHT_COPIES`` arrays of shape (n_features, n_classes) and
    three of shape (batch_size, n_classes): logits, log-probabilities, their gradient.
    """
    nbytes = np.dtype(dtype).itemsize * n_classes * (_WEIGHT_COPIES * n_features + 3 * batch_size)
    check_memory(nbytes, f"weights of shape ({n_features}, {n_classes})", "n_classes")


def _check_divergence(row: dict, history: dict, W, b, start_loss: float, learning_rate) -> None:
    """Raise DivergenceError if the epoch in ``row`` shows that training diverged.

    ``history`` holds the epochs before it; ``start_loss`` is max(initial loss, ln K).
    """
    losses = [*history["train_loss"], row["train_loss"]]
    recent = losses[-DIVERGENCE_PATIENCE:]
    finite = np.isfinite([row["train_loss"], row.get("valid_loss", 0.0)]).all()
    if not (finite and np.isfinite(W).all() and np.isfinite(b).all()):
        why = "the loss or the weights became inf or NaN"
    elif row["train_loss"] > DIVERGENCE_FACTOR * start_loss:
        limit = DIVERGENCE_FACTOR * start_loss
        why = f"more than {DIVERGENCE_FACTOR} x max(initial loss, ln K) = {limit:.4g}"
    elif len(recent) == DIVERGENCE_PATIENCE and min(recent) > start_loss:
        why = (
            f"above its starting value max(initial loss, ln K) = {start_loss:.4g} for "
            f"{DIVERGENCE_PATIENCE} epochs in a row ({', '.join(f'{x:.4g}' for x in recent)})"
        )
    else:
        return
    epoch = row["epoch"]
    kept = f"epoch {epoch - 1}" if epoch > 1 else "its state before this fit"
    raise DivergenceError(
        f"training diverged in epoch {epoch}: training loss {row['train_loss']:.4g}, {why}. "
        f"Try a smaller learning_rate (got {learning_rate:g}) or normalized inputs "
        f"(dlbasics.normalize_pixels, dlbasics.standardize). The model keeps {kept}."
    )


def _forward_backward(X, y, W, b):
    """One forward and backward pass over the rows ``X`` with labels ``y``.

    Returns the summed loss, the number of correct predictions, and the gradient
    ``dW, db`` of the *mean* loss: with ``G = (S - L) / m``, ``dW = X^T G``, ``db = sum G``.
    """
    m = len(y)
    rows = np.arange(m)
    logits = X @ W + b
    log_S = log_softmax(logits, axis=-1)
    loss_sum = -float(np.sum(log_S[rows, y], dtype=np.float64))
    n_correct = int(np.count_nonzero(np.argmax(logits, axis=-1) == y))
    G = np.exp(log_S)  # S = softmax(logits), from the log-probabilities the loss needed
    G[rows, y] -= 1  # S - L, without building the one-hot rows L
    G /= m
    return loss_sum, n_correct, X.T @ G, G.sum(axis=0)


class LogisticClassifier:
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

    def __init__(self, sigma: float = 0.01, seed: int = 0, n_classes: int | None = None):
        self.sigma = check_real(sigma, "sigma", positive=False)
        self.seed = check_positive_int(seed, "seed", minimum=0)
        self.n_classes = None if n_classes is None else check_positive_int(n_classes, "n_classes")
        self.W = None
        self.b = None
        self.history = _new_history()

    def __repr__(self) -> str:
        return (
            f"LogisticClassifier(sigma={self.sigma}, seed={self.seed}, n_classes={self.n_classes})"
        )

    # ------------------------------------------------------------------ setup

    def _initial_params(self, n_features, n_classes, dtype, rng):
        W = gaussian_init((n_features, n_classes), self.sigma, rng, dtype=dtype)
        return W, np.zeros(n_classes, dtype=dtype)

    def initialize(self, n_features: int, n_classes: int | None = None, *, dtype=np.float64):
        """Draw the initial weights without training, e.g. to look at first predictions.

        :meth:`fit` draws exactly these weights (for the same shape and dtype)
        before its first step.

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
                "n_classes is needed: give it here or to LogisticClassifier(n_classes=...)"
            )
        n_classes = check_positive_int(n_classes, "n_classes")
        try:
            dtype = np.dtype(dtype)
        except TypeError:
            raise TypeError(
                f"dtype must be numpy.float32 or numpy.float64, got {dtype!r}"
            ) from None
        if dtype not in (np.float32, np.float64):
            raise ValueError(f"dtype must be float32 or float64, got {dtype}")
        _check_model_memory(n_features, n_classes, dtype)
        rng = np.random.default_rng(self.seed)
        self.W, self.b = self._initial_params(n_features, n_classes, dtype, rng)
        self.history = _new_history()
        return self

    # ------------------------------------------------------------ validation

    def _check_fitted(self) -> None:
        if self.W is None:
            raise RuntimeError(
                "this LogisticClassifier has no weights yet; call fit() or initialize() first"
            )

    @staticmethod
    def _check_X(X, name: str = "X") -> np.ndarray:
        X = as_float_array(X, name)
        if X.ndim != 2:
            raise ValueError(
                f"{name} must be 2-D (n_samples, n_features), got shape {X.shape}; "
                "flatten images first, e.g. images.reshape(len(images), -1)"
            )
        if not np.isfinite(X).all():
            raise ValueError(f"{name} must not contain NaN or inf")
        return X

    def _check_input(self, X, name: str = "X") -> np.ndarray:
        self._check_fitted()
        X = self._check_X(X, name)
        if X.shape[1] != self.W.shape[0]:
            raise ValueError(
                f"{name} has {X.shape[1]} features, but the model has {self.W.shape[0]} "
                f"(W has shape {self.W.shape})"
            )
        return X

    @staticmethod
    def _check_y(y, X: np.ndarray, name: str, n_classes: int | None) -> np.ndarray:
        y = as_int_labels(y, name, n_classes=n_classes)
        if y.shape != (X.shape[0],):
            raise ValueError(
                f"{name} must have shape ({X.shape[0]},), one label per row of X, "
                f"got shape {y.shape}"
            )
        return y

    # --------------------------------------------------------------- the math

    def _logits(self, X: np.ndarray) -> np.ndarray:
        return X @ self.W + self.b

    def predict_proba(self, X) -> np.ndarray:
        """Class probabilities ``softmax(X @ W + b)``, one row per sample.

        Examples
        --------
        >>> model = LogisticClassifier(sigma=0.0).initialize(n_features=2, n_classes=4)
        >>> model.predict_proba([[1.0, 2.0]])  # zero weights: uniform
        array([[0.25, 0.25, 0.25, 0.25]])
        """
        return softmax(self._logits(self._check_input(X)), axis=-1)

    def predict(self, X) -> np.ndarray:
        """The most probable class of each sample (the first one on a tie).

        Examples
        --------
        >>> model = LogisticClassifier().initialize(n_features=2, n_classes=3)
        >>> model.b[:] = [0.0, 5.0, 0.0]
        >>> model.predict([[0.0, 0.0], [1.0, 1.0]]).tolist()
        [1, 1]
        """
        return np.argmax(self._logits(self._check_input(X)), axis=-1)

    def score(self, X, y) -> float:
        """Accuracy: the fraction of samples whose predicted class is the label.

        Examples
        --------
        >>> model = LogisticClassifier().initialize(n_features=2, n_classes=3)
        >>> model.b[:] = [0.0, 5.0, 0.0]
        >>> model.score([[0.0, 0.0], [1.0, 1.0]], [1, 2])
        0.5
        """
        X = self._check_input(X)
        y = self._check_y(y, X, "y", self.W.shape[1])
        return float(np.mean(np.argmax(self._logits(X), axis=-1) == y))

    def loss(self, X, y) -> float:
        """Mean cross-entropy of the predictions against labels ``y``, via ``log_softmax``.

        Examples
        --------
        >>> model = LogisticClassifier(sigma=0.0).initialize(n_features=2, n_classes=10)
        >>> round(model.loss([[1.0, 2.0]], [3]), 4)  # uniform predictions: ln 10
        2.3026
        """
        X = self._check_input(X)
        y = self._check_y(y, X, "y", self.W.shape[1])
        return cross_entropy_from_logits(self._logits(X), y)

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
        X = self._check_input(X)
        y = self._check_y(y, X, "y", self.W.shape[1])
        _, _, dW, db = _forward_backward(X, y, self.W, self.b)
        return dW, db

    # --------------------------------------------------------------- training

    def _check_fit_args(self, X, y, epochs, learning_rate, batch_size, X_valid, y_valid, callback):
        """Validate :meth:`fit`'s arguments and return them ready for training.

        Returns ``X, y, X_valid, y_valid, n_classes, epochs, learning_rate, batch_size``
        with ``X`` C-contiguous float32 or float64 and ``batch_size`` an int <= len(X).
        Refuses, before anything is allocated, weights that cannot fit in memory.
        """
        X = self._check_X(X, "X")
        # The same dtype and layout, the same rounding: any input gives one result.
        X = np.ascontiguousarray(X, dtype=np.float32 if X.dtype == np.float32 else np.float64)
        y = self._check_y(y, X, "y", self.n_classes)
        epochs = check_positive_int(epochs, "epochs")
        learning_rate = check_real(learning_rate, "learning_rate", positive=True)
        if batch_size is not None:
            batch_size = check_positive_int(batch_size, "batch_size")
        batch_size = len(X) if batch_size is None else min(batch_size, len(X))
        if callback is not None and not callable(callback):
            raise TypeError(
                f"callback must be callable as callback(epoch, history), "
                f"got {type(callback).__name__}"
            )
        if (X_valid is None) != (y_valid is None):
            raise ValueError("give both X_valid and y_valid, or neither")
        if X_valid is not None:
            X_valid = self._check_X(X_valid, "X_valid")
            if X_valid.shape[1] != X.shape[1]:
                raise ValueError(f"X_valid has {X_valid.shape[1]} features, but X has {X.shape[1]}")
            y_valid = self._check_y(y_valid, X_valid, "y_valid", self.n_classes)
        n_classes = self.n_classes or _infer_n_classes(y, y_valid)
        _check_model_memory(X.shape[1], n_classes, X.dtype, batch_size)
        return X, y, X_valid, y_valid, n_classes, epochs, learning_rate, batch_size

    def fit(
        self,
        X,
        y,
        *,
        epochs: int = 10,
        learning_rate: float = 0.05,
        batch_size: int | None = None,
        X_valid=None,
        y_valid=None,
        callback=None,
    ):
        """Train from freshly initialized weights by gradient descent on the mean cross-entropy.

        Parameters
        ----------
        X : array_like, shape (n_samples, n_features)
            Flattened, normalized inputs. float32 trains in float32, anything
            else in float64. NaN or inf is refused; a root-mean-square above
            ``MAX_INPUT_RMS`` (10, e.g. raw 0..255 pixels) gets a ``UserWarning``.
        y : array_like of int, shape (n_samples,)
            Class ids ``0 .. n_classes - 1``. With ``n_classes`` inferred, a
            label above ``MAX_INFERRED_CLASSES - 1`` (9999) is refused before
            anything is allocated.
        epochs : int, default 10
            Passes over the training data.
        learning_rate : float, default 0.05
            Step size, > 0. Each step is ``W -= learning_rate * dW`` with the
            gradient of the batch's *mean* loss, so it does not scale with the
            batch size. The default suits pixels scaled by
            :func:`dlbasics.normalize_pixels`: letter images are mostly dark
            background, so those inputs have a mean near -0.6, not 0, and a
            larger step makes the loss oscillate. Inputs with zero mean (subtract
            the training mean) take larger steps smoothly (notebook 05 measures it).
        batch_size : int or None, default None
            None: full-batch gradient descent, one step per epoch. An int:
            mini-batch SGD; every epoch visits the samples in a new random
            order (drawn from ``seed``) in batches of ``batch_size``, the last
            one possibly smaller.
        X_valid, y_valid : array_like, optional
            Validation data (give both), evaluated after every epoch.
        callback : callable, optional
            Called as ``callback(epoch, history)`` after every epoch, e.g. to
            draw a live loss curve or advance a progress bar.

        Returns
        -------
        self

        Raises
        ------
        DivergenceError
            After an epoch whose training loss exceeds ``DIVERGENCE_FACTOR`` (100)
            times its starting value ``max(initial loss, ln K)``, or whose loss or
            weights are not finite, or once the training loss has stayed above that
            starting value for ``DIVERGENCE_PATIENCE`` (3) epochs in a row: a
            learning rate too large, or unnormalized inputs. The message names the
            epoch, the losses and what to try.
        ValueError
            Besides bad arguments: if the weights and the work space of a batch
            (about ``8 * n_classes * (5 * n_features + 3 * batch_size)`` bytes in
            float64) would not fit in the free memory. Checked before allocating.

        Notes
        -----
        ``W``, ``b`` and ``history`` are published only when an epoch completes
        (before ``callback`` is called), so an exception at any point, a
        ``KeyboardInterrupt`` or a ``DivergenceError`` included, leaves the
        model as it was after the last completed epoch. Until the first epoch
        of this fit completes, that is the model from before the call (the
        previous fit, or no weights at all).

        ``history["train_loss"]`` and ``"train_accuracy"`` average over the
        samples of the epoch, each measured by the forward pass that trained
        on it, before that step's update (the running figures Keras reports).
        This costs nothing extra; an exact pass at the end of each epoch would
        add half an epoch's work. For full-batch gradient descent they are the
        exact values at the start of the epoch. The validation figures are
        exact, at the end of the epoch.

        Examples
        --------
        >>> rng = np.random.default_rng(0)
        >>> X = rng.normal(size=(300, 4)).astype(np.float32)
        >>> y = np.argmax(X[:, :3], axis=1)  # three classes
        >>> model = LogisticClassifier().fit(X, y, epochs=5, batch_size=32)
        >>> model.W.dtype, len(model.history["train_loss"])
        (dtype('float32'), 5)
        >>> model.history["train_loss"][-1] < model.history["train_loss"][0]
        True
        """
        X, y, X_valid, y_valid, n_classes, epochs, learning_rate, batch_size = self._check_fit_args(
            X, y, epochs, learning_rate, batch_size, X_valid, y_valid, callback
        )
        _warn_if_unnormalized(X)
        n, n_features = X.shape
        rng = np.random.default_rng(self.seed)
        W, b = self._initial_params(n_features, n_classes, X.dtype, rng)
        with np.errstate(all="ignore"):  # overflow means divergence: reported below
            start_loss = max(cross_entropy_from_logits(X @ W + b, y), np.log(n_classes))
        history = _new_history()

        # One BLAS thread: the per-batch products are small, so a second thread
        # saves less than it costs to wake (measured: an epoch is ~13% faster on
        # one thread here), it cannot be starved by other busy cores (2-50x slower
        # when the cores are oversubscribed), and results no longer depend on how
        # many cores the machine has, so stored notebook outputs reproduce.
        with threadpool_limits(limits=1, user_api="blas"):
            for epoch in range(1, epochs + 1):
                # One batch (gradient descent) needs no shuffle; SGD visits a new order each epoch.
                order = rng.permutation(n) if batch_size < n else None
                with np.errstate(all="ignore"):  # as above: overflow is checked once per epoch
                    loss_sum, n_correct = _epoch(X, y, W, b, learning_rate, batch_size, order)
                    row = dict(epoch=epoch, train_loss=loss_sum / n, train_accuracy=n_correct / n)
                    if X_valid is not None:
                        z = X_valid @ W + b
                        row["valid_loss"] = cross_entropy_from_logits(z, y_valid)
                        row["valid_accuracy"] = float(np.mean(np.argmax(z, axis=-1) == y_valid))
                _check_divergence(row, history, W, b, start_loss, learning_rate)
                # Publish the completed epoch (nothing above touched the model itself).
                for key, value in row.items():
                    history[key].append(value)
                self.W, self.b, self.history = W.copy(), b.copy(), history
                if callback is not None:
                    callback(epoch, self.history)
        return self


def gradient_check(model, X, y, *, n_checks: int = 20, eps: float = 1e-6, seed: int = 0) -> float:
    r"""Compare ``model.gradients`` with centred finite differences of ``model.loss``.

    For ``n_checks`` random entries of ``W`` and every entry of ``b``, the
    numerical derivative :math:`(\ell(w + h) - \ell(w - h)) / 2h` is compared
    with the analytic one.

    Parameters
    ----------
    model : LogisticClassifier
        Initialized or fitted, with float64 weights (``W`` and ``b`` are
        perturbed in place and restored).
    X : array_like of float64, shape (n_samples, n_features)
    y : array_like of int, shape (n_samples,)
    n_checks : int, default 20
        How many entries of ``W`` to check (all of them if ``W`` has fewer).
    eps : float, default 1e-6
        The step ``h``. Truncation error shrinks as ``h**2``, round-off grows
        as ``1e-16 / h``; 1e-6 keeps both small in float64.
    seed : int, default 0
        Chooses which entries of ``W`` are checked.

    Returns
    -------
    float
        The largest relative error ``|a - n| / max(|a| + |n|, tiny)`` over the
        checked entries. About 1e-7 or less means the gradient is right; above
        1e-3 something is wrong.

    Raises
    ------
    ValueError
        If ``X`` or the weights are not float64. In float32 the loss carries
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
    >>> rng = np.random.default_rng(0)
    >>> X, y = rng.normal(size=(20, 6)), rng.integers(0, 3, size=20)
    >>> model = LogisticClassifier(sigma=0.1).initialize(n_features=6, n_classes=3)
    >>> gradient_check(model, X, y) < 1e-7
    True
    """
    if not isinstance(model, LogisticClassifier):
        raise TypeError(
            "model must be a LogisticClassifier (initialized or fitted), "
            f"got {type(model).__name__}"
        )
    model._check_fitted()
    X = as_float_array(X, "X")
    if X.dtype != np.float64:
        raise ValueError(
            f"X must be float64 for a finite-difference check, got {X.dtype}; "
            "pass X.astype(np.float64)"
        )
    if model.W.dtype != np.float64 or model.b.dtype != np.float64:
        raise ValueError(
            f"the model's weights must be float64 for a finite-difference check, got "
            f"{model.W.dtype}; use initialize(..., dtype=np.float64) or fit on float64 X"
        )
    n_checks = check_positive_int(n_checks, "n_checks")
    eps = check_real(eps, "eps", positive=True)
    seed = check_positive_int(seed, "seed", minimum=0)

    dW, db = model.gradients(X, y)
    rng = np.random.default_rng(seed)
    picks = rng.choice(model.W.size, size=min(n_checks, model.W.size), replace=False)
    checks = [(model.W, np.unravel_index(i, model.W.shape), dW) for i in picks]
    checks += [(model.b, (j,), db) for j in range(model.b.size)]

    worst = 0.0
    for param, index, grad in checks:
        saved = param[index]
        param[index] = saved + eps
        loss_plus = model.loss(X, y)
        param[index] = saved - eps
        loss_minus = model.loss(X, y)
        param[index] = saved
        numerical = (loss_plus - loss_minus) / (2 * eps)
        analytic = float(grad[index])
        scale = max(abs(analytic) + abs(numerical), np.finfo(np.float64).tiny)
        worst = max(worst, abs(analytic - numerical) / scale)
    return worst


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
