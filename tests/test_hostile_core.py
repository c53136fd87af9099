"""Hostile inputs to the core math and the classifier (issue 11): each gets a clear error or a
correct result, nothing allocates without bound, an interrupted fit loses nothing."""

import math
import sys
import tracemalloc
import warnings

import numpy as np
import pytest

import dlbasics.training as training
from dlbasics import (
    add_repeatedly,
    compensated_sum,
    cross_entropy_from_logits,
    entropy,
    gaussian_init,
    init_sigma,
    logsumexp,
    one_hot,
    standardize,
)
from dlbasics.classifier import DivergenceError, LogisticClassifier, gradient_check
from dlbasics.descent import gradient_descent
from dlbasics.letters import letters
from dlbasics.network import RINGS_TRAINING, HiddenLayerClassifier, two_rings
from dlbasics.numerics import normalize_pixels
from dlbasics.sigma_experiment import unit_logits

RNG = np.random.default_rng(0)
X4, Y4 = RNG.normal(size=(30, 4)), np.arange(30) % 3


def fit(X=X4, y=Y4, **kwargs):
    return LogisticClassifier(**kwargs.pop("init", {})).fit(X, y, epochs=1, **kwargs)


# ----------------------------------------------------- the table: input -> exact error

HOSTILE = [
    # item 2: one stray label must not allocate for a million classes
    ("label 10**6", lambda: fit(y=np.r_[Y4[:-1], 10**6]), ValueError, r"y holds the label 1000000"),
    (
        "valid label 10**9",
        lambda: fit(X_valid=X4[:2], y_valid=[0, 10**9]),
        ValueError,
        r"y_valid holds the label 1000000000.*n_classes=",
    ),
    (
        "uint64 2**64-1",
        lambda: fit(y=np.r_[Y4[:-1].astype(np.uint64), np.uint64(2**64 - 1)]),
        ValueError,
        r"y must be < 2\*\*63",
    ),
    ("ragged labels", lambda: fit(y=[[0, 1], [2]]), ValueError, r"y must be a rectangular array"),
    # item 3: standardize
    ("standardize NaN X", lambda: standardize([[np.nan], [1.0]]), ValueError, r"X must be finite"),
    ("standardize inf X", lambda: standardize([[np.inf], [1.0]]), ValueError, r"X must .*got inf"),
    (
        "standardize overflowing X",
        lambda: standardize([[1e308], [1e308]]),
        ValueError,
        r"X is too large to standardize",
    ),
    (
        "standardize NaN mean",
        lambda: standardize([[1.0]], [np.nan], [1.0]),
        ValueError,
        r"mean must be finite \(no NaN",
    ),
    (
        "standardize inf std",
        lambda: standardize([[1.0]], [0.0], [np.inf]),
        ValueError,
        r"std must be finite \(no NaN or inf\)",
    ),
    # item 9: entropy of things that are not distributions
    ("entropy [5, 5]", lambda: entropy([5.0, 5.0]), ValueError, r"p must hold probabilities"),
    ("entropy [0.7, 0.7]", lambda: entropy([0.7, 0.7]), ValueError, r"p must sum to 1"),
    # item 10: errors that name the argument
    (
        "gradient_check(object())",
        lambda: gradient_check(object(), X4, Y4),
        TypeError,
        r"model must be a LogisticClassifier .*got object",
    ),
    (
        "ragged images",
        lambda: unit_logits([np.zeros((28, 28)), np.zeros((27, 28))]),
        ValueError,
        r"images must be a rectangular array",
    ),
    ("logsumexp keepdims='no'", lambda: logsumexp([1.0], keepdims="no"), TypeError, "keepdims"),
    (
        "ragged labels for cross_entropy_from_logits",
        lambda: cross_entropy_from_logits([[1.0, 2.0]], [[0], []]),
        ValueError,
        r"labels must be a rectangular array",
    ),
    (
        "compensated_sum of a number",
        lambda: compensated_sum(5),
        TypeError,
        r"values must be an iterable of numbers, got int",
    ),
    (
        "compensated_sum of text",
        lambda: compensated_sum([1.0, "a"]),
        TypeError,
        r"values must hold numbers, got str 'a'",
    ),
    (
        "add_repeatedly from text",
        lambda: add_repeatedly("1e9", 1e-6, 3),
        TypeError,
        r"start must be a real number, got str '1e9'",
    ),
    # item 11: gaussian_init dtypes
    (
        "gaussian_init int32",
        lambda: gaussian_init(3, 1.0, RNG, dtype=np.int32),
        TypeError,
        r"dtype must be a floating dtype.*int32",
    ),
    (
        "gaussian_init bool",
        lambda: gaussian_init(3, 1.0, RNG, dtype=bool),
        TypeError,
        r"dtype must be a floating dtype.*bool",
    ),
    (
        "gaussian_init float16 overflow",
        lambda: gaussian_init(100, 1e6, RNG, dtype=np.float16),
        ValueError,
        r"sigma=1000000.0 is too large for float16",
    ),
    # issue 19.1: every size a caller gives is checked before anything is allocated
    ("one_hot 10**12 classes", lambda: one_hot([0], 10**12), ValueError, r"7450.6 GiB.*n_classes"),
    (
        "one_hot 1000 x 10**8",
        lambda: one_hot(np.zeros(1000, int), 10**8),
        ValueError,
        r"one-hot labels of shape \(1000, 100000000\) need about 745.1 GiB.*n_classes",
    ),
    (
        "gaussian_init 10**6 x 10**6",
        lambda: gaussian_init((10**6, 10**6), 0.1, RNG),
        ValueError,
        r"weights of shape \(1000000, 1000000\) need about 7450.6 GiB.*smaller shape",
    ),
    (
        "gaussian_init 10**5 x 10**5",
        lambda: gaussian_init((10**5, 10**5), 0.1, RNG),
        ValueError,
        r"74.5 GiB.*memory available; ask for a smaller shape",
    ),
    (
        "gradient_descent 10**9 steps",
        lambda: gradient_descent(lambda w: w, [0.0], learning_rate=0.1, steps=10**9),
        ValueError,
        r"steps must be at most MAX_STEPS = 1,000,000, got 1,000,000,000",
    ),
    (
        "gradient_descent 10**7 steps",
        lambda: gradient_descent(lambda w: w, [0.0], learning_rate=0.1, steps=10**7),
        ValueError,
        r"at most MAX_STEPS",
    ),
    (
        "gradient_descent path of 10**11 numbers",
        lambda: gradient_descent(lambda w: w, np.zeros(10**5), learning_rate=0.1, steps=10**6),
        ValueError,
        r"path's 1,000,001 points need about 745.1 GiB.*smaller steps",
    ),
    # issue 19.5: an overflowing running total is reported, never a silent inf
    (
        "compensated_sum overflow",
        lambda: compensated_sum([1e308, 1e308, -1e308]),
        OverflowError,
        r"running total overflowed at 1e\+308 \+ 1e\+308",
    ),
    (  # a step far too large: the path overflows, and says so instead of filling with NaN
        "gradient_descent that diverges",
        lambda: gradient_descent(lambda w: 2 * w, [1.0], learning_rate=1e6, steps=100),
        DivergenceError,
        r"gradient descent stopped in step \d+: the gradient or the weights became inf or NaN\. "
        r"If the weights grew at every step, the learning_rate is too large \(got 1e\+06",
    ),
    (  # a gradient that is NaN at finite weights: the message points at gradient(w) too
        "gradient_descent whose gradient is NaN",
        lambda: gradient_descent(lambda w: np.log(w - 5), [1.0], learning_rate=0.1, steps=3),
        DivergenceError,
        r"stopped in step 1: .*check what gradient\(w\) returns",
    ),
    (  # the running total stays finite; the carried rounding errors tip it over
        "compensated_sum overflow in its last addition",
        lambda: compensated_sum([sys.float_info.max, 9.9e291, 9.9e291]),
        OverflowError,
        r"overflowed adding the carried rounding error 1\.98e\+292",
    ),
    (
        "compensated_sum of a string",
        lambda: compensated_sum("123"),
        TypeError,
        r"values must be an iterable of numbers, got str",
    ),
]


@pytest.mark.parametrize("case, call, error, match", HOSTILE, ids=[h[0] for h in HOSTILE])
def test_hostile_input_gets_a_clear_error(case, call, error, match):
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # and no warning on the way
        with pytest.raises(error, match=match):
            call()


# --------------------------------------------------------------- correct results instead


@pytest.mark.parametrize(
    "values, want",
    [
        ([math.inf, 1.0], math.inf),
        ([-math.inf, 1.0], -math.inf),
    ],
)
def test_compensated_sum_of_infinities_is_what_sum_gives(values, want):
    """An inf among the values is the answer (math.fsum agrees); only overflow raises."""
    assert compensated_sum(values) == sum(values) == math.fsum(values) == want


def test_compensated_sum_overflows_where_fsum_does():
    with pytest.raises(OverflowError):
        math.fsum([1e308, 1e308, -1e308])
    assert compensated_sum([1e308, -1e308, 1e308]) == math.fsum([1e308, -1e308, 1e308]) == 1e308


def test_compensated_sum_nan_stays_nan():
    assert math.isnan(compensated_sum([math.inf, -math.inf])) and math.isnan(
        sum([math.inf, -math.inf])
    )


def test_explicit_n_classes_may_exceed_the_inferred_bound():
    model = LogisticClassifier(n_classes=10_001).fit(X4, np.r_[Y4[:-1], 10_000], epochs=1)
    assert model.W.shape == (4, 10_001)


def test_uint64_labels_below_2_63_train():
    model = LogisticClassifier().fit(X4, Y4.astype(np.uint64), epochs=1)
    assert model.W.shape == (4, 3)


@pytest.mark.parametrize(
    "mean, std, n, dtype",
    [(1e12, 1.0, 10_000, np.float64), (1000.0, 0.01, 60_000, np.float32)],
)
def test_standardize_a_varying_feature_with_a_large_mean(mean, std, n, dtype):
    X = (mean + std * np.random.default_rng(1).normal(size=(n, 1))).astype(dtype)
    Z, _, got_std = standardize(X)
    assert got_std[0] == pytest.approx(std, rel=0.05)
    assert Z.std() == pytest.approx(1.0, rel=1e-3)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_standardize_keeps_a_feature_that_only_one_sample_lights(dtype):
    # Like a corner pixel that is ink in one image out of 60,000.
    X = np.zeros((60_000, 1), dtype)
    X[0] = 1.0
    Z, _, std = standardize(X)
    assert std[0] == pytest.approx(np.sqrt(1 / 60_000 - 1 / 60_000**2), rel=1e-3)
    assert Z[0, 0] > 200 and Z.std() == pytest.approx(1.0, rel=1e-3)


def test_standardize_constant_columns_of_any_size_are_constant():
    Z, _, std = standardize(np.array([[1e12, 0.1, -3e-7]] * 1000))
    np.testing.assert_array_equal(std, 0.0)
    np.testing.assert_array_equal(Z, 0.0)


def test_one_hot_allocates_only_its_result():
    tracemalloc.start()
    L = one_hot([0, 29_999], 30_000)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert L.shape == (2, 30_000) and L.sum() == 2 and L[1, 29_999] == 1
    assert peak < 2 * L.nbytes  # a 30000 x 30000 identity would be 7.2 GB


def test_entropy_nan_in_nan_out():
    assert np.isnan(entropy([np.nan, np.nan]))
    h = entropy([[0.5, np.nan], [0.5, 0.5]])
    assert np.isnan(h[0]) and h[1] == pytest.approx(math.log(2))


def test_gaussian_init_float16_within_range():
    W = gaussian_init((50, 10), 0.01, np.random.default_rng(0), dtype=np.float16)
    assert W.dtype == np.float16 and np.isfinite(W).all()


# --------------------------------------------------------------- init_sigma


def test_init_sigma_values():
    assert init_sigma("lecun", 784) == pytest.approx(1 / 28)
    assert init_sigma("he", 50) == pytest.approx(0.2)
    assert init_sigma("xavier", 784, 10) == pytest.approx(math.sqrt(2 / 794))


def test_init_sigma_keeps_the_first_logits_of_order_one():
    rng = np.random.default_rng(0)
    for n_in in (10, 784, 10_000):
        X = rng.normal(size=(200, n_in))  # normalized inputs, variance 1
        logits = X @ gaussian_init((n_in, 10), init_sigma("lecun", n_in), rng)
        assert logits.std() == pytest.approx(1.0, rel=0.1)


@pytest.mark.parametrize(
    "args, error, match",
    [
        (("glorot", 10), ValueError, r"kind must be one of"),
        (("xavier", 10), ValueError, r"needs fan_out"),
        (("lecun", 10, 5), ValueError, r"fan_out is only used by kind='xavier'"),
        (("he", 0), ValueError, r"fan_in must be >= 1"),
        (("he", 2.5), TypeError, r"fan_in must be an int"),
        (("xavier", 10, 0), ValueError, r"fan_out must be >= 1"),
    ],
)
def test_init_sigma_bad_input(args, error, match):
    with pytest.raises(error, match=match):
        init_sigma(*args)


# ------------------------------------------------------------ divergence (item 1)


@pytest.fixture(scope="module")
def letter_data():
    images, labels = letters(3000, split="train", seed=0)
    return images, labels, normalize_pixels(images).reshape(len(images), -1)


@pytest.mark.parametrize("batch_size", [None, 128])
def test_raw_pixels_at_the_default_learning_rate_raise(letter_data, batch_size):
    images, labels, _ = letter_data
    raw = images.reshape(len(images), -1).astype(np.float32)
    model = LogisticClassifier()
    with pytest.warns(UserWarning, match=r"X looks unnormalized.*normalize_pixels"):
        with pytest.raises(
            DivergenceError, match=r"epoch \d: training loss .*smaller learning_rate"
        ):
            model.fit(raw, labels, epochs=5, batch_size=batch_size)
    assert all(loss < 100 * math.log(10) for loss in model.history["train_loss"])


# The settings the course uses (notebook 05 and the docstrings): normalized or
# centred letters, SGD with batches of 128 at learning rates 0.01-0.1, full-batch
# gradient descent at 0.03-0.1. None may end 3 epochs in a row above its start.
COURSE_GRID = [
    (centred, lr, batch_size, epochs)
    for centred in (False, True)
    for lr, batch_size, epochs in [(lr, 128, 30) for lr in (0.01, 0.03, 0.05, 0.1)]
    + [(lr, None, 60) for lr in (0.03, 0.05, 0.1)]
]


@pytest.mark.parametrize("centred, learning_rate, batch_size, epochs", COURSE_GRID)
def test_normal_course_runs_raise_no_false_alarm(
    letter_data, centred, learning_rate, batch_size, epochs
):
    _, labels, X = letter_data
    if centred:
        X = X - X.mean(axis=0)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        model = LogisticClassifier().fit(
            X, labels, epochs=epochs, learning_rate=learning_rate, batch_size=batch_size
        )
    assert len(model.history["train_loss"]) == epochs
    assert model.history["train_loss"][-1] < 0.8 * math.log(10)  # and it did learn


def test_a_loss_that_stays_above_its_start_raises(letter_data):
    # Full batch at learning rate 0.5 on normalized letters: 2.3, 4.0, 15, 22, 25 ...
    # never inf, never 100x ln 10, and 20% accuracy.
    _, labels, X = letter_data
    model = LogisticClassifier()
    with pytest.raises(
        DivergenceError,
        match=r"epoch 4: training loss .* above its starting value max\(initial loss, ln K\) = "
        r"2.3\d* for 3 epochs in a row \([\d.]+, [\d.]+, [\d.]+\)\. Try a smaller "
        r"learning_rate \(got 0.5\) or normalized inputs.* The model keeps epoch 3\.",
    ):
        model.fit(X, labels, epochs=20, learning_rate=0.5)
    assert model.history["epoch"] == [1, 2, 3]  # the last completed epoch is kept


def test_raw_pixels_at_a_small_learning_rate_raise(letter_data):
    # Notebook 05's raw-pixel run: no overflow, losses in the hundreds, no learning.
    images, labels, _ = letter_data
    raw = images.reshape(len(images), -1).astype(np.float32)
    with pytest.warns(UserWarning, match=r"X looks unnormalized"):
        with pytest.raises(DivergenceError, match=r"for 3 epochs in a row"):
            LogisticClassifier().fit(raw, labels, epochs=10, batch_size=128, learning_rate=0.01)


def test_one_epoch_above_the_start_is_not_yet_divergence():
    # Epoch 1 above ln K, then down: the first large steps overshoot, then recover.
    history = {"train_loss": []}
    W, b = np.zeros((2, 2)), np.zeros(2)
    for epoch, loss in enumerate([3.0, 2.9, 0.5, 3.0, 3.0], start=1):
        training.check_divergence(
            {"epoch": epoch, "train_loss": loss}, history, (W, b), math.log(2), 0.1
        )
        history["train_loss"].append(loss)
    with pytest.raises(DivergenceError, match=r"epoch 6: .*3 epochs in a row \(3, 3, 3\)"):
        training.check_divergence({"epoch": 6, "train_loss": 3.0}, history, (W, b), 0.7, 0.1)


def test_a_loss_that_stays_at_its_start_has_not_diverged():
    # A model that has not begun to learn wobbles a hair around its start: 0.05 % above
    # for three epochs is not divergence; 2 % above is.
    W, b = np.zeros((2, 2)), np.zeros(2)
    start = math.log(2)
    history = {"train_loss": [1.0005 * start] * 2}
    training.check_divergence(
        {"epoch": 3, "train_loss": 1.0005 * start}, history, (W, b), start, 0.5
    )
    history = {"train_loss": [1.02 * start] * 2}
    with pytest.raises(DivergenceError, match=r"epoch 3: .*3 epochs in a row"):
        training.check_divergence(
            {"epoch": 3, "train_loss": 1.02 * start}, history, (W, b), start, 0.5
        )


def test_a_hidden_layer_started_small_learns_slowly_and_is_not_called_diverged():
    # sigma = 0.01 on the rings: the loss sits a hair above ln 2 for epochs, then falls.
    # It used to be stopped as diverged, with the advice of a smaller learning rate.
    X, y = two_rings(400, seed=0)
    model = HiddenLayerClassifier(16, sigma=0.01, seed=0).fit(X, y, **RINGS_TRAINING)
    assert len(model.history["epoch"]) == RINGS_TRAINING["epochs"]
    assert model.score(X, y) > 0.85


# -------------------------------------------------- interrupts lose nothing (item 7)


def stop_at(k, error=KeyboardInterrupt):
    def callback(epoch, history):
        if epoch == k:
            raise error("stop")

    return callback


@pytest.mark.parametrize("error", [KeyboardInterrupt, RuntimeError])
def test_an_exception_in_the_callback_keeps_the_completed_epochs(error):
    kwargs = dict(learning_rate=0.3, batch_size=8, X_valid=X4, y_valid=Y4)
    model = LogisticClassifier(seed=2)
    with pytest.raises(error):
        model.fit(X4, Y4, epochs=6, callback=stop_at(3, error), **kwargs)
    ref = LogisticClassifier(seed=2).fit(X4, Y4, epochs=3, **kwargs)
    np.testing.assert_array_equal(model.W, ref.W)
    np.testing.assert_array_equal(model.b, ref.b)
    assert model.history == ref.history


def interrupt_after(n_batches, monkeypatch):
    """Make the n-th batch of training raise KeyboardInterrupt (the notebook's stop button)."""
    real, calls = LogisticClassifier._forward_backward, []

    def interrupted(*args):
        calls.append(1)
        if len(calls) == n_batches:
            raise KeyboardInterrupt
        return real(*args)

    monkeypatch.setattr(LogisticClassifier, "_forward_backward", staticmethod(interrupted))


def test_an_interrupt_mid_epoch_keeps_the_last_completed_epoch(monkeypatch):
    kwargs = dict(learning_rate=0.3, batch_size=8)  # 4 batches per epoch
    interrupt_after(4 * 2 + 2, monkeypatch)  # in the middle of epoch 3
    model = LogisticClassifier(seed=1)
    with pytest.raises(KeyboardInterrupt):
        model.fit(X4, Y4, epochs=5, **kwargs)
    monkeypatch.undo()
    ref = LogisticClassifier(seed=1).fit(X4, Y4, epochs=2, **kwargs)
    np.testing.assert_array_equal(model.W, ref.W)
    assert model.history == ref.history and model.history["epoch"] == [1, 2]


def test_an_interrupted_refit_keeps_the_previous_model(monkeypatch):
    model = LogisticClassifier(seed=0).fit(X4, Y4, epochs=4, learning_rate=0.3)
    W, history = model.W.copy(), model.history
    interrupt_after(1, monkeypatch)  # the first batch of the new fit
    with pytest.raises(KeyboardInterrupt):
        model.fit(X4, Y4, epochs=4, learning_rate=0.01)
    np.testing.assert_array_equal(model.W, W)
    assert model.history is history and len(history["epoch"]) == 4


def test_an_interrupted_first_fit_leaves_no_weights(monkeypatch):
    interrupt_after(1, monkeypatch)
    model = LogisticClassifier()
    with pytest.raises(KeyboardInterrupt):
        model.fit(X4, Y4, epochs=2)
    assert model.W is None and model.b is None and model.history["epoch"] == []
