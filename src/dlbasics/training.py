"""Training by gradient descent, shared by every classifier of the course.

What does not depend on the model lives here: the checks on ``fit``'s
arguments, the history of an epoch, the rule that declares training diverged
(:class:`DivergenceError`), and the epoch loop itself. A model brings only its
parameters and one function, the forward and backward pass over a batch.

Notes
-----
**The divergence rule.** ``fit`` stops when an epoch's training loss exceeds
``DIVERGENCE_FACTOR`` (100) times its starting value ``max(initial loss, ln K)``,
when the loss or the parameters stop being finite, or when the training loss has
stayed above that starting value (by more than ``DIVERGENCE_MARGIN``, 1 %) for
``DIVERGENCE_PATIENCE`` (3) epochs in a row. How the numbers were chosen:
healthy runs stay below about 20x (normalized letters at learning rate 1 peak
near 17x ln 10 in their first epoch); diverging ones reach 1e3x and more within
an epoch or two. Some runs get worse without blowing up (normalized letters at
learning rate 0.5, full batch: 2.3, 4.0, 15, 22, 25, ...): the patience rule
catches those. A healthy run is above its start for one epoch at most (a first
large step overshoots, then the loss comes down); in a grid of the course's
settings none was above it for two epochs in a row. The margin spares a run that
has not begun to learn: a hidden layer started with sigma 0.01 on notebook 06's
rings stays within 0.2 % of ln 2 for its first epochs, then learns (93 % of the
training points right after 30).

**Running figures.** ``history["train_loss"]`` and ``"train_accuracy"`` average
over the samples of the epoch, each measured by the forward pass that trained
on it, before that step's update (the running figures Keras reports). This
costs nothing extra; an exact pass at the end of each epoch would add half an
epoch's work. For full-batch gradient descent they are the exact values at the
start of the epoch. The validation figures are exact, at the end of the epoch.

**The default learning rate** (0.05) suits pixels scaled by
:func:`dlbasics.normalize_pixels`: letter images are mostly dark background,
so those inputs have a mean near -0.6, not 0, and a larger step makes the loss
oscillate. Inputs with zero mean (subtract the training mean) take larger
steps smoothly (notebook 05 measures it).

**One BLAS thread.** The per-batch products are small, so a second thread saves
less than it costs to wake (measured: an epoch is ~13% faster on one thread
here), it cannot be starved by other busy cores (2-50x slower when the cores are
oversubscribed), and results no longer depend on how many cores the machine
has, so stored notebook outputs reproduce.
"""

from __future__ import annotations

import warnings

import numpy as np

from ._threads import one_blas_thread
from ._validation import (
    as_float_array,
    as_int_labels,
    check_finite,
    check_positive_int,
    check_real,
)
from .cross_entropy import cross_entropy_from_logits

__all__ = ["DivergenceError", "HISTORY_KEYS", "train"]

HISTORY_KEYS = ("epoch", "train_loss", "train_accuracy", "valid_loss", "valid_accuracy")

# Inferred class counts above this are refused (a stray label id would otherwise
# allocate weights for every class up to it); give n_classes to go beyond.
MAX_INFERRED_CLASSES = 10_000
# The divergence rule (see the module notes for how these were chosen).
DIVERGENCE_FACTOR = 100
DIVERGENCE_PATIENCE = 3
# "Above its start" means by more than this fraction: a loss that stays at its start (a
# model that has not begun to learn, such as a hidden layer started with a tiny sigma)
# wobbles a hair above and below it, and has not diverged.
DIVERGENCE_MARGIN = 0.01
# fit warns when the root-mean-square of X is above this: normalized inputs
# have about 1, raw 0..255 pixels about 100.
MAX_INPUT_RMS = 10.0


class DivergenceError(FloatingPointError):
    """Training diverged: the loss or the weights became non-finite, or the loss far too large or
    stayed high (see ``fit``, and ``dlbasics.descent.gradient_descent``)."""


def new_history() -> dict[str, list]:
    return {key: [] for key in HISTORY_KEYS}


# ------------------------------------------------------------------ input checks


def check_X(X, name: str = "X") -> np.ndarray:
    """A finite 2-D float array (samples in rows), or an error naming ``name``."""
    X = as_float_array(X, name)
    if X.ndim != 2:
        raise ValueError(
            f"{name} must be 2-D (n_samples, n_features), got shape {X.shape}; "
            "flatten images first, e.g. images.reshape(len(images), -1)"
        )
    return check_finite(X, name)


def check_y(y, X: np.ndarray, name: str, n_classes: int | None, X_name: str = "X") -> np.ndarray:
    """Integer class ids, one per row of ``X``, or an error naming ``name`` (and ``X_name``)."""
    y = as_int_labels(y, name, n_classes=n_classes)
    if y.shape != (X.shape[0],):
        raise ValueError(
            f"{name} must have shape ({X.shape[0]},), one label per row of {X_name}, "
            f"got shape {y.shape}"
        )
    return y


def check_dtype(dtype) -> np.dtype:
    """float32 or float64, the two precisions the models train in."""
    try:
        dtype = np.dtype(dtype)
    except TypeError:
        raise TypeError(f"dtype must be numpy.float32 or numpy.float64, got {dtype!r}") from None
    if dtype not in (np.float32, np.float64):
        raise ValueError(f"dtype must be float32 or float64, got {dtype}")
    return dtype


def infer_n_classes(y: np.ndarray, y_valid: np.ndarray | None, model: str) -> int:
    """``max(label) + 1`` over the training and validation labels, refused above the bound
    and below two (with one class every prediction is certain and the loss 0: nothing to learn)."""
    for name, labels in (("y", y), ("y_valid", y_valid)):
        if labels is not None and labels.max() >= MAX_INFERRED_CLASSES:
            raise ValueError(
                f"{name} holds the label {labels.max()}, which would make {labels.max() + 1} "
                f"classes (more than MAX_INFERRED_CLASSES={MAX_INFERRED_CLASSES}); check the "
                f"labels, or give {model}(n_classes=...) if you mean it"
            )
    n_classes = int(max(y.max(), -1 if y_valid is None else y_valid.max())) + 1
    if n_classes < 2:
        raise ValueError(
            "y holds only the label 0, one class: a classifier needs at least two. Check the "
            f"labels, or give {model}(n_classes=...) if the other classes are just missing here"
        )
    return n_classes


def warn_if_unnormalized(X: np.ndarray) -> None:
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


def check_fit_args(X, y, epochs, learning_rate, batch_size, X_valid, y_valid, callback, n_classes):
    """Validate ``fit``'s arguments and return them ready for training.

    Returns ``X, y, X_valid, y_valid, epochs, learning_rate, batch_size`` with
    ``X`` C-contiguous float32 or float64 and ``batch_size`` an int <= len(X).
    ``n_classes`` (or None) bounds the labels.
    """
    X = check_X(X, "X")
    # The same dtype and layout, the same rounding: any input gives one result.
    X = np.ascontiguousarray(X, dtype=np.float32 if X.dtype == np.float32 else np.float64)
    y = check_y(y, X, "y", n_classes)
    epochs = check_positive_int(epochs, "epochs")
    learning_rate = check_real(learning_rate, "learning_rate", positive=True)
    if batch_size is not None:
        batch_size = check_positive_int(batch_size, "batch_size")
    batch_size = len(X) if batch_size is None else min(batch_size, len(X))
    if callback is not None and not callable(callback):
        raise TypeError(
            f"callback must be callable as callback(epoch, history), got {type(callback).__name__}"
        )
    if (X_valid is None) != (y_valid is None):
        raise ValueError("give both X_valid and y_valid, or neither")
    if X_valid is not None:
        X_valid = check_X(X_valid, "X_valid")
        if X_valid.shape[1] != X.shape[1]:
            raise ValueError(f"X_valid has {X_valid.shape[1]} features, but X has {X.shape[1]}")
        y_valid = check_y(y_valid, X_valid, "y_valid", n_classes, X_name="X_valid")
    return X, y, X_valid, y_valid, epochs, learning_rate, batch_size


# ------------------------------------------------------------ the divergence rule


def check_divergence(row: dict, history: dict, params, start_loss: float, learning_rate) -> None:
    """Raise DivergenceError if the epoch in ``row`` shows that training diverged.

    ``history`` holds the epochs before it, ``params`` the parameters after it;
    ``start_loss`` is max(initial loss, ln K).
    """
    losses = [*history["train_loss"], row["train_loss"]]
    recent = losses[-DIVERGENCE_PATIENCE:]
    finite = np.isfinite([row["train_loss"], row.get("valid_loss", 0.0)]).all()
    if not (finite and all(np.isfinite(p).all() for p in params)):
        why = "the loss or the weights became inf or NaN"
    elif row["train_loss"] > DIVERGENCE_FACTOR * start_loss:
        limit = DIVERGENCE_FACTOR * start_loss
        why = f"more than {DIVERGENCE_FACTOR} x max(initial loss, ln K) = {limit:.4g}"
    elif len(recent) == DIVERGENCE_PATIENCE and min(recent) > (1 + DIVERGENCE_MARGIN) * start_loss:
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


# ---------------------------------------------------------------- the epoch loop


def run_epoch(X, y, params, forward_backward, learning_rate, batch_size, order):
    """One pass of mini-batch gradient descent, updating ``params`` in place.

    ``forward_backward(X, y, *params)`` returns a batch's summed loss, its number
    of correct predictions and the gradients of its *mean* loss, in the order of
    ``params``. ``order`` is a permutation of the rows (SGD), or None to take
    them in order. Returns the summed loss and the number of correct predictions.
    """
    loss_sum, n_correct = 0.0, 0
    for start in range(0, len(X), batch_size):
        stop = start + batch_size
        rows = slice(start, stop) if order is None else order[start:stop]
        loss, correct, *grads = forward_backward(X[rows], y[rows], *params)
        for param, grad in zip(params, grads, strict=True):
            param -= learning_rate * grad
        loss_sum += loss
        n_correct += correct
    return loss_sum, n_correct


def train(X, y, params, logits, forward_backward, *, epochs, learning_rate, batch_size,
          X_valid, y_valid, publish, callback, seed_rng):  # fmt: skip
    """The epoch loop of ``fit``: train ``params`` in place, publishing each completed epoch.

    ``logits(X, *params)`` is the model's forward pass; ``publish(params, history)``
    stores copies in the model after every epoch that passed the divergence
    rule, before ``callback(epoch, history)``. ``seed_rng`` draws the SGD orders.
    """
    n, n_classes = len(X), params[-1].shape[-1]
    with np.errstate(all="ignore"):  # overflow means divergence: reported below
        start_loss = max(cross_entropy_from_logits(logits(X, *params), y), np.log(n_classes))
    history = new_history()
    with one_blas_thread():  # why: see the module notes
        for epoch in range(1, epochs + 1):
            # One batch (gradient descent) needs no shuffle; SGD visits a new order each epoch.
            order = seed_rng.permutation(n) if batch_size < n else None
            with np.errstate(all="ignore"):  # as above: overflow is checked once per epoch
                loss_sum, n_correct = run_epoch(
                    X, y, params, forward_backward, learning_rate, batch_size, order
                )
                row = dict(epoch=epoch, train_loss=loss_sum / n, train_accuracy=n_correct / n)
                if X_valid is not None:
                    z = logits(X_valid, *params)
                    row["valid_loss"] = cross_entropy_from_logits(z, y_valid)
                    row["valid_accuracy"] = float(np.mean(np.argmax(z, axis=-1) == y_valid))
            check_divergence(row, history, params, start_loss, learning_rate)
            # Publish the completed epoch (nothing above touched the model itself).
            for key, value in row.items():
                history[key].append(value)
            publish([p.copy() for p in params], history)
            if callback is not None:
                callback(epoch, history)
