"""Tests for dlbasics.network: the hidden-layer model's math, training and every refusal."""

import numpy as np
import pytest
import scipy.optimize
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from dlbasics import _memory
from dlbasics.classifier import DivergenceError, LogisticClassifier, gradient_check
from dlbasics.network import HiddenLayerClassifier, activation_stds, relu


def xor(n=400, seed=0, dtype=np.float64):
    """Four quadrants, opposite ones the same class: no line separates them."""
    rng = np.random.default_rng(seed)
    X = rng.uniform(-1, 1, size=(n, 2))
    return X.astype(dtype), (X[:, 0] * X[:, 1] > 0).astype(int)


def blobs(n=60, n_features=5, n_classes=3, seed=0):
    rng = np.random.default_rng(seed)
    y = np.arange(n) % n_classes
    return rng.normal(scale=2.0, size=(n_classes, n_features))[y] + rng.normal(
        size=(n, n_features)
    ), y


def flat_loss_and_grad(model, X, y):
    """The loss and gradient as functions of one flat parameter vector (for scipy)."""
    shapes = [p.shape for p in model._params]
    sizes = [int(np.prod(s)) for s in shapes]

    def unpack(theta):
        parts = np.split(theta, np.cumsum(sizes)[:-1])
        for name, part, shape in zip(model.PARAMS, parts, shapes, strict=True):
            setattr(model, name, part.reshape(shape))

    def loss(theta):
        unpack(theta)
        return model.loss(X, y)

    def grad(theta):
        unpack(theta)
        return np.concatenate([g.ravel() for g in model.gradients(X, y)])

    return np.concatenate([p.ravel() for p in model._params]), loss, grad


# --------------------------------------------------------------- the gradients


EPS = 1e-6  # the finite-difference step


def central_differences(loss, theta, eps=EPS):
    """(loss(theta + eps e_i) - loss(theta - eps e_i)) / 2 eps for every entry i."""
    grad = np.empty_like(theta)
    for i in range(theta.size):
        step = np.zeros_like(theta)
        step[i] = eps
        grad[i] = (loss(theta + step) - loss(theta - step)) / (2 * eps)
    return grad


def assert_gradients_agree(analytic, numerical):
    """Relative error below 1e-6, except for gradients at the round-off floor of the
    differences (about 1e-16 * loss / eps, so 1e-9 here), which are compared absolutely."""
    error = np.abs(analytic - numerical)
    relative = error / np.maximum(np.abs(analytic) + np.abs(numerical), 1e-300)
    assert np.all((relative < 1e-6) | (error < 1e-9)), (relative.max(), error.max())


def test_gradients_match_finite_differences_in_every_entry():
    X, y = blobs()
    model = HiddenLayerClassifier(hidden_units=7, sigma=0.5, seed=1).initialize(5, 3)
    theta, loss, grad = flat_loss_and_grad(model, X, y)
    analytic, numerical = grad(theta), central_differences(loss, theta)
    assert np.abs(analytic).min() > 1e-6  # every entry is a real test of the relative error
    assert np.max(np.abs(analytic - numerical) / (np.abs(analytic) + np.abs(numerical))) < 1e-6
    np.testing.assert_allclose(
        analytic, scipy.optimize.approx_fprime(theta, loss, 1e-7), rtol=1e-4, atol=1e-7
    )


@settings(max_examples=25, deadline=None)
@given(
    n=st.integers(2, 12),
    d=st.integers(1, 5),
    h=st.integers(1, 6),
    k=st.integers(2, 4),
    seed=st.integers(0, 2**16),
)
def test_gradients_match_finite_differences_for_any_shape(n, d, h, k, seed):
    rng = np.random.default_rng(seed)
    X, y = rng.normal(size=(n, d)), rng.integers(0, k, size=n)
    model = HiddenLayerClassifier(hidden_units=h, seed=seed).initialize(d, k)
    # Where a step of eps in W1 or b1 moves a pre-activation across 0 (relu's kink, with no
    # derivative), the differences average two slopes: such draws test nothing (seed 484).
    kink_reach = EPS * (np.abs(X).max() + 1)
    assume(np.abs(X @ model.W1 + model.b1).min() > 2 * kink_reach)
    theta, loss, grad = flat_loss_and_grad(model, X, y)
    assert_gradients_agree(grad(theta), central_differences(loss, theta))


def test_gradient_check_passes_after_training_and_catches_a_missing_mask():
    X, y = blobs()
    model = HiddenLayerClassifier(hidden_units=6).fit(X, y, epochs=5, learning_rate=0.1)
    assert gradient_check(model, X, y) < 1e-6

    class ForgotTheMask(HiddenLayerClassifier):
        @staticmethod
        def _forward_backward(X, y, W1, b1, W2, b2):
            loss, correct, _, db1, dW2, db2 = HiddenLayerClassifier._forward_backward(
                X, y, W1, b1, W2, b2
            )
            from dlbasics.model import loss_and_logit_gradient

            _, _, G = loss_and_logit_gradient(relu(X @ W1 + b1) @ W2 + b2, y)
            return loss, correct, X.T @ (G @ W2.T), db1, dW2, db2  # no [z > 0]

    broken = ForgotTheMask(hidden_units=6, sigma=0.5).initialize(5, 3)
    assert gradient_check(broken, X, y) > 1e-3


def test_dead_units_get_no_gradient():
    X, y = blobs()
    model = HiddenLayerClassifier(hidden_units=4, sigma=0.5).initialize(5, 3)
    model.b1[0] = -1e3  # unit 0 is off for every sample
    dW1, db1, dW2, _ = model.gradients(X, y)
    assert np.all(dW1[:, 0] == 0) and db1[0] == 0 and np.all(dW2[0] == 0)
    assert np.any(dW1[:, 1:] != 0)


def test_relu():
    np.testing.assert_array_equal(relu(np.array([-1.0, 0.0, 2.5])), [0.0, 0.0, 2.5])


# ------------------------------------------------------------ shapes and dtypes


def test_shapes_and_he_initialization():
    model = HiddenLayerClassifier(hidden_units=300, seed=0).initialize(n_features=784, n_classes=10)
    assert model.W1.shape == (784, 300) and model.b1.shape == (300,)
    assert model.W2.shape == (300, 10) and model.b2.shape == (10,)
    assert model.W1.std() == pytest.approx(np.sqrt(2 / 784), rel=0.01)
    assert model.W2.std() == pytest.approx(np.sqrt(2 / 300), rel=0.05)
    assert not model.b1.any() and not model.b2.any()
    fixed = HiddenLayerClassifier(hidden_units=300, sigma=0.01).initialize(784, 10)
    assert fixed.W1.std() == pytest.approx(0.01, rel=0.01)
    assert fixed.W2.std() == pytest.approx(0.01, rel=0.05)
    X = np.random.default_rng(0).normal(size=(7, 784))
    assert model.predict_proba(X).shape == (7, 10) and model.predict(X).shape == (7,)
    np.testing.assert_allclose(model.predict_proba(X).sum(axis=1), 1.0)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_training_keeps_the_precision(dtype):
    X, y = xor(dtype=dtype)
    model = HiddenLayerClassifier(hidden_units=8).fit(X, y, epochs=2, batch_size=50)
    assert all(p.dtype == dtype for p in model._params)
    assert all(g.dtype == dtype for g in model.gradients(X, y))


def test_integer_input_trains_in_float64():
    X, y = xor()
    model = HiddenLayerClassifier(hidden_units=4).fit(np.round(X * 10).astype(int), y, epochs=1)
    assert model.W1.dtype == np.float64


def test_float32_gradients_agree_with_float64():
    X, y = blobs()
    m64 = HiddenLayerClassifier(hidden_units=6).initialize(5, 3)
    m32 = HiddenLayerClassifier(hidden_units=6).initialize(5, 3, dtype=np.float32)
    for g32, g64 in zip(m32.gradients(X.astype(np.float32), y), m64.gradients(X, y), strict=True):
        np.testing.assert_allclose(g32, g64, rtol=1e-4, atol=1e-6)


# -------------------------------------------------------------------- training


def test_a_hidden_layer_learns_xor_where_the_linear_model_cannot():
    X, y = xor()
    Xt, yt = xor(seed=1)
    net = HiddenLayerClassifier(hidden_units=16).fit(
        X, y, epochs=100, learning_rate=0.5, batch_size=32
    )
    linear = LogisticClassifier().fit(X, y, epochs=100, learning_rate=0.5, batch_size=32)
    assert net.score(Xt, yt) > 0.93
    assert linear.score(Xt, yt) < 0.65


def test_fit_is_deterministic_and_starts_afresh():
    X, y = xor()
    kwargs = dict(epochs=3, learning_rate=0.3, batch_size=16, X_valid=X[:50], y_valid=y[:50])
    a = HiddenLayerClassifier(hidden_units=8, seed=3).fit(X, y, **kwargs)
    b = HiddenLayerClassifier(hidden_units=8, seed=3).fit(X, y, **kwargs)
    for pa, pb in zip(a._params, b._params, strict=True):
        np.testing.assert_array_equal(pa, pb)
    assert a.history == b.history and len(a.history["valid_loss"]) == 3
    W1 = a.W1.copy()
    a.fit(X, y, **kwargs)
    np.testing.assert_array_equal(a.W1, W1)
    c = HiddenLayerClassifier(hidden_units=8, seed=4).fit(X, y, **kwargs)
    assert not np.array_equal(a.W1, c.W1)


def test_initialize_draws_what_fit_starts_from():
    X, y = xor()
    model = HiddenLayerClassifier(hidden_units=5, seed=2).initialize(2, 2)
    first = [p.copy() for p in model._params]
    seen = []
    model.fit(X, y, epochs=1, learning_rate=1e-12, callback=lambda e, h: seen.append(e))
    for before, after in zip(first, model._params, strict=True):
        np.testing.assert_allclose(before, after, atol=1e-9)
    assert seen == [1]


def test_a_divergence_is_caught_and_keeps_the_model_from_before():
    X, y = blobs(n=120)
    model = HiddenLayerClassifier(hidden_units=16, seed=0).fit(X, y, epochs=3, learning_rate=0.1)
    W1, history = model.W1.copy(), model.history
    with pytest.raises(
        DivergenceError, match=r"training diverged in epoch 1: .*got 50\).*before this fit"
    ):
        model.fit(X, y, epochs=20, learning_rate=50.0, batch_size=8)
    np.testing.assert_array_equal(model.W1, W1)
    assert model.history is history


def test_an_exception_in_the_callback_keeps_the_completed_epochs():
    X, y = xor(n=64)

    def stop(epoch, history):
        if epoch == 2:
            raise KeyboardInterrupt

    model = HiddenLayerClassifier(hidden_units=4, seed=1)
    with pytest.raises(KeyboardInterrupt):
        model.fit(X, y, epochs=5, batch_size=16, callback=stop)
    ref = HiddenLayerClassifier(hidden_units=4, seed=1).fit(X, y, epochs=2, batch_size=16)
    np.testing.assert_array_equal(model.W2, ref.W2)
    assert model.history == ref.history


# ---------------------------------------------------------------- bad inputs


@pytest.mark.parametrize(
    "make, error, message",
    [
        (lambda: HiddenLayerClassifier(0), ValueError, r"hidden_units must be >= 1"),
        (lambda: HiddenLayerClassifier(2.5), TypeError, r"hidden_units must be an int"),
        (lambda: HiddenLayerClassifier(True), TypeError, r"hidden_units must be an int"),
        (lambda: HiddenLayerClassifier(4, sigma=-1.0), ValueError, r"sigma must be a finite"),
        (lambda: HiddenLayerClassifier(4, seed=-1), ValueError, r"seed must be >= 0"),
        (lambda: HiddenLayerClassifier(4, n_classes=0), ValueError, r"n_classes must be >= 2"),
        (lambda: HiddenLayerClassifier(4).initialize(3), ValueError, r"n_classes is needed.*"
         r"HiddenLayerClassifier\(n_classes"),
        (lambda: HiddenLayerClassifier(4).predict([[1.0]]), RuntimeError,
         r"this HiddenLayerClassifier has no weights yet"),
        (lambda: HiddenLayerClassifier(4).initialize(2, 2).predict([[1.0, 2.0, 3.0]]), ValueError,
         r"X has 3 features, but the model has 2 \(W1 has shape \(2, 4\)\)"),
        (lambda: HiddenLayerClassifier(4).fit([[1.0], [np.nan]], [0, 1]), ValueError,
         r"X must be finite \(no NaN or inf\)"),
        (lambda: HiddenLayerClassifier(4).fit([1.0, 2.0], [0, 1]), ValueError, r"X must be 2-D"),
        (lambda: HiddenLayerClassifier(4).fit([[1.0], [2.0]], [0.0, 1.0]), TypeError,
         r"y must be integer class ids"),
        (lambda: HiddenLayerClassifier(4).fit([[1.0], [2.0]], [0]), ValueError,
         r"y must have shape \(2,\)"),
        (lambda: HiddenLayerClassifier(4).fit([[1.0], [2.0]], [0, 1], epochs=0), ValueError,
         r"epochs must be >= 1"),
        (lambda: HiddenLayerClassifier(4).fit([[1.0], [2.0]], [0, 1], learning_rate=0), ValueError,
         r"learning_rate must be a finite number > 0"),
        (lambda: HiddenLayerClassifier(4).fit([[1.0], [2.0]], [0, 1], X_valid=[[1.0]]), ValueError,
         r"give both X_valid and y_valid"),
        (lambda: HiddenLayerClassifier(4).fit([[1.0], [2.0]], [0, 10**6]), ValueError,
         r"would make 1000001 classes.*HiddenLayerClassifier\(n_classes"),
        (lambda: HiddenLayerClassifier(4).fit([[1.0], [2.0]], [0, 1], callback=3), TypeError,
         r"callback must be callable"),
        (lambda: HiddenLayerClassifier(4).initialize(2, 2, dtype=np.float16), ValueError,
         r"dtype must be float32 or float64"),
    ],
)  # fmt: skip
def test_bad_input_gets_a_message_naming_it(make, error, message):
    with pytest.raises(error, match=message):
        make()


def test_too_many_hidden_units_are_refused_before_allocating(monkeypatch):
    monkeypatch.setattr(_memory, "available_memory", lambda: (10**6, "free"))
    with pytest.raises(ValueError, match=r"weights of shapes \(784, 1000\).*hidden_units"):
        HiddenLayerClassifier(hidden_units=1000).initialize(784, 10)
    X, y = xor(n=16)
    with pytest.raises(
        ValueError,
        match=r"batches of 16 need .*ask for a smaller batch_size, or n_features, hidden_units "
        r"or n_classes$",
    ):
        HiddenLayerClassifier(hidden_units=20_000).fit(X, y)


def test_raw_pixels_get_the_warning():
    X, y = xor()
    with pytest.warns(UserWarning, match=r"X looks unnormalized"):
        HiddenLayerClassifier(hidden_units=4).fit(X * 255, y, epochs=1, learning_rate=1e-6)


# ----------------------------------------------------- initialization in depth


def test_he_keeps_the_signal_and_a_small_sigma_shrinks_it():
    X = np.random.default_rng(0).normal(size=(400, 200))
    he = activation_stds(X, 10, 200)
    small = activation_stds(X, 10, 200, sigma=0.01)
    assert 0.5 < he[-1] / he[0] < 2
    ratios = small[1:] / small[:-1]
    np.testing.assert_allclose(ratios, 0.01 * np.sqrt(200 / 2), rtol=0.15)  # sigma sqrt(n/2)
    assert small[-1] < 1e-8


@pytest.mark.parametrize(
    "kwargs, message",
    [
        (dict(X=np.ones(3), n_layers=2, width=4), r"X must be 2-D"),
        (dict(X=np.ones((3, 3)), n_layers=0, width=4), r"n_layers must be >= 1"),
        (dict(X=np.ones((3, 3)), n_layers=2, width=0), r"width must be >= 1"),
        (dict(X=np.ones((3, 3)), n_layers=2, width=4, sigma=-1.0), r"sigma must be"),
    ],
)
def test_activation_stds_refuses_bad_input(kwargs, message):
    with pytest.raises(ValueError, match=message):
        activation_stds(**kwargs)
