"""Tests for dlbasics.classifier: the math, the training loop, and every refusal."""

import math
import tracemalloc

import numpy as np
import pytest
import scipy.optimize
import scipy.special

from dlbasics import _memory
from dlbasics.classifier import (
    DivergenceError,
    LogisticClassifier,
    confusion_counts,
    gradient_check,
)
from dlbasics.network import HiddenLayerClassifier


def blobs(n=120, n_features=6, n_classes=3, seed=0, dtype=np.float64):
    """Separable-ish Gaussian blobs: a small problem every test can afford."""
    rng = np.random.default_rng(seed)
    y = np.arange(n) % n_classes
    centres = rng.normal(scale=2.0, size=(n_classes, n_features))
    X = centres[y] + rng.normal(size=(n, n_features))
    return X.astype(dtype), y


# ---------------------------------------------------------------- shapes, dtypes


def test_shapes_after_fit():
    X, y = blobs(n=90, n_features=5, n_classes=3)
    model = LogisticClassifier().fit(X, y, epochs=3)
    assert model.W.shape == (5, 3) and model.b.shape == (3,)
    proba = model.predict_proba(X[:7])
    assert proba.shape == (7, 3)
    np.testing.assert_allclose(proba.sum(axis=1), 1.0)
    pred = model.predict(X[:7])
    assert pred.shape == (7,) and np.issubdtype(pred.dtype, np.integer)
    assert isinstance(model.score(X, y), float) and isinstance(model.loss(X, y), float)
    dW, db = model.gradients(X, y)
    assert dW.shape == model.W.shape and db.shape == model.b.shape


def test_no_weights_before_fit():
    model = LogisticClassifier()
    assert model.W is None and model.b is None
    assert all(v == [] for v in model.history.values())


@pytest.mark.parametrize("batch_size", [None, 16])
def test_float32_in_keeps_float32(batch_size):
    X, y = blobs(dtype=np.float32)
    model = LogisticClassifier().fit(X, y, epochs=2, batch_size=batch_size)
    assert model.W.dtype == np.float32 and model.b.dtype == np.float32
    assert model.predict_proba(X).dtype == np.float32
    assert all(isinstance(v, float) for v in model.history["train_loss"])


@pytest.mark.parametrize("dtype", [np.float64, np.int64, np.float16])
def test_other_input_trains_in_float64(dtype):
    X, y = blobs()
    model = LogisticClassifier().fit(X.round().astype(dtype), y, epochs=1)
    assert model.W.dtype == np.float64 and model.b.dtype == np.float64


def test_any_memory_layout_or_list_trains_the_same():
    X, y = blobs(n=40, n_features=4)
    kwargs = dict(epochs=2, batch_size=8, learning_rate=0.1)
    ref = LogisticClassifier().fit(X, y, **kwargs)
    for X_other in (np.asfortranarray(X), X.tolist(), np.repeat(X, 2, axis=1)[:, ::2]):
        other = LogisticClassifier().fit(X_other, y.tolist(), **kwargs)
        np.testing.assert_array_equal(other.W, ref.W)


def test_float32_model_predicts_float64_input():
    X, y = blobs(dtype=np.float32)
    model = LogisticClassifier().fit(X, y, epochs=2)
    assert model.predict_proba(X.astype(np.float64)).dtype == np.float64
    np.testing.assert_array_equal(model.predict(X.astype(np.float64)), model.predict(X))
    assert repr(model) == "LogisticClassifier(sigma=0.01, seed=0, n_classes=None)"


def test_n_classes_from_labels_or_constructor():
    X, y = blobs(n_classes=3)
    assert LogisticClassifier().fit(X, y, epochs=1).W.shape[1] == 3
    assert LogisticClassifier(n_classes=5).fit(X, y, epochs=1).W.shape[1] == 5
    # Validation labels can hold a class the training labels miss.
    y_valid = y.copy()
    y_valid[0] = 4
    model = LogisticClassifier().fit(X, y, epochs=1, X_valid=X, y_valid=y_valid)
    assert model.W.shape[1] == 5


# ------------------------------------------------------------------ determinism


@pytest.mark.parametrize("batch_size", [None, 32])
def test_same_seed_same_model(batch_size):
    X, y = blobs()
    kwargs = dict(epochs=4, learning_rate=0.1, batch_size=batch_size, X_valid=X, y_valid=y)
    a = LogisticClassifier(seed=3).fit(X, y, **kwargs)
    b = LogisticClassifier(seed=3).fit(X, y, **kwargs)
    np.testing.assert_array_equal(a.W, b.W)
    np.testing.assert_array_equal(a.b, b.b)
    assert a.history == b.history
    c = LogisticClassifier(seed=4).fit(X, y, **kwargs)
    assert not np.array_equal(a.W, c.W)


def test_fit_again_starts_afresh():
    X, y = blobs()
    model = LogisticClassifier().fit(X, y, epochs=3, batch_size=16)
    W_first, history_first = model.W.copy(), model.history
    model.fit(X, y, epochs=3, batch_size=16)
    np.testing.assert_array_equal(model.W, W_first)
    assert model.history == history_first and model.history is not history_first


def test_initialize_draws_the_weights_fit_starts_from():
    X, y = blobs(n_features=4, n_classes=3)
    start = LogisticClassifier(sigma=0.3, seed=7).initialize(4, 3)
    fitted = LogisticClassifier(sigma=0.3, seed=7).fit(X, y, epochs=1, learning_rate=0.2)
    dW, db = start.gradients(X, y)
    # One full-batch epoch is exactly one gradient step from the initial weights.
    np.testing.assert_allclose(fitted.W, start.W - 0.2 * dW, rtol=0, atol=1e-14)
    np.testing.assert_allclose(fitted.b, start.b - 0.2 * db, rtol=0, atol=1e-14)
    assert fitted.history["train_loss"][0] == pytest.approx(start.loss(X, y), rel=1e-12)
    assert fitted.history["train_accuracy"][0] == start.score(X, y)


def test_sgd_is_minibatch_steps_in_a_seeded_order():
    """The fast loop equals the textbook loop built from gradients() and loss()."""
    X, y = blobs(n=50, n_features=5, n_classes=4)
    lr, batch, epochs = 0.3, 16, 2
    fitted = LogisticClassifier(sigma=0.1, seed=1).fit(
        X, y, epochs=epochs, learning_rate=lr, batch_size=batch
    )
    ref = LogisticClassifier(sigma=0.1, seed=1).initialize(5, 4)
    rng = np.random.default_rng(1)
    rng.normal(size=(5, 4))  # the stream continues after the initial weights
    for epoch in range(epochs):
        order = rng.permutation(len(X))
        loss_sum = correct = 0.0
        for start in range(0, len(X), batch):
            idx = order[start : start + batch]  # the last batch has 2 samples
            loss_sum += ref.loss(X[idx], y[idx]) * len(idx)
            correct += ref.score(X[idx], y[idx]) * len(idx)
            dW, db = ref.gradients(X[idx], y[idx])
            ref.W -= lr * dW
            ref.b -= lr * db
        assert fitted.history["train_loss"][epoch] == pytest.approx(loss_sum / len(X), rel=1e-12)
        assert fitted.history["train_accuracy"][epoch] == pytest.approx(correct / len(X))
    np.testing.assert_allclose(fitted.W, ref.W, rtol=0, atol=1e-13)
    np.testing.assert_allclose(fitted.b, ref.b, rtol=0, atol=1e-13)


def test_batch_as_big_as_the_data_is_gradient_descent():
    X, y = blobs()
    gd = LogisticClassifier().fit(X, y, epochs=3, learning_rate=0.1)
    big = LogisticClassifier().fit(X, y, epochs=3, learning_rate=0.1, batch_size=10_000)
    np.testing.assert_array_equal(gd.W, big.W)


# ------------------------------------------------------------- the math itself


def test_initial_loss_is_ln_k_with_small_sigma():
    X, y = blobs(n=200, n_features=784, n_classes=10)
    X = np.clip(X / 4, -1, 1)  # about the range of normalized pixels
    small = LogisticClassifier(sigma=1e-4).initialize(784, 10)
    assert small.loss(X, y) == pytest.approx(math.log(10), abs=1e-2)
    np.testing.assert_allclose(small.predict_proba(X), 0.1, atol=1e-2)
    # A large sigma starts opinionated, and mostly wrong: a much larger loss.
    assert LogisticClassifier(sigma=1.0).initialize(784, 10).loss(X, y) > 5


def test_loss_matches_scipy_reference():
    X, y = blobs(n=40, n_features=5, n_classes=4)
    model = LogisticClassifier(sigma=0.5, seed=2).initialize(5, 4)
    logits = X @ model.W + model.b
    expected = -np.mean(scipy.special.log_softmax(logits, axis=1)[np.arange(40), y])
    assert model.loss(X, y) == pytest.approx(expected, rel=1e-13)
    np.testing.assert_allclose(
        model.predict_proba(X), scipy.special.softmax(logits, axis=1), rtol=1e-13
    )


@pytest.mark.parametrize("fitted", [False, True])
def test_gradients_match_scipy_finite_differences(fitted):
    """Every entry of dW and db against scipy.optimize's finite differences of the loss."""
    X, y = blobs(n=30, n_features=4, n_classes=3, seed=5)
    model = LogisticClassifier(sigma=0.5, seed=1).initialize(4, 3)
    if fitted:
        model.fit(X, y, epochs=5, learning_rate=0.5)

    def loss(theta):
        model.W, model.b = theta[:12].reshape(4, 3), theta[12:]
        return model.loss(X, y)

    def grad(theta):
        model.W, model.b = theta[:12].reshape(4, 3), theta[12:]
        return np.concatenate([g.ravel() for g in model.gradients(X, y)])

    theta = np.concatenate([model.W.ravel(), model.b])
    numerical = scipy.optimize.approx_fprime(theta, loss, 1e-7)
    np.testing.assert_allclose(grad(theta), numerical, rtol=1e-5, atol=1e-7)
    assert scipy.optimize.check_grad(loss, grad, theta, epsilon=1e-7) < 1e-6


def test_gradient_check_passes_a_correct_gradient():
    X, y = blobs(n=60, n_features=8, n_classes=4)
    model = LogisticClassifier(sigma=0.1).initialize(8, 4)
    assert gradient_check(model, X, y) <= 1e-7
    model.fit(X, y, epochs=5, learning_rate=0.1)  # away from the start too
    assert gradient_check(model, X, y, n_checks=32) <= 1e-7
    W_before = model.W.copy()
    gradient_check(model, X, y)
    np.testing.assert_array_equal(model.W, W_before)  # perturbations are undone


class ForgotTheMean(LogisticClassifier):
    """A classic bug: the gradient of the summed loss, not of the mean."""

    def gradients(self, X, y):
        dW, db = super().gradients(X, y)
        return dW * len(y), db * len(y)


class ForgotTheOneHot(LogisticClassifier):
    """Another: dW = X^T S, leaving out the - L term."""

    def gradients(self, X, y):
        S = self.predict_proba(X) / len(y)
        return X.T @ S, S.sum(axis=0)


@pytest.mark.parametrize("broken", [ForgotTheMean, ForgotTheOneHot])
def test_gradient_check_catches_a_broken_gradient(broken):
    X, y = blobs(n=60, n_features=8, n_classes=4)
    model = broken(sigma=0.1).initialize(8, 4)
    assert gradient_check(model, X, y) > 1e-3


def test_gradient_check_gives_the_weight_back_even_when_interrupted(monkeypatch):
    X, y = blobs()
    model = LogisticClassifier(sigma=0.1).initialize(X.shape[1], 3)
    before = [p.copy() for p in model._params]

    def interrupted(*args):
        raise KeyboardInterrupt

    monkeypatch.setattr(model, "loss", interrupted)  # stops after the first weight moved
    with pytest.raises(KeyboardInterrupt):
        gradient_check(model, X, y)
    for p, saved in zip(model._params, before, strict=True):
        np.testing.assert_array_equal(p, saved)


def test_gradient_check_refuses_float32():
    X, y = blobs()
    model = LogisticClassifier().initialize(X.shape[1], 3)
    with pytest.raises(ValueError, match="X must be float64"):
        gradient_check(model, X.astype(np.float32), y)
    model32 = LogisticClassifier().initialize(X.shape[1], 3, dtype=np.float32)
    with pytest.raises(ValueError, match="weights must be float64.*got W in float32"):
        gradient_check(model32, X, y)
    mixed = LogisticClassifier().initialize(X.shape[1], 3)
    mixed.b = mixed.b.astype(np.float32)  # the error names the parameter that is not float64
    with pytest.raises(ValueError, match="got b in float32"):
        gradient_check(mixed, X, y)
    with pytest.raises(RuntimeError, match="initialize"):
        gradient_check(LogisticClassifier(), X, y)
    with pytest.raises(ValueError, match="eps"):
        gradient_check(model, X, y, eps=0.0)
    with pytest.raises(ValueError, match="n_checks"):
        gradient_check(model, X, y, n_checks=0)


# --------------------------------------------------------------------- training


@pytest.mark.parametrize("batch_size", [None, 16])
def test_training_lowers_the_loss(batch_size):
    X, y = blobs(n=150, n_features=10, n_classes=3, seed=2)
    model = LogisticClassifier().initialize(10, 3)
    start = model.loss(X, y)
    model.fit(X, y, epochs=20, learning_rate=0.1, batch_size=batch_size)
    losses = model.history["train_loss"]
    if batch_size is None:  # gradient descent reports the loss before each step
        assert losses[0] == pytest.approx(start, rel=1e-12)
    assert model.loss(X, y) < 0.5 * start
    assert losses[-1] < 0.5 * losses[0]
    assert model.score(X, y) > 0.9


def test_history_keys_and_lengths():
    X, y = blobs()
    model = LogisticClassifier().fit(X, y, epochs=4, batch_size=32)
    h = model.history
    assert list(h) == ["epoch", "train_loss", "train_accuracy", "valid_loss", "valid_accuracy"]
    assert h["epoch"] == [1, 2, 3, 4]
    assert len(h["train_loss"]) == len(h["train_accuracy"]) == 4
    assert h["valid_loss"] == [] and h["valid_accuracy"] == []
    model.fit(X, y, epochs=3, X_valid=X[:30], y_valid=y[:30])
    assert all(len(v) == 3 for v in model.history.values())
    # Validation figures are exact, at the end of each epoch.
    assert model.history["valid_loss"][-1] == pytest.approx(model.loss(X[:30], y[:30]))
    assert model.history["valid_accuracy"][-1] == model.score(X[:30], y[:30])
    assert all(0 <= a <= 1 for a in model.history["train_accuracy"])


def test_callback_sees_every_epoch():
    X, y = blobs()
    seen = []

    def callback(epoch, history):
        seen.append((epoch, len(history["train_loss"]), history["valid_loss"][-1]))

    model = LogisticClassifier().fit(X, y, epochs=5, X_valid=X, y_valid=y, callback=callback)
    assert [s[:2] for s in seen] == [(e, e) for e in range(1, 6)]
    assert [s[2] for s in seen] == model.history["valid_loss"]


def test_letters_accuracy_with_a_small_budget():
    from dlbasics.letters import letters
    from dlbasics.numerics import normalize_pixels

    images, labels = letters(4000, split="train", seed=0)
    test_images, test_labels = letters(2000, split="test", seed=0)
    X = normalize_pixels(images).reshape(len(images), -1)
    X_test = normalize_pixels(test_images).reshape(len(test_images), -1)
    model = LogisticClassifier(seed=0).fit(X, labels, epochs=8, learning_rate=0.05, batch_size=64)
    # Calibrated: about 0.80 on test (seeds 0-3 give 0.80-0.82), the training
    # loss falling from about 1.35 in the first epoch to under 0.5.
    assert model.score(X_test, test_labels) >= 0.75
    assert model.history["train_loss"][-1] < 0.7 < model.history["train_loss"][0]


# ------------------------------------------------------------------- divergence


@pytest.mark.parametrize("dtype, lr", [(np.float32, 1e30), (np.float64, 1e300)])
def test_divergence_is_an_error_naming_the_epoch(dtype, lr):
    X, y = blobs(n=64, n_features=20, n_classes=4)
    X = (X * 1e6).astype(dtype)  # unnormalized inputs
    model = LogisticClassifier()
    # Full batch: epoch 1 reports the loss at the start, epoch 2 the loss after a huge step.
    with pytest.warns(UserWarning, match="X looks unnormalized"):
        with pytest.raises(DivergenceError, match=r"epoch 2.*smaller learning_rate"):
            model.fit(X, y, epochs=5, learning_rate=lr)
    assert np.isfinite(model.W).all() and np.isfinite(model.b).all()
    assert len(model.history["train_loss"]) == 1
    W_after_one_epoch = model.W.copy()
    with pytest.warns(UserWarning, match="X looks unnormalized"):
        with pytest.raises(DivergenceError, match=r"epoch 1.*keeps its state before this fit"):
            model.fit(X, y, epochs=5, learning_rate=lr, batch_size=8)
    np.testing.assert_array_equal(model.W, W_after_one_epoch)
    assert issubclass(DivergenceError, FloatingPointError)


def test_huge_but_finite_inputs_do_not_warn():
    # pytest turns RuntimeWarnings into errors; overflow must be caught, not leaked.
    X, y = blobs(n=40, n_features=5, n_classes=2)
    X = (X * 1e37).astype(np.float32)
    with pytest.warns(UserWarning, match="X looks unnormalized"):
        with pytest.raises(DivergenceError, match="epoch 1"):
            LogisticClassifier(sigma=1.0).fit(X, y, epochs=2, batch_size=8, learning_rate=1.0)


# -------------------------------------------------------------------- bad input


@pytest.fixture
def data():
    return blobs(n=30, n_features=4, n_classes=3)


@pytest.mark.parametrize(
    "change, error, match",
    [
        (dict(y=np.zeros(29, int)), ValueError, r"y must have shape \(30,\)"),
        (dict(X=np.zeros(30)), ValueError, "X must be 2-D"),
        (dict(X=np.zeros((30, 2, 2))), ValueError, "X must be 2-D"),
        (dict(X="pixels"), TypeError, "X must hold real numbers"),
        (dict(X=np.full((30, 4), np.nan)), ValueError, r"X must be finite \(no NaN or inf\)"),
        (dict(X=np.full((30, 4), np.inf)), ValueError, r"X must be finite \(no NaN or inf\)"),
        (dict(y=np.full(30, -1)), ValueError, "y must be >= 0"),
        (dict(y=np.full(30, 0.5)), TypeError, "y must be integer class ids"),
        (dict(epochs=0), ValueError, "epochs must be >= 1"),
        (dict(epochs=2.0), TypeError, "epochs must be an int"),
        (dict(learning_rate=0.0), ValueError, "learning_rate must be a finite number > 0"),
        (dict(learning_rate=-0.1), ValueError, "learning_rate must be a finite number > 0"),
        (dict(learning_rate=np.nan), ValueError, "learning_rate must be a finite number > 0"),
        (dict(learning_rate=np.inf), ValueError, "learning_rate must be a finite number > 0"),
        (dict(learning_rate="0.1"), TypeError, "learning_rate must be a real number"),
        (dict(batch_size=0), ValueError, "batch_size must be >= 1"),
        (dict(batch_size=1.5), TypeError, "batch_size must be an int"),
        (dict(callback="plot"), TypeError, "callback must be callable"),
        (dict(X_valid=np.zeros((5, 4))), ValueError, "give both X_valid and y_valid"),
        (dict(X_valid=np.zeros((5, 3)), y_valid=np.zeros(5, int)), ValueError, "X_valid has 3"),
        (
            dict(X_valid=np.zeros((5, 4)), y_valid=np.zeros(4, int)),
            ValueError,
            r"y_valid must have shape \(5,\), one label per row of X_valid,",
        ),
        (dict(y=np.zeros(30, int)), ValueError, "only the label 0, one class: .* at least two"),
        (dict(X_valid=np.full((5, 4), np.nan), y_valid=np.zeros(5, int)), ValueError, "X_valid"),
    ],
)
def test_fit_refuses_bad_input(data, change, error, match):
    X, y = data
    args = dict(X=X, y=y, epochs=1)
    args.update(change)
    with pytest.raises(error, match=match):
        LogisticClassifier().fit(**args)


def test_labels_beyond_n_classes(data):
    X, y = data
    with pytest.raises(ValueError, match="y must be < n_classes=2"):
        LogisticClassifier(n_classes=2).fit(X, y)
    with pytest.raises(ValueError, match="y_valid must be < n_classes=3"):
        LogisticClassifier(n_classes=3).fit(X, y, X_valid=X[:2], y_valid=[0, 3])
    model = LogisticClassifier().fit(X, y, epochs=1)
    with pytest.raises(ValueError, match="y must be < n_classes=3"):
        model.score(X[:2], [0, 7])


@pytest.mark.parametrize(
    "kwargs, error, match",
    [
        (dict(sigma=-0.1), ValueError, "sigma must be a finite number >= 0"),
        (dict(sigma=np.nan), ValueError, "sigma must be a finite number >= 0"),
        (dict(sigma="small"), TypeError, "sigma must be a real number"),
        (dict(seed=-1), ValueError, "seed must be >= 0"),
        (dict(seed=1.5), TypeError, "seed must be an int"),
        (dict(n_classes=0), ValueError, "n_classes must be >= 2"),
    ],
)
def test_constructor_refuses_bad_arguments(kwargs, error, match):
    with pytest.raises(error, match=match):
        LogisticClassifier(**kwargs)


@pytest.mark.parametrize("method", ["predict", "predict_proba", "score", "loss", "gradients"])
def test_using_the_model_before_fit(data, method):
    X, y = data
    args = (X,) if method.startswith("predict") else (X, y)
    with pytest.raises(RuntimeError, match=r"call fit\(\) or initialize\(\) first"):
        getattr(LogisticClassifier(), method)(*args)


@pytest.mark.parametrize("method", ["predict", "predict_proba", "score", "loss", "gradients"])
def test_wrong_number_of_features(data, method):
    X, y = data
    model = LogisticClassifier().fit(X, y, epochs=1)
    args = (X[:, :3],) if method.startswith("predict") else (X[:, :3], y)
    with pytest.raises(ValueError, match="X has 3 features, but the model has 4"):
        getattr(model, method)(*args)


def test_predict_refuses_nan(data):
    X, y = data
    model = LogisticClassifier().fit(X, y, epochs=1)
    X_bad = X.copy()
    X_bad[3, 1] = np.nan
    with pytest.raises(ValueError, match=r"X must be finite \(no NaN"):
        model.predict(X_bad)


def test_initialize_refuses_bad_arguments():
    with pytest.raises(ValueError, match="n_classes is needed"):
        LogisticClassifier().initialize(784)
    with pytest.raises(ValueError, match="n_features must be >= 1"):
        LogisticClassifier().initialize(0, 10)
    with pytest.raises(ValueError, match="dtype must be float32 or float64"):
        LogisticClassifier().initialize(4, 3, dtype=np.int64)
    with pytest.raises(TypeError, match=r"dtype must be numpy.float32 or numpy.float64, got 'foo'"):
        LogisticClassifier().initialize(4, 3, dtype="foo")
    assert LogisticClassifier(n_classes=10).initialize(784).W.shape == (784, 10)


# ------------------------------------------------------------------ memory


def test_weights_that_cannot_fit_are_refused_before_allocating():
    # 10**9 classes: 64 GB of weights and work space for a single feature. Without
    # the check, the process is killed by the OS with no message.
    tracemalloc.start()
    try:
        with pytest.raises(
            ValueError,
            match=r"weights of shape \(1, 1000000000\) and the work space of batches of 1 need "
            r"about [\d.]+ GiB, more than the .* ask for a smaller batch_size, or n_features or "
            r"n_classes$",
        ):
            LogisticClassifier(n_classes=10**9).fit([[1.0]], [0])
        with pytest.raises(ValueError, match=r"weights of shape \(1000000, 1000000\)"):
            LogisticClassifier().initialize(10**6, 10**6)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 2**20


def test_the_weight_memory_estimate_counts_the_batch(monkeypatch):
    # 10 classes x (5 x 4 features + 3 x 100 rows) x 8 bytes = 25,600 bytes.
    X, y = np.zeros((100, 4)), np.arange(100) % 10
    monkeypatch.setattr(_memory, "available_memory", lambda: (25_600, "free"))
    LogisticClassifier().fit(X, y, epochs=1)
    with pytest.raises(
        ValueError, match=r"ask for a smaller batch_size, or n_features or n_classes$"
    ):
        LogisticClassifier(n_classes=11).fit(X, y, epochs=1)
    with pytest.raises(
        ValueError, match=r"shape \(100, 11\) need .*; ask for a smaller n_features or n_classes$"
    ):
        LogisticClassifier().initialize(100, 11)  # no batches: only the weights' sizes
    LogisticClassifier(n_classes=11).fit(X, y, epochs=1, batch_size=90)  # 11 x 290 x 8 < 25,600
    with pytest.raises(ValueError, match=r"weights of shape \(5, 10\)"):
        LogisticClassifier().fit(np.zeros((100, 5)), y, epochs=1)  # 10 x 325 x 8 > 25,600


def test_confusion_counts_refuses_a_matrix_that_cannot_fit():
    with pytest.raises(ValueError, match=r"a 1000000 x 1000000 count matrix need about 7450.6 GiB"):
        confusion_counts([0], [0], n_classes=10**6)
    assert confusion_counts([0, 2], [2, 2], n_classes=3).sum() == 2


@pytest.mark.parametrize("make", [
    lambda: LogisticClassifier(n_classes=1),
    lambda: LogisticClassifier().initialize(4, 1),
    lambda: HiddenLayerClassifier(hidden_units=3, n_classes=1),
])  # fmt: skip
def test_one_class_is_refused_however_it_is_asked_for(make):
    with pytest.raises(ValueError, match="n_classes must be >= 2"):
        make()
